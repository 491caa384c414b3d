"""Bearer tokens for the tests, minted here, and a loopback JWKS server."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

SECRET = "secret-for-the-tests-only-0123456789abcdef"
AUDIENCE = "chatkit-tests"
ISSUER = "https://issuer.example.test"


def mint(
    user: str | None = "alice",
    *,
    key: Any = SECRET,
    algorithm: str = "HS256",
    kid: str | None = None,
    **claims: Any,
) -> str:
    """A token for `user`, valid for five minutes; a claim given as None is left out."""
    now = int(time.time())
    payload = {"sub": user, "aud": AUDIENCE, "iat": now, "exp": now + 300, **claims}
    payload = {name: value for name, value in payload.items() if value is not None}
    headers = {"kid": kid} if kid else None
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class SigningKey:
    """A key pair the identity provider signs with; the server sees `jwk`."""

    kid: str
    algorithm: str
    private: Any

    @classmethod
    def rsa(cls, kid: str) -> "SigningKey":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(kid, "RS256", private)

    @classmethod
    def ec(cls, kid: str) -> "SigningKey":
        return cls(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))

    @property
    def jwk(self) -> dict[str, Any]:
        codec = RSAAlgorithm if self.algorithm == "RS256" else ECAlgorithm
        public = codec.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "alg": self.algorithm, "use": "sig"}

    def mint(self, user: str = "alice", **claims: Any) -> str:
        return mint(
            user, key=self.private, algorithm=self.algorithm, kid=self.kid, **claims
        )


class JwksServer:
    """Serves `keys` as a JWKS document on 127.0.0.1; counts the fetches."""

    def __init__(self, keys: list[SigningKey]) -> None:
        self.keys = keys
        self.fetches = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.fetches += 1
                body = json.dumps({"keys": [key.jwk for key in server.keys]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/jwks.json"


@contextmanager
def jwks_server(*keys: SigningKey) -> Iterator[JwksServer]:
    server = JwksServer(list(keys))
    thread = threading.Thread(target=server.http.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.http.shutdown()
        server.http.server_close()
