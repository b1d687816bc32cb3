"""Replaying recorded provider HTTP exchanges to the real SDK clients.

A recording (`recordings/<name>.json`) is a list of interactions:

    {"request": {"method": "POST", "path": "/v1/chat/completions",
                 "body_contains": ["Target: the Sign in button"],      # optional predicates
                 "body_excludes": ["..."]},
     "response": {"status": 200, "headers": {...}, "body": {...}}}
or  {"request": {...}, "error": "ReadTimeout"}                          # the transport raises

Each request the SDK sends is matched to the first unused interaction whose method, path and
body predicates fit; no match fails the test. Every request is also checked against
`forbidden` strings (the API key must never be in a URL or body). In a response body,
`{{id:NEEDLE}}` becomes the number of the candidate line `[N] ...` containing NEEDLE in the
request's prompt, so recordings of real pages do not depend on snapshot ordering.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import httpx2

RECORDINGS = Path(__file__).parent / "recordings"
_PLACEHOLDER = re.compile(r'\\?"\{\{id:(?P<a>[^}]+)\}\}\\?"|\{\{id:(?P<b>[^}]+)\}\}')
_LINE_ID = re.compile(r"^\[(\d+)\]")


@dataclass
class Sent:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    text: str
    at: float

    def prompt(self) -> str:
        """All text the request carries (messages, system, tool results), joined."""
        return "\n".join(_strings(self.body))


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


@dataclass
class Recording:
    name: str
    forbidden: tuple[str, ...] = ()
    module: Any = httpx2
    interactions: list[dict[str, Any]] = field(default_factory=list)
    used: list[bool] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)

    def __post_init__(self) -> None:
        data = json.loads((RECORDINGS / f"{self.name}.json").read_text(encoding="utf-8"))
        self.interactions = data["interactions"]
        self.used = [False] * len(self.interactions)

    # -- the transport --------------------------------------------------------------------

    def client(self) -> Any:
        """An AsyncClient of `module` (httpx2 for both SDKs; httpx works for openai too)."""
        module = self.module
        recording = self

        class Transport(module.AsyncBaseTransport):
            async def handle_async_request(self, request: Any) -> Any:
                return recording.handle(request)

        return module.AsyncClient(transport=Transport())

    def handle(self, request: Any) -> Any:
        raw = request.content.decode("utf-8") if request.content else ""
        body = json.loads(raw) if raw else None
        sent = Sent(request.method, request.url.path, dict(request.headers), body, raw,
                    time.monotonic())
        for secret in self.forbidden:
            assert secret not in raw, "an API key was sent in a request body"
            assert secret not in str(request.url), "an API key was sent in a URL"
        self.sent.append(sent)
        for i, interaction in enumerate(self.interactions):
            if self.used[i] or not self._fits(interaction["request"], sent):
                continue
            self.used[i] = True
            if "error" in interaction:
                raise getattr(self.module, interaction["error"])(
                    "recorded " + interaction["error"], request=request)
            return self._response(interaction["response"], sent)
        raise AssertionError(f"{self.name}: no recorded interaction fits request "
                             f"#{len(self.sent)} {sent.method} {sent.path}:\n{sent.prompt()[:3000]}")

    @staticmethod
    def _fits(want: dict[str, Any], sent: Sent) -> bool:
        if want.get("method", "POST") != sent.method or want["path"] != sent.path:
            return False
        prompt = sent.prompt()
        return (all(s in prompt for s in want.get("body_contains", []))
                and not any(s in prompt for s in want.get("body_excludes", [])))

    def _response(self, spec: dict[str, Any], sent: Sent) -> Any:
        text = json.dumps(spec.get("body", {}))
        if "{{id:" in text:
            lines = sent.prompt().splitlines()

            def number(match: re.Match[str]) -> str:
                needle = match.group("a") or match.group("b")
                hits = [m.group(1) for line in lines if needle in line
                        and (m := _LINE_ID.match(line.strip()))]
                assert hits, f"no candidate line with {needle!r} was sent to the model"
                assert len(set(hits)) == 1, f"{needle!r} is on several candidate lines"
                return hits[0]

            text = _PLACEHOLDER.sub(number, text)
        headers = {"content-type": "application/json", **spec.get("headers", {})}
        return self.module.Response(spec.get("status", 200), headers=headers,
                                    content=text.encode("utf-8"))

    # -- checks ---------------------------------------------------------------------------

    def assert_all_used(self) -> None:
        unused = [i for i, used in enumerate(self.used) if not used]
        assert not unused, f"{self.name}: recorded interactions never requested: {unused}"


def recording(name: str, *, key: str | None = None, legacy_httpx: bool = False) -> Recording:
    return Recording(name, forbidden=(key,) if key else (),
                     module=httpx if legacy_httpx else httpx2)


# -- a synthetic page, for resolver tests that need no browser ----------------------------

def element(index: int, *, interactive: bool = True, container: str = "", **signals: Any) -> Any:
    from replaywright.browser.snapshot import Element
    from replaywright.model import Fingerprint

    signals.setdefault("visible", True)
    return Element(fingerprint=Fingerprint(**signals), frame=None, index=index,  # type: ignore[arg-type]
                   container=container, interactive=interactive)


def login_snapshot(extra: int = 0) -> Any:
    """The demo shop's sign-in page as a snapshot; `extra` adds that many footer links."""
    from replaywright.browser.snapshot import Snapshot

    rows = [
        dict(tag="a", role="link", accessible_name="Acme Mugs", text="Acme Mugs",
             href="products.html", x=24, y=14, width=120, height=28),
        dict(tag="a", role="link", accessible_name="Products", text="Products", id="nav-products",
             href="products.html", x=1000, y=18, width=70, height=20),
        dict(tag="a", role="link", accessible_name="Cart (0)", text="Cart (0)", id="cart-link",
             href="cart.html", x=1090, y=18, width=70, height=20),
        dict(tag="h1", role="heading", accessible_name="Sign in to Acme Mugs",
             text="Sign in to Acme Mugs", x=420, y=120, width=440, height=36, interactive=False),
        dict(tag="input", role="textbox", accessible_name="Username", label="Username",
             input_type="text", id="username", name="username", x=420, y=190, width=440, height=36),
        dict(tag="input", role="textbox", accessible_name="Password", label="Password",
             input_type="password", id="password", name="password", x=420, y=260, width=440,
             height=36),
        dict(tag="button", role="button", accessible_name="Sign in", text="Sign in", id="signin",
             is_button=True, x=420, y=320, width=90, height=38),
        dict(tag="a", role="link", accessible_name="Help", text="Help", id="footer-help",
             href="#help", x=500, y=860, width=40, height=20),
    ]
    rows += [dict(tag="a", role="link", accessible_name=f"Footer link {i}", text=f"Footer link {i}",
                  href=f"#f{i}", x=20 + i, y=900 + i, width=40, height=20) for i in range(extra)]
    elements = [element(i, **row) for i, row in enumerate(rows)]  # type: ignore[arg-type]
    return Snapshot(url="http://127.0.0.1/v1/index.html", title="Sign in - Acme Mugs",
                    elements=elements)
