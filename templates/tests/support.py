"""Test helpers: a scripted stand-in for the model and a small ChatKit client."""

import json
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from agents.testing import ModelCall, ModelStep, ScriptedModel, assistant_message
from chatkit.types import ThreadItem
from fastapi.testclient import TestClient
from httpx import Response

from app.context import RequestContext

# The one id Chat Completions based models give every output item.
PLACEHOLDER_ID = "__fake_id__"

Event = dict[str, Any]
TestFunction = TypeVar("TestFunction", bound=Callable[..., Any])


Turn = str | list[str] | Exception | ModelStep


def replies(*turns: Turn) -> ScriptedModel:
    """A model that answers call N with the message(s) in `turns[N]`, or raises it.

    Every message carries the same placeholder id, as Chat Completions based
    models (OpenAI-compatible endpoints, LiteLLM) do.
    """
    return ScriptedModel([_step(turn) for turn in turns])


def _step(turn: Turn) -> list[Any] | Exception | ModelStep:
    if isinstance(turn, Exception | ModelStep):
        return turn
    texts = [turn] if isinstance(turn, str) else turn
    return [assistant_message(text, item_id=PLACEHOLDER_ID) for text in texts]


def streamed_in_pieces(text: str, pieces: int) -> ModelStep:
    """A step answering `text` in `pieces` text deltas, as Chat Completions streams."""
    whole = ScriptedModel([[assistant_message(text, item_id=PLACEHOLDER_ID)]])

    async def events(call: ModelCall) -> AsyncIterator[Any]:
        stream = whole.stream_response(
            call.system_instructions,
            call.input,
            call.model_settings,
            call.tools,
            call.output_schema,
            call.handoffs,
            call.tracing,
            previous_response_id=call.previous_response_id,
            conversation_id=call.conversation_id,
            prompt=call.prompt,
        )
        async for event in stream:
            if event.type != "response.output_text.delta":
                yield event
                continue
            size = -(-len(event.delta) // pieces)
            for start in range(0, len(event.delta), size):
                yield event.model_copy(
                    update={"delta": event.delta[start : start + size]}
                )

    return ModelStep.stream(events)


def user_input(text: str) -> dict[str, Any]:
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }


def item_text(item: dict[str, Any]) -> str:
    """The text of a user or assistant message as the API returns it."""
    return "".join(part["text"] for part in item["content"])


class ChatKitClient:
    """Speaks the ChatKit wire protocol to the app under test."""

    def __init__(self, http: TestClient, headers: dict[str, str] | None = None) -> None:
        self.http = http
        self.headers = headers or {}

    def send(self, request_type: str, **params: Any) -> Response:
        return self.http.post(
            "/chatkit",
            json={"type": request_type, "params": params},
            headers=self.headers,
        )

    def stream(self, request_type: str, **params: Any) -> list[Event]:
        response = self.send(request_type, **params)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/event-stream")
        return parse_sse(response.text)

    def create_thread(self, text: str) -> list[Event]:
        return self.stream("threads.create", input=user_input(text))

    def add_message(self, thread_id: str, text: str) -> list[Event]:
        return self.stream(
            "threads.add_user_message", thread_id=thread_id, input=user_input(text)
        )

    def call(self, request_type: str, **params: Any) -> Any:
        response = self.send(request_type, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def items(self, thread_id: str) -> list[dict[str, Any]]:
        page = self.call("items.list", thread_id=thread_id, order="asc", limit=100)
        return page["data"]

    def stored_items(self, thread_id: str, context: RequestContext) -> list[ThreadItem]:
        """Every item the app's store holds for the thread, hidden ones too."""
        page = self.portal_call(
            "load_thread_items", thread_id, None, 1000, "asc", context
        )
        return page.data

    def portal_call(self, store_method: str, *args: Any) -> Any:
        """Call a method of the app's own store, on the app's event loop."""
        assert self.http.portal is not None, "start the TestClient first"
        store = self.http.app.state.chatkit_server.store  # type: ignore[attr-defined]
        return self.http.portal.call(getattr(store, store_method), *args)


def parse_sse(body: str) -> list[Event]:
    """The JSON payloads of a `text/event-stream` body, in order."""
    return [
        json.loads(line.removeprefix("data: "))
        for line in body.splitlines()
        if line.startswith("data: ")
    ]


def thread_id_of(events: list[Event]) -> str:
    return next(e["thread"]["id"] for e in events if e["type"] == "thread.created")


def assistant_events(events: list[Event]) -> dict[str, list[str]]:
    """Event types seen per assistant message id, in stream order."""
    seen: dict[str, list[str]] = {}
    for event in events:
        if event["type"] in ("thread.item.added", "thread.item.done"):
            if event["item"]["type"] == "assistant_message":
                seen.setdefault(event["item"]["id"], []).append(event["type"])
        elif event["type"] == "thread.item.updated":
            seen.setdefault(event["item_id"], []).append(event["type"])
    return seen


def covers(*request_types: str) -> Callable[[TestFunction], TestFunction]:
    """Mark a test as one that sends each of `request_types` and checks the answer.

    tests/test_request_types.py fails when a type the SDK accepts has no such test.
    """

    def mark(test: TestFunction) -> TestFunction:
        test.covers_requests = request_types  # type: ignore[attr-defined]
        return test

    return mark
