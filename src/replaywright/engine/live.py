"""What runs live on the page every time and is never cached: navigation, waits, checks
about absence or counts, `if` conditions, `code:` blocks and extraction."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from replaywright.browser.actions import perform, settle
from replaywright.browser.snapshot import take_snapshot
from replaywright.errors import FlowError, StepFailed
from replaywright.flow.duration import parse_duration
from replaywright.flow.expressions import evaluate, truthy
from replaywright.flow.intent import Action, Intent, parse_step
from replaywright.flow.model import Block
from replaywright.flow.template import Context, render
from replaywright.resolve.local import LocalResolver

POLL_INTERVAL = 0.25


class LivePage:
    """Live operations on one page, checked offline with the local resolver."""

    def __init__(self, page: Page, base_url: str | None = None) -> None:
        self.page = page
        self.base_url = base_url
        self.local = LocalResolver()

    async def condition(self, condition: str, ctx: Context) -> bool:
        """A plain-English check evaluated on the page, or an expression over values."""
        try:
            intent = parse_step(condition)
        except FlowError:
            intent = None
        if intent is None or not intent.is_check:
            return truthy(evaluate(condition, ctx))
        target = render(intent.target, ctx).text
        value = render(intent.value, ctx).text if intent.value is not None else None
        return await self.page_check(intent.with_text(target, value))

    async def page_check(self, intent: Intent) -> bool:
        """Does a check hold right now? Evaluated live and offline; never cached."""
        if intent.action is Action.EXPECT_TITLE:
            return (intent.value or "").casefold() in (await self.page.title()).casefold()
        if intent.action is Action.EXPECT_URL:
            return (intent.value or "").casefold() in self.page.url.casefold()
        if intent.action is Action.EXPECT_TEXT and not intent.needs_element:
            return (intent.value or "").casefold() in (
                await self.page.inner_text("body")).casefold()
        snapshot = await take_snapshot(self.page)
        try:
            found = self.local.rank(intent, snapshot)
        except StepFailed:
            return intent.action is Action.EXPECT_HIDDEN
        if intent.action is Action.EXPECT_HIDDEN:
            return False
        if intent.action is Action.EXPECT_TEXT:
            return (intent.value or "").casefold() in (
                found.element.fingerprint.text + " " + found.element.container).casefold()
        return True

    async def run_code(self, block: Block, ctx: Context) -> Any:
        """A `code:` block: Python with `params`, `outputs`, `env`, `page`; its `result`
        (or the dict of names it set) becomes the block's output."""
        source = "async def __block__(params, outputs, env, page):\n"
        source += "".join(f"    {line}\n" for line in (block.code or "pass").splitlines())
        source += "    return locals()\n"
        namespace: dict[str, Any] = {}
        exec(compile(source, f"<block {block.label}>", "exec"), namespace)
        try:
            local = await namespace["__block__"](dict(ctx.params), dict(ctx.outputs),
                                                 dict(ctx.env), self.page)
        except Exception as exc:
            raise StepFailed(f"code raised {type(exc).__name__}: {exc}") from exc
        if "result" in local:
            return local["result"]
        return {k: v for k, v in local.items()
                if k not in {"params", "outputs", "env", "page"} and not k.startswith("_")}

    async def extract(self, block: Block, ctx: Context) -> Any:
        """Read values off the page by description (live, never cached)."""
        spec = block.extract
        if isinstance(spec, dict):
            values = {name: await self.read(str(desc), ctx) for name, desc in spec.items()}
            return coerce(values, block.schema_)
        return coerce(await self.read(str(spec), ctx), block.schema_)

    async def read(self, description: str, ctx: Context) -> str:
        target = render(description, ctx).text
        snapshot = await take_snapshot(self.page)
        found = self.local.rank(Intent(Action.EXPECT_VISIBLE, target), snapshot)
        fp = found.element.fingerprint
        return fp.value or fp.text or fp.accessible_name

    async def goto(self, url: str) -> None:
        if not url.startswith(("http://", "https://", "file:", "about:", "data:")):
            if not self.base_url:
                raise StepFailed(f"relative URL {url!r} needs a base URL (--base-url)")
            url = urljoin(self.base_url.rstrip("/") + "/", url.lstrip("/"))
        try:
            response = await self.page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as exc:
            message = str(exc).splitlines()[0].replace("Page.goto: ", "")
            raise StepFailed(f"cannot open {url}: {message}") from exc
        if response is not None and response.status >= 400:
            raise StepFailed(f"cannot open {url}: HTTP {response.status}")
        await settle(self.page)

    async def step(self, intent: Intent, timeout: float, base_dir: Path) -> None:
        action, value = intent.action, intent.value or ""
        if action is Action.GOTO:
            await self.goto(value)
        elif action is Action.WAIT:
            await asyncio.sleep(parse_duration(value))
        elif action is Action.PRESS:
            await perform(self.page, None, intent, timeout=timeout, base_dir=base_dir)
        elif action is Action.EXPECT_TITLE:
            await self.poll(lambda: self.page.title(), value, timeout, "the page title")
        elif action is Action.EXPECT_URL:
            await self.poll(_async(lambda: self.page.url), value, timeout, "the URL")
        elif action is Action.EXPECT_TEXT:
            await self.poll(lambda: self.page.inner_text("body"), value, timeout, "the page")
        elif action is Action.EXPECT_HIDDEN:
            await self.expect_hidden(intent, timeout)
        elif action is Action.EXPECT_COUNT:
            await self.expect_count(intent, timeout)
        else:
            raise StepFailed(f"{action} needs a target element")

    async def poll(self, read: Callable[[], Any], wanted: str, timeout: float,
                    what: str) -> None:
        deadline = time.monotonic() + timeout
        while True:
            current = await read()
            if wanted.casefold() in current.casefold():
                return
            if time.monotonic() >= deadline:
                shown = current if len(current) < 120 else current[:117] + "..."
                raise StepFailed(f"{what} does not contain {wanted!r} after {timeout:g}s "
                                 f"(it is {shown!r})")
            await asyncio.sleep(POLL_INTERVAL)

    async def expect_hidden(self, intent: Intent, timeout: float) -> None:
        """Passes once no visible element matches the description (checked offline)."""
        deadline = time.monotonic() + timeout
        local = LocalResolver()
        while True:
            snapshot = await take_snapshot(self.page)
            try:
                resolution = local.rank(intent, snapshot)
            except StepFailed:
                return
            if time.monotonic() >= deadline:
                raise StepFailed(f"{intent.target!r} is still visible: "
                                 f"{resolution.element.summary()}")
            await asyncio.sleep(POLL_INTERVAL)

    async def expect_count(self, intent: Intent, timeout: float) -> None:
        """Passes once exactly N visible elements match the description (checked offline)."""
        wanted = int(intent.value or 0)
        deadline = time.monotonic() + timeout
        while True:
            found = self.local.matches(intent, await take_snapshot(self.page))
            if len(found) == wanted:
                return
            if time.monotonic() >= deadline:
                raise StepFailed(f"expected {wanted} elements matching {intent.target!r}, "
                                 f"found {len(found)}")
            await asyncio.sleep(POLL_INTERVAL)

    # -- images ---------------------------------------------------------------------------


def _async(read: Callable[[], str]) -> Callable[[], Any]:
    async def wrapper() -> str:
        return read()

    return wrapper


SCHEMA_TYPES = {"integer": int, "number": float, "boolean": truthy, "string": str}


def coerce(value: Any, schema: dict[str, Any] | None) -> Any:
    """Apply a JSON schema's scalar types to extracted text ('$12.00' → 12.0 for number)."""
    if not schema:
        return value
    if isinstance(value, dict):
        props = schema.get("properties", {})
        return {k: coerce(v, props.get(k)) for k, v in value.items()}
    kind = schema.get("type")
    if kind in {"integer", "number"} and isinstance(value, str):
        digits = "".join(ch for ch in value if ch.isdigit() or ch in ".-")
        try:
            return SCHEMA_TYPES[kind](float(digits)) if digits else None
        except ValueError as exc:
            raise StepFailed(f"extracted {value!r} is not a {kind}") from exc
    if kind in SCHEMA_TYPES and kind not in {"integer", "number"}:
        return SCHEMA_TYPES[kind](value)
    return value
