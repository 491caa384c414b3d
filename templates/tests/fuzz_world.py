"""The world the fuzzer's requests meet, and what must hold after each of them.

The user has two threads; one holds an item of every kind a request can act on
(a pending client tool call newest, as the SDK wants it). Another user has a
thread, a message and a file marked SECRET. Ids are fixed, so that the strategies
in tests/fuzz_requests.py can name them and a failing example replays exactly.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chatkit.store import NotFoundError
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ClientToolCallItem,
    FileAttachment,
    StructuredInputFreeform,
    StructuredInputItem,
    ThreadItem,
    ThreadMetadata,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
)
from chatkit.widgets import Card, Text
from httpx import Response

from app.context import RequestContext
from tests.fuzz_requests import Names
from tests.support import parse_sse

# Calls a method of the app's store by name, on the loop the store runs on.
StoreCall = Callable[..., Any]
# Posts a body to /chatkit as the user.
Post = Callable[[bytes], Response]

SECRET = "SECRET-of-bob"
OWN, OTHER, THEIRS = "thr_fuzz_own", "thr_fuzz_other", "thr_fuzz_bob"
OWN_FILE, THEIR_FILE = "atc_fuzz_own", "atc_fuzz_bob"
T0 = datetime(2026, 1, 1)


def _own_items() -> list[ThreadItem]:
    base = {"thread_id": OWN, "created_at": T0}
    return [
        UserMessageItem(
            id="msg_fuzz_question",
            content=[UserMessageTextContent(text="What is on the list?")],
            inference_options={},
            **base,
        ),
        AssistantMessageItem(
            id="msg_fuzz_answer",
            content=[AssistantMessageContent(text="Milk and eggs.")],
            **base,
        ),
        WidgetItem(id="wdg_fuzz", widget=Card(children=[Text(value="A card")]), **base),
        StructuredInputItem(
            id="si_fuzz",
            inputs=[StructuredInputFreeform(id="name", question="Your name?")],
            **base,
        ),
        ClientToolCallItem(
            id="ctc_fuzz",
            call_id="call_fuzz",
            name="get_page_selection",
            arguments={},
            **base,
        ),
    ]


def _user_message(item_id: str, thread_id: str, text: str) -> UserMessageItem:
    return UserMessageItem(
        id=item_id,
        thread_id=thread_id,
        created_at=T0,
        content=[UserMessageTextContent(text=text)],
        inference_options={},
    )


@dataclass
class World:
    call: StoreCall
    user: RequestContext
    other_user: RequestContext

    def names(self, words: list[str]) -> Names:
        items = [item.id for item in _own_items()]
        return Names(
            thread_ids=[OWN, OTHER, THEIRS, "thr_missing"],
            item_ids=[*items, "msg_fuzz_other", "msg_fuzz_bob", "msg_missing"],
            attachment_ids=[OWN_FILE, THEIR_FILE, "atc_missing"],
            words=[self.user.user_id, self.other_user.user_id, "name", *words],
        )

    def seed(self) -> None:
        """The other user's part, once; then the user's, as `reset` leaves it."""
        bob = self.other_user
        self.call("save_thread", self._thread(THEIRS, f"{SECRET} title"), bob)
        message = _user_message("msg_fuzz_bob", THEIRS, f"{SECRET} text")
        self.call("add_thread_item", THEIRS, message, bob)
        self.call("save_attachment", self._file(THEIR_FILE, f"{SECRET}.txt"), bob)
        self.reset()

    def reset(self) -> None:
        """Put the user's threads and files back as seeded."""
        user = self.user
        for thread in self.call("load_threads", 1000, None, "asc", user).data:
            self.call("delete_thread", thread.id, user)
        for attachment_id, owner in self.call("unsent_attachments", 2**62):
            if owner == user.user_id:
                self.call("delete_attachment", attachment_id, user)
        self.call("save_thread", self._thread(OWN, "Shopping"), user)
        for step, item in enumerate(_own_items()):
            moved = item.model_copy(update={"created_at": T0 + timedelta(seconds=step)})
            self.call("add_thread_item", OWN, moved, user)
        self.call("save_thread", self._thread(OTHER, None), user)
        other = _user_message("msg_fuzz_other", OTHER, "Another question")
        self.call("add_thread_item", OTHER, other, user)
        self.call("save_attachment", self._file(OWN_FILE, "notes.txt"), user)

    def snapshot(self) -> dict[str, Any]:
        """Everything stored for both users, as JSON-able values."""
        state: dict[str, Any] = {
            "unsent": sorted(self.call("unsent_attachments", 2**62))
        }
        for context in (self.user, self.other_user):
            threads = self.call("load_threads", 1000, None, "asc", context).data
            for thread in threads:
                items = self.call(
                    "load_thread_items", thread.id, None, 1000, "asc", context
                )
                feedback = self.call("load_feedback", thread.id, context)
                state[thread.id] = {
                    "thread": thread.model_dump(mode="json"),
                    "items": [item.model_dump(mode="json") for item in items.data],
                    "feedback": [(f.item_id, f.kind) for f in feedback],
                }
        for attachment_id, context in [
            (OWN_FILE, self.user),
            (THEIR_FILE, self.other_user),
        ]:
            try:
                found = self.call("load_attachment", attachment_id, context)
                state[attachment_id] = found.model_dump(mode="json")
            except NotFoundError:
                state[attachment_id] = None
        return state

    def _thread(self, thread_id: str, title: str | None) -> ThreadMetadata:
        return ThreadMetadata(id=thread_id, title=title, created_at=T0)

    def _file(self, attachment_id: str, name: str) -> FileAttachment:
        # As the app records an upload: new, so that no cleanup sweep removes it.
        metadata = {"size": 5, "uploaded": True, "created_us": time.time_ns() // 1000}
        return FileAttachment(
            id=attachment_id, name=name, mime_type="text/plain", metadata=metadata
        )


def check_answer(
    world: World, post: Post, body: bytes, before: dict[str, Any], answer: Response
) -> None:
    """What must hold after any request, however hostile."""
    status = answer.status_code
    assert status < 500, f"{status}: {answer.text[:2000]}"
    request = json.loads(body)
    after = world.snapshot()
    theirs = [THEIRS, THEIR_FILE]
    assert {k: after[k] for k in theirs} == {k: before[k] for k in theirs}
    if status >= 400:
        error = answer.json()["error"]
        assert isinstance(error["code"], str) and error["code"], answer.text
        assert isinstance(error["message"], str) and error["message"], answer.text
        assert after == before, "a refused request changed what is stored"
    elif answer.headers["content-type"].startswith("text/event-stream"):
        for event in parse_sse(answer.text):
            assert event.get("code") != "stream.error", event
    else:
        answer.json()
    # The other user's data never shows; an id they own only echoes a request.
    assert SECRET not in answer.text
    for their_id in ("thr_fuzz_bob", "msg_fuzz_bob", THEIR_FILE):
        if their_id in answer.text:
            assert status >= 400 and their_id in json.dumps(request), answer.text
    deleted = request["type"] == "threads.delete" and status == 200
    if not (deleted and request["params"]["thread_id"] == OWN):
        _still_readable(post)


def _still_readable(post: Post) -> None:
    for request_type, params in [
        ("threads.get_by_id", {"thread_id": OWN}),
        ("items.list", {"thread_id": OWN, "limit": 100}),
    ]:
        body = json.dumps({"type": request_type, "params": params}).encode()
        answer = post(body)
        assert answer.status_code == 200, f"{request_type}: {answer.text[:2000]}"
