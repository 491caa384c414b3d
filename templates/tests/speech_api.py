"""A loopback stand-in for the provider's speech-to-text API, for the tests.

It speaks the OpenAI audio transcriptions API (multipart in, JSON out).
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


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


@contextmanager
def serve_speech_api() -> Iterator[SpeechApi]:
    """Serve the stand-in on a free loopback port until the block ends."""
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
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
