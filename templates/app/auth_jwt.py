"""Bearer tokens (`Authorization: Bearer <JWT>`), verified by the server itself.

The keys are either one HS256 secret (`CHATKIT_JWT_SECRET`) or the public keys
an identity provider publishes at a JWKS URL (`CHATKIT_JWT_JWKS_URL`; RS256 and
ES256), cached and fetched again when a token names a key not seen yet. Every
token must name the configured audience (and issuer, when set), carry `exp`, and
hold the user id in `settings.jwt_user_claim`. A refused token is answered 401
with the reason; the reason is logged, the token never is.
"""

import logging
from typing import Any

import jwt
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from app.context import RequestContext
from app.errors import RequestError
from app.settings import Settings
from app.startup import StartupError

logger = logging.getLogger(__name__)

SECRET_ALGORITHMS = ["HS256"]
JWKS_ALGORITHMS = ["RS256", "ES256"]
MIN_SECRET_BYTES = 32

# Why a token was refused, by PyJWT's exception; the first match wins.
REASONS: list[tuple[type[Exception], str]] = [
    (jwt.ExpiredSignatureError, "it has expired"),
    (jwt.ImmatureSignatureError, "it is not valid yet"),
    (jwt.InvalidAudienceError, "it is meant for another audience"),
    (jwt.InvalidIssuerError, "it comes from another issuer"),
    (jwt.InvalidSignatureError, "its signature does not match"),
    (jwt.InvalidAlgorithmError, "its algorithm is not accepted"),
    (jwt.PyJWKClientError, "it names a signing key the key set does not have"),
    (jwt.DecodeError, "it is not a well-formed JWT"),
]


class JwtAuth:
    """Who is asking, from the request's bearer token: `await auth(request)`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._secret: str | None = None
        self._jwks: jwt.PyJWKClient | None = None
        self._algorithms = SECRET_ALGORITHMS

    def start(self) -> None:
        """Check the settings once, at start-up; raises StartupError."""
        settings = self.settings
        # An empty variable (as a copied .env.example leaves it) counts as unset.
        secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else ""
        url = settings.jwt_jwks_url or ""
        if bool(secret) == bool(url):
            raise StartupError(
                "Set exactly one of CHATKIT_JWT_SECRET (HS256) and "
                "CHATKIT_JWT_JWKS_URL (RS256/ES256): --auth jwt verifies tokens with it."
            )
        if not settings.jwt_audience:
            raise StartupError(
                "Set CHATKIT_JWT_AUDIENCE to the audience (aud) your tokens are "
                "issued for: without it, tokens meant for other apps would pass."
            )
        if secret:
            if len(secret.encode()) < MIN_SECRET_BYTES:
                raise StartupError(
                    f"CHATKIT_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long."
                )
            self._secret = secret
            return
        if not url.startswith(("https://", "http://")):
            raise StartupError("CHATKIT_JWT_JWKS_URL must be an http(s) URL.")
        self._algorithms = JWKS_ALGORITHMS
        self._jwks = jwt.PyJWKClient(
            url,
            lifespan=settings.jwt_jwks_cache_seconds,
            timeout=settings.jwt_jwks_timeout,
            cooldown_duration=settings.jwt_jwks_refresh_cooldown,
        )

    async def __call__(self, request: Request) -> RequestContext:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise RequestError(
                401,
                "unauthenticated",
                "Send the user's token as `Authorization: Bearer <token>`.",
                {"WWW-Authenticate": "Bearer"},
            )
        try:
            if self._jwks is None:
                user_id = self._verify(token)
            else:
                # Fetching the key set is blocking I/O: keep it off the event loop.
                user_id = await run_in_threadpool(self._verify, token)
        except (jwt.PyJWKClientConnectionError, jwt.PyJWKSetError) as exc:
            logger.warning("cannot fetch the JWKS key set: %s", type(exc).__name__)
            raise RequestError(
                503,
                "auth_unavailable",
                "The keys to verify tokens with cannot be fetched; try again shortly.",
            ) from None
        except jwt.PyJWTError as exc:
            reason = _reason(exc)
            logger.info("bearer token refused on %s: %s", request.url.path, reason)
            raise _invalid_token(reason) from None
        if user_id is None:
            reason = f"its {self.settings.jwt_user_claim} claim names no user"
            logger.info("bearer token refused on %s: %s", request.url.path, reason)
            raise _invalid_token(reason)
        return RequestContext(user_id=user_id)

    def _verify(self, token: str) -> str | None:
        """The token's user id; raises a PyJWTError for a token to refuse."""
        if jwt.get_unverified_header(token).get("alg") not in self._algorithms:
            # Refused before any key is looked up: `none`, or HS256 against a JWKS.
            raise jwt.InvalidAlgorithmError("algorithm not accepted")
        key: Any = self._secret
        if self._jwks is not None:
            key = self._jwks.get_signing_key_from_jwt(token).key
        claims = jwt.decode(
            token,
            key,
            algorithms=self._algorithms,
            audience=self.settings.jwt_audience,
            issuer=self.settings.jwt_issuer or None,
            leeway=self.settings.jwt_leeway,
            options={"require": ["exp"]},
        )
        user_id = claims.get(self.settings.jwt_user_claim)
        return user_id if isinstance(user_id, str) and user_id.strip() else None


def _reason(exc: Exception) -> str:
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"it has no {exc.claim} claim"
    for kind, reason in REASONS:
        if isinstance(exc, kind):
            return reason
    return f"it failed the {type(exc).__name__} check"


def _challenge(reason: str) -> str:
    return f'Bearer error="invalid_token", error_description="{reason}"'


def _invalid_token(reason: str) -> RequestError:
    return RequestError(
        401,
        "invalid_token",
        f"The bearer token was refused: {reason}.",
        {"WWW-Authenticate": _challenge(reason)},
    )
