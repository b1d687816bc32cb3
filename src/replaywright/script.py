"""The small runtime that generated scripts call (`from replaywright import script`).

A generated script is readable Playwright-like Python: one async function per block of the
flow, each action naming its element in plain English with the recorded selector beside it::

    @script.block("login")
    async def login(rw: Script, params: Params) -> None:
        await rw.fill("the Email field", params.user, selector="get_by_label('Email')")
        await rw.click("the Sign in button", selector="get_by_role('button', name='Sign in')")

Every action is one plain-English step run through the engine (`StepSession.step`): the
cached entry's selectors first, the fingerprint check, the matcher, and healing from the
description when the page changed — exactly what a YAML run of the same flow does, with the
same cache keys, so a script replays the entries its flow recorded and vice versa.

A value read from `params` (or a loop variable) is passed to the engine as its template
(`{{ params.user }}`), never as the value itself: keys and recorded code stay parameterised.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import importlib.util
import inspect
import json
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, get_type_hints

from replaywright.engine.results import BlockResult, RunResult, StepResult, block_status
from replaywright.errors import FlowError, ReplaywrightError
from replaywright.flow.expressions import as_list, truthy
from replaywright.flow.template import PLACEHOLDER, Context, _lookup, _to_text

__all__ = ["Script", "as_list", "block", "build_params", "main", "run_script", "truthy"]

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


# -- composing plain-English steps -------------------------------------------------------


def quoted(value: str) -> str:
    """`"value"`, or `'value'` when the value itself has double quotes."""
    return f"'{value}'" if '"' in value else f'"{value}"'


def compose(action: str, target: str = "", value: str | None = None) -> str:
    """The canonical plain-English step for an action; `parse_step` reads it back."""
    v = value or ""
    texts = {
        "goto": f"Go to {v}",
        "click": f"Click {target}",
        "dblclick": f"Double-click {target}",
        "rightclick": f"Right-click {target}",
        "hover": f"Hover over {target}",
        "scroll": f"Scroll to {target}",
        "fill": f"Type {quoted(v)} into {target}",
        "clear": f"Clear {target}",
        "press": f"Press {v} in {target}" if target else f"Press {v}",
        "select": f"Select {quoted(v)} from {target}",
        "check": f"Check {target}",
        "uncheck": f"Uncheck {target}",
        "upload": f"Upload {quoted(v)} to {target}",
        "wait": f"Wait {v}",
        "expect_visible": f"{target} is visible",
        "expect_hidden": f"{target} is not visible",
        "expect_text": f"{target} contains {quoted(v)}",
        "expect_title": f"The page title contains {quoted(v)}",
        "expect_url": f"The URL contains {quoted(v)}",
    }
    return texts[action]


def _supports(method: Callable[..., Any], name: str) -> bool:
    try:
        return name in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def _fields(params: Any) -> Iterator[tuple[str, Any]]:
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
        self._step_kwargs = {name: _supports(session.step, name)
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
        for name, item in _fields(self.params):
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
        return Context(params=dict(_fields(self.params)), env=self.env, outputs=self.outputs,
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

    async def _act(self, action: str, target: str = "", value: Any = None, *,
                   selector: str | None = None, timeout: float | None = None,
                   cache: bool = True) -> StepResult:
        text = compose(action, target, None if value is None else self._value(value))
        return await self.step(text, selector=selector, timeout=timeout, cache=cache)

    # -- verbs ---------------------------------------------------------------------------

    async def goto(self, url: str) -> StepResult:
        return await self._act("goto", value=url)

    async def click(self, description: str, **kw: Any) -> StepResult:
        return await self._act("click", description, **kw)

    async def dblclick(self, description: str, **kw: Any) -> StepResult:
        return await self._act("dblclick", description, **kw)

    async def right_click(self, description: str, **kw: Any) -> StepResult:
        return await self._act("rightclick", description, **kw)

    async def hover(self, description: str, **kw: Any) -> StepResult:
        return await self._act("hover", description, **kw)

    async def scroll_to(self, description: str, **kw: Any) -> StepResult:
        return await self._act("scroll", description, **kw)

    async def fill(self, description: str, value: Any, **kw: Any) -> StepResult:
        return await self._act("fill", description, value, **kw)

    async def clear(self, description: str, **kw: Any) -> StepResult:
        return await self._act("clear", description, **kw)

    async def press(self, key: str, on: str = "", **kw: Any) -> StepResult:
        return await self._act("press", on, key, **kw)

    async def select(self, description: str, option: Any, **kw: Any) -> StepResult:
        return await self._act("select", description, option, **kw)

    async def check(self, description: str, **kw: Any) -> StepResult:
        return await self._act("check", description, **kw)

    async def uncheck(self, description: str, **kw: Any) -> StepResult:
        return await self._act("uncheck", description, **kw)

    async def upload(self, description: str, path: Any, **kw: Any) -> StepResult:
        return await self._act("upload", description, path, **kw)

    async def wait(self, seconds: float) -> StepResult:
        return await self._act("wait", value=f"{seconds:g} seconds")

    async def expect_visible(self, description: str, **kw: Any) -> StepResult:
        return await self._act("expect_visible", description, **kw)

    async def expect_hidden(self, description: str, **kw: Any) -> StepResult:
        return await self._act("expect_hidden", description, **kw)

    async def expect_text(self, description: str, text: Any, **kw: Any) -> StepResult:
        return await self._act("expect_text", description, text, **kw)

    async def expect_title(self, text: Any, **kw: Any) -> StepResult:
        return await self._act("expect_title", value=text, **kw)

    async def expect_url(self, text: Any, **kw: Any) -> StepResult:
        return await self._act("expect_url", value=text, **kw)

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


# -- parameters ------------------------------------------------------------------------------


def _flow_file(module_file: str | None, flow_file: str | None) -> Path | None:
    """The flow a script was generated from (its parameter defaults live there)."""
    if not flow_file:
        return None
    path = Path(flow_file)
    if path.is_absolute():
        return path if path.exists() else None
    if module_file:
        here = Path(module_file).resolve().parent
        # current scripts sit in the scripts folder, archived versions one level below
        for base in (here, here.parent):
            if (base / path).exists():
                return (base / path).resolve()
    return path.resolve() if path.exists() else None


def flow_defaults(module_file: str | None, flow_file: str | None) -> dict[str, Any]:
    path = _flow_file(module_file, flow_file)
    if path is None:
        return {}
    from replaywright.flow.loader import load_flow

    return {name: spec.default for name, spec in load_flow(path).params.items()
            if spec.default is not None}


def _convert(value: Any, kind: Any) -> Any:
    if not isinstance(value, str):
        return value
    if kind is bool:
        return truthy(value)
    if kind is int:
        return int(value)
    if kind is float:
        return float(value)
    if getattr(kind, "__origin__", kind) is list:
        return json.loads(value) if value.strip().startswith("[") else as_list(value)
    return value


def build_params(model: type, given: Mapping[str, Any] | None = None, *,
                 module_file: str | None = None, flow_file: str | None = None) -> Any:
    """The parameters model from given values, falling back to the flow file's defaults."""
    values = {**flow_defaults(module_file, flow_file),
              **{k: v for k, v in (given or {}).items() if v is not None}}
    if not dataclasses.is_dataclass(model):
        return model(**values)
    hints = get_type_hints(model)
    names = [f.name for f in dataclasses.fields(model)]
    unknown = sorted(set(values) - set(names))
    if unknown and given and unknown[0] in given:
        raise FlowError(f"unknown parameter '{unknown[0]}'",
                        hint=f"this script takes: {', '.join(names) or 'no parameters'}")
    missing = [n for n in names if n not in values]
    if missing:
        raise FlowError(f"missing parameter '{missing[0]}'",
                        hint=f"pass it with --{missing[0].replace('_', '-')} VALUE")
    return model(**{n: _convert(values[n], hints.get(n, str)) for n in names})


