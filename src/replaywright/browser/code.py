"""Playwright code the engine writes and reads back: step values as Python expressions
(`params.user` where the flow said `{{ params.user }}`, never a hard-coded parameter) and a
script's `selector=` hint read back into a `Selector` (the inverse of
`selectors.locator_code`).

Here, below the engine, so the engine records code without importing `codegen`, which
builds on the engine's results.
"""

from __future__ import annotations

import ast
import re

from replaywright.flow.locators import LocatorSyntaxError
from replaywright.flow.locators import parse as parse_chain
from replaywright.flow.template import PLACEHOLDER
from replaywright.model import Selector

_METHODS = {"get_by_test_id": "test_id", "get_by_label": "label",
            "get_by_placeholder": "placeholder", "get_by_alt_text": "alt",
            "get_by_title": "title", "get_by_text": "text"}
_ID = re.compile(r'^\[id="((?:[^"\\]|\\.)*)"\]$')


def _reference(name: str) -> str:
    head, *rest = name.split(".")
    if head == "env":
        return f"env[{'.'.join(rest)!r}]"
    if head == "outputs":
        return "outputs" + "".join(f"[{part!r}]" for part in rest)
    return ".".join([head, *rest])


def value_expression(template: str | None) -> str:
    """A Python expression that evaluates to the rendered template."""
    if template is None:
        return "None"
    matches = list(PLACEHOLDER.finditer(template))
    if not matches:
        return repr(template)
    if len(matches) == 1 and matches[0].span() == (0, len(template)):
        return f"str({_reference(matches[0].group(1))})"
    parts, last = [], 0
    for match in matches:
        literal = template[last:match.start()].replace("{", "{{").replace("}", "}}")
        parts.append(literal + "{" + _reference(match.group(1)) + "}")
        last = match.end()
    tail = template[last:].replace("{", "{{").replace("}", "}}")
    return "f" + repr("".join(parts) + tail)


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def parse_locator(code: str) -> Selector | None:
    """`get_by_role('button', name='Sign in', exact=True)` → Selector(kind='role', ...);
    a chain (`get_by_role("row").filter(has_text="Milk").get_by_role("button")`) →
    Selector(kind='chain'); None for anything else (f-strings, variables)."""
    text = code.strip().removeprefix("page.")
    try:
        chain = parse_chain(text)
    except LocatorSyntaxError:
        chain = ()
    if len(chain) > 1:
        return Selector(kind="chain", value=text)
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    frame = ""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Call)):
        inner = node.func.value
        if (isinstance(inner.func, ast.Name) and inner.func.id == "frame" and inner.keywords
                and inner.keywords[0].arg == "url"):
            frame = _string(inner.keywords[0].value) or ""
            node = ast.Call(ast.Name(node.func.attr, ast.Load()), node.args, node.keywords)
    if not isinstance(node, ast.Call) or not node.args:
        return None
    method = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
        node.func, "id", "")
    first = _string(node.args[0])
    if first is None:
        return None
    keywords = {k.arg: _string(k.value) for k in node.keywords if k.arg}
    selector: Selector | None = None
    if method == "get_by_role" and keywords.get("name"):
        selector = Selector(kind="role", role=first, value=keywords["name"] or "")
    elif method in _METHODS:
        selector = Selector(kind=_METHODS[method], value=first)
    elif method == "locator":
        found = _ID.match(first)
        if found:
            selector = Selector(kind="id", value=re.sub(r"\\(.)", r"\1", found.group(1)))
        elif first.startswith("xpath="):
            selector = Selector(kind="xpath", value=first.removeprefix("xpath="))
        else:
            selector = Selector(kind="css", value=first)
    if selector is not None:
        selector.frame = frame
    return selector
