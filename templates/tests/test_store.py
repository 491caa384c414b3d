"""The store behaves as the ChatKit SDK needs, scoped by user."""

import asyncio
from datetime import datetime, timedelta

import pytest
from chatkit.store import NotFoundError
from chatkit.types import (
    FileAttachment,
    Page,
    Thread,
    ThreadMetadata,
    UserMessageItem,
)

from app.context import RequestContext
from app.store import ChatStore

T0 = datetime(2026, 1, 1, 12, 0, 0)


def thread(thread_id: str, *, at: datetime = T0, title: str | None = None):
    return ThreadMetadata(id=thread_id, created_at=at, title=title)


def user_message(item_id: str, text: str, *, at: datetime = T0) -> UserMessageItem:
    return UserMessageItem(
        id=item_id,
        thread_id="thr_1",
        created_at=at,
        content=[{"type": "input_text", "text": text}],
        inference_options={},
    )


async def add_items(
    store: ChatStore, context: RequestContext, count: int, *, same_time: bool = False
) -> list[str]:
    await store.save_thread(thread("thr_1"), context)
    ids = [f"msg_{n:03}" for n in range(count)]
    for n, item_id in enumerate(ids):
        at = T0 if same_time else T0 + timedelta(seconds=n)
        await store.add_thread_item(
            "thr_1", user_message(item_id, str(n), at=at), context
        )
    return ids


async def collect(store: ChatStore, context: RequestContext, order: str, limit: int):
    """Walk every page with `after` cursors; return ids and the pages seen."""
    pages: list[Page] = []
    after = None
    while True:
        page = await store.load_thread_items("thr_1", after, limit, order, context)
        pages.append(page)
        if not page.has_more:
            return [item.id for p in pages for item in p.data], pages
        assert page.after == page.data[-1].id
        after = page.after


@pytest.mark.parametrize("same_time", [False, True])
async def test_items_paginate_both_ways(
    store: ChatStore, alice: RequestContext, same_time: bool
) -> None:
    ids = await add_items(store, alice, 7, same_time=same_time)

    ascending, pages = await collect(store, alice, "asc", 3)
    assert ascending == ids
    assert [len(p.data) for p in pages] == [3, 3, 1]
    assert [p.has_more for p in pages] == [True, True, False]

    descending, _ = await collect(store, alice, "desc", 3)
    assert descending == ids[::-1]

    newest = await store.load_thread_items("thr_1", None, 2, "desc", alice)
    assert [item.id for item in newest.data] == ids[:-3:-1]


async def test_exact_page_boundary_has_no_more(
    store: ChatStore, alice: RequestContext
) -> None:
    await add_items(store, alice, 4)
    first = await store.load_thread_items("thr_1", None, 4, "asc", alice)
    assert len(first.data) == 4
    assert not first.has_more
    assert first.after is None


async def test_threads_are_upserted_as_metadata(
    store: ChatStore, alice: RequestContext
) -> None:
    await store.save_thread(thread("thr_1"), alice)
    # The SDK sometimes hands over a full Thread, e.g. after a title change.
    await store.save_thread(
        Thread(id="thr_1", created_at=T0, title="Renamed", items=Page()), alice
    )

    loaded = await store.load_thread("thr_1", alice)
    assert type(loaded) is ThreadMetadata
    assert loaded.title == "Renamed"
    page = await store.load_threads(10, None, "desc", alice)
    assert [(t.id, t.title) for t in page.data] == [("thr_1", "Renamed")]


async def test_items_are_upserted_in_place(
    store: ChatStore, alice: RequestContext
) -> None:
    ids = await add_items(store, alice, 3)
    await store.add_thread_item("thr_1", user_message(ids[0], "again"), alice)
    await store.save_item("thr_1", user_message(ids[1], "edited"), alice)

    page = await store.load_thread_items("thr_1", None, 10, "asc", alice)
    assert [(i.id, i.content[0].text) for i in page.data] == [
        (ids[0], "again"),
        (ids[1], "edited"),
        (ids[2], "2"),
    ]
    assert (await store.load_item("thr_1", ids[1], alice)).content[0].text == "edited"


async def test_threads_list_newest_first(
    store: ChatStore, alice: RequestContext
) -> None:
    for n in range(5):
        await store.save_thread(thread(f"thr_{n}", at=T0 + timedelta(minutes=n)), alice)

    first = await store.load_threads(2, None, "desc", alice)
    assert [t.id for t in first.data] == ["thr_4", "thr_3"]
    assert first.has_more
    rest = await store.load_threads(10, first.after, "desc", alice)
    assert [t.id for t in rest.data] == ["thr_2", "thr_1", "thr_0"]
    assert not rest.has_more


async def test_missing_rows_raise_not_found(
    store: ChatStore, alice: RequestContext
) -> None:
    with pytest.raises(NotFoundError):
        await store.load_thread("thr_missing", alice)
    with pytest.raises(NotFoundError):
        await store.load_thread_items("thr_missing", None, 10, "asc", alice)
    await store.save_thread(thread("thr_1"), alice)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_1", "msg_missing", alice)
    with pytest.raises(NotFoundError):
        await store.load_attachment("atc_missing", alice)


