"""Requests name their user in a header; each user sees only their own threads."""

from app.settings import Settings
from tests.conftest import StartChat
from tests.support import ChatKitClient, replies, thread_id_of, user_input


def test_requests_without_a_user_are_401(
    start_chat: StartChat, settings: Settings
) -> None:
    chat = start_chat(replies())
    for headers in ({}, {settings.user_header: ""}, {settings.user_header: "  "}):
        anonymous = ChatKitClient(chat.http, headers)
        response = anonymous.send("threads.list", limit=10, order="desc")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
        assert response.headers["x-frame-options"] == "DENY"


def test_users_only_see_their_own_threads(
    start_chat: StartChat, settings: Settings
) -> None:
    alice = start_chat(replies("Hello, Alice."))
    bob = ChatKitClient(alice.http, {settings.user_header: "bob"})

    thread_id = thread_id_of(alice.create_thread("Hi, I am Alice"))

    assert bob.call("threads.list", limit=10, order="desc")["data"] == []
    for request_type, params in [
        ("threads.get_by_id", {}),
        ("items.list", {}),
        ("threads.update", {"title": "mine now"}),
        ("threads.delete", {}),
        ("threads.add_user_message", {"input": user_input("Hi, I am Alice")}),
    ]:
        response = bob.send(request_type, thread_id=thread_id, **params)
        assert response.status_code == 404, request_type

    listed = alice.call("threads.list", limit=10, order="desc")["data"]
    assert [thread["id"] for thread in listed] == [thread_id]
    assert len(alice.items(thread_id)) == 2
