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
from replaywright.flow.secrets import is_secret, scrub

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w]*(?:\.[\w-]+)*)\s*\}\}")
VOLATILE = {
    "now": lambda: _dt.datetime.now().isoformat(timespec="seconds"),
    "today": lambda: _dt.date.today().isoformat(),
    "timestamp": lambda: str(int(_dt.datetime.now().timestamp())),
    "random": lambda: str(random.randint(100000, 999999)),
    "uuid": lambda: uuid.uuid4().hex,
}


def parse_params(pairs: list[str]) -> dict[str, str]:
    """`--param NAME=VALUE` options (of `run` and `submit`) as the flow's `params`."""
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise FlowError(f"--param needs NAME=VALUE, got {pair!r}")
        params[name.strip()] = value
    return params


@dataclass
class Context:
    """What a template may refer to. It also remembers the secret values it rendered
    (`revealed`: value → the variable it came from), so what a run prints can mask them."""

    params: Mapping[str, Any] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    loop: Mapping[str, Any] = field(default_factory=dict)
    #: Parameters marked `secret: true` in the flow.
    secret_params: frozenset[str] = frozenset()
    revealed: dict[str, str | None] = field(default_factory=dict)

    def reveal(self, value: str, name: str | None = None) -> None:
        """Note a secret value (from variable `name`, if any) to be masked from now on."""
        if value:
            self.revealed.setdefault(value, name)

    def mask(self, value: Any) -> Any:
        """`value` with every secret value seen so far replaced by `***`."""
        return scrub(value, self.revealed)


@dataclass
class Rendered:
    text: str
    used: dict[str, str]
    volatile: bool
    #: The variables of `used` that hold secrets (keyed by name only).
    secret: set[str] = field(default_factory=set)


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
    secret: set[str] = set()
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
            if is_secret(name, ctx.secret_params):
                secret.add(name)
                ctx.reveal(rendered, name)
        return rendered

    check_filters(text)
    return Rendered(PLACEHOLDER.sub(substitute, text), used, volatile, secret)


#: Anything between `{{` and `}}`; a placeholder is one variable name and nothing else.
BRACES = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def check_filters(text: str) -> None:
    """Templates take a variable name and nothing else: `{{ x | upper }}` or `{{ 1 + 2 }}`
    would otherwise be typed literally, so each is an error naming what is not understood."""
    for match in BRACES.finditer(text):
        if PLACEHOLDER.fullmatch(match.group(0)):
            continue
        inner = match.group(1).strip()
        _, bar, rest = inner.partition("|")
        if bar:
            raise FlowError(f"unknown filter '{rest.strip()}' in '{match.group(0)}': templates "
                            "take no filters", hint="write {{ params.x }}, {{ env.X }}, "
                            "{{ outputs.label }} or a loop variable")
        raise FlowError(f"'{match.group(0)}' is not a template variable",
                        hint="write {{ params.x }}, {{ env.X }}, {{ outputs.label }} or a "
                        "loop variable")


def _to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, sort_keys=True)
    return str(value)
