"""The `replaywright` command."""

from __future__ import annotations

import asyncio
import atexit
import gc
import json
import os
from collections.abc import Awaitable
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from replaywright.browser.launch import BrowserOptions, open_browser
from replaywright.errors import FlowError, ReplaywrightError
from replaywright.exits import ErrorsToExits, error_exit
from replaywright.flow.template import parse_params

if TYPE_CHECKING:
    from typer._click import Command, Context  # typer's vendored click (see exits.py)

    from replaywright.engine.caching import CachePlan
    from replaywright.engine.results import RunResult
    from replaywright.flow.model import Flow

#: Command groups imported only when used: `run` loads neither the benchmarks (numpy), the
#: load test and HTTP client, nor the server.
LAZY_COMMANDS = {
    "bench": ("replaywright.bench.cli", "app"),
    "cache": ("replaywright.cache.cli", "cache_app"),
    "heals": ("replaywright.cache.cli", "heals_app"),
    "serve": ("replaywright.server", "serve_app"),
    "codegen": ("replaywright.codegen.cli", "codegen_app"),
    "worker": ("replaywright.runs.cli", "worker_app"),
    "submit": ("replaywright.runs.cli", "submit_app"),
    "runs": ("replaywright.runs.cli", "runs_app"),
    "schedule": ("replaywright.runs.cli", "schedule_app"),
}


