"""What runs live on the page every time and is never cached: navigation, waits, checks
about absence or counts, `if` conditions, `code:` blocks and extraction."""

from __future__ import annotations

import asyncio
import re
import time
import types
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from replaywright.browser.actions import perform, settle
from replaywright.browser.snapshot import Snapshot, take_snapshot
from replaywright.engine.code_block import Remote, run_in_thread
from replaywright.engine.navigation import through_navigation
from replaywright.errors import AmbiguousTarget, FlowError, StepFailed
from replaywright.flow.duration import parse_duration
from replaywright.flow.expressions import evaluate, truthy
from replaywright.flow.intent import Action, Intent, parse_step
from replaywright.flow.model import Block
from replaywright.flow.template import Context, render
from replaywright.resolve.local import LocalResolver

POLL_INTERVAL = 0.25
#: "X is not visible" fails only while something still fits X this surely (a close name);
#: a loose likeness ("POST /store/order" for "the POST /pet operation") does not count.
HIDDEN_CONFIDENCE = 0.7
#: Seconds a live read without a deadline of its own waits out a navigation.
NAVIGATION_PATIENCE = 5.0
T = TypeVar("T")
#: `env["NAME"]` / `env.get("NAME")` in a code block: the variables whose values it may show.
ENV_READ = re.compile(r"""env(?:\[|\.get\(\s*)\s*["']([^"']+)["']""")


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
                await self._read(lambda: self.page.inner_text("body"))).casefold()
        snapshot = await self._snapshot()
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

    async def run_code(self, block: Block, ctx: Context, timeout: float) -> Any:
        """A `code:` block: Python with `params`, `outputs`, `env`, `page`; its `result`
        (or the dict of names it set) becomes the block's output. It runs in a thread of its
        own within `timeout` seconds (`timeout:` on the block overrides): whatever it raises,
        `sys.exit()` included, fails the block, never the process (see `code_block`)."""
        source = "async def __block__(params, outputs, env, page):\n"
        source += "".join(f"    {line}\n" for line in (block.code or "pass").splitlines())
        source += "    return locals()\n"
        namespace: dict[str, Any] = {}
        exec(compile(source, f"<block {block.label}>", "exec"), namespace)
        for name in ENV_READ.findall(block.code or ""):
            if name in ctx.env:
                ctx.reveal(str(ctx.env[name]), f"env.{name}")  # masked in what it outputs
        args = {"params": dict(ctx.params), "outputs": dict(ctx.outputs), "env": dict(ctx.env),
                "page": Remote(self.page, asyncio.get_running_loop())}
        local = await run_in_thread(namespace["__block__"], args, label=block.label,
                                    timeout=block.timeout or timeout)
        if "result" in local:
            return _data(local["result"])
        return {k: _data(v) for k, v in local.items()
                if k not in {"params", "outputs", "env", "page"} and not k.startswith("_")
                and not _code(v)}

    async def extract(self, block: Block, ctx: Context) -> Any:
        """Read values off the page by description (live, never cached)."""
        spec = block.extract
        if isinstance(spec, dict):
            values = {name: await self.read(str(desc), ctx) for name, desc in spec.items()}
            return coerce(values, block.schema_)
        return coerce(await self.read(str(spec), ctx), block.schema_)

    async def read(self, description: str, ctx: Context) -> str:
        target = render(description, ctx).text
        snapshot = await self._snapshot()
        found = self.local.rank(Intent(Action.EXPECT_VISIBLE, target), snapshot)
        fp = found.element.fingerprint
        return fp.value or fp.text or fp.accessible_name

    async def goto(self, url: str, timeout: float) -> None:
        """Open `url` (relative to the base URL), waiting at most `timeout` seconds for it
        to load: `--timeout` and a step's `timeout:` hold for page loads too."""
        if not url.startswith(("http://", "https://", "file:", "about:", "data:")):
            if not self.base_url:
                raise StepFailed(f"relative URL {url!r} needs a base URL (--base-url)")
            url = urljoin(self.base_url.rstrip("/") + "/", url.lstrip("/"))
        try:
            response = await self.page.goto(url, wait_until="domcontentloaded",
                                            timeout=timeout * 1000)
        except PlaywrightError as exc:
            message = str(exc).splitlines()[0].replace("Page.goto: ", "")
            raise StepFailed(f"cannot open {url}: {message}") from exc
        if response is not None and response.status >= 400:
            raise StepFailed(f"cannot open {url}: HTTP {response.status}")
        await settle(self.page)

    async def step(self, intent: Intent, timeout: float, base_dir: Path) -> None:
        action, value = intent.action, intent.value or ""
        if action is Action.GOTO:
            await self.goto(value, timeout)
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
            current = await self._read(read, deadline)
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
            snapshot = await self._snapshot(deadline)
            try:
                resolution = local.rank(intent, snapshot)
                still = resolution.element.summary()
                if resolution.confidence < HIDDEN_CONFIDENCE:
                    return  # only a loose likeness is left: what the step names is gone
            except AmbiguousTarget as exc:  # several still fit: all the more visible
                still = str(exc).splitlines()[0]
            except StepFailed:
                return
            if time.monotonic() >= deadline:
                raise StepFailed(f"{intent.target!r} is still visible: {still}")
            await asyncio.sleep(POLL_INTERVAL)

    async def expect_count(self, intent: Intent, timeout: float) -> None:
        """Passes once exactly N visible elements match the description (checked offline)."""
        wanted = int(intent.value or 0)
        deadline = time.monotonic() + timeout
        while True:
            found = self.local.matches(intent, await self._snapshot(deadline))
            if len(found) == wanted:
                return
            if time.monotonic() >= deadline:
                shown = "".join(f"\n  - {el.summary()}" for el in found[:5])
                more = f"\n  … and {len(found) - 5} more" if len(found) > 5 else ""
                raise StepFailed(f"expected {wanted} elements matching {intent.target!r}, "
                                 f"found {len(found)}" + (f":{shown}{more}" if found else ""))
            await asyncio.sleep(POLL_INTERVAL)

    async def _read(self, read: Callable[[], Awaitable[T]], deadline: float | None = None) -> T:
        """A read of the page that a navigation in progress delays instead of failing."""
        return await through_navigation(read, lambda: self.page,
                                        deadline or time.monotonic() + NAVIGATION_PATIENCE)

    async def _snapshot(self, deadline: float | None = None) -> Snapshot:
        return await self._read(lambda: take_snapshot(self.page), deadline)


def _code(value: Any) -> bool:
    """Names a code block binds that are not data: imports, functions, classes, the page."""
    return isinstance(value, types.ModuleType | types.FunctionType | type | Remote)


def _data(value: Any) -> Any:
    """A code block's output as JSON data (it goes into `outputs` and every report); what
    is not data reads as its repr."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple | set):
        return [_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _data(v) for k, v in value.items()}
    return repr(value)


def _async(read: Callable[[], str]) -> Callable[[], Any]:
    async def wrapper() -> str:
        return read()

    return wrapper


SCHEMA_TYPES: dict[str, Callable[[Any], Any]] = {"integer": int, "number": float,
                                                 "boolean": truthy, "string": str}


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
