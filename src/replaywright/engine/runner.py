"""Running flows and workflows: for each step, cache → match → act, heal when unsure.

The data path of one element step (DESIGN.md):
  cached entry?  ── fast path: stored selectors → exactly one element → fingerprint agrees
                 └─ else snapshot + matcher → confident and still fits the words → act
                                          └─ otherwise resolve → act          (healed)
  no entry      ── snapshot + resolver → act                                 (resolved)
Workflows run block by block; step keys of a workflow are chained through the blocks
before them, so editing a block invalidates it and what follows. New and healed entries are
written only when the run passed and saving is allowed, each with a compare-and-set.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import math
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.async_api import Dialog, ElementHandle, Frame, Page
from playwright.async_api import Error as PlaywrightError

from replaywright.browser import locator_expr
from replaywright.browser.actions import action_code, opens_tab, perform, settle
from replaywright.browser.code import parse_locator, value_expression
from replaywright.browser.selectors import (
    IDIOMATIC,
    locate,
    locator_code,
    scoped_selector,
    stable_selectors,
)
from replaywright.browser.snapshot import (
    Element,
    Focus,
    Snapshot,
    describe,
    summary,
    take_snapshot,
)
from replaywright.cache.entry import CacheEntry
from replaywright.cache.keys import step_key
from replaywright.cache.policy import cacheable
from replaywright.cache.store import CorruptEntry
from replaywright.engine.caching import CachePlan, Pending
from replaywright.engine.live import POLL_INTERVAL, LivePage
from replaywright.engine.navigation import through_navigation
from replaywright.engine.results import BlockResult, RunResult, StepResult, block_status
from replaywright.engine.secrecy import (
    key_inputs,
    mask_entry,
    mask_run,
    mask_step,
    public_params,
    secret_context,
)
from replaywright.errors import (
    AmbiguousTarget,
    FlowError,
    ReplaywrightError,
    StepFailed,
    WrongElement,
)
from replaywright.flow.expressions import as_list, evaluate
from replaywright.flow.intent import ELEMENT_CHECKS, Action, Intent, parse_step
from replaywright.flow.model import Block, Flow, StepSpec
from replaywright.flow.secrets import templatise
from replaywright.flow.template import Context, render
from replaywright.model import Fingerprint, Selector, Usage
from replaywright.resolve.base import Resolution, Resolver
from replaywright.resolve.local import MIN_SCORE, LocalResolver, container_words, focus_for

if TYPE_CHECKING:
    from replaywright.match import Matcher
    from replaywright.resolve.llm import Agent

DEFAULT_TIMEOUT = 10.0
MODES = ("auto", "code", "ai")
#: Seconds to wait, after clicking a ``target=_blank`` link, for Chromium to report its tab.
TAB_PATIENCE = 3.0
#: Seconds a tie between candidates is looked at again before the step is refused.
TIE_PATIENCE = 1.0
#: Checks about the absence or the number of elements: nothing to record, always live.
LIVE_CHECKS = {Action.EXPECT_HIDDEN, Action.EXPECT_COUNT}


@dataclass
class RunOptions:
    mode: str = "auto"  # auto | code | ai
    base_url: str | None = None
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    step_timeout: float = DEFAULT_TIMEOUT
    screenshots: bool = False
    on_step: Callable[[StepResult], None] | None = None
    #: Benchmarks only: carries out a failed step with `expect:` on that element (page,
    #: locator, intent, timeout, base folder), raising when it cannot.
    stand_in: Callable[[Page, str, Intent, float, Path], Awaitable[None]] | None = None


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
    snapshot: Snapshot | None = None
    calls: int = 0  # resolver calls spent finding it
    usage: Usage = field(default_factory=Usage)
    image: str | None = None  # base64 JPEG of the element, taken before acting on it


_Chosen = tuple[Element | None, Snapshot, Usage]  # an agent's pick: element, its page, cost


@dataclass
class _RunState:
    """Everything one run accumulates."""

    flow: str
    ctx: Context
    base_dir: Path
    path: Path | None = None
    workflow: bool = False
    steps: list[StepResult] = field(default_factory=list)
    blocks: list[BlockResult] = field(default_factory=list)
    pending: dict[str, Pending] = field(default_factory=dict)
    error: str | None = None
    overhead: Usage = field(default_factory=Usage)  # resolver spending outside any step
    overhead_avoided: Usage = field(default_factory=Usage)

    def where(self, line: int) -> str:
        return f"{self.path}:{line}" if self.path else f"line {line}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _chain(lineage: str, digest: str) -> str:
    return hashlib.sha256(f"{lineage}/{digest}".encode()).hexdigest()[:24]


class Runner:
    """Runs flows on one page. Create one per browser page; reuse it across runs."""

    def __init__(self, page: Page, cache: CachePlan | None = None,
                 resolver: Resolver | None = None, matcher: Matcher | None = None,
                 options: RunOptions | None = None, agent: Agent | None = None) -> None:
        self.page = page
        self.agent = agent
        self.cache = cache or CachePlan()
        self.resolver = resolver or LocalResolver()
        self._matcher = matcher
        self.options = options or RunOptions()
        if self.options.mode not in MODES:
            raise FlowError(f"unknown mode {self.options.mode!r}: use one of {', '.join(MODES)}")
        self.live = LivePage(page, self.options.base_url)
        self._last_match: tuple[Snapshot, Any, Element | None] | None = None
        self._dialogs: list[str] = []  # what dialogs said since the last step reported them
        self._watch(page)

    def _watch(self, page: Page) -> None:
        """Accept alert/confirm/prompt dialogs as a person carrying on would (Playwright
        would dismiss them, and a Delete whose confirm is dismissed silently does nothing);
        the step that raised one says so."""
        async def accept(dialog: Dialog) -> None:
            article = "an" if dialog.type[0] in "aeiou" else "a"
            self._dialogs.append(f"accepted {article} {dialog.type} dialog: "
                                 f"{dialog.message[:120]!r}")
            with contextlib.suppress(PlaywrightError):
                await dialog.accept(dialog.default_value if dialog.type == "prompt" else None)

        page.on("dialog", accept)

    @property
    def matcher(self) -> Matcher:
        """The fingerprint matcher, loaded on first use: a replay whose stored selectors
        still find the element never needs it (nor numpy)."""
        if self._matcher is None:
            from replaywright.match import Matcher

            self._matcher = Matcher()
        return self._matcher

    async def _act(self, step: StepResult, handle: ElementHandle | None, intent: Intent,
                   timeout: float, base_dir: Path, options: list[str] | None) -> None:
        """Perform an element action. A tab it opens (``target=_blank``, ``window.open``) is
        where the person would carry on, so the run continues there; the step says so."""
        opened: list[Page] = []

        def listener(tab: Page) -> None:
            opened.append(tab)

        expect_tab = intent.action is Action.CLICK and await opens_tab(handle)
        self.page.on("popup", listener)
        try:
            expect_tab = await perform(self.page, handle, intent, timeout=timeout,
                                       base_dir=base_dir, options=options) or expect_tab
            deadline = time.monotonic() + TAB_PATIENCE
            while expect_tab and not opened and time.monotonic() < deadline:
                await asyncio.sleep(POLL_INTERVAL / 10)
        finally:
            self.page.remove_listener("popup", listener)
        if opened:
            tab = opened[-1]
            await settle(tab)
            self.page = self.live.page = tab
            self._watch(tab)
            step.note = "; ".join(n for n in (step.note, f"opened a new tab ({tab.url}); "
                                              "the run continues there") if n)

    async def run(self, flow: Flow, params: Mapping[str, Any] | None = None) -> RunResult:
        started = time.monotonic()
        values = flow.bind(dict(params or {}))
        state = _RunState(flow=flow.name, ctx=secret_context(values, self.options.env,
                                                             flow.secret_params),
                          base_dir=flow.path.parent if flow.path else Path.cwd(),
                          path=flow.path, workflow=flow.workflow)
        if flow.url:
            await self._start_page(flow.url, state)
        # A workflow's keys start from its parameter names: adding, removing or renaming a
        # parameter invalidates the whole workflow; plain flows key steps on their own.
        root = _chain("", ",".join(sorted(flow.params))) if flow.workflow else ""
        await self._run_blocks(flow.blocks, state, root, depth=0)
        result = RunResult(flow=flow.name, steps=state.steps, error=state.error,
                           blocks=state.blocks if flow.workflow else [], overhead=state.overhead,
                           overhead_avoided=state.overhead_avoided)
        result.passed = state.error is None
        mask_run(result, state.ctx)
        result.cache_saved, result.cache_note = self._commit(result.passed, state.pending)
        result.seconds = time.monotonic() - started
        return result

    async def _start_page(self, url: str, state: _RunState) -> None:
        """Open the flow's start page. When it cannot be opened, that is the run's first
        step, failed, so the counts, the summary and every report show it."""
        started = time.monotonic()
        try:
            await self.live.goto(render(url, state.ctx).text, self.options.step_timeout)
            return
        except (StepFailed, FlowError) as exc:
            problem = exc.problem if isinstance(exc, FlowError) else str(exc)
        step = StepResult(index=1, text=f"Open the start page {url}", action="goto",
                          status="failed", error=f"cannot open the start page: {problem}",
                          duration_s=round(time.monotonic() - started, 3))
        mask_step(step, state.ctx)
        state.steps.append(step)
        if self.options.on_step:
            self.options.on_step(step)
        state.error = f"{state.path or state.flow}: {step.error}"

    def session(self, name: str, params: Mapping[str, Any] | None = None,
                base_dir: Path | None = None, flow: Flow | None = None) -> StepSession:
        """Run steps one at a time (pytest plugin, generated scripts). With `flow`, a step
        named with its block gets exactly the key a run of that flow gives it."""
        state = _RunState(flow=name, ctx=secret_context(
            dict(params or {}), self.options.env, flow.secret_params if flow else ()),
                          base_dir=base_dir or Path.cwd())
        return StepSession(self, state, flow)

    # -- cache writes -------------------------------------------------------------------

    def _commit(self, passed: bool, pending: Mapping[str, Pending]) -> tuple[bool, str]:
        return self.cache.commit(passed, pending.values())

    def _lookup(self, state: _RunState, key: str) -> CacheEntry | None:
        """This run's own new entries first (a loop's later items reuse the first's)."""
        if key in state.pending:
            return state.pending[key].entry
        return self.cache.lookup(key)

    # -- blocks -----------------------------------------------------------------------------

    async def _run_blocks(self, blocks: list[Block], state: _RunState, lineage: str,
                          depth: int) -> str:
        for block in blocks:
            lineage = _chain(lineage, block.digest) if state.workflow else lineage
            if state.error:
                state.blocks.append(BlockResult(label=block.label, kind=block.kind,
                                                status="skipped", depth=depth))
                continue
            await self._run_block(block, state, lineage, depth)
        return lineage

    async def _run_block(self, block: Block, state: _RunState, lineage: str,
                         depth: int) -> None:
        started = time.monotonic()
        result = BlockResult(label=block.label, kind=block.kind, depth=depth,
                             first_step=len(state.steps))
        state.blocks.append(result)
        ctx = state.ctx
        try:
            if block.kind == "steps":
                for spec in block.steps:
                    await self._run_step(state, spec, block, lineage)
                    if state.error:
                        break
            elif block.kind == "goto":
                await self.live.goto(render(block.url or "", ctx).text, self.options.step_timeout)
            elif block.kind == "wait":
                await asyncio.sleep(block.seconds or 0)
            elif block.kind == "code":
                ctx.outputs = {**ctx.outputs, block.label: await self.live.run_code(
                    block, ctx, self.options.step_timeout)}
                result.output = ctx.outputs[block.label]
            elif block.kind == "extract":
                ctx.outputs = {**ctx.outputs, block.label: await self.live.extract(block, ctx)}
                result.output = ctx.outputs[block.label]
            elif block.kind == "if":
                taken = await self.live.condition(block.condition or "", ctx)
                result.note = f"condition {'true' if taken else 'false'}: ran " + (
                    "then" if taken else ("else" if block.otherwise else "nothing"))
                branch = block.then if taken else block.otherwise
                await self._run_blocks(branch, state, _chain(lineage, "then" if taken
                                                             else "else"), depth + 1)
            elif block.kind == "for_each":
                items = as_list(evaluate(block.items or "", ctx))
                result.iterations = len(items)
                for item in items:
                    ctx.loop = {**ctx.loop, block.item_name: item}
                    await self._run_blocks(block.blocks, state, lineage, depth + 1)
                    if state.error:
                        break
                ctx.loop = {k: v for k, v in ctx.loop.items() if k != block.item_name}
            elif block.kind == "task":
                result.output = await self._run_task(block, state, lineage)
                ctx.outputs = {**ctx.outputs, block.label: result.output}
        except (ReplaywrightError, PlaywrightError) as exc:
            message = exc.problem if isinstance(exc, FlowError) else str(exc).splitlines()[0]
            result.status, result.note = "failed", message
            state.error = state.error or f"{state.where(block.line)}: block '{block.label}': {message}"
        result.last_step = len(state.steps)
        result.duration_s = round(time.monotonic() - started, 3)
        if result.status != "failed":
            # an `if` itself is a live check; the blocks of its branch report their own status
            result.status = "live" if block.kind == "if" else block_status(
                state.steps[result.first_step:], from_code=self.options.mode == "code")

    async def _run_task(self, block: Block, state: _RunState, lineage: str) -> dict[str, Any]:
        """An open goal. The first run asks the agent for one action at a time and records
        the actions as plain-English steps; later runs replay those steps from the cache
        (each healing on its own) with no LLM call."""
        goal = render(block.task or "", state.ctx).text
        key = step_key(state.flow, f"task: {block.task}", "task", {}, 0, context=lineage,
                       secret=self.cache.key_secret())
        entry = None
        if self.cache.enabled and block.cache and self.options.mode != "ai":
            entry = self._lookup(state, key)
        body = Block(label=block.label, kind="steps")
        lineage = _chain(lineage, "task")
        if entry is not None and entry.data.get("steps"):
            from replaywright.resolve.llm.agent import personalise

            state.overhead_avoided = state.overhead_avoided + entry.usage
            steps = personalise(entry.data["steps"], entry.data.get("params", {}),
                                dict(state.ctx.params))
            body.steps = [StepSpec(text=t, index=i + 1, cache=i not in steps.reresolve)
                          for i, t in enumerate(steps)]
            for spec in body.steps:
                await self._run_step(state, spec, body, lineage)
                if state.error:
                    break
            return {"steps": list(steps), "replayed": True}
        if self.agent is None:
            raise StepFailed("task blocks need an LLM: pass --llm PROVIDER:MODEL or set "
                             "REPLAYWRIGHT_LLM (see README, 'LLM resolvers')")
        done: list[str] = []
        for _ in range(block.max_steps):
            snapshot = await take_snapshot(self.page)
            decision = await self.agent.decide(goal, snapshot, done)
            if decision.done or not decision.step:
                state.overhead = state.overhead + decision.usage  # the call that said "done"
                break
            spec = StepSpec(text=templatise(decision.step, state.ctx.revealed),
                            index=len(done) + 1)
            body.steps.append(spec)
            chosen = snapshot.elements[decision.element] if decision.element is not None \
                else None
            step = await self._run_step(state, spec, body, lineage,
                                        chosen=(chosen, snapshot, decision.usage))
            if step.status == "failed":
                return {"steps": done}
            done.append(spec.text)
        else:
            raise StepFailed(f"the goal was not reached in {block.max_steps} actions "
                             f"(raise max_steps?): {goal!r}")
        if self.cache.enabled and block.cache:
            # the steps keep their own costs; the task entry keeps what deciding "done" cost
            record = CacheEntry(key=key, scope=self.cache.scope.write, flow=state.flow,
                                step=f"task: {block.task}", action="task",
                                resolver=getattr(self.resolver, "name", ""),
                                usage=state.overhead,
                                data={"steps": done, "params": public_params(state.ctx)})
            state.pending[key] = Pending(record, entry.version if entry is not None
                                          and entry.scope == self.cache.scope.write else 0)
        return {"steps": done}

    # -- one step -----------------------------------------------------------------------

    async def _run_step(self, state: _RunState, spec: StepSpec, block: Block | None,
                        lineage: str, chosen: _Chosen | None = None,
                        hint: Selector | None = None) -> StepResult:
        started = time.monotonic()
        step = StepResult(index=len(state.steps) + 1, text=spec.text, line=spec.line,
                          block=block.label if block else "")
        timeout = spec.timeout or self.options.step_timeout
        try:
            template = parse_step(spec.text)
            timeout = template.timeout or timeout  # "... is visible within 30 s"
            target = render(template.target, state.ctx)
            value = render(template.value, state.ctx) if template.value is not None else None
            intent = template.with_text(target.text, value.text if value else None)
            step.action = intent.action.value
            if intent.needs_element and intent.action not in LIVE_CHECKS:
                used, hidden = key_inputs(intent, template.value, target, value, state.ctx)
                decision = cacheable(
                    intent.action.value, step_cache=spec.cache and (block is None or block.cache),
                    templates=[spec.text],
                    values_volatile=target.volatile or bool(value and value.volatile),
                    no_cache=not self.cache.enabled)
                if not decision and self.cache.enabled:
                    step.note = f"not cached: {decision.reason}"
                occurrence = _occurrence(block, spec)
                key = step_key(state.flow, spec.text, intent.action.value, used, occurrence,
                               context=lineage, secret=self.cache.key_secret(), hidden=hidden)
                await self._element_step(step, state, spec, template, intent, key,
                                         bool(decision), timeout, chosen, hint)
            else:
                await self.live.step(intent, timeout, state.base_dir)
                step.status = "live"
        except FlowError as exc:
            step.status, step.error = "failed", exc.problem
        except ReplaywrightError as exc:
            step.status, step.error = "failed", str(exc)
            step.usage = getattr(exc, "usage", None) or step.usage  # a paid call that failed
        except PlaywrightError as exc:
            step.status, step.error = "failed", str(exc).splitlines()[0]
        if self._dialogs:
            step.note = "; ".join([*filter(None, [step.note]), *self._dialogs])
            self._dialogs.clear()
        if step.status == "failed" and spec.expect and self.options.stand_in:
            await self._stand_in(step, spec, state)
        if self.options.screenshots:
            step.screenshot = await self._screenshot()
        step.duration_s = round(time.monotonic() - started, 3)
        mask_step(step, state.ctx)
        state.steps.append(step)
        if self.options.on_step:
            self.options.on_step(step)
        if step.status == "failed" and not step.stood_in and state.error is None:
            state.error = f'{state.where(spec.line)}: step {step.index} "{spec.text}": {step.error}'
        return step

    async def _element_step(self, step: StepResult, state: _RunState, spec: StepSpec,
                            template: Intent, intent: Intent, key: str, cacheable: bool,
                            timeout: float, chosen: _Chosen | None = None,
                            hint: Selector | None = None) -> None:
        deadline = time.monotonic() + timeout
        entry = existing = None
        if cacheable:
            try:
                existing = self._lookup(state, key)
            except CorruptEntry as exc:
                # resolve afresh, but leave the row for a person to inspect: never overwrite it
                step.note = (f"{exc}; resolved afresh and not saved (inspect or remove it with "
                             f"`replaywright cache show/rm {key}`)")
                cacheable = False
            entry = existing if self.options.mode != "ai" else None
        step.cache_key = key if cacheable else None
        if chosen is not None and (element := chosen[0]) is not None:  # the agent picked it
            _, snapshot, usage = chosen
            located = _Located(await element.handle(), element.frame, element.fingerprint,
                               element, "resolved", note="chosen by the agent",
                               peers=snapshot.fingerprints, snapshot=snapshot,
                               calls=max(1, usage.calls),
                               usage=usage)
            selectors = await self._selectors(located)
            if intent.action not in ELEMENT_CHECKS:
                located.image = await self._element_image(located.handle)
                await self._act(step, located.handle, intent, timeout, state.base_dir,
                                element.options)
        elif intent.action in ELEMENT_CHECKS:
            finding = time.monotonic()
            located = await through_navigation(
                lambda: self._poll_check(intent, entry, _left(deadline)),
                lambda: self.page, deadline)
            step.locate_ms = round((time.monotonic() - finding) * 1000, 1)
            await self._verify_expect(step, spec, located, state.ctx)
            selectors = await self._selectors(located)
        else:
            # An explicit step timeout says the element may take a while: wait for the
            # cached element for half of it before healing.
            patience = spec.timeout / 2 if spec.timeout else 0.0
            finding = time.monotonic()
            located = await through_navigation(
                lambda: self._locate(intent, entry, deadline, patience, hint), lambda: self.page,
                deadline)
            step.locate_ms = round((time.monotonic() - finding) * 1000, 1)
            await self._verify_expect(step, spec, located, state.ctx)
            selectors = await self._selectors(located)  # before the action navigates away
            if located.status in {"resolved", "healed"}:
                located.image = await self._element_image(located.handle)
            options = located.element.options if located.element else None
            await self._act(step, located.handle, intent, timeout, state.base_dir, options)
        step.status = located.status  # type: ignore[assignment]
        step.confidence = located.confidence
        step.element = summary(located.fingerprint)
        step.note = "; ".join(n for n in (step.note, located.note) if n)
        step.selector = locator_code(selectors[0] if selectors else None, located.fingerprint)
        step.code = action_code(intent, step.selector, value_expression(template.value))
        if located.calls:
            step.resolver_calls = located.calls
            step.usage = located.usage.model_copy(update={"calls": located.calls})
        if entry is not None and located.status == "cached":
            step.avoided = entry.usage
            if key not in state.pending:
                self.cache.touch(entry)
        if located.status == "healed" and entry is not None:
            step.old_image = entry.data.get("image")
        if located.status in {"resolved", "healed"}:
            image = located.image
            step.new_image = image
            if cacheable:
                record = self._record(state.flow, spec, intent, key, located, selectors, step,
                                      image, entry)
                # compare-and-set: replace exactly the version we read, or insert only if
                # no concurrent run wrote this step first (0 = must not exist yet)
                base = state.pending[key].expected_version if key in state.pending else (
                    existing.version if existing is not None
                    and existing.scope == self.cache.scope.write else 0)
                state.pending[key] = Pending(mask_entry(record, state.ctx), base)

    async def _poll_check(self, intent: Intent, entry: CacheEntry | None,
                          timeout: float) -> _Located:
        """An element check that waits: replay from the cache on every attempt (cheap);
        re-resolve the description on a cadence that scales with the timeout, and once more
        at the end before failing. Finishes as soon as the condition holds."""
        start = time.monotonic()
        deadline = start + timeout
        cadence = min(10.0, max(0.5, timeout / 5))
        next_resolve = start if entry is None else start + cadence
        calls, problem = 0, "nothing matched"
        usage = Usage()
        while True:
            now = time.monotonic()
            final = now >= deadline
            located = await self._cached_element(entry, intent) if entry is not None else None
            if located is not None:
                holds, problem = await self._holds(intent, located)
                if holds:
                    return located
            if now >= next_resolve or final:
                next_resolve = now + cadence
                try:
                    located = await self._resolve(intent, max(deadline, now + 1.0),
                                                  hint=entry.fingerprint
                                                  if entry is not None else None, once=True)
                except StepFailed as exc:
                    calls += 1
                    problem = str(exc)
                else:
                    calls += located.calls
                    usage = usage + located.usage
                    holds, problem = await self._holds(intent, located)
                    if holds:
                        located.calls, located.usage = calls, usage
                        if entry is not None:
                            located.status = "healed"
                            located.note = ("the cached element no longer matched; "
                                            "re-resolved while waiting")
                        return located
            if final:
                raise StepFailed(f"still not true after {timeout:g}s (re-resolved "
                                 f"{calls} time{'s' if calls != 1 else ''}): {problem}")
            await asyncio.sleep(POLL_INTERVAL)

    async def _holds(self, intent: Intent, located: _Located) -> tuple[bool, str]:
        """Whether the check's condition is true for the element now, and if not, why."""
        action, handle = intent.action, located.handle
        try:
            if action is Action.EXPECT_VISIBLE:
                return await handle.is_visible(), "the element is hidden"
            if action is Action.EXPECT_TEXT:
                text = await handle.evaluate(
                    "e => ('value' in e && e.tagName !== 'BUTTON' ? e.value : '') + ' ' + "
                    "(e.innerText || e.textContent || '')")
                shown = " ".join(text.split())[:120]
                return ((intent.value or "").casefold() in text.casefold(),
                        f"the element does not contain {intent.value!r}; it shows {shown!r}")
            if action in {Action.EXPECT_ENABLED, Action.EXPECT_DISABLED}:
                enabled = await handle.is_enabled()
                wanted = action is Action.EXPECT_ENABLED
                return enabled == wanted, f"the element is {'enabled' if enabled else 'disabled'}"
            checked = await handle.is_checked()
            wanted = action is Action.EXPECT_CHECKED
            return checked == wanted, f"the element is {'' if checked else 'not '}checked"
        except PlaywrightError as exc:
            return False, str(exc).splitlines()[0]

    def _record(self, flow: str, spec: StepSpec, intent: Intent, key: str, located: _Located,
                selectors: list[Selector], step: StepResult, image: str | None,
                entry: CacheEntry | None) -> CacheEntry:
        data = {"image": image} if image else {}
        if entry is not None:
            healed = entry.healed(located.fingerprint, selectors, located.note, step.code,
                                  step.usage)
            return healed.model_copy(update={"scope": self.cache.scope.write,
                                             "data": {**entry.data, **data}})
        return CacheEntry(key=key, scope=self.cache.scope.write, flow=flow,
                          step=spec.text, action=intent.action.value,
                          fingerprint=located.fingerprint, selectors=selectors, code=step.code,
                          resolver=getattr(self.resolver, "name", "resolver"),
                          usage=step.usage, data=data)

    async def _selectors(self, located: _Located) -> list[Selector]:
        """Ways to find the element again. For a newly resolved one without a user-facing
        selector, a chain scoped to its row or item
        (`get_by_role("row").filter(has_text="Milk").get_by_role("button")`) goes before
        ids, CSS paths and XPaths."""
        selectors = stable_selectors(located.fingerprint, located.peers)
        if located.snapshot is not None and located.snapshot.focused:
            # the peers were only the part of the page the step's words led to: ask the page
            # whether a selector finds this one element and no other
            selectors = [s for s in selectors if s.kind in {"xpath", "css"}
                         or await self._finds_one(s)]
        if (located.status not in {"resolved", "healed"} or located.snapshot is None
                or located.element is None or any(s.kind in IDIOMATIC for s in selectors)):
            return selectors
        item, words = container_words(located.element, located.snapshot)
        if item is None:
            return selectors
        scoped = await scoped_selector(located.frame, located.handle, located.fingerprint,
                                       item.fingerprint, words)
        return [scoped, *selectors] if scoped else selectors

    async def _finds_one(self, selector: Selector) -> bool:
        found = locate(self.page, selector)
        if found is None:
            return False
        try:
            return await found[1].count() == 1
        except PlaywrightError:
            return False

    async def _verify_expect(self, step: StepResult, spec: StepSpec, located: _Located,
                             ctx: Context) -> None:
        """A step pinned with `expect:` acts only on the element it names (templates in
        the locator are filled in like the step's)."""
        if not spec.expect:
            return
        expect = render(spec.expect, ctx).text
        wanted = await locator_expr.handles(self.page, expect)
        if len(wanted) == 1 and await locator_expr.same_node(wanted[0], located.handle):
            step.expect = "matched"
            return
        step.expect = "wrong"
        if len(wanted) == 1:
            named = summary((await describe(wanted[0], self.page.main_frame)).fingerprint)
        else:
            named = f"{len(wanted)} elements"
        raise WrongElement(f"expect: found {summary(located.fingerprint)} ({located.status}), "
                           f"but {expect} names {named}; nothing was done")

    async def _stand_in(self, step: StepResult, spec: StepSpec, state: _RunState) -> None:
        """Benchmarks: let `options.stand_in` carry out a failed step on its `expect:`
        element so the flow goes on (one refusal must not hide the rest of a journey).
        The step stays failed."""
        assert spec.expect and self.options.stand_in
        try:
            intent = parse_step(spec.text)
            intent = intent.with_text(render(intent.target, state.ctx).text,
                                      render(intent.value, state.ctx).text
                                      if intent.value is not None else None)
            await self.options.stand_in(self.page, render(spec.expect, state.ctx).text, intent,
                                        spec.timeout or self.options.step_timeout,
                                        state.base_dir)
        except (ReplaywrightError, PlaywrightError, LookupError, TimeoutError):
            return
        step.stood_in = True
        step.note = "; ".join(n for n in (step.note, "stood in: done on the expect: element")
                              if n)

    # -- finding the element ------------------------------------------------------------

    async def _cached_element(self, entry: CacheEntry, intent: Intent) -> _Located | None:
        """The cached element on the live page, or None when the cache is not sure."""
        self._last_match = None
        if entry.fingerprint is None:
            return None
        fast = await self._fast_path(entry, intent)
        if fast is not None:
            return fast
        snapshot = await self._snapshot(time.monotonic() + self.options.step_timeout,
                                        self._focus(intent))
        match = self.matcher.match(entry.fingerprint, snapshot.fingerprints, intent.target)
        element = snapshot.elements[match.index] if match.index is not None else None
        self._last_match = (snapshot, match, element)
        if match.confident and element is not None and self._fits(intent, snapshot, element):
            return _Located(await element.handle(), element.frame, element.fingerprint,
                            element, "cached", confidence=match.confidence,
                            note="relocated by fingerprint", peers=snapshot.fingerprints)
        return None

    async def _locate(self, intent: Intent, entry: CacheEntry | None, deadline: float,
                      patience: float, hint: Selector | None = None) -> _Located:
        """Find the step's element. With a cached entry, keep trying the cache for `patience`
        seconds (the element may still be rendering) before healing. Without one, a script's
        own selector is tried before any resolver call."""
        if entry is None or entry.fingerprint is None:
            if hint is not None and self.options.mode != "ai":
                found = await self._by_hint(intent, hint)
                if found is not None:
                    return found
            return await self._resolve(intent, deadline)
        give_up = time.monotonic() + patience
        while True:
            found = await self._cached_element(entry, intent)
            if found is not None:
                return found
            if time.monotonic() + POLL_INTERVAL >= give_up:
                break
            await asyncio.sleep(POLL_INTERVAL)
        snapshot, match, element = self._last_match or (None, None, None)
        if match is not None and match.confident and element is not None:
            why = (f"the relocated element {element.summary()} no longer fits the step's "
                   "description; healed from the description")
        elif match is not None:
            why = (f"fingerprint match not confident ({match.confidence:.2f} < "
                   f"{self.matcher.threshold:.2f}); healed from the description")
        else:
            why = "the cached element is gone; healed from the description"
        located = await self._resolve(intent, deadline, hint=entry.fingerprint, first=snapshot)
        located.status, located.note = "healed", why
        return located

    def _fits(self, intent: Intent, snapshot: Snapshot, element: Element) -> bool:
        """A relocation must still be describable by the step's own words."""
        return self.live.local.fit(intent, snapshot, element) >= MIN_SCORE

    async def _by_hint(self, intent: Intent, hint: Selector) -> _Located | None:
        """A generated script's selector, trusted only when it returns exactly one visible
        element that the step's words still fit."""
        found = locate(self.page, hint)
        if found is None:
            return None
        frame, locator = found
        try:
            handles = await locator.element_handles()
            if len(handles) != 1:
                return None
            live = await describe(handles[0], frame)
        except PlaywrightError:
            return None
        alone = Snapshot(url=self.page.url, title="", elements=[live])
        if not (live.fingerprint.visible and self._fits(intent, alone, live)):
            return None
        return _Located(handles[0], frame, live.fingerprint, live, "resolved", confidence=1.0,
                        note=f"script selector: {hint.kind}")

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
            alone = Snapshot(url=self.page.url, title="", elements=[live])
            if (live.fingerprint.visible
                    and self.matcher.verify(entry.fingerprint, live.fingerprint, intent.target)
                    and self._fits(intent, alone, live)):
                return _Located(handle, frame, live.fingerprint, live, "cached",
                                confidence=1.0, note=f"fast path: {selector.kind}")
        return None

    async def _snapshot(self, deadline: float, focus: Focus | None) -> Snapshot:
        """A snapshot within the step's time: a page too big to read in time fails the
        step instead of running on past its timeout."""
        try:
            # at least a second: a step's last look near its deadline must not fail for
            # want of time to read an ordinary page (the step still ends within timeout + 1 s)
            return await asyncio.wait_for(take_snapshot(self.page, focus),
                                          timeout=max(1.0, deadline - time.monotonic()))
        except TimeoutError:
            raise StepFailed("the page could not be read within the step's timeout; it may "
                             "be very large or busy (raise `timeout:` on this step)") from None

    def _focus(self, intent: Intent) -> Focus | None:
        """Only the offline resolver reads a focused snapshot; an LLM sees the whole page."""
        return focus_for(intent) if isinstance(self.resolver, LocalResolver) else None

    async def _resolve(self, intent: Intent, deadline: float, *,
                       hint: Fingerprint | None = None,
                       first: Snapshot | None = None, once: bool = False) -> _Located:
        """Resolve from the description, retrying while the page may still be rendering
        (`once`: one look, for a caller that polls itself). A focused snapshot comes first;
        when nothing in it fits, the whole page is read."""
        snapshot = first
        focus = self._focus(intent)
        calls = 0
        # a tie may be a page in transition (old and new content both shown): look again
        # briefly, then refuse
        tie_deadline = min(deadline, time.monotonic() + TIE_PATIENCE)
        while True:
            if snapshot is None:
                snapshot = await self._snapshot(deadline, focus)
            calls += 1
            try:
                resolution = await self.resolver.resolve(intent, snapshot, hint=hint)
            except AmbiguousTarget:
                if once or time.monotonic() + POLL_INTERVAL >= tie_deadline:
                    raise
                await asyncio.sleep(POLL_INTERVAL)
                snapshot = None
                continue
            except StepFailed:
                if snapshot.focused:  # the words may be on the page in a way focus missed
                    focus, snapshot = None, None
                    continue
                # the page may still be rendering: retry, but a paid resolver at most twice
                paid = getattr(self.resolver, "name", "local") != "local"
                if once or time.monotonic() + POLL_INTERVAL >= deadline or (paid and calls >= 2):
                    raise
                await asyncio.sleep(POLL_INTERVAL)
                await settle(self.page, timeout=1.0)
                snapshot, focus = None, self._focus(intent)
                continue
            element = resolution.element
            return _Located(await element.handle(), element.frame, element.fingerprint,
                            element, "resolved", resolution=resolution,
                            confidence=resolution.confidence, note=resolution.reason,
                            peers=snapshot.fingerprints, snapshot=snapshot,
                            calls=max(calls, resolution.usage.calls), usage=resolution.usage)

    # -- steps without an element ---------------------------------------------------------
    async def _screenshot(self) -> str | None:
        try:
            return _b64(await self.page.screenshot(type="jpeg", quality=55))
        except PlaywrightError:
            return None

    async def _element_image(self, handle: ElementHandle) -> str | None:
        """The element's picture, for reports: taken only when a report was asked for."""
        if not self.options.screenshots:
            return None
        try:
            return _b64(await handle.screenshot(type="jpeg", quality=70, timeout=2000))
        except PlaywrightError:
            return None


