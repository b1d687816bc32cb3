"""`Script`, the object generated code calls `rw`, and the `@script.block` decorator.

Each verb composes one plain-English step and runs it through the engine's step path; a
value read from `params` or a loop variable goes in as its template, so keys stay
parameterised.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import textwrap
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from replaywright.engine.results import BlockResult, StepResult, block_status
from replaywright.errors import ReplaywrightError
from replaywright.flow.expressions import as_list
from replaywright.flow.intent import Action, Intent
from replaywright.flow.phrasing import compose
from replaywright.flow.template import PLACEHOLDER, Context, _lookup, _to_text

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def accepts(method: Callable[..., Any], name: str) -> bool:
    """Does `method` take a keyword `name` (engines differ in what `step` accepts)?"""
    try:
        return name in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def fields_of(params: Any) -> Iterator[tuple[str, Any]]:
    """(name, value) of a parameters object: a dataclass, a mapping or a pydantic model."""
    if params is None:
        return
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        for f in dataclasses.fields(params):
            yield f.name, getattr(params, f.name)
    elif isinstance(params, Mapping):
        yield from params.items()
    elif hasattr(type(params), "model_fields"):
        for name in type(params).model_fields:
            yield name, getattr(params, name)
    else:
        yield from vars(params).items()


# -- the runtime object ----------------------------------------------------------------------


class Script:
    """What generated code calls `rw`: Playwright-like verbs over the engine's step path.

    `description` arguments are plain English (they may hold `{{ params.x }}` templates, as
    in flow files); `selector=` is the locator recorded when the script was generated — a
    hint for readers and for engines that accept it, never trusted without the fingerprint.
    """

    def __init__(self, session: Any, params: Any = None, *, flow: str = "",
                 env: Mapping[str, str] | None = None) -> None:
        self.session = session
        self.runner = session.runner
        self.page = self.runner.page
        self.params = params
        self.flow = flow
        self.env: Mapping[str, str] = env if env is not None else self.runner.options.env
        self.outputs: dict[str, Any] = {}
        self.blocks: list[BlockResult] = []
        self._loop: dict[str, Any] = {}
        self._label = ""
        self._depth = 0
        self._step_kwargs = {name: accepts(session.step, name)
                             for name in ("selector", "block", "loop")}

    @property
    def results(self) -> list[StepResult]:
        return self.session.results

    # -- values -------------------------------------------------------------------------

    def _reference(self, value: Any) -> str | None:
        """`{{ x }}` when `value` is a loop variable or parameter object itself."""
        for name, item in self._loop.items():
            if value is item:
                return f"{{{{ {name} }}}}"
        for name, item in fields_of(self.params):
            if value is item:
                return f"{{{{ params.{name} }}}}"
        return None

    def _value(self, value: Any) -> str:
        if isinstance(value, Path):
            return str(value)
        reference = self._reference(value)
        if reference is not None:
            return reference
        return value if isinstance(value, str) else _to_text(value)

    def _inline_loop(self, text: str) -> str:
        """Without engine support for loop variables, write their values into the step."""
        if not self._loop:
            return text
        ctx = Context(loop=self._loop)

        def substitute(match: Any) -> str:
            name = match.group(1)
            if name.split(".")[0] not in self._loop:
                return match.group(0)
            found = _lookup(name, ctx)
            return found if isinstance(found, str) else _to_text(found)

        return PLACEHOLDER.sub(substitute, text)

    def context(self) -> Context:
        """The context of a live call (code, extract, checks); it shares the session's
        secrets, so what a code block or an extraction shows is masked too."""
        shared = self.session.context
        return Context(params=dict(fields_of(self.params)), env=self.env, outputs=self.outputs,
                       loop=dict(self._loop), secret_params=shared.secret_params,
                       revealed=shared.revealed)

    # -- the one path every action takes -------------------------------------------------------

    async def step(self, text: str, *, selector: str | None = None, timeout: float | None = None,
                   cache: bool = True) -> StepResult:
        """Run one plain-English step through cache → fast path → matcher → heal."""
        kwargs: dict[str, Any] = {"timeout": timeout, "cache": cache}
        if selector and self._step_kwargs["selector"]:
            kwargs["selector"] = selector
        if self._step_kwargs["block"]:
            kwargs["block"] = self._label
        if self._step_kwargs["loop"]:
            kwargs["loop"] = dict(self._loop)
        else:
            text = self._inline_loop(text)
        before = len(self.results)
        try:
            result = await self.session.step(text, **kwargs)
        finally:
            if len(self.results) > before:
                self.results[-1].block = self._label or self.flow
        return result

    async def _act(self, action: Action, target: str = "", value: Any = None, *,
                   selector: str | None = None, timeout: float | None = None,
                   cache: bool = True) -> StepResult:
        """One verb: its step composed from the verb table (`flow.phrasing`) and run."""
        intent = Intent(action, target, None if value is None else self._value(value))
        return await self.step(compose(intent), selector=selector, timeout=timeout, cache=cache)

    # -- verbs ---------------------------------------------------------------------------

    async def goto(self, url: str) -> StepResult:
        return await self._act(Action.GOTO, value=url)

    async def click(self, description: str, **kw: Any) -> StepResult:
        return await self._act(Action.CLICK, description, **kw)

    async def dblclick(self, description: str, **kw: Any) -> StepResult:
        return await self._act(Action.DBLCLICK, description, **kw)

    async def right_click(self, description: str, **kw: Any) -> StepResult:
        return await self._act(Action.RIGHTCLICK, description, **kw)

    async def hover(self, description: str, **kw: Any) -> StepResult:
        return await self._act(Action.HOVER, description, **kw)

    async def scroll_to(self, description: str, **kw: Any) -> StepResult:
        return await self._act(Action.SCROLL, description, **kw)

    async def fill(self, description: str, value: Any, **kw: Any) -> StepResult:
        return await self._act(Action.FILL, description, value, **kw)

    async def clear(self, description: str, **kw: Any) -> StepResult:
        return await self._act(Action.CLEAR, description, **kw)

    async def press(self, key: str, on: str = "", **kw: Any) -> StepResult:
        return await self._act(Action.PRESS, on, key, **kw)

    async def select(self, description: str, option: Any, **kw: Any) -> StepResult:
        return await self._act(Action.SELECT, description, option, **kw)

    async def check(self, description: str, **kw: Any) -> StepResult:
        return await self._act(Action.CHECK, description, **kw)

    async def uncheck(self, description: str, **kw: Any) -> StepResult:
        return await self._act(Action.UNCHECK, description, **kw)

    async def upload(self, description: str, path: Any, **kw: Any) -> StepResult:
        return await self._act(Action.UPLOAD, description, path, **kw)

    async def wait(self, seconds: float) -> StepResult:
        return await self._act(Action.WAIT, value=f"{seconds:g} seconds")

    async def expect_visible(self, description: str, **kw: Any) -> StepResult:
        return await self._act(Action.EXPECT_VISIBLE, description, **kw)

    async def expect_hidden(self, description: str, **kw: Any) -> StepResult:
        return await self._act(Action.EXPECT_HIDDEN, description, **kw)

    async def expect_text(self, description: str, text: Any, **kw: Any) -> StepResult:
        return await self._act(Action.EXPECT_TEXT, description, text, **kw)

    async def expect_title(self, text: Any, **kw: Any) -> StepResult:
        return await self._act(Action.EXPECT_TITLE, value=text, **kw)

    async def expect_url(self, text: Any, **kw: Any) -> StepResult:
        return await self._act(Action.EXPECT_URL, value=text, **kw)

    # -- live blocks: evaluated every run, never cached ------------------------------------

    async def holds(self, check: str) -> bool:
        """Does a plain-English check (`The Gift field is visible`) hold right now?"""
        return bool(await self.runner.live.condition(self._inline_loop(check), self.context()))

    async def extract(self, what: Any, schema: dict[str, Any] | None = None) -> Any:
        """Read a value (or a mapping of name → description) off the page."""
        from replaywright.flow.model import Block

        spec = Block(label=self._label or "extract", kind="extract", extract=what, schema=schema)
        return await self.runner.live.extract(spec, self.context())

    async def run_code(self, source: str, timeout: float | None = None) -> Any:
        """A flow `code:` block: Python with `params`, `outputs`, `env` and `page`, stopped
        after `timeout` seconds (default: the step timeout)."""
        from replaywright.flow.model import Block

        spec = Block(label=self._label or "code", kind="code", timeout=timeout,
                     code=textwrap.dedent(source).strip("\n"))
        return await self.runner.live.run_code(spec, self.context(),
                                               self.runner.options.step_timeout)

    async def task(self, goal: str) -> Any:
        """An open goal: its recorded actions replay from the cache (each healing on its
        own); with no cached actions it needs an LLM agent (run the flow with --llm)."""
        output = await self.session.task(goal, block=self._label or None)
        if self._label:
            self.outputs[self._label] = output
        return output

    def loop(self, name: str, items: Any) -> Iterator[Any]:
        """`for product in rw.loop("product", params.products)`: the items of a for_each,
        with the loop variable known to the steps of its body."""
        values = as_list(items)
        if self.blocks and self.blocks[-1].label == self._label:
            self.blocks[-1].iterations = len(values)
        try:
            for item in values:
                self._loop[name] = item
                yield item
        finally:
            self._loop.pop(name, None)

    # -- blocks -----------------------------------------------------------------------------

    @asynccontextmanager
    async def block_scope(self, label: str, kind: str = "steps") -> AsyncIterator[BlockResult]:
        started = time.monotonic()
        result = BlockResult(label=label, kind=kind, depth=self._depth,
                             first_step=len(self.results))
        self.blocks.append(result)
        outer, self._label = self._label, label
        self._depth += 1
        try:
            yield result
        except (ReplaywrightError, Exception) as exc:
            result.status = "failed"
            result.note = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise
        finally:
            self._label = outer
            self._depth -= 1
            result.last_step = len(self.results)
            result.duration_s = round(time.monotonic() - started, 3)
            if result.status != "failed":
                result.status = block_status(self.results[result.first_step:], from_code=True)


def block(label: str, kind: str = "steps") -> Callable[[F], F]:
    """Marks a generated function as the code of one flow block (found again by its label
    when the script is regenerated)."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        async def wrapper(rw: Script, *args: Any, **kwargs: Any) -> Any:
            async with rw.block_scope(label, kind):
                return await fn(rw, *args, **kwargs)

        wrapper.__replaywright_block__ = label  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
