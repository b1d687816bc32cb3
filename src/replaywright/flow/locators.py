"""Playwright locators written as code — `get_by_role("checkbox", name="Staff status")`,
`get_by_role("listitem").filter(has_text="Milk").get_by_role("button")` — read safely: an
AST walk over a small whitelist, never `eval`. `browser.locator_expr` builds them on a page.

A step's `expect:` option is such a string: the element a person means, checked against
the element the step is about to act on.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

#: Methods that start or continue a chain, with the keyword arguments each accepts.
CHAIN_METHODS: dict[str, set[str]] = {
    "get_by_role": {"name", "exact", "checked", "disabled", "expanded", "include_hidden",
                    "level", "pressed", "selected"},
    "get_by_text": {"exact"}, "get_by_label": {"exact"}, "get_by_placeholder": {"exact"},
    "get_by_alt_text": {"exact"}, "get_by_title": {"exact"}, "get_by_test_id": set(),
    "locator": {"has_text", "has_not_text", "has", "has_not"},
    "filter": {"has_text", "has_not_text", "has", "has_not", "visible"},
    "nth": set(), "frame_locator": set(),
}
PROPERTIES = {"first", "last"}


class LocatorSyntaxError(ValueError):
    """The text is not a Playwright locator this module can read."""


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]


Chain = tuple[Call, ...]


def parse(code: str) -> Chain:
    """Check and take apart a locator string; raise LocatorSyntaxError saying what is wrong."""
    text = code.strip()
    for prefix in ("page.", "self.page.", "frame."):
        text = text.removeprefix(prefix)
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise LocatorSyntaxError(f"not Python: {exc.msg}") from None
    return _chain(node)


def _chain(node: ast.AST) -> Chain:
    calls: list[Call] = []
    while True:
        if isinstance(node, ast.Attribute) and node.attr in PROPERTIES:
            calls.append(Call(node.attr, (), ()))
            node = node.value
            continue
        if not isinstance(node, ast.Call):
            raise LocatorSyntaxError("expected a chain of locator calls such as "
                                     "get_by_role(\"button\", name=\"Save\")")
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in CHAIN_METHODS:
            raise LocatorSyntaxError(f"{name or 'this call'}() is not a locator method; use "
                                     + ", ".join(sorted(CHAIN_METHODS)))
        allowed = CHAIN_METHODS[name]
        args = tuple(_value(a) for a in node.args)
        kwargs = []
        for keyword in node.keywords:
            if keyword.arg not in allowed:
                raise LocatorSyntaxError(f"{name}() takes no argument {keyword.arg!r}")
            kwargs.append((keyword.arg, _value(keyword.value)))
        calls.append(Call(name, args, tuple(kwargs)))
        if isinstance(func, ast.Attribute):
            node = func.value
            if isinstance(node, ast.Name) and node.id in {"page", "frame"}:
                break
        else:
            break
    return tuple(reversed(calls))


def _value(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool):
        return node.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "compile" and getattr(node.func.value, "id", "") == "re"):
        flags = 0
        if len(node.args) == 2 and _flag(node.args[1]):
            flags = re.IGNORECASE
        return re.compile(_value(node.args[0]), flags)
    if isinstance(node, ast.Call | ast.Attribute):
        return _chain(node)  # has=page.get_by_text(...)
    raise LocatorSyntaxError("arguments must be literal strings, numbers, re.compile(...) or "
                             "locators")


def _flag(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr in {"I", "IGNORECASE"}
