"""Every request type the installed SDK accepts has a test of its own here.

A test claims the types it covers with `@covers(...)` (tests/support.py). An SDK
upgrade that adds a request type fails this file until the type has a test.
"""

import ast
import importlib
import inspect
import pkgutil
import textwrap
import typing
from collections.abc import Callable, Iterator
from types import FunctionType, ModuleType
from typing import Any

import chatkit.types

import tests
from tests import support


def sdk_request_types() -> set[str]:
    """The `type` of every member of the SDK's `ChatKitReq` union."""
    union = typing.get_args(chatkit.types.ChatKitReq)[0]
    return {
        typing.get_args(model.model_fields["type"].annotation)[0]
        for model in typing.get_args(union)
    }


def project_test_modules() -> Iterator[ModuleType]:
    for module in pkgutil.iter_modules(tests.__path__):
        if module.name.startswith("test_"):
            yield importlib.import_module(f"tests.{module.name}")


def claims() -> dict[str, tuple[Callable[..., Any], ModuleType, tuple[str, ...]]]:
    """Each claiming test by its pytest id, with its module and claimed types."""
    found = {}
    for module in project_test_modules():
        for name, test in vars(module).items():
            claimed = getattr(test, "covers_requests", None)
            if name.startswith("test_") and claimed:
                found[f"{module.__name__}::{name}"] = (test, module, claimed)
    return found


def strings_sent_by(function: Callable[..., Any], module: ModuleType) -> set[str]:
    """The string constants in the body of `function` (decorators left out) and
    of the helpers it calls: functions of its module or of tests/support.py, and
    ChatKitClient methods."""
    seen: set[str] = set()
    strings: set[str] = set()
    pending: list[tuple[Callable[..., Any], ModuleType]] = [(function, module)]
    while pending:
        current, home = pending.pop()
        if current.__qualname__ in seen:
            continue
        seen.add(current.__qualname__)
        tree = ast.parse(textwrap.dedent(inspect.getsource(current)))
        definition = tree.body[0]
        assert isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef)
        for statement in definition.body:
            for node in ast.walk(statement):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    strings.add(node.value)
                elif isinstance(node, ast.Call):
                    pending.extend(_helpers_called(node.func, home))
    return strings


def _helpers_called(
    called: ast.expr, home: ModuleType
) -> Iterator[tuple[Callable[..., Any], ModuleType]]:
    if isinstance(called, ast.Name):
        for namespace in (home, support):
            helper = vars(namespace).get(called.id)
            if isinstance(helper, FunctionType) and helper.__module__.startswith(
                "tests."
            ):
                yield helper, importlib.import_module(helper.__module__)
    elif isinstance(called, ast.Attribute):
        method = vars(support.ChatKitClient).get(called.attr)
        if isinstance(method, FunctionType):
            yield method, support


def test_every_request_type_has_a_test() -> None:
    claimed = {kind for _, _, kinds in claims().values() for kind in kinds}
    missing = sdk_request_types() - claimed
    assert not missing, f"request types without a @covers test: {sorted(missing)}"


def test_claims_name_request_types_the_sdk_knows() -> None:
    known = sdk_request_types()
    unknown = {
        test_id: sorted(set(kinds) - known)
        for test_id, (_, _, kinds) in claims().items()
        if set(kinds) - known
    }
    assert not unknown, f"@covers names types the SDK does not have: {unknown}"


def test_claiming_tests_send_what_they_claim() -> None:
    unsent = {
        test_id: sorted(set(kinds) - strings_sent_by(test, module))
        for test_id, (test, module, kinds) in claims().items()
        if set(kinds) - strings_sent_by(test, module)
    }
    assert not unsent, f"tests that claim a type they never send: {unsent}"
