"""Running a generated script: on an open page (`run_module`), opening the browser and the
cache itself (`run_script`, what `replaywright run FLOW --with code` calls), or standalone
from its own command line (`main`)."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from replaywright.engine.results import RunResult, StepResult
from replaywright.errors import FlowError, ReplaywrightError
from replaywright.script.params import build_params, flow_file_path
from replaywright.script.runtime import Script, accepts, fields_of


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
    flow_path = flow_file_path(getattr(module, "__file__", None), getattr(module, "FLOW_FILE", None))
    extra: dict[str, Any] = {}
    if flow_path is not None and accepts(runner.session, "flow"):
        from replaywright.flow.loader import load_flow

        extra["flow"] = load_flow(flow_path)  # lets the engine key steps by their block
    session = runner.session(module.FLOW_NAME, params=dict(fields_of(params)),
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
