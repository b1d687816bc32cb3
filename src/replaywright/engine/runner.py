"""Running flows and workflows: for each step, cache → match → act, heal when unsure.

The data path of one element step (docs/DESIGN.md):
  cached entry?  ── fast path: stored selectors → exactly one element → fingerprint agrees
                 └─ else snapshot + matcher → confident and still fits the words → act
                                          └─ otherwise resolve → act          (healed)
  no entry      ── snapshot + resolver → act                                 (resolved)
Workflows run block by block; step keys of a workflow are chained through the blocks
before them, so editing a block invalidates it and what follows. New and healed entries are
written only when the run passed and saving is allowed, each with a compare-and-set.

`Runner` wires the parts together and is the engine's one door: `run` (a flow),
`run_step` / `run_task` (one at a time, for `StepSession`), `commit` and `session`. Finding
elements is `locate`, one step `steps`, blocks and lineage `blocks`, cache records `record`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.async_api import Page

from replaywright.engine import record
from replaywright.engine.blocks import Blocks, root
from replaywright.engine.caching import CachePlan, Pending
from replaywright.engine.live import LivePage
from replaywright.engine.locate import Locator
from replaywright.engine.results import RunResult, StepResult
from replaywright.engine.secrecy import mask_run, mask_step, secret_context
from replaywright.engine.session import StepSession
from replaywright.engine.state import HEAL_MODES, MODES, RunOptions, RunState
from replaywright.engine.steps import Chosen, Steps
from replaywright.errors import FlowError, StepFailed
from replaywright.flow.model import Block, Flow, StepSpec
from replaywright.flow.template import render
from replaywright.model import Selector
from replaywright.resolve.base import Resolver
from replaywright.resolve.local import LocalResolver

if TYPE_CHECKING:
    from replaywright.match import Matcher
    from replaywright.resolve.llm import Agent

__all__ = ["CachePlan", "RunOptions", "Runner"]


class Runner:
    """Runs flows on one page. Create one per browser page; reuse it across runs."""

    def __init__(self, page: Page, cache: CachePlan | None = None,
                 resolver: Resolver | None = None, matcher: Matcher | None = None,
                 options: RunOptions | None = None, agent: Agent | None = None) -> None:
        self.agent = agent
        self.cache = cache or CachePlan()
        self.resolver = resolver or LocalResolver()
        self.options = options or RunOptions()
        if self.options.mode not in MODES:
            raise FlowError(f"unknown mode {self.options.mode!r}: use one of {', '.join(MODES)}")
        if self.options.heal not in HEAL_MODES:
            raise FlowError(f"unknown heal policy {self.options.heal!r}: use one of "
                            f"{', '.join(HEAL_MODES)}")
        self.live = LivePage(page, self.options.base_url)
        self.locator = Locator(self.live, self.resolver, self.options, matcher)
        self._steps = Steps(self.live, self.locator, self.cache, self.options)
        self._blocks = Blocks(self._steps, agent)

    @property
    def page(self) -> Page:
        """The page the run is on: a click that opened a tab moved it there."""
        return self.live.page

    async def run(self, flow: Flow, params: Mapping[str, Any] | None = None) -> RunResult:
        started = time.monotonic()
        values = flow.bind(dict(params or {}))
        state = RunState(flow=flow.name, ctx=secret_context(values, self.options.env,
                                                            flow.secret_params),
                         base_dir=flow.path.parent if flow.path else Path.cwd(),
                         path=flow.path, workflow=flow.workflow)
        if flow.url:
            await self._start_page(flow.url, state)
        await self._blocks.run(flow.blocks, state, root(flow), depth=0)
        result = RunResult(flow=flow.name, steps=state.steps, error=state.error,
                           blocks=state.blocks if flow.workflow else [], overhead=state.overhead,
                           overhead_avoided=state.overhead_avoided)
        result.passed = state.error is None
        mask_run(result, state.ctx)
        result.cache_saved, result.cache_note = self.commit(result.passed, state.pending)
        result.seconds = time.monotonic() - started
        return result

    async def _start_page(self, url: str, state: RunState) -> None:
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

    async def run_step(self, state: RunState, spec: StepSpec, block: Block | None,
                       lineage: str, chosen: Chosen | None = None,
                       hint: Selector | None = None) -> StepResult:
        """One step of `state`'s run, keyed under `block` and `lineage`."""
        return await self._steps.run(state, spec, block, lineage, chosen, hint)

    async def run_task(self, block: Block, state: RunState, lineage: str) -> dict[str, Any]:
        """One `task:` block of `state`'s run: replayed from the cache or through the agent."""
        return await self._blocks.task(block, state, lineage)

    def commit(self, passed: bool, pending: Mapping[str, Pending]) -> tuple[bool, str]:
        """Write what a run or session staged, if it passed and policy allows."""
        return record.commit(self.cache, passed, pending)

    def session(self, name: str, params: Mapping[str, Any] | None = None,
                base_dir: Path | None = None, flow: Flow | None = None) -> StepSession:
        """Run steps one at a time (pytest plugin, generated scripts). With `flow`, a step
        named with its block gets exactly the key a run of that flow gives it."""
        state = RunState(flow=name, ctx=secret_context(
            dict(params or {}), self.options.env, flow.secret_params if flow else ()),
                         base_dir=base_dir or Path.cwd())
        return StepSession(self, state, flow)
