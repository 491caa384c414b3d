"""A conversation in the database survives a restart of the app."""

from fastapi.testclient import TestClient

from app.agent import build_agent
from app.main import create_app
from app.settings import Settings
from tests.support import ChatKitClient, item_text, replies, thread_id_of


def test_conversation_survives_restart(
    settings: Settings, client_headers: dict[str, str]
) -> None:
    app = create_app(settings=settings, agent=build_agent(replies("Hello!")))
    with TestClient(app) as http:
        chat = ChatKitClient(http, client_headers)
        thread_id = thread_id_of(chat.create_thread("Hi"))

    restarted = create_app(settings=settings, agent=build_agent(replies("Again!")))
    with TestClient(restarted) as http:
        chat = ChatKitClient(http, client_headers)
        assert [item_text(i) for i in chat.items(thread_id)] == ["Hi", "Hello!"]
        chat.add_message(thread_id, "Remember me?")
        assert [item_text(i) for i in chat.items(thread_id)] == [
            "Hi",
            "Hello!",
            "Remember me?",
            "Again!",
        ]
