"""Signed URLs: a browser may upload or fetch one attachment without custom headers.

An `<img>` tag cannot send the headers that say who the user is, so the URL itself
carries the user, an expiry and an HMAC over both and the attachment id. Guessing
ids gets nobody anywhere: without the secret, no URL verifies.
"""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class UrlSigner:
    secret: bytes

    def query(
        self, purpose: str, attachment_id: str, user_id: str, ttl_seconds: int
    ) -> dict[str, str]:
        """Query parameters that let `user_id` do `purpose` until the expiry."""
        expires = str(int(time.time()) + ttl_seconds)
        return {
            "user": user_id,
            "expires": expires,
            "signature": self._sign(purpose, attachment_id, user_id, expires),
        }

    def verify(
        self,
        purpose: str,
        attachment_id: str,
        user_id: str,
        expires: str,
        signature: str,
    ) -> bool:
        """Whether the parameters came from `query` and have not expired."""
        if not expires.isdigit() or int(expires) < time.time():
            return False
        expected = self._sign(purpose, attachment_id, user_id, expires)
        return hmac.compare_digest(expected, signature)

    def _sign(
        self, purpose: str, attachment_id: str, user_id: str, expires: str
    ) -> str:
        # JSON keeps the parts apart whatever characters they contain.
        message = json.dumps([purpose, attachment_id, user_id, expires]).encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()
