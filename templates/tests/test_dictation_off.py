"""Dictation is off: a recording gets a 400 naming the setting, nothing is sent on."""

import base64

from tests.conftest import StartChat
from tests.support import covers, replies


@covers("input.transcribe")
def test_a_recording_is_refused_clearly(start_chat: StartChat) -> None:
    chat = start_chat(replies())

    response = chat.send(
        "input.transcribe",
        audio_base64=base64.b64encode(b"\x1aE\xdf\xa3 audio").decode(),
        mime_type="audio/webm;codecs=opus",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "dictation_off"
    assert "--dictation on" in error["message"]