class LazyGroup(ErrorsToExits):
    def list_commands(self, ctx: Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name not in LAZY_COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attr = LAZY_COMMANDS[cmd_name]
        command = typer.main.get_command(getattr(import_module(module), attr))
        command.name = cmd_name
        return command


# The interpreter's last collections at exit walk every object for ~150 ms, to free memory
# the OS takes back anyway: a command ends without them (files and stores are closed first).
atexit.register(gc.freeze)

app = typer.Typer(cls=LazyGroup, help="Plain-English browser flows: resolved once, replayed "
                  "from cache, self-healing.", no_args_is_help=True,
                  pretty_exceptions_enable=False)

BrowserPath = Annotated[str | None, typer.Option("--browser-path", help="Chromium executable "
                        "(default: $REPLAYWRIGHT_CHROMIUM or /usr/bin/chromium).")]
Cdp = Annotated[str | None, typer.Option("--cdp", help="Attach to a running browser over CDP "
                "(http://host:9222).")]
Ws = Annotated[str | None, typer.Option("--ws-endpoint", help="Attach to a Playwright browser "
               "server (ws://...).")]
Headed = Annotated[bool, typer.Option("--headed", help="Show the browser window.")]
JsonOut = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
TraceOpt = Annotated[str, typer.Option(
    "--trace", envvar="REPLAYWRIGHT_TRACE", show_envvar=True,
    help="Record a Playwright trace per run: on, off or retain-on-failure (open it with "
         "`playwright show-trace FILE`).")]
TraceDirOpt = Annotated[Path | None, typer.Option(
    "--trace-dir", help="Where traces go (default .replaywright/traces).")]


def check_trace(trace: str) -> None:
    if trace not in {"on", "off", "retain-on-failure"}:
        raise FlowError(f"--trace must be on, off or retain-on-failure, not {trace!r}")


def browser_options(browser_path: str | None, cdp: str | None, ws: str | None,
                    headed: bool) -> BrowserOptions:
    return BrowserOptions(executable_path=browser_path, cdp_url=cdp, ws_endpoint=ws,
                          headless=not headed)


@app.command()
def run(
    flow: Annotated[Path, typer.Argument(help="Flow file (YAML).")],
    param: Annotated[list[str], typer.Option("--param", "-p", help="NAME=VALUE, repeatable.")] = [],  # noqa: B006
    base_url: Annotated[str | None, typer.Option(help="Base for relative URLs in the flow.")] = None,
    cache: Annotated[str | None, typer.Option("--cache", envvar="REPLAYWRIGHT_CACHE",
                                              help="Cache: a SQLite path, postgresql://… or "
                                              "https://team-server.")] = None,
    token: Annotated[str | None, typer.Option(envvar="REPLAYWRIGHT_TOKEN",
                                              help="Token for a team cache server.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")] = False,
    save_cache: Annotated[bool, typer.Option("--save-cache", help="Save even where policy would "
                                             "not (e.g. on main outside CI).")] = False,
    mode: Annotated[str, typer.Option("--with", help="auto: cache, resolve the rest, heal; "
                                      "code: run the generated script, falling back per block; "
                                      "ai: ignore the cache, resolve all, refresh it")] = "auto",
    scripts: Annotated[Path, typer.Option(envvar="REPLAYWRIGHT_SCRIPTS", help="Where generated "
                                          "scripts are kept.")] = Path(".replaywright/scripts"),
    timeout: Annotated[float, typer.Option(help="Default seconds per step.")] = 10.0,
    heal: Annotated[str, typer.Option("--heal", envvar="REPLAYWRIGHT_HEAL", show_envvar=True,
                                      help="auto: a heal updates the cache; review: it is "
                                      "proposed (`replaywright heals ls`), the cache is left "
                                      "as it was; off: a step that would heal fails.")] = "auto",
    trace: TraceOpt = "off",
    trace_dir: TraceDirOpt = None,
    json_out: JsonOut = False,
    report: Annotated[Path | None, typer.Option(help="Write an HTML report here.")] = None,
    junit: Annotated[Path | None, typer.Option(help="Write JUnit XML here.")] = None,
    headed: Headed = False,
    browser_path: BrowserPath = None,
    cdp: Cdp = None,
    ws_endpoint: Ws = None,
    llm: Annotated[str | None, typer.Option(help="Resolve with an LLM, e.g. openai:gpt-4.1-mini, "
                                            "anthropic:claude-sonnet-4-5, ollama:llama3.1 "
                                            "(default $REPLAYWRIGHT_LLM; none: offline).")] = None,
    llm_base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible server URL.")] = None,
    llm_timeout: Annotated[float | None, typer.Option(help="Seconds per LLM call.")] = None,
    llm_screenshot: Annotated[bool | None, typer.Option(
        "--llm-screenshot/--no-llm-screenshot", help="Send a screenshot with each LLM call.")] = None,
    llm_fallback_local: Annotated[bool | None, typer.Option(
        "--llm-fallback-local/--no-llm-fallback-local",
        help="Use the local resolver's answer when the LLM gives none.")] = None,
) -> None:
    """Run a flow: resolve new steps, replay cached ones, heal what changed."""
    read = _Read(flow, param)
    try:
        if mode not in {"auto", "code", "ai"}:
            raise FlowError(f"--with must be auto, code or ai, not {mode!r}")
        if heal not in {"auto", "review", "off"}:
            raise FlowError(f"--heal must be auto, review or off, not {heal!r}")
        check_trace(trace)
        browser = browser_options(browser_path, cdp, ws_endpoint, headed)
        script = _script_to_run(scripts, read().name) if mode == "code" else None
        if script is not None:
            from replaywright.script import run_script

            result = asyncio.run(run_script(
                script, read().bind(read.params), base_url=base_url, cache_url=cache,
                token=token, no_cache=no_cache, save_cache=save_cache, timeout=timeout,
                browser=browser, progress=not json_out))
        else:
            result = asyncio.run(_launch_then_run(
                browser, read, {"cache_url": cache, "token": token, "no_cache": no_cache,
                                "save_cache": save_cache},
                base_url=base_url, mode=mode, timeout=timeout,
                screenshots=report is not None, progress=not json_out, heal=heal,
                trace=trace, trace_dir=trace_dir,
                llm={"llm": llm, "base_url": llm_base_url, "timeout": llm_timeout,
                     "screenshot": llm_screenshot, "fallback_local": llm_fallback_local}))
    except ReplaywrightError as exc:
        from replaywright.engine.results import RunResult

        # the run could not start: CI still gets a report and a JUnit file saying why
        failed = RunResult(flow=read.flow.name if read.flow else flow.stem, error=str(exc))
        _write_reports(failed, report, junit)
        raise error_exit(exc, json_out, extra=failed.to_json()) from None
    if result.passed and not no_cache and not result.summary()["pending_review"]:
        from replaywright.codegen.store import regenerate

        # a heal waiting for review is not in the generated script either
        written = regenerate(read(), result, scripts, params=read().bind(read.params))
        if written is not None and not json_out:
            typer.echo(f"  script: {written}", err=True)
    _write_reports(result, report, junit)
    code = 0 if result.passed else 1
    if json_out:
        typer.echo(json.dumps({**result.to_json(), "exit_code": code}, indent=2))
    raise typer.Exit(code)


class _Read:
    """The flow file read and its parameters checked, once (a bad one stops the run before
    a browser starts); what the run reports and regenerates reads it here."""

    def __init__(self, path: Path, param: list[str]) -> None:
        self.path, self.param = path, param
        self.flow: Flow | None = None
        self.params: dict[str, str] = {}

    def __call__(self) -> Flow:
        if self.flow is None:
            from replaywright.flow.loader import load_flow

            self.flow = load_flow(self.path)
            self.params = parse_params(self.param)
            self.flow.bind(self.params)
        return self.flow


def _script_to_run(scripts: Path, flow: str) -> Path | None:
    """`--with code`: the flow's generated script, if there is one."""
    from replaywright.codegen.store import ScriptStore

    script = ScriptStore(scripts).current_path(flow)
    return script if script.exists() else None


def _prepare(cache: dict[str, Any]) -> tuple[ModuleType, CachePlan]:
    """The engine, and the cache the run uses (its git scopes and its store), with the
    script store a passing run regenerates."""
    import_module("replaywright.codegen.store")
    session = import_module("replaywright.session")
    return session, session.cache_plan(**cache)


async def _launch_then_run(browser: BrowserOptions, read: _Read, cache: dict[str, Any],
                           **options: Any) -> RunResult:
    """Read the flow, then load the engine and open the cache, in a thread while the
    browser starts: a cached replay is mostly these waits, so they overlap instead of
    adding up. Chromium itself starts once the flow has been read, so a bad flow never
    starts it."""
    loop = asyncio.get_running_loop()
    # Loading makes objects that live as long as the run, and hardly any garbage: the
    # collector stays off meanwhile, then leaves them out of the run's collections
    # (pydantic's validators make a full one cost ~25 ms).
    gc.disable()
    reading = loop.run_in_executor(None, read)
    preparing = asyncio.ensure_future(_prepare_after(reading, cache))
    plan = None
    try:
        async with open_browser(browser, ready=reading) as opened:
            session, plan = await preparing
            gc.freeze()
            gc.enable()
            return await session.run_flow(await reading, read.params, plan, reuse=opened,
                                          **options)
    finally:
        gc.unfreeze()  # a caller running on (tests run commands in-process) collects as before
        gc.enable()
        prepared = (await asyncio.gather(preparing, return_exceptions=True))[0]
        if plan is None and isinstance(prepared, tuple) and prepared[1].store is not None:
            prepared[1].store.close()  # the browser failed: the run never took the cache


async def _prepare_after(reading: Awaitable[Flow],
                         cache: dict[str, Any]) -> tuple[ModuleType, CachePlan]:
    await reading  # a flow that cannot be read needs neither engine nor cache
    return await asyncio.get_running_loop().run_in_executor(None, _prepare, cache)


def _write_reports(result: RunResult, report: Path | None, junit: Path | None) -> None:
    if report:
        from replaywright.report.html import write_html

        write_html(report, [(result.flow, result)], title=f"replaywright — {result.flow}")
    if junit:
        from replaywright.report.junit import write_junit

        write_junit(junit, [result])


@app.command()
def demo(
    json_out: JsonOut = False,
    workflow: Annotated[bool, typer.Option("--workflow", help="Show progressive caching of a "
                                           "workflow with branches instead.")] = False,
    report: Annotated[Path, typer.Option(help="Where to write the HTML report.")] = Path(
        ".replaywright/reports/demo.html"),
    trace: TraceOpt = "off",
    headed: Headed = False,
    browser_path: BrowserPath = None,
    cdp: Cdp = None,
    ws_endpoint: Ws = None,
) -> None:
    """Run the bundled shop flow 4 times: v1 resolves, v1 replays, v2 heals, v2 replays.

    With --workflow: a workflow with a loop and a branch, run 3 times (express, standard,
    express again) to show each block caching on its own and branches filling up."""
    from replaywright.demo.run import print_table, run_demo

    try:
        check_trace(trace)
        runs = asyncio.run(run_demo(browser_options(browser_path, cdp, ws_endpoint, headed),
                                    report=report, progress=not json_out, workflow=workflow,
                                    trace=trace))
    except ReplaywrightError as exc:
        raise error_exit(exc, json_out) from None
    if json_out:
        typer.echo(json.dumps({"runs": runs}, indent=2))
    else:
        print_table(runs)
        typer.echo(f"report: {report}")
        for run in runs:
            if run.get("trace"):
                typer.echo(f"trace: {run['trace']}  (playwright show-trace {run['trace']})")
    raise typer.Exit(0 if all(r["passed"] for r in runs) else 1)


def main() -> None:  # pragma: no cover - console entry point
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()


if __name__ == "__main__":  # pragma: no cover - `python -m replaywright.cli`
    main()
