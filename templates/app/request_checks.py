"""What a request may ask for, checked before the ChatKit SDK handles it.

The protocol leaves page sizes, text lengths and list sizes unbounded, JSON carries
NUL characters PostgreSQL cannot keep and the SDK decodes audio without
checking it: `check_values` refuses all that with 400. The SDK raises `ValueError`
(a 500) for requests that do not fit the thread's state, such as a client tool output
with no call pending: `check_thread_state` answers those with 409 first.
"""

import dataclasses
from base64 import b64decode
from dataclasses import dataclass
from typing import Any

import pydantic_core
from chatkit.server import DEFAULT_PAGE_SIZE
from chatkit.store import Store
from chatkit.types import (
    AttachmentsCreateReq,
    ChatKitReq,
    ClientToolCallItem,
    InputTranscribeReq,
    ItemsFeedbackReq,
    ItemsListReq,
    StructuredInputItem,
    ThreadItem,
    ThreadsAddClientToolOutputReq,
    ThreadsAddStructuredInputReq,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsCustomActionReq,
    ThreadsListReq,
    ThreadsRetryAfterItemReq,
    ThreadsSyncCustomActionReq,
    ThreadsUpdateReq,
    UserMessageInput,
    UserMessageItem,
    UserMessageTagContent,
    WidgetItem,
)

from app.context import RequestContext
from app.errors import RequestError
from app.settings import Settings


@dataclass(frozen=True)
class RequestLimits:
    """The bounds `check_values` applies; their defaults live in app/settings.py."""

    max_page_size: int
    max_title_chars: int
    max_message_chars: int
    max_content_parts: int
    max_feedback_items: int
    max_metadata_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> "RequestLimits":
        return cls(
            **{f.name: getattr(settings, f.name) for f in dataclasses.fields(cls)}
        )


def check_values(request: ChatKitReq, limits: RequestLimits) -> None:
    """Raise a 400 `RequestError` for a value outside `limits` or an empty message.

    A page size left out becomes the SDK's default, or `max_page_size` when smaller.
    """
    exclude: dict[str, Any] = {"type": True}
    if isinstance(request, AttachmentsCreateReq):
        # A file name is cleaned rather than refused (app/attachments/content_checks.py).
        exclude["params"] = {"name"}
    _check_text(request.model_dump(exclude=exclude), "")
    metadata_bytes = len(pydantic_core.to_json(request.metadata))
    if metadata_bytes > limits.max_metadata_bytes:
        raise _out_of_range(
            f"`metadata` is limited to {limits.max_metadata_bytes} bytes of JSON; "
            f"got {metadata_bytes}."
        )
    match request:
        case ThreadsListReq() | ItemsListReq():
            if request.params.limit is None:
                request.params.limit = min(DEFAULT_PAGE_SIZE, limits.max_page_size)
            _check_between("params.limit", request.params.limit, limits.max_page_size)
        case ThreadsUpdateReq():
            _check_length("params.title", request.params.title, limits.max_title_chars)
        case ThreadsCreateReq() | ThreadsAddUserMessageReq():
            _check_message(request.params.input, limits)
        case ItemsFeedbackReq():
            count = len(request.params.item_ids)
            if not 1 <= count <= limits.max_feedback_items:
                raise _out_of_range(
                    "`params.item_ids` must list between 1 and "
                    f"{limits.max_feedback_items} items; got {count}."
                )
        case InputTranscribeReq():
            _check_base64("params.audio_base64", request.params.audio_base64)


