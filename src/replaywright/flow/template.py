"""`{{ params.x }}`, `{{ env.X }}`, `{{ outputs.label.field }}`, loop variables and a few
volatile helpers (`{{ now }}`, `{{ today }}`, `{{ random }}`, `{{ uuid }}`).

Rendering reports which variables a text used and their values, because a step's cache key
depends on exactly those — and whether any of them changes every run.
"""

from __future__ import annotations

import datetime as _dt
import random
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from replaywright.errors import FlowError

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w]*(?:\.[\w-]+)*)\s*\}\}")
VOLATILE = {
    "now": lambda: _dt.datetime.now().isoformat(timespec="seconds"),
    "today": lambda: _dt.date.today().isoformat(),
    "timestamp": lambda: str(int(_dt.datetime.now().timestamp())),
    "random": lambda: str(random.randint(100000, 999999)),
    "uuid": lambda: uuid.uuid4().hex,
}


@dataclass
class Context:
    """What a template may refer to."""

    params: Mapping[str, Any] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    loop: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Rendered:
    text: str
    used: dict[str, str]
    volatile: bool


def variables(text: str) -> list[str]:
    """Names of the variables a template refers to, in order."""
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def _lookup(name: str, ctx: Context) -> Any:
    head, *rest = name.split(".")
    if head in VOLATILE and not rest:
        return VOLATILE[head]()
    roots: dict[str, Mapping[str, Any]] = {"params": ctx.params, "env": ctx.env,
                                           "outputs": ctx.outputs}
    if head in roots:
        if not rest:
            raise FlowError(f"'{{{{ {name} }}}}' needs a name, e.g. {{{{ {head}.x }}}}")
        value: Any = roots[head]
        path = [head]
    elif head in ctx.loop:
        value, path, rest = ctx.loop[head], [head], rest
        if not rest:
            return value
    else:
        raise FlowError(f"unknown variable '{{{{ {name} }}}}'",
                        hint="use params.NAME, env.NAME, outputs.LABEL or a loop variable")
    for part in rest:
        path.append(part)
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            kind = {"params": "parameter", "env": "environment variable",
                    "outputs": "output"}.get(head, "field")
            raise FlowError(f"{kind} '{'.'.join(path)}' is not defined (in '{{{{ {name} }}}}')")
    return value


def render(text: str, ctx: Context) -> Rendered:
    """Substitute every placeholder; raise FlowError naming an undefined variable."""
    used: dict[str, str] = {}
    volatile = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal volatile
        name = match.group(1)
        value = _lookup(name, ctx)
        rendered = value if isinstance(value, str) else _to_text(value)
        if name.split(".")[0] in VOLATILE:
            volatile = True
        else:
            used[name] = rendered
        return rendered

    return Rendered(PLACEHOLDER.sub(substitute, text), used, volatile)


def _to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, sort_keys=True)
    return str(value)
