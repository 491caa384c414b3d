"""Models that reuse one placeholder id still get one stored item per message."""

from datetime import datetime

from chatkit.types import (
    AssistantMessageItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
)

from app.item_ids import ItemIdRemapper
from tests.conftest import StartChat
from tests.support import (
    PLACEHOLDER_ID,
    assistant_events,
    item_text,
    replies,
    thread_id_of,
)


def test_reused_ids_become_distinct_items(start_chat: StartChat) -> None:
    chat = start_chat(replies(["a1", "a2"], ["b1", "b2"]))

    first_turn = chat.create_thread("q1")
    thread_id = thread_id_of(first_turn)
    second_turn = chat.add_message(thread_id, "q2")

    for events in (first_turn, second_turn):
        streamed = assistant_events(events)
        assert len(streamed) == 2
        assert PLACEHOLDER_ID not in streamed
        for event_types in streamed.values():
            # added, updated..., done: all under the one id.
            assert event_types[0] == "thread.item.added"
            assert event_types[-1] == "thread.item.done"

    items = chat.items(thread_id)
    assert [item_text(item) for item in items] == ["q1", "a1", "a2", "q2", "b1", "b2"]
    assert len({item["id"] for item in items}) == 6


def message(item_id: str, text: str) -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id="thr_1",
        created_at=datetime.now(),
        content=[{"text": text, "annotations": []}],
    )


def test_removal_covers_every_message_issued_under_the_id() -> None:
    fresh_ids = iter(["msg_1", "msg_2"])
    remapper = ItemIdRemapper(lambda: next(fresh_ids))

    for text in ("first", "second"):
        remapper.remap(ThreadItemAddedEvent(item=message(PLACEHOLDER_ID, text)))
        remapper.remap(ThreadItemDoneEvent(item=message(PLACEHOLDER_ID, text)))
    removed = remapper.remap(ThreadItemRemovedEvent(item_id=PLACEHOLDER_ID))

    assert removed == [
        ThreadItemRemovedEvent(item_id="msg_1"),
        ThreadItemRemovedEvent(item_id="msg_2"),
    ]


def test_other_events_pass_through() -> None:
    remapper = ItemIdRemapper(lambda: "msg_new")
    event = ThreadItemRemovedEvent(item_id="wf_1")
    assert remapper.remap(event) == [event]
