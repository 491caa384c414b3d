"""Hypothesis strategies for ChatKit requests, derived from the SDK's request models.

Every field of every request type in `chatkit.types.ChatKitReq` gets values of its
declared type, chosen to hurt: ids of other threads, items and users, huge and
negative numbers, empty and 1 MB strings, unicode edge cases. A field type this
module does not know (a newer SDK) raises `TypeError` rather than going unfuzzed.
"""

import json
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import (
    Annotated,
    Any,
    ForwardRef,
    Literal,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from chatkit.types import ChatKitReq
from hypothesis import strategies as st
from pydantic import BaseModel

# Each request model of the SDK's union, by the `type` it is sent with.
REQUEST_MODELS: dict[str, type[BaseModel]] = {
    model.model_fields["type"].default: model
    for model in get_args(get_args(ChatKitReq)[0])
}

EDGE_STRINGS = [
    "",
    " \t\n",
    "\x00",
    "nul\x00inside",
    "\ud800",
    "lone \udfff surrogate",
    "\u202eright-to-left override",
    "مرحبا بالعالم",
    "👩\u200d👩\u200d👧\u200d👦 🏳️\u200d🌈",
    "e\u0301\u0302\u0303\u0304\u0305",
    "\ufeffbyte order mark",
    "line\r\nbreak",
    "' OR 1=1 --",
    "%s%n{0}${x}",
    "../../etc/passwd",
    "x" * 201,
    "y" * 20_001,
    "z" * 1_000_000,
]

EDGE_INTS = [
    -(2**63) - 1,
    -(2**63),
    -5,
    -1,
    0,
    1,
    2,
    100,
    101,
    2**31,
    2**53 + 1,
    2**63,
    2**64,
    10**20,
    10**400,
]

# How many copies a list gets when it is made long: around the default limits.
LONG_LISTS = [51, 101, 1_000]


@dataclass(frozen=True)
class Names:
    """Values that make requests meet the world rather than miss it."""

    thread_ids: Sequence[str]
    item_ids: Sequence[str]
    attachment_ids: Sequence[str]
    # Action types, tool and model names, user ids, structured input question ids.
    words: Sequence[str]


def request_bodies(request_type: str, names: Names) -> st.SearchStrategy[bytes]:
    """Bodies of `request_type` requests: JSON with non-ASCII escaped, so that a
    lone surrogate is still valid JSON text."""
    payloads = _model(REQUEST_MODELS[request_type], names)
    return payloads.map(lambda payload: json.dumps(payload).encode())


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | _ints() | _floats() | _strings(())
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(_strings(()), inner, max_size=3)
        ),
        max_leaves=8,
    )


def _model(model: type[BaseModel], names: Names) -> st.SearchStrategy[Any]:
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, ForwardRef):
            # The SDK defines some parameter models after the requests using them.
            annotation = get_type_hints(model)[name]
        values = _values(annotation, name, names)
        # `type` tags a union member (and names an action): always sent.
        if field.is_required() or name == "type":
            required[field.alias or name] = values
        else:
            optional[field.alias or name] = values
    return st.fixed_dictionaries(required, optional=optional)


def _values(annotation: Any, name: str, names: Names) -> st.SearchStrategy[Any]:
    origin = get_origin(annotation)
    args = get_args(annotation)
    if annotation is Any:
        return json_values()
    if annotation is type(None):
        return st.none()
    if origin is Annotated:
        return _values(args[0], name, names)
    if origin is Literal:
        return st.sampled_from(args)
    if origin is Union or origin is types.UnionType:
        return st.one_of([_values(arg, name, names) for arg in args])
    if origin is list:
        item = _values(args[0], name, names)
        long = st.tuples(item, st.sampled_from(LONG_LISTS)).map(_repeated)
        return st.lists(item, max_size=3) | long
    if origin is dict:
        return _dicts(_values(args[1], name, names), names, any_values=args[1] is Any)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(annotation, names)
    if annotation is str:
        return _strings(_pool(name, names))
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return _ints()
    raise TypeError(f"no strategy for field {name!r} of type {annotation!r}")


def _pool(name: str, names: Names) -> Sequence[str]:
    """The world's values a string field of this name most likely takes."""
    if name == "thread_id":
        return [*names.thread_ids, names.item_ids[0]]
    if name in ("item_id", "item_ids", "after"):
        return [*names.item_ids, names.thread_ids[0]]
    if name in ("attachment_id", "attachments"):
        return names.attachment_ids
    if name == "audio_base64":
        return ["", "AAAA", "GkXfow==", "not base64!", "GkXfow", "é==", "A" * 5]
    if name == "mime_type":
        return ["audio/webm;codecs=opus", "image/png", "text/plain", "application/x"]
    return names.words


def _repeated(pair: tuple[Any, int]) -> list[Any]:
    """The value `pair[1]` times, unless that makes more JSON than a body may hold
    (1 MB by default): one 1 MB string covers that case already."""
    value, times = pair
    return [value] * (times if len(json.dumps(value)) * times < 2_000_000 else 1)


def _strings(pool: Sequence[str]) -> st.SearchStrategy[str]:
    edge = st.sampled_from(EDGE_STRINGS) | st.text(max_size=20)
    if not pool:
        return edge
    # Mostly the world's values, so that requests get past "not found".
    return st.one_of(*[st.sampled_from(pool)] * 3, edge)


def _ints() -> st.SearchStrategy[int]:
    return st.sampled_from(EDGE_INTS) | st.integers()


def _floats() -> st.SearchStrategy[float]:
    return st.sampled_from([-0.0, 5e-324, 1e308, -1e308]) | st.floats(
        allow_nan=False, allow_infinity=False
    )


def _dicts(
    values: st.SearchStrategy[Any], names: Names, *, any_values: bool
) -> st.SearchStrategy[dict[str, Any]]:
    small = st.dictionaries(_strings(names.words), values, max_size=3)
    if not any_values:
        return small
    # Past the default metadata limit (16 KiB of JSON), and deeply nested.
    large = st.just({"note": "é" * 9_000})
    deep = st.integers(1, 300).map(_nested)
    return small | large | deep


def _nested(depth: int) -> dict[str, Any]:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"down": value}
    return value