# -- running a script ----------------------------------------------------------------------


def load_module(path: str | Path) -> ModuleType:
    path = Path(path).resolve()
    name = f"replaywright_script_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise FlowError(f"cannot load script {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


async def run_module(module: ModuleType, page: Any, params: Any = None, *, cache: Any = None,
                     base_url: str | None = None, timeout: float = 10.0,
                     env: Mapping[str, str] | None = None, resolver: Any = None,
                     on_step: Callable[[StepResult], None] | None = None) -> RunResult:
    """Run a generated module on an open page, its runner started as every run's is."""
    from replaywright.engine.runner import CachePlan
    from replaywright.engine.secrecy import mask_run
    from replaywright.session import RunSetup, start_runner

    started = time.monotonic()
    model = module.Params
    if not isinstance(params, model):
        params = build_params(model, params, module_file=getattr(module, "__file__", None),
                              flow_file=getattr(module, "FLOW_FILE", None))
    runner = start_runner(page, RunSetup(cache=cache or CachePlan(enabled=False),
                                         base_url=base_url, timeout=timeout, env=env,
                                         on_step=on_step, resolver=resolver))
    flow_path = _flow_file(getattr(module, "__file__", None), getattr(module, "FLOW_FILE", None))
    extra: dict[str, Any] = {}
    if flow_path is not None and _supports(runner.session, "flow"):
        from replaywright.flow.loader import load_flow

        extra["flow"] = load_flow(flow_path)  # lets the engine key steps by their block
    session = runner.session(module.FLOW_NAME, params=dict(_fields(params)),
                             base_dir=flow_path.parent if flow_path else None, **extra)
    rw = Script(session, params, flow=module.FLOW_NAME, env=runner.options.env)
    error = None
    try:
        await module.run(rw, params)
    except (ReplaywrightError, Exception) as exc:  # the script's own code may raise anything
        error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    result = RunResult(flow=module.FLOW_NAME, steps=list(rw.results), blocks=rw.blocks,
                       error=error, passed=error is None)
    mask_run(result, session.context)
    result.cache_saved, result.cache_note = session.close(result.passed)
    result.seconds = time.monotonic() - started
    return result


async def run_script(script: str | Path | ModuleType, params: Mapping[str, Any] | Any = None, *,
                     base_url: str | None = None, cache_url: str | None = None,
                     token: str | None = None, no_cache: bool = False, save_cache: bool = False,
                     timeout: float = 10.0, browser: Any = None, progress: bool = True,
                     page: Any = None, cache: Any = None) -> RunResult:
    """Run a generated script (a path or an imported module): what `replaywright run FLOW
    --with code` calls. Opens the browser and the cache like `session.run_flow` does, unless
    a `page` / `cache` plan is given."""
    from replaywright.browser.launch import open_browser
    from replaywright.report import console
    from replaywright.session import cache_plan

    module = script if isinstance(script, ModuleType) else load_module(script)
    plan = cache if cache is not None else cache_plan(cache_url, token, no_cache=no_cache,
                                                      save_cache=save_cache)
    on_step = console.step_line if progress else None
    try:
        if page is not None:
            result = await run_module(module, page, params, cache=plan, base_url=base_url,
                                      timeout=timeout, on_step=on_step)
        else:
            async with open_browser(browser) as opened:
                result = await run_module(module, opened.page, params, cache=plan,
                                          base_url=base_url, timeout=timeout, on_step=on_step)
    finally:
        if cache is None and plan.store is not None:
            plan.store.close()
    if progress:
        console.run_summary(result)
    return result


# -- the standalone command line ------------------------------------------------------------

RUN_OPTIONS = {"base_url", "cache", "token", "no_cache", "save_cache", "timeout", "json",
               "headed", "browser_path", "cdp", "ws_endpoint"}


def argument_parser(description: str | None = None) -> argparse.ArgumentParser:
    """The options every generated script takes; the script adds one per parameter."""
    parser = argparse.ArgumentParser(description=(description or "").strip().splitlines()[0]
                                     if description else None)
    run = parser.add_argument_group("run options")
    run.add_argument("--base-url", help="base for relative URLs (the flow's start page)")
    run.add_argument("--cache", help="cache: a SQLite path, postgresql://... or https://server "
                     "(default: $REPLAYWRIGHT_CACHE or .replaywright/cache.db)")
    run.add_argument("--token", help="token for a team cache server")
    run.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    run.add_argument("--save-cache", action="store_true", help="save even where policy would not")
    run.add_argument("--timeout", type=float, default=10.0, help="seconds per step")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.add_argument("--headed", action="store_true", help="show the browser window")
    run.add_argument("--browser-path", help="Chromium executable")
    run.add_argument("--cdp", help="attach to a running browser over CDP")
    run.add_argument("--ws-endpoint", help="attach to a Playwright browser server")
    return parser


def main(module: ModuleType | str, argv: list[str] | None = None,
         parser: argparse.ArgumentParser | None = None) -> int:
    """Parse the command line and run the script; exit code 0 passed, 1 failed, 2 bad input."""
    import os

    from replaywright.browser.launch import BrowserOptions

    if isinstance(module, str):
        module = sys.modules[module]
    parser = parser or argument_parser(module.__doc__)
    args = vars(parser.parse_args(argv))
    given = {k: v for k, v in args.items() if k not in RUN_OPTIONS and v is not None}
    try:
        params = build_params(module.Params, given, module_file=getattr(module, "__file__", None),
                              flow_file=getattr(module, "FLOW_FILE", None))
    except FlowError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    browser = BrowserOptions(executable_path=args["browser_path"], cdp_url=args["cdp"],
                             ws_endpoint=args["ws_endpoint"], headless=not args["headed"])
    try:
        result = asyncio.run(run_script(
            module, params, base_url=args["base_url"],
            cache_url=args["cache"] or os.environ.get("REPLAYWRIGHT_CACHE"),
            token=args["token"] or os.environ.get("REPLAYWRIGHT_TOKEN"),
            no_cache=args["no_cache"], save_cache=args["save_cache"], timeout=args["timeout"],
            browser=browser, progress=not args["json"]))
    except ReplaywrightError as exc:  # bad input or configuration: 2; a failure: 1
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    if args["json"]:
        print(json.dumps(result.to_json(), indent=2))
    return 0 if result.passed else 1