def _left(deadline: float) -> float:
    """Seconds left before `deadline`, up to the next tenth (a check restarted after a
    navigation waits only what is left of its step's time)."""
    return max(0.1, math.ceil((deadline - time.monotonic()) * 10) / 10)


def _occurrence(block: Block | None, spec: StepSpec) -> int:
    """How many identical steps come before this one in its block (they need own keys)."""
    if block is None:
        return 0
    earlier = [s for s in block.steps if s.index < spec.index]
    return sum(1 for s in earlier if s.text == spec.text)


class StepSession:
    """Steps run one at a time against one page, with the engine's cache, match and heal.

    Entries resolved or healed along the way are saved by `close(passed=True)` — the same
    policy as a whole run: nothing is written for a failed test.
    """

    def __init__(self, runner: Runner, state: _RunState, flow: Flow | None = None) -> None:
        self.runner, self._state = runner, state
        self._seen: dict[tuple[str, str], int] = {}
        self._blocks: dict[str, tuple[Block, str]] = {}  # label -> (block, key lineage)
        if flow is not None:
            state.workflow = flow.workflow
            root = _chain("", ",".join(sorted(flow.params))) if flow.workflow else ""
            self._index(flow.blocks, root, flow.workflow)

    def _index(self, blocks: list[Block], lineage: str, chained: bool) -> None:
        """Each block's key lineage, computed as a run of the flow computes it."""
        for block in blocks:
            lineage = _chain(lineage, block.digest) if chained else lineage
            self._blocks[block.label] = (block, lineage)
            self._index(block.blocks, lineage, chained)
            self._index(block.then, _chain(lineage, "then") if chained else lineage, chained)
            self._index(block.otherwise, _chain(lineage, "else") if chained else lineage,
                        chained)

    @property
    def results(self) -> list[StepResult]:
        return self._state.steps

    @property
    def context(self) -> Context:
        """The session's template context (and the secret values it has seen)."""
        return self._state.ctx

    async def step(self, text: str, *, timeout: float | None = None, cache: bool = True,
                   selector: str | None = None, block: str | None = None,
                   loop: Mapping[str, Any] | None = None) -> StepResult:
        """Run one plain-English step; raise StepFailed (with the reason) if it fails.

        `block` names the flow block the step belongs to (same cache key as a flow run),
        `loop` the loop variables in scope, `selector` a script's locator hint."""
        parse_step(text)  # bad phrasing is an error before anything happens
        self._state.ctx.loop = dict(loop or {})
        hint = parse_locator(selector) if selector else None
        n = self._seen.get((block or "", text), 0)
        self._seen[(block or "", text)] = n + 1
        owner = self._blocks.get(block or "")
        same = [s for s in owner[0].steps if " ".join(s.text.split()) == " ".join(text.split())] \
            if owner else []
        if owner and same:
            found = same[n % len(same)]
            spec = found.model_copy(update={"timeout": timeout or found.timeout,
                                            "cache": cache and found.cache})
            run_block, lineage = owner
        else:
            # identical steps in one session get their own entries, like in a flow
            run_block = Block(label=self._state.flow, kind="steps",
                              steps=[StepSpec(text=text, index=i + 1) for i in range(n + 1)])
            spec, lineage = StepSpec(text=text, index=n + 1, timeout=timeout, cache=cache), ""
        self._state.error = None
        result = await self.runner._run_step(self._state, spec, run_block, lineage, hint=hint)
        if result.status == "failed":
            raise StepFailed(f'step "{text}": {result.error}')
        return result

    async def task(self, goal: str, *, block: str | None = None) -> dict[str, Any]:
        """Run an open goal as a flow's `task:` block would: replayed from its cached
        actions, or through the agent when the runner has one."""
        owner = self._blocks.get(block or "")
        if owner is not None and owner[0].kind == "task":
            task_block, lineage = owner
        else:
            task_block, lineage = Block(label=block or self._state.flow, kind="task",
                                        task=goal), ""
        self._state.error = None
        output = await self.runner._run_task(task_block, self._state, lineage)
        if self._state.error:
            raise StepFailed(f"task {goal!r}: {self._state.error}")
        return output

    def close(self, passed: bool) -> tuple[bool, str]:
        """Save what this session resolved or healed, if it passed and policy allows."""
        return self.runner._commit(passed, self._state.pending)
