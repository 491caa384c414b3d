"""Errors a request can end in that are the client's to fix, not the server's."""


class RequestError(Exception):
    """Answered as `{"error": {"code", "message"}}` with `status` (see app/main.py)
    and any `headers`, e.g. `WWW-Authenticate` on a 401."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
