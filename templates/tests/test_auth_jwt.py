"""Bearer tokens: who may ask, what is refused and why, keys from a JWKS URL."""

import logging
import time
from collections.abc import Callable

import pytest
from pydantic import SecretStr

from app.startup import StartupError
from tests.conftest import StartChat
from tests.support import ChatKitClient, replies, thread_id_of
from tests.tokens import ISSUER, SigningKey, bearer, jwks_server, mint

RSA_KEY = SigningKey.rsa("rsa-1")

BAD_TOKENS: dict[str, tuple[Callable[[], str], str]] = {
    "malformed": (lambda: "not-a-jwt", "not a well-formed JWT"),
    "expired": (lambda: mint(exp=int(time.time()) - 120), "it has expired"),
    "not yet valid": (lambda: mint(nbf=int(time.time()) + 120), "not valid yet"),
    "wrongly signed": (
        lambda: mint(key="another-secret-of-at-least-32-bytes!"),
        "signature does not match",
    ),
    "wrong audience": (lambda: mint(aud="another-app"), "another audience"),
    "alg none": (lambda: mint(key=None, algorithm="none"), "algorithm"),
    "asymmetric, without a JWKS": (lambda: RSA_KEY.mint(), "algorithm"),
    "without exp": (lambda: mint(exp=None), "no exp claim"),
    "without a user": (lambda: mint(None), "sub claim names no user"),
}


def refused(chat: ChatKitClient, token: str) -> str:
    """Asserts a 401 for `token` and answers the reason given."""
    response = ChatKitClient(chat.http, bearer(token)).send(
        "threads.list", limit=10, order="desc"
    )
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "invalid_token"
    assert response.headers["www-authenticate"].startswith(
        'Bearer error="invalid_token"'
    )
    return response.json()["error"]["message"]


def status_of(client: ChatKitClient) -> int:
    return client.send("threads.list", limit=10, order="desc").status_code


def test_requests_without_a_bearer_token_are_401(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    for headers in (
        {},
        {"Authorization": "Basic YWxpY2U6"},
        {"Authorization": "Bearer "},
    ):
        response = ChatKitClient(chat.http, headers).send(
            "threads.list", limit=10, order="desc"
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_bad_tokens_are_refused_and_the_reason_logged(
    start_chat: StartChat, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    make, reason = BAD_TOKENS[kind]
    token = make()
    chat = start_chat(replies())
    with caplog.at_level(logging.INFO, logger="app.auth_jwt"):
        assert reason in refused(chat, token)
    assert reason in caplog.text
    assert token not in caplog.text


def test_small_clock_skew_is_allowed(start_chat: StartChat) -> None:
    def expired_5s_ago() -> str:
        return mint(exp=int(time.time()) - 5)

    lenient = start_chat(replies())
    skewed = ChatKitClient(lenient.http, bearer(expired_5s_ago()))
    assert status_of(skewed) == 200
    assert "expired" in refused(start_chat(replies(), jwt_leeway=0), expired_5s_ago())


def test_the_issuer_is_checked_when_set(start_chat: StartChat) -> None:
    chat = start_chat(replies(), jwt_issuer=ISSUER)
    assert "no iss claim" in refused(chat, mint())
    assert "another issuer" in refused(chat, mint(iss="https://elsewhere.test"))
    ok = ChatKitClient(chat.http, bearer(mint(iss=ISSUER)))
    assert status_of(ok) == 200


def test_users_only_see_their_own_threads(start_chat: StartChat) -> None:
    alice = start_chat(replies("Hello, Alice."))
    bob = ChatKitClient(alice.http, bearer(mint("bob")))
    thread_id = thread_id_of(alice.create_thread("Hi, I am Alice"))

    assert bob.call("threads.list", limit=10, order="desc")["data"] == []
    response = bob.send("threads.get_by_id", thread_id=thread_id)
    assert response.status_code == 404
    listed = alice.call("threads.list", limit=10, order="desc")["data"]
    assert [thread["id"] for thread in listed] == [thread_id]


def test_the_user_claim_is_a_setting(start_chat: StartChat) -> None:
    chat = start_chat(replies("Hi."), jwt_user_claim="email")
    first = ChatKitClient(chat.http, bearer(mint("same-sub", email="a@example.com")))
    other = ChatKitClient(chat.http, bearer(mint("same-sub", email="b@example.com")))
    thread_id_of(first.create_thread("Hello"))
    assert len(first.call("threads.list", limit=10, order="desc")["data"]) == 1
    assert other.call("threads.list", limit=10, order="desc")["data"] == []
    assert "email claim names no user" in refused(chat, mint("same-sub"))


def test_health_needs_no_token(start_chat: StartChat) -> None:
    chat = start_chat(replies())
    assert chat.http.get("/health").status_code == 200


def test_keys_from_a_jwks_url_and_their_rotation(start_chat: StartChat) -> None:
    ec_key, rotated = SigningKey.ec("ec-1"), SigningKey.rsa("rsa-2")
    with jwks_server(RSA_KEY, ec_key) as idp:
        chat = start_chat(
            replies(),
            jwt_secret=None,
            jwt_jwks_url=idp.url,
            jwt_jwks_refresh_cooldown=0,
        )
        for key in (RSA_KEY, ec_key):
            signed = ChatKitClient(chat.http, bearer(key.mint()))
            assert status_of(signed) == 200
        assert idp.fetches == 1  # the key set is cached

        # The provider rotates: a token with the new kid makes the server fetch again.
        idp.keys = [rotated]
        signed = ChatKitClient(chat.http, bearer(rotated.mint()))
        assert status_of(signed) == 200
        assert idp.fetches == 2
        assert "signing key" in refused(chat, RSA_KEY.mint())
        # HS256 signed with the public key must not pass as the provider's token.
        assert "algorithm" in refused(chat, mint(key="x" * 64))


def test_unknown_kids_do_not_fetch_the_key_set_each_time(start_chat: StartChat) -> None:
    with jwks_server(RSA_KEY) as idp:
        chat = start_chat(replies(), jwt_secret=None, jwt_jwks_url=idp.url)
        signed = ChatKitClient(chat.http, bearer(RSA_KEY.mint()))
        assert status_of(signed) == 200
        for n in range(5):
            assert "signing key" in refused(chat, SigningKey.rsa(f"new-{n}").mint())
        assert idp.fetches == 1


def test_an_unreachable_jwks_url_is_503(start_chat: StartChat) -> None:
    with jwks_server() as idp:
        url = idp.url
    chat = start_chat(replies(), jwt_secret=None, jwt_jwks_url=url)
    response = ChatKitClient(chat.http, bearer(RSA_KEY.mint())).send(
        "threads.list", limit=10, order="desc"
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "auth_unavailable"


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"jwt_secret": None}, "CHATKIT_JWT_SECRET"),
        ({"jwt_secret": SecretStr("")}, "CHATKIT_JWT_SECRET"),
        ({"jwt_jwks_url": "https://idp.example.test/jwks"}, "CHATKIT_JWT_JWKS_URL"),
        ({"jwt_audience": None}, "CHATKIT_JWT_AUDIENCE"),
        ({"jwt_secret": SecretStr("short")}, "at least 32 bytes"),
    ],
)
def test_missing_or_weak_settings_stop_the_start(
    start_chat: StartChat, overrides: dict[str, object], named: str
) -> None:
    with pytest.raises(StartupError, match=named):
        start_chat(replies(), **overrides)
