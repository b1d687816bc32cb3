"""Running a flow: for each step, cache → match → act, heal when unsure, record the result.

The data path of one element step (DESIGN.md):
  cached entry?  ── fast path: stored selectors → exactly one element → fingerprint agrees
                 └─ else snapshot + matcher → confident → act            (status: cached)
                                          └─ not confident → resolve → act (status: healed)
  no entry      ── snapshot + resolver → act                              (status: resolved)
New and healed entries are written only when the run passed and saving is allowed.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from playwright.async_api import ElementHandle, Frame, Page
from playwright.async_api import Error as PlaywrightError

from replaywright.browser.actions import action_code, perform, settle
from replaywright.browser.selectors import locate, locator_code, stable_selectors
from replaywright.browser.snapshot import Element, Snapshot, describe, take_snapshot
from replaywright.cache.entry import CacheEntry, utcnow
from replaywright.cache.git import DEFAULT_SCOPE, CacheScope, finish, lookup
from replaywright.cache.keys import step_key
from replaywright.cache.policy import DEFAULT_TTL_DAYS, SaveDecision, cacheable
from replaywright.cache.store import CorruptEntry, Store, VersionConflict
from replaywright.codegen.expressions import value_expression
from replaywright.engine.results import RunResult, StepResult
from replaywright.errors import FlowError, ReplaywrightError, StepFailed
from replaywright.flow.intent import Action, Intent, parse_step
from replaywright.flow.model import Flow, StepSpec
from replaywright.flow.template import Context, render
from replaywright.match import Matcher
from replaywright.match.fingerprint import Fingerprint, Selector
from replaywright.resolve.base import Resolution, Resolver
from replaywright.resolve.local import MIN_SCORE, LocalResolver

DEFAULT_TIMEOUT = 10.0
POLL_INTERVAL = 0.25


def _always_save(passed: bool) -> SaveDecision:
    return SaveDecision(passed, "saved" if passed else "not saved: the run failed")


@dataclass
class CachePlan:
    """Where entries are read from and written to, and whether a finished run may write."""

    store: Store | None = None
    scope: CacheScope = field(default_factory=lambda: CacheScope(read=[DEFAULT_SCOPE],
                                                                 write=DEFAULT_SCOPE))
    decide: Callable[[bool], SaveDecision] = _always_save
    enabled: bool = True
    ttl_days: int | None = DEFAULT_TTL_DAYS

    def lookup(self, key: str) -> CacheEntry | None:
        if self.store is None or not self.enabled:
            return None
        return lookup(self.store, self.scope, key, ttl_days=self.ttl_days)


@dataclass
class RunOptions:
    mode: str = "auto"  # auto | code | ai
    base_url: str | None = None
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    step_timeout: float = DEFAULT_TIMEOUT
    screenshots: bool = False
    on_step: Callable[[StepResult], None] | None = None


@dataclass
class _Pending:
    entry: CacheEntry
    expected_version: int


@dataclass
class _Located:
    """An element found for a step, and how it was found."""

    handle: ElementHandle
    frame: Frame
    fingerprint: Fingerprint
    element: Element | None = None
    status: str = "cached"
    resolution: Resolution | None = None
    confidence: float | None = None
    note: str = ""
    peers: list[Fingerprint] = field(default_factory=list)  # the page it was found on


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Runner:
    """Runs flows on one page. Create one per browser page; reuse it across runs."""

    def __init__(self, page: Page, cache: CachePlan | None = None,
                 resolver: Resolver | None = None, matcher: Matcher | None = None,
                 options: RunOptions | None = None) -> None:
        self.page = page
        self.cache = cache or CachePlan()
        self.resolver = resolver or LocalResolver()
        self.matcher = matcher or Matcher()
        self.options = options or RunOptions()
        self._description_check = LocalResolver()

    async def run(self, flow: Flow, params: Mapping[str, Any] | None = None) -> RunResult:
        started = time.monotonic()
        result = RunResult(flow=flow.name)
        values = flow.bind(dict(params or {}))
        ctx = Context(params=values, env=self.options.env)
        pending: list[_Pending] = []
        base_dir = flow.path.parent if flow.path else Path.cwd()
        try:
            if flow.url:
                await self._goto(render(flow.url, ctx).text)
        except StepFailed as exc:
            result.error = f"{flow.path or flow.name}: cannot open the start page: {exc}"
        seen: dict[tuple[str, str], int] = {}
        for spec in flow.steps:
            if result.error:
                result.steps.append(StepResult(index=spec.index, text=spec.text, line=spec.line))
                continue
            occurrence = seen.get((spec.text, ""), 0)
            seen[(spec.text, "")] = occurrence + 1
            step = await self._run_step(flow, spec, ctx, occurrence, base_dir, pending)
            result.steps.append(step)
            if self.options.on_step:
                self.options.on_step(step)
            if step.status == "failed":
                where = f"{flow.path}:{spec.line}" if flow.path else f"line {spec.line}"
                result.error = f'{where}: step {spec.index} "{spec.text}": {step.error}'
        result.passed = result.error is None
        result.cache_saved, result.cache_note = self._commit(result.passed, pending)
        result.seconds = time.monotonic() - started
        return result

    # -- cache writes -------------------------------------------------------------------

    def _commit(self, passed: bool, pending: list[_Pending]) -> tuple[bool, str]:
        plan = self.cache
        if plan.store is None or not plan.enabled:
            return False, "cache off"
        decision = plan.decide(passed)
        if not decision.save:
            return False, decision.reason if pending else "nothing new to save"
        written = 0
        for item in pending:
            try:
                plan.store.put(item.entry, expected_version=item.expected_version)
                written += 1
            except VersionConflict:
                continue  # another run wrote the same step first; its entry stands
        finish(plan.store, plan.scope)  # on main: carry what was read into this commit's scope
        if not pending:
            return False, "nothing new to save"
        return written > 0, f"{decision.reason} ({written} entr{'y' if written == 1 else 'ies'})"

    # -- one step -----------------------------------------------------------------------

    async def _run_step(self, flow: Flow, spec: StepSpec, ctx: Context, occurrence: int,
                        base_dir: Path, pending: list[_Pending]) -> StepResult:
        started = time.monotonic()
        step = StepResult(index=spec.index, text=spec.text, line=spec.line)
        timeout = spec.timeout or self.options.step_timeout
        try:
            template = parse_step(spec.text)
            target = render(template.target, ctx)
            value = render(template.value, ctx) if template.value is not None else None
            intent = template.with_text(target.text, value.text if value else None)
            step.action = intent.action.value
            if intent.needs_element and intent.action is not Action.EXPECT_HIDDEN:
                used = {**target.used, **(value.used if value else {})}
                decision = cacheable(
                    intent.action.value, step_cache=spec.cache, templates=[spec.text],
                    values_volatile=target.volatile or bool(value and value.volatile),
                    no_cache=not self.cache.enabled)
                if not decision and self.cache.enabled:
                    step.note = f"not cached: {decision.reason}"
                key = step_key(flow.name, spec.text, intent.action.value, used, occurrence)
                await self._element_step(step, flow, spec, template, intent, key,
                                         bool(decision), timeout, base_dir, pending)
            else:
                await self._live_step(intent, timeout)
                step.status = "live"
        except FlowError as exc:
            step.status, step.error = "failed", exc.problem
        except ReplaywrightError as exc:
            step.status, step.error = "failed", str(exc)
        except PlaywrightError as exc:
            step.status, step.error = "failed", str(exc).splitlines()[0]
        if self.options.screenshots:
            step.screenshot = await self._screenshot()
        step.duration_s = round(time.monotonic() - started, 3)
        return step

    async def _element_step(self, step: StepResult, flow: Flow, spec: StepSpec,
                            template: Intent, intent: Intent, key: str, cacheable: bool,
                            timeout: float, base_dir: Path, pending: list[_Pending]) -> None:
        deadline = time.monotonic() + timeout
        entry = None
        if cacheable and self.options.mode != "ai":
            try:
                entry = self.cache.lookup(key)
            except CorruptEntry as exc:
                step.note = f"{exc}; re-resolving"
        step.cache_key = key if cacheable else None
        # An explicit step timeout says the element may take a while: wait for the cached
        # element for half of it before healing.
        patience = spec.timeout / 2 if spec.timeout else 0.0
        located = await self._locate(intent, entry, deadline, patience)
        if intent.action is Action.EXPECT_TEXT:
            await self._expect_text(located.handle, intent.value or "", deadline)
        elif intent.action is not Action.EXPECT_VISIBLE:
            options = located.element.options if located.element else None
            await perform(self.page, located.handle, intent, timeout=timeout,
                          base_dir=base_dir, options=options)
        step.status = located.status  # type: ignore[assignment]
        step.confidence = located.confidence
        step.element = _summary(located.fingerprint)
        step.note = "; ".join(n for n in (step.note, located.note) if n)
        selectors = stable_selectors(located.fingerprint, located.peers)
        step.selector = locator_code(selectors[0] if selectors else None, located.fingerprint)
        step.code = action_code(intent, step.selector, value_expression(template.value))
        if located.resolution is not None:
            step.resolver_calls = located.resolution.usage.calls or 1
            step.usage = located.resolution.usage.model_copy(
                update={"calls": step.resolver_calls})
        if entry is not None and located.status == "cached":
            step.avoided = entry.usage
            self._touch(entry)
        if located.status == "healed" and entry is not None:
            step.old_image = entry.data.get("image")
        if located.status in {"resolved", "healed"}:
            image = await self._element_image(located.handle)
            step.new_image = image
            if cacheable:
                record = self._record(flow, spec, intent, key, located, selectors, step, image,
                                      entry)
                # compare-and-set: replace exactly the version we read, or insert only if
                # no concurrent run wrote this step first (0 = must not exist yet)
                same_scope = entry is not None and entry.scope == self.cache.scope.write
                pending.append(_Pending(record, entry.version if same_scope else 0))

    def _touch(self, entry: CacheEntry) -> None:
        if self.cache.store is not None:
            self.cache.store.touch(entry.scope, entry.key, utcnow())

    def _record(self, flow: Flow, spec: StepSpec, intent: Intent, key: str, located: _Located,
                selectors: list[Selector], step: StepResult, image: str | None,
                entry: CacheEntry | None) -> CacheEntry:
        data = {"image": image} if image else {}
        if entry is not None:
            healed = entry.healed(located.fingerprint, selectors, located.note, step.code,
                                  step.usage)
            return healed.model_copy(update={"scope": self.cache.scope.write,
                                             "data": {**entry.data, **data}})
        return CacheEntry(key=key, scope=self.cache.scope.write, flow=flow.name,
                          step=spec.text, action=intent.action.value,
                          fingerprint=located.fingerprint, selectors=selectors, code=step.code,
                          resolver=getattr(self.resolver, "name", "resolver"),
                          usage=step.usage, data=data)

    # -- finding the element ------------------------------------------------------------

    async def _locate(self, intent: Intent, entry: CacheEntry | None, deadline: float,
                      patience: float) -> _Located:
        """Find the step's element. With a cached entry, keep trying the cache for `patience`
        seconds (the element may still be rendering) before healing."""
        if entry is not None and entry.fingerprint is not None:
            give_up = time.monotonic() + patience
            while True:
                fast = await self._fast_path(entry, intent)
                if fast is not None:
                    return fast
                snapshot = await take_snapshot(self.page)
                match = self.matcher.match(entry.fingerprint, snapshot.fingerprints,
                                           intent.target)
                element = snapshot.elements[match.index] if match.index is not None else None
                if match.confident and element is not None and self._fits(intent, snapshot,
                                                                         element):
                    return _Located(await element.handle(), element.frame, element.fingerprint,
                                    element, "cached", confidence=match.confidence,
                                    note="relocated by fingerprint")
                if time.monotonic() + POLL_INTERVAL >= give_up:
                    break
                await asyncio.sleep(POLL_INTERVAL)
            if match.confident and element is not None:
                why = (f"the relocated element {element.summary()} no longer fits the step's "
                       "description; healed from the description")
            else:
                why = (f"fingerprint match not confident ({match.confidence:.2f} < "
                       f"{self.matcher.threshold:.2f}); healed from the description")
            located = await self._resolve(intent, deadline, hint=entry.fingerprint,
                                          first=snapshot)
            located.status, located.note = "healed", why
            return located
        return await self._resolve(intent, deadline)

    def _fits(self, intent: Intent, snapshot: Snapshot, element: Element) -> bool:
        """A relocation must still be describable by the step's own words."""
        return self._description_check.fit(intent, snapshot, element) >= MIN_SCORE

    async def _fast_path(self, entry: CacheEntry, intent: Intent) -> _Located | None:
        """Stored selectors → exactly one element that still agrees with the fingerprint."""
        assert entry.fingerprint is not None
        for selector in entry.selectors:
            found = locate(self.page, selector)
            if found is None:
                continue
            frame, locator = found
            try:
                handles = await locator.element_handles()
                if len(handles) != 1:
                    continue
                handle = handles[0]
                live = await describe(handle, frame)
            except PlaywrightError:
                continue
            if live.visible and self.matcher.verify(entry.fingerprint, live, intent.target):
                return _Located(handle, frame, live, None, "cached", confidence=1.0,
                                note=f"fast path: {selector.kind}")
        return None

    async def _resolve(self, intent: Intent, deadline: float, *,
                       hint: Fingerprint | None = None,
                       first: Snapshot | None = None) -> _Located:
        """Resolve from the description, retrying while the page may still be rendering."""
        snapshot = first
        calls = 0
        while True:
            if snapshot is None:
                snapshot = await take_snapshot(self.page)
            calls += 1
            try:
                resolution = await self.resolver.resolve(intent, snapshot, hint=hint)
            except StepFailed:
                if time.monotonic() + POLL_INTERVAL >= deadline:
                    raise
                await asyncio.sleep(POLL_INTERVAL)
                await settle(self.page, timeout=1.0)
                snapshot = None
                continue
            if resolution.usage.calls == 0:
                resolution.usage = resolution.usage.model_copy(update={"calls": calls})
            element = resolution.element
            return _Located(await element.handle(), element.frame, element.fingerprint,
                            element, "resolved", resolution=resolution,
                            confidence=resolution.confidence, note=resolution.reason,
                            peers=snapshot.fingerprints)

    # -- steps without an element ---------------------------------------------------------

    async def _goto(self, url: str) -> None:
        if not url.startswith(("http://", "https://", "file:", "about:", "data:")):
            if not self.options.base_url:
                raise StepFailed(f"relative URL {url!r} needs a base URL (--base-url)")
            url = urljoin(self.options.base_url.rstrip("/") + "/", url.lstrip("/"))
        try:
            response = await self.page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as exc:
            message = str(exc).splitlines()[0].replace("Page.goto: ", "")
            raise StepFailed(f"cannot open {url}: {message}") from exc
        if response is not None and response.status >= 400:
            raise StepFailed(f"cannot open {url}: HTTP {response.status}")
        await settle(self.page)

    async def _live_step(self, intent: Intent, timeout: float) -> None:
        action, value = intent.action, intent.value or ""
        if action is Action.GOTO:
            await self._goto(value)
        elif action is Action.WAIT:
            from replaywright.flow.duration import parse_duration

            await asyncio.sleep(parse_duration(value))
        elif action is Action.PRESS:
            await perform(self.page, None, intent, timeout=timeout, base_dir=Path.cwd())
        elif action is Action.EXPECT_TITLE:
            await self._poll(lambda: self.page.title(), value, timeout, "the page title")
        elif action is Action.EXPECT_URL:
            await self._poll(_async(lambda: self.page.url), value, timeout, "the URL")
        elif action is Action.EXPECT_TEXT:
            await self._poll(lambda: self.page.inner_text("body"), value, timeout, "the page")
        elif action is Action.EXPECT_HIDDEN:
            await self._expect_hidden(intent, timeout)
        else:
            raise StepFailed(f"{action} needs a target element")

    async def _poll(self, read: Callable[[], Any], wanted: str, timeout: float,
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

    async def _expect_text(self, handle: ElementHandle, wanted: str, deadline: float) -> None:
        while True:
            text = await handle.evaluate(
                "e => ('value' in e && e.tagName !== 'BUTTON' ? e.value : '') + ' ' + "
                "(e.innerText || e.textContent || '')")
            if wanted.casefold() in text.casefold():
                return
            if time.monotonic() >= deadline:
                raise StepFailed(f"the element does not contain {wanted!r}; it shows "
                                 f"{' '.join(text.split())[:120]!r}")
            await asyncio.sleep(POLL_INTERVAL)

    async def _expect_hidden(self, intent: Intent, timeout: float) -> None:
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

    # -- images ---------------------------------------------------------------------------

    async def _screenshot(self) -> str | None:
        try:
            return _b64(await self.page.screenshot(type="jpeg", quality=55))
        except PlaywrightError:
            return None

    async def _element_image(self, handle: ElementHandle) -> str | None:
        try:
            return _b64(await handle.screenshot(type="jpeg", quality=70, timeout=2000))
        except PlaywrightError:
            return None


def _async(read: Callable[[], str]) -> Callable[[], Any]:
    async def wrapper() -> str:
        return read()

    return wrapper


def _summary(fp: Fingerprint) -> str:
    name = fp.accessible_name or fp.text or fp.label or fp.placeholder or fp.id
    role = f" role={fp.role}" if fp.role else ""
    return f"<{fp.tag}{role}> {name[:60]!r}"
