"""Dictation: recordings go to the provider's speech-to-text API and come back as text.

The provider is a fake served on loopback by the test, speaking the OpenAI audio
transcriptions API (multipart in, JSON out).
"""

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr

from app.settings import Settings
from tests.conftest import StartChat
from tests.support import covers, replies

AUDIO = b"\x1a\x45\xdf\xa3 not really webm, but bytes all the same"


@dataclass
class SpeechApi:
    """A loopback stand-in for the provider's transcription endpoint."""

    url: str = ""
    status: int = 200
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    def form(self) -> dict[str, Message]:
        """The multipart fields of the one request received, by name."""
        ((_, headers, body),) = self.requests
        head = f"Content-Type: {headers['content-type']}\r\n\r\n".encode()
        parsed = BytesParser(policy=HTTP).parsebytes(head + body)
        return {
            part.get_param("name", header="content-disposition"): part
            for part in parsed.iter_parts()
        }


@pytest.fixture
def speech_api() -> Iterator[SpeechApi]:
    api = SpeechApi()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {k.lower(): v for k, v in self.headers.items()}
            api.requests.append((self.path, headers, body))
            answer = (
                {"text": "hello world"}
                if api.status == 200
                else {"error": {"message": "no"}}
            )
            payload = json.dumps(answer).encode()
            self.send_response(api.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield api
    server.shutdown()
    server.server_close()


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
