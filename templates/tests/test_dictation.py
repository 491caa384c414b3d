"""Dictation: recordings go to the provider's speech-to-text API and come back as text.

The provider is a fake served on loopback (tests/speech_api.py, the `speech_api`
fixture).
"""

import base64
from typing import Any

import pytest
from pydantic import SecretStr

from app.settings import Settings
from tests.conftest import StartChat
from tests.speech_api import SpeechApi
from tests.support import covers, replies

AUDIO = b"\x1a\x45\xdf\xa3 not really webm, but bytes all the same"


def transcribe(
    chat: Any, audio: bytes, mime_type: str = "audio/webm;codecs=opus"
) -> Any:
    return chat.send(
        "input.transcribe",
        audio_base64=base64.b64encode(audio).decode(),
        mime_type=mime_type,
    )


@covers("input.transcribe")
def test_a_recording_comes_back_as_text(
    start_chat: StartChat, speech_api: SpeechApi
) -> None:
    chat = start_chat(
        replies(),
        transcription_base_url=speech_api.url,
        api_key=SecretStr("sk-test-key"),
    )

    response = transcribe(chat, AUDIO)

    assert response.status_code == 200, response.text
    assert response.json() == {"text": "hello world"}
    ((path, headers, _),) = speech_api.requests
    assert path == "/v1/audio/transcriptions"
    assert headers["authorization"] == "Bearer sk-test-key"
    form = speech_api.form()
    # As configured (LiteLLM sends it without its vendor prefix).
    model = Settings.model_fields["transcription_model"].default
    assert form["model"].get_content().strip() == model.rpartition("/")[2]
    upload = form["file"]
    assert upload.get_filename() == "speech.webm"
    assert upload.get_content_type() == "audio/webm"
    assert upload.get_payload(decode=True) == AUDIO


@pytest.mark.parametrize(
    ("audio", "mime_type", "status", "code"),
    [
        (b"x" * 2_001, "audio/webm", 413, "audio_too_large"),
        (AUDIO, "audio/wav", 415, "unsupported_audio_type"),
    ],
)
def test_recordings_outside_the_limits_are_refused_before_the_provider_sees_them(
    start_chat: StartChat,
    speech_api: SpeechApi,
    audio: bytes,
    mime_type: str,
    status: int,
    code: str,
) -> None:
    chat = start_chat(
        replies(), transcription_base_url=speech_api.url, dictation_max_bytes=2_000
    )

    response = transcribe(chat, audio, mime_type)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert speech_api.requests == []


def test_a_provider_failure_is_reported_without_its_details(
    start_chat: StartChat, speech_api: SpeechApi
) -> None:
    speech_api.status = 401
    chat = start_chat(
        replies(),
        transcription_base_url=speech_api.url,
        api_key=SecretStr("sk-secret-key"),
    )

    response = transcribe(chat, AUDIO)

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "transcription_failed"
    assert "HTTP 401" in error["message"]
    assert "sk-secret-key" not in response.text