async def check_thread_state(
    request: ChatKitReq, store: Store[RequestContext], context: RequestContext
) -> None:
    """Raise a 409 `RequestError` when the request does not fit the thread as stored.

    A thread or item that is not the user's raises the store's `NotFoundError` (404).
    """
    match request:
        case ThreadsAddUserMessageReq():
            # Here, not in the SDK's stream, which logs a missing thread as its failure.
            await store.load_thread(request.params.thread_id, context)
        case ThreadsAddClientToolOutputReq():
            thread = await store.load_thread(request.params.thread_id, context)
            # The SDK takes the output for the thread's newest item only.
            newest = await store.load_thread_items(thread.id, None, 1, "desc", context)
            if not any(
                isinstance(item, ClientToolCallItem) and item.status == "pending"
                for item in newest.data
            ):
                raise RequestError(
                    409,
                    "client_tool_not_pending",
                    f"No client tool call in thread {thread.id} is waiting for output.",
                )
        case ThreadsAddStructuredInputReq():
            item = await _load_item(
                store, request.params.thread_id, request.params.item_id, context
            )
            if not (isinstance(item, StructuredInputItem) and item.status == "pending"):
                raise RequestError(
                    409,
                    "structured_input_not_pending",
                    f"Item {item.id} is not a structured input waiting for answers.",
                )
        case ThreadsRetryAfterItemReq():
            item = await _load_item(
                store, request.params.thread_id, request.params.item_id, context
            )
            if not isinstance(item, UserMessageItem):
                raise RequestError(
                    409,
                    "not_a_user_message",
                    f"Item {item.id} is not a user message; retry after one.",
                )
        case ThreadsCustomActionReq() | ThreadsSyncCustomActionReq():
            if request.params.item_id is None:
                await store.load_thread(request.params.thread_id, context)
                return
            item = await _load_item(
                store, request.params.thread_id, request.params.item_id, context
            )
            if not isinstance(item, WidgetItem):
                raise RequestError(
                    409,
                    "not_a_widget",
                    f"Item {item.id} is not a widget; actions come from widgets.",
                )


async def _load_item(
    store: Store[RequestContext], thread_id: str, item_id: str, context: RequestContext
) -> ThreadItem:
    """The item, after its thread: either missing raises `NotFoundError`."""
    await store.load_thread(thread_id, context)
    return await store.load_item(thread_id, item_id, context)


def _check_message(message: UserMessageInput, limits: RequestLimits) -> None:
    parts = len(message.content)
    if parts > limits.max_content_parts:
        raise _out_of_range(
            f"`params.input.content` is limited to {limits.max_content_parts} parts; "
            f"got {parts}."
        )
    chars = sum(len(part.text) for part in message.content) + len(
        message.quoted_text or ""
    )
    if chars > limits.max_message_chars:
        raise _out_of_range(
            f"`params.input` is limited to {limits.max_message_chars} characters "
            f"of text; got {chars}."
        )
    # Quoted text alone asks nothing: it is what the message is about.
    if not (
        message.attachments
        or any(
            isinstance(part, UserMessageTagContent) or part.text.strip()
            for part in message.content
        )
    ):
        raise RequestError(
            400,
            "empty_message",
            "`params.input` has no text, attachment or tag: nothing to answer.",
        )


def _check_between(field: str, value: int, maximum: int) -> None:
    if not 1 <= value <= maximum:
        raise _out_of_range(
            f"`{field}` must be between 1 and {maximum}; got {_shown(value)}."
        )


def _check_text(value: Any, field: str) -> None:
    """Raise a 400 `RequestError` naming the first string holding a NUL character,
    which JSON carries but PostgreSQL's text and jsonb cannot keep."""
    if isinstance(value, str):
        if "\x00" in value:
            raise RequestError(
                400, "invalid_text", f"`{field}` contains a NUL character."
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, field)
            _check_text(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, f"{field}[{index}]")


def _check_base64(field: str, value: str) -> None:
    # The SDK decodes leniently, and raises on what it cannot decode at all.
    try:
        b64decode(value, validate=True)
    # binascii.Error is one: bad padding or characters, or non-ASCII text.
    except ValueError:
        raise RequestError(
            400, "invalid_base64", f"`{field}` is not valid base64."
        ) from None


def _check_length(field: str, value: str, maximum: int) -> None:
    if len(value) > maximum:
        raise _out_of_range(
            f"`{field}` is limited to {maximum} characters; got {len(value)}."
        )


def _shown(number: int) -> str:
    # str() refuses ints over 4,300 digits; a message needs no more than this anyway.
    return str(number) if abs(number) < 10**18 else "a huge number"


def _out_of_range(message: str) -> RequestError:
    return RequestError(400, "out_of_range", message)
