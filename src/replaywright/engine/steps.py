"""One plain-English step: parse and key it, find its element (`locate`), act or check,
and stage what it resolved or healed (`record`). Live steps go to `LivePage`.

A click that opens a tab moves the run there (`LivePage.page` is the one page every part
reads), and dialogs are accepted as a person carrying on would, the step saying so.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import math
import time
from pathlib import Path

from playwright.async_api import Dialog, ElementHandle, Page
from playwright.async_api import Error as PlaywrightError

from replaywright.browser import locator_expr
from replaywright.browser.actions import action_code, opens_tab, perform, settle
from replaywright.browser.code import value_expression
from replaywright.browser.selectors import locator_code
from replaywright.browser.snapshot import Element, Snapshot, describe, summary
from replaywright.cache.keys import step_key
from replaywright.cache.policy import cacheable
from replaywright.cache.store import CorruptEntry
from replaywright.engine import record
from replaywright.engine.caching import CachePlan
from replaywright.engine.live import POLL_INTERVAL, LivePage
from replaywright.engine.locate import Located, Locator
from replaywright.engine.navigation import through_navigation
from replaywright.engine.results import StepResult
from replaywright.engine.secrecy import key_inputs, mask_entry, mask_step
from replaywright.engine.state import RunOptions, RunState
from replaywright.errors import FlowError, ReplaywrightError, StepFailed, WrongElement
from replaywright.flow.intent import ELEMENT_CHECKS, Action, Intent, parse_step
from replaywright.flow.model import Block, StepSpec
from replaywright.flow.template import Context, render
from replaywright.model import Selector, Usage

#: Seconds to wait, after clicking a ``target=_blank`` link, for Chromium to report its tab.
TAB_PATIENCE = 3.0
#: Checks about the absence or the number of elements: nothing to record, always live.
LIVE_CHECKS = {Action.EXPECT_HIDDEN, Action.EXPECT_COUNT}

Chosen = tuple[Element | None, Snapshot, Usage]  # an agent's pick: element, its page, cost


class Steps:
    """Runs single steps on the runner's page with its cache plan, locator and options."""

    def __init__(self, live: LivePage, locator: Locator, cache: CachePlan,
                 options: RunOptions) -> None:
        self.live, self.locator, self.cache, self.options = live, locator, cache, options
        self._dialogs: list[str] = []  # what dialogs said since the last step reported them
        self.watch(live.page)

    def watch(self, page: Page) -> None:
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
    def page(self) -> Page:
        return self.live.page

    async def run(self, state: RunState, spec: StepSpec, block: Block | None, lineage: str,
                  chosen: Chosen | None = None, hint: Selector | None = None) -> StepResult:
        """Run one step and append its result to `state`; a failure sets `state.error`.
        In a traced run the step is a named group, ending with its status."""
        if not self.options.trace_steps:
            return await self._run(state, spec, block, lineage, chosen, hint)
        tracing = self.page.context.tracing
        await tracing.group(f"{len(state.steps) + 1}. {spec.text}")
        try:
            step = await self._run(state, spec, block, lineage, chosen, hint)
            outcome = step.status + (" — pending review" if step.review else "")
            await tracing.group(f"{outcome}: {step.error}" if step.error else outcome)
            await tracing.group_end()
        finally:
            await tracing.group_end()
        return step

    async def _run(self, state: RunState, spec: StepSpec, block: Block | None, lineage: str,
                   chosen: Chosen | None, hint: Selector | None) -> StepResult:
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
                if intent.action is Action.EXPECT_COUNT:
                    await self._verify_count_expect(step, spec, intent, state.ctx)
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

    async def _element_step(self, step: StepResult, state: RunState, spec: StepSpec,
                            template: Intent, intent: Intent, key: str, cacheable: bool,
                            timeout: float, chosen: Chosen | None = None,
                            hint: Selector | None = None) -> None:
        deadline = time.monotonic() + timeout
        entry = existing = None
        if cacheable:
            try:
                existing = record.lookup(self.cache, state.pending, key)
            except CorruptEntry as exc:
                # resolve afresh, but leave the row for a person to inspect: never overwrite it
                step.note = (f"{exc}; resolved afresh and not saved (inspect or remove it with "
                             f"`replaywright cache show/rm {key}`)")
                cacheable = False
            entry = existing if self.options.mode != "ai" else None
        step.cache_key = key if cacheable else None
        if chosen is not None and (element := chosen[0]) is not None:  # the agent picked it
            _, snapshot, usage = chosen
            located = Located(await element.handle(), element.frame, element.fingerprint,
                              element, "resolved", note="chosen by the agent",
                              peers=snapshot.fingerprints, snapshot=snapshot,
                              calls=max(1, usage.calls), usage=usage)
            selectors = await record.selectors(self.page, located, intent.target)
            if intent.action not in ELEMENT_CHECKS:
                located.image = await self._element_image(located.handle)
                await self._act(step, located.handle, intent, timeout, state.base_dir,
                                element.options)
        elif intent.action in ELEMENT_CHECKS:
            finding = time.monotonic()
            located = await through_navigation(
                lambda: self.locator.poll_check(intent, entry, _left(deadline)),
                lambda: self.page, deadline)
            step.locate_ms = round((time.monotonic() - finding) * 1000, 1)
            await self._verify_expect(step, spec, located, state.ctx)
            self._may_heal(spec, located)
            selectors = await record.selectors(self.page, located, intent.target)
        else:
            # An explicit step timeout says the element may take a while: wait for the
            # cached element for half of it before healing.
            patience = spec.timeout / 2 if spec.timeout else 0.0
            script_hint = hint if self.options.mode != "ai" else None
            finding = time.monotonic()
            located = await through_navigation(
                lambda: self.locator.locate(intent, entry, deadline, patience, script_hint),
                lambda: self.page, deadline)
            step.locate_ms = round((time.monotonic() - finding) * 1000, 1)
            await self._verify_expect(step, spec, located, state.ctx)
            self._may_heal(spec, located)
            # before the action navigates away
            selectors = await record.selectors(self.page, located, intent.target)
            if located.status in {"resolved", "healed"}:
                located.image = await self._element_image(located.handle)
            options = located.element.options if located.element else None
            # the cached element was read a moment ago: its visibility need not be asked again
            seen = located.status == "cached" and located.fingerprint.visible
            await self._act(step, located.handle, intent, timeout, state.base_dir, options,
                            seen_visible=seen)
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
                made = mask_entry(record.step_record(
                    self.cache, state.flow, spec, intent, key, located, selectors, step, image,
                    entry, getattr(self.locator.resolver, "name", "resolver")), state.ctx)
                if located.status == "healed" and entry is not None \
                        and self._heal_mode(spec) == "review":
                    # the run goes on with the healed element; the entry stays as it was
                    proposal = record.proposal(entry, made, self.page.url, located, image,
                                               state.ctx)
                    record.stage(self.cache, state.pending, proposal.key, proposal, None)
                    step.review = proposal.data["proposal"]["id"]
                    step.note = "; ".join(n for n in (step.note, f"healed — pending review "
                                                      f"(proposal {step.review})") if n)
                else:
                    record.stage(self.cache, state.pending, key, made, existing)

    def _heal_mode(self, spec: StepSpec) -> str:
        return self.options.heal if spec.heal else "off"

    def _may_heal(self, spec: StepSpec, located: Located) -> None:
        """With healing off (`--heal off`, or `heal: false` on the step), a step whose
        cached element no longer fits fails before acting, saying what a heal would pick."""
        if located.status != "healed" or self._heal_mode(spec) != "off":
            return
        confidence = (f", confidence {located.confidence:.2f}"
                      if located.confidence is not None else "")
        raise StepFailed(f"{located.note.split('; healed')[0]}; healing is off, so nothing "
                         f"was done: a heal would pick {summary(located.fingerprint)}"
                         f"{confidence} (run with --heal auto, or --heal review to propose it)")

    async def _act(self, step: StepResult, handle: ElementHandle | None, intent: Intent,
                   timeout: float, base_dir: Path, options: list[str] | None,
                   seen_visible: bool = False) -> None:
        """Perform an element action. A tab it opens (``target=_blank``, ``window.open``) is
        where the person would carry on, so the run continues there; the step says so."""
        opened: list[Page] = []

        def listener(tab: Page) -> None:
            opened.append(tab)

        page = self.page
        expect_tab = intent.action is Action.CLICK and await opens_tab(handle)
        page.on("popup", listener)
        try:
            expect_tab = await perform(page, handle, intent, timeout=timeout,
                                       base_dir=base_dir, options=options,
                                       seen_visible=seen_visible) or expect_tab
            deadline = time.monotonic() + TAB_PATIENCE
            while expect_tab and not opened and time.monotonic() < deadline:
                await asyncio.sleep(POLL_INTERVAL / 10)
        finally:
            page.remove_listener("popup", listener)
        if opened:
            tab = opened[-1]
            await settle(tab)
            self.live.page = tab
            self.watch(tab)
            step.note = "; ".join(n for n in (step.note, f"opened a new tab ({tab.url}); "
                                              "the run continues there") if n)

    async def _verify_expect(self, step: StepResult, spec: StepSpec, located: Located,
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

    async def _verify_count_expect(self, step: StepResult, spec: StepSpec, intent: Intent,
                                   ctx: Context) -> None:
        """A count pinned with `expect:` passes only when that locator finds as many."""
        if not spec.expect:
            return
        expect = render(spec.expect, ctx).text
        named = len(await locator_expr.handles(self.page, expect))
        if named != int(intent.value or 0):
            raise StepFailed(f"the page has {intent.value} elements matching "
                             f"{intent.target!r}, but {expect} names {named}")
        step.expect = "matched"

    async def _stand_in(self, step: StepResult, spec: StepSpec, state: RunState) -> None:
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


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


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
