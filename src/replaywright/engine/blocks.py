"""The block interpreter: a flow's blocks in order, each kind run as it says (steps, goto,
wait, code, extract, if, for_each, task), and the key lineage of every block.

A workflow's step keys are chained through the blocks before them (`enter`), so editing a
block invalidates it and what follows; an `if` chains the branch it took, a task its
recorded steps. `lineages` walks a flow with the same rule, for step sessions that key a
step by its block exactly as a run of the flow would.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from playwright.async_api import Error as PlaywrightError

from replaywright.browser.snapshot import take_snapshot
from replaywright.cache.entry import CacheEntry
from replaywright.cache.keys import step_key
from replaywright.engine import record
from replaywright.engine.results import BlockResult, block_status
from replaywright.engine.secrecy import public_params
from replaywright.engine.state import RunState
from replaywright.engine.steps import Steps
from replaywright.errors import FlowError, ReplaywrightError, StepFailed
from replaywright.flow.expressions import as_list, evaluate
from replaywright.flow.model import Block, Flow, StepSpec
from replaywright.flow.personalise import personalise
from replaywright.flow.secrets import templatise
from replaywright.flow.template import render

if TYPE_CHECKING:
    from replaywright.resolve.llm import Agent


def chain(lineage: str, digest: str) -> str:
    return hashlib.sha256(f"{lineage}/{digest}".encode()).hexdigest()[:24]


def root(flow: Flow | None) -> str:
    """A workflow's keys start from its parameter names: adding, removing or renaming a
    parameter invalidates the whole workflow; plain flows key steps on their own."""
    return chain("", ",".join(sorted(flow.params))) if flow is not None and flow.workflow \
        else ""


def enter(lineage: str, block: Block, workflow: bool) -> str:
    """The lineage of `block`, coming after `lineage` (chained only in a workflow)."""
    return chain(lineage, block.digest) if workflow else lineage


def lineages(blocks: list[Block], lineage: str, workflow: bool
             ) -> Iterator[tuple[Block, str]]:
    """Every block below `blocks` with the lineage a run gives it."""
    for block in blocks:
        lineage = enter(lineage, block, workflow)
        yield block, lineage
        yield from lineages(block.blocks, lineage, workflow)
        yield from lineages(block.then, chain(lineage, "then"), workflow)
        yield from lineages(block.otherwise, chain(lineage, "else"), workflow)


class Blocks:
    """Runs blocks with the runner's steps; a `task` block asks `agent` when no cached
    actions exist."""

    def __init__(self, steps: Steps, agent: Agent | None) -> None:
        self.steps, self.agent = steps, agent
        self.live, self.cache, self.options = steps.live, steps.cache, steps.options

    async def run(self, blocks: list[Block], state: RunState, lineage: str,
                  depth: int) -> str:
        for block in blocks:
            lineage = enter(lineage, block, state.workflow)
            if state.error:
                state.blocks.append(BlockResult(label=block.label, kind=block.kind,
                                                status="skipped", depth=depth))
                continue
            await self._block(block, state, lineage, depth)
        return lineage

    async def _block(self, block: Block, state: RunState, lineage: str, depth: int) -> None:
        started = time.monotonic()
        result = BlockResult(label=block.label, kind=block.kind, depth=depth,
                             first_step=len(state.steps))
        state.blocks.append(result)
        ctx = state.ctx
        try:
            if block.kind == "steps":
                for spec in block.steps:
                    await self.steps.run(state, spec, block, lineage)
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
                await self.run(branch, state, chain(lineage, "then" if taken else "else"),
                               depth + 1)
            elif block.kind == "for_each":
                items = as_list(evaluate(block.items or "", ctx))
                result.iterations = len(items)
                for item in items:
                    ctx.loop = {**ctx.loop, block.item_name: item}
                    await self.run(block.blocks, state, lineage, depth + 1)
                    if state.error:
                        break
                ctx.loop = {k: v for k, v in ctx.loop.items() if k != block.item_name}
            elif block.kind == "task":
                result.output = await self.task(block, state, lineage)
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

    async def task(self, block: Block, state: RunState, lineage: str) -> dict[str, Any]:
        """An open goal. The first run asks the agent for one action at a time and records
        the actions as plain-English steps; later runs replay those steps from the cache
        (each healing on its own) with no LLM call."""
        goal = render(block.task or "", state.ctx).text
        key = step_key(state.flow, f"task: {block.task}", "task", {}, 0, context=lineage,
                       secret=self.cache.key_secret())
        entry = None
        if self.cache.enabled and block.cache and self.options.mode != "ai":
            entry = record.lookup(self.cache, state.pending, key)
        body = Block(label=block.label, kind="steps")
        lineage = chain(lineage, "task")
        if entry is not None and entry.data.get("steps"):
            state.overhead_avoided = state.overhead_avoided + entry.usage
            steps = personalise(entry.data["steps"], entry.data.get("params", {}),
                                dict(state.ctx.params))
            body.steps = [StepSpec(text=t, index=i + 1, cache=i not in steps.reresolve)
                          for i, t in enumerate(steps)]
            for spec in body.steps:
                await self.steps.run(state, spec, body, lineage)
                if state.error:
                    break
            return {"steps": list(steps), "replayed": True}
        if self.agent is None:
            raise StepFailed("task blocks need an LLM: pass --llm PROVIDER:MODEL or set "
                             "REPLAYWRIGHT_LLM (see README, 'LLM resolvers')")
        done: list[str] = []
        for _ in range(block.max_steps):
            snapshot = await take_snapshot(self.live.page)
            decision = await self.agent.decide(goal, snapshot, done)
            if decision.done or not decision.step:
                state.overhead = state.overhead + decision.usage  # the call that said "done"
                break
            spec = StepSpec(text=templatise(decision.step, state.ctx.revealed),
                            index=len(done) + 1)
            body.steps.append(spec)
            chosen = snapshot.elements[decision.element] if decision.element is not None \
                else None
            step = await self.steps.run(state, spec, body, lineage,
                                        chosen=(chosen, snapshot, decision.usage))
            if step.status == "failed":
                return {"steps": done}
            done.append(spec.text)
        else:
            raise StepFailed(f"the goal was not reached in {block.max_steps} actions "
                             f"(raise max_steps?): {goal!r}")
        if self.cache.enabled and block.cache:
            # the steps keep their own costs; the task entry keeps what deciding "done" cost
            made = CacheEntry(key=key, scope=self.cache.scope.write, flow=state.flow,
                              step=f"task: {block.task}", action="task",
                              resolver=getattr(self.steps.locator.resolver, "name", ""),
                              usage=state.overhead,
                              data={"steps": done, "params": public_params(state.ctx)})
            record.stage(self.cache, state.pending, key, made, entry)
        return {"steps": done}