def attachment(attachment_id: str, thread_id: str | None) -> FileAttachment:
    return FileAttachment(
        id=attachment_id, name="notes.txt", mime_type="text/plain", thread_id=thread_id
    )


async def test_delete_thread_removes_its_items_and_attachments(
    store: ChatStore, alice: RequestContext
) -> None:
    ids = await add_items(store, alice, 2)
    await store.save_attachment(attachment("atc_1", "thr_1"), alice)
    await store.save_attachment(attachment("atc_2", None), alice)
    await store.delete_thread("thr_1", alice)

    with pytest.raises(NotFoundError):
        await store.load_attachment("atc_1", alice)
    assert (await store.load_attachment("atc_2", alice)).name == "notes.txt"

    with pytest.raises(NotFoundError):
        await store.load_thread("thr_1", alice)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_1", ids[0], alice)
    # A thread created again under the same id starts empty.
    await store.save_thread(thread("thr_1"), alice)
    page = await store.load_thread_items("thr_1", None, 10, "asc", alice)
    assert page.data == []


async def test_users_only_see_their_own_threads(
    store: ChatStore, alice: RequestContext, bob: RequestContext
) -> None:
    ids = await add_items(store, alice, 2)

    assert (await store.load_threads(10, None, "desc", bob)).data == []
    with pytest.raises(NotFoundError):
        await store.load_thread("thr_1", bob)
    with pytest.raises(NotFoundError):
        await store.load_thread_items("thr_1", None, 10, "asc", bob)
    with pytest.raises(NotFoundError):
        await store.load_item("thr_1", ids[0], bob)
    with pytest.raises(NotFoundError):
        await store.add_thread_item("thr_1", user_message("msg_x", "hi"), bob)
    with pytest.raises(NotFoundError):
        await store.save_thread(thread("thr_1", title="taken over"), bob)
    with pytest.raises(NotFoundError):
        await store.save_item("thr_1", user_message(ids[0], "changed"), bob)
    with pytest.raises(NotFoundError):
        await store.delete_thread_item("thr_1", ids[0], bob)
    with pytest.raises(NotFoundError):
        await store.delete_thread("thr_1", bob)

    assert (await store.load_thread("thr_1", alice)).title is None
    page = await store.load_thread_items("thr_1", None, 10, "asc", alice)
    assert [item.id for item in page.data] == ids


async def test_attachments_are_scoped_by_user(
    store: ChatStore, alice: RequestContext, bob: RequestContext
) -> None:
    await store.save_attachment(attachment("atc_1", None), alice)

    with pytest.raises(NotFoundError):
        await store.load_attachment("atc_1", bob)
    with pytest.raises(NotFoundError):
        await store.save_attachment(attachment("atc_1", None), bob)
    await store.delete_attachment("atc_1", bob)
    assert (await store.load_attachment("atc_1", alice)).id == "atc_1"

    await store.delete_attachment("atc_1", alice)
    with pytest.raises(NotFoundError):
        await store.load_attachment("atc_1", alice)


async def test_hostile_ids_and_text_are_data(
    store: ChatStore, alice: RequestContext
) -> None:
    thread_id = "thr_'; DROP TABLE threads; --"
    await store.save_thread(thread(thread_id, title='100% "quoted" -- ;'), alice)
    item = user_message("msg_'--;%", "' OR 1=1 --")
    await store.add_thread_item(thread_id, item, alice)

    assert (await store.load_thread(thread_id, alice)).title == '100% "quoted" -- ;'
    loaded = await store.load_item(thread_id, "msg_'--;%", alice)
    assert loaded.content[0].text == "' OR 1=1 --"
    with pytest.raises(NotFoundError):
        await store.load_item(thread_id, "%", alice)


async def test_unicode_and_large_items_round_trip(
    store: ChatStore, alice: RequestContext
) -> None:
    await store.save_thread(thread("thr_1"), alice)
    text = "héllo ✓ 𝄞 \u200f'\"--;%\\n" + "x" * 1_000_000
    await store.add_thread_item("thr_1", user_message("msg_1", text), alice)
    assert (await store.load_item("thr_1", "msg_1", alice)).content[0].text == text


async def test_concurrent_adds_lose_nothing(
    store: ChatStore, alice: RequestContext
) -> None:
    await store.save_thread(thread("thr_1"), alice)
    await asyncio.gather(
        *(
            store.add_thread_item("thr_1", user_message(f"msg_{n:03}", str(n)), alice)
            for n in range(50)
        )
    )
    page = await store.load_thread_items("thr_1", None, 100, "asc", alice)
    assert sorted(item.id for item in page.data) == [f"msg_{n:03}" for n in range(50)]


def test_generated_ids_are_unique_and_prefixed(
    store: ChatStore, alice: RequestContext
) -> None:
    ids = {store.generate_thread_id(alice) for _ in range(1000)}
    assert len(ids) == 1000
    assert all(thread_id.startswith("thr_") for thread_id in ids)
