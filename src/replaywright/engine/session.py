"""Steps run one at a time (the pytest plugin, generated scripts) through a runner's public
surface: `run_step`, `run_task`, `commit`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from replaywright.browser.code import parse_locator
from replaywright.engine.blocks import lineages, root
from replaywright.engine.results import StepResult
from replaywright.engine.state import RunState
from replaywright.errors import StepFailed
from replaywright.flow.intent import parse_step
from replaywright.flow.model import Block, Flow, StepSpec
from replaywright.flow.template import Context

if TYPE_CHECKING:
    from replaywright.engine.runner import Runner


class StepSession:
    """Steps run one at a time against one page, with the engine's cache, match and heal.

    Entries resolved or healed along the way are saved by `close(passed=True)` — the same
    policy as a whole run: nothing is written for a failed test.
    """

    def __init__(self, runner: Runner, state: RunState, flow: Flow | None = None) -> None:
        self.runner, self._state = runner, state
        self._seen: dict[tuple[str, str], int] = {}
        # label -> (block, key lineage), computed as a run of the flow computes it
        self._blocks: dict[str, tuple[Block, str]] = {}
        if flow is not None:
            state.workflow = flow.workflow
            self._blocks = {block.label: (block, lineage) for block, lineage
                            in lineages(flow.blocks, root(flow), flow.workflow)}

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
        result = await self.runner.run_step(self._state, spec, run_block, lineage, hint=hint)
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
        output = await self.runner.run_task(task_block, self._state, lineage)
        if self._state.error:
            raise StepFailed(f"task {goal!r}: {self._state.error}")
        return output

    def close(self, passed: bool) -> tuple[bool, str]:
        """Save what this session resolved or healed, if it passed and policy allows."""
        return self.runner.commit(passed, self._state.pending)
