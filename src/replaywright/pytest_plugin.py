"""pytest plugin: plain-English steps in ordinary (sync) pytest tests, through the `ai` fixture.

    def test_login(ai, page):
        page.goto("https://shop.example/login")
        ai.fill("the Username field", "alice")
        ai.click("the Sign in button")
        ai.check("The Welcome heading is visible", timeout=30)

Each call is one engine step (`StepSession.step`), with the same cache, match, heal and save
policy as `replaywright run`; the cache key includes the test's node id. Entries resolved or
healed by a test are saved at teardown only if the test passed (and `CI=true`, a branch that is
not main/protected, or `--rw-save-cache`).

How a sync test drives the async engine on the *same* page
----------------------------------------------------------
`page` is a sync Playwright page: pytest-playwright's when that plugin is installed, otherwise
this plugin's own (system Chromium, headless unless `--rw-headed`). Sync Playwright objects
cannot be used from async code, and sync and async wrappers cannot share one connection (they
share a per-object wrapper slot). So the browser is launched with `--remote-debugging-port`
(for pytest-playwright, by adding the flag to its `browser_type_launch_args`), and the engine runs
on a private event loop in a background thread, with its own async Playwright connected over
CDP to that same browser; it finds the test's page by its CDP target id. `ai.*` calls block
until the step is done, so the test sees one page driven alternately by its own calls and by
replaywright. Chromium only (pytest-playwright's `--browser firefox/webkit` cannot be shared).

Options: --rw-cache URL, --rw-token, --rw-no-cache, --rw-save-cache, --rw-base-url, --rw-headed,
--rw-timeout, --rw-json FILE (per-test step summaries), --rw-junit FILE (a suite per test, a case
per step). Per-test summaries also go to the terminal summary and, as `replaywright.*`
properties, to pytest's own `--junitxml`.

With pytest-xdist (`pytest -n 4`) every worker process drives its own browser and writes the
shared cache (compare-and-set per entry; each test's keys are its own), and sends each test's
steps to the controller on its teardown report; the controller prints the summaries and
writes the one --rw-json / --rw-junit file.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import threading
import time
import warnings
from collections.abc import Callable, Coroutine, Generator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import pytest

from replaywright.engine.results import RunResult, StepResult
from replaywright.errors import StepFailed

T = TypeVar("T")

_PORTS = pytest.StashKey[list[int]]()
_RUNS = pytest.StashKey[list[dict[str, Any]]]()
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
_RESULT = pytest.StashKey[RunResult]()
#: The attribute of a teardown report that carries the test's steps to the process that
#: reports (pytest-xdist sends a report's attributes from its workers to the controller).
_REPORT_ATTR = "replaywright"
_PORT_FLAG = "--remote-debugging-port="
_CONNECT_TIMEOUT = 10.0


# -- options ---------------------------------------------------------------------------------

def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("replaywright", "replaywright (plain-English steps, cached)")
    group.addoption("--rw-cache", metavar="URL", default=None,
                    help="Cache: a SQLite path, postgresql://… or https://team-server "
                    "(default: $REPLAYWRIGHT_CACHE, else <rootdir>/.replaywright/cache.db).")
    group.addoption("--rw-token", metavar="TOKEN", default=None,
                    help="Token for a team cache server (default: $REPLAYWRIGHT_TOKEN).")
    group.addoption("--rw-no-cache", action="store_true", default=False,
                    help="Neither read nor write the cache.")
    group.addoption("--rw-save-cache", action="store_true", default=False,
                    help="Save entries of passing tests even where policy would not "
                    "(e.g. on main outside CI).")
    group.addoption("--rw-base-url", metavar="URL", default=None,
                    help="Base for relative URLs in ai.goto() (default: pytest-base-url's "
                    "--base-url when set).")
    group.addoption("--rw-headed", action="store_true", default=False,
                    help="Show the browser (this plugin's own browser; with pytest-playwright "
                    "use --headed).")
    group.addoption("--rw-timeout", metavar="SECONDS", type=float, default=10.0,
                    help="Default seconds per step (default 10).")
    group.addoption("--rw-heal", choices=("auto", "review", "off"),
                    default=os.environ.get("REPLAYWRIGHT_HEAL", "auto"),
                    help="auto: a heal updates the cache; review: it is proposed for "
                         "`replaywright heals accept`; off: a step that would heal fails "
                         "(default $REPLAYWRIGHT_HEAL or auto).")
    group.addoption("--rw-json", metavar="FILE", default=None,
                    help="Write per-test step summaries as JSON.")
    group.addoption("--rw-junit", metavar="FILE", default=None,
                    help="Write replaywright's JUnit XML: a suite per test, a case per step.")


def _has_pytest_playwright(config: pytest.Config) -> bool:
    manager = config.pluginmanager
    return manager.has_plugin("playwright") or manager.has_plugin(
        "pytest_playwright.pytest_playwright")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_PORTS] = []
    config.stash[_RUNS] = []
    config.pluginmanager.register(_Collector(config.stash[_RUNS]), "replaywright-collector")
    if not _has_pytest_playwright(config):
        config.pluginmanager.register(_fallback_fixtures(), "replaywright-page")


# -- the browser: a CDP port on pytest-playwright's, or our own --------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with_cdp_port(config: pytest.Config, launch_args: dict[str, Any]) -> None:
    """Make sure a Chromium launched with these args listens for CDP; remember the port."""
    args = [str(a) for a in launch_args.get("args") or []]
    given = [a for a in args if a.startswith(_PORT_FLAG)]
    if given:
        port = int(given[-1][len(_PORT_FLAG):] or 0)
    else:
        port = _free_port()
        launch_args["args"] = [*args, f"{_PORT_FLAG}{port}"]
    ports = config.stash[_PORTS]
    if port and port not in ports:
        ports.append(port)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
                         ) -> Generator[None, object, object]:
    """pytest-playwright builds its launch options in `browser_type_launch_args` (which users
    may override, each layer passing the dict on): add the CDP port to every layer's dict."""
    result = yield
    if fixturedef.argname == "browser_type_launch_args" and isinstance(result, dict):
        browsers = set(request.config.getoption("browser", None) or ["chromium"])
        if browsers <= {"chromium"}:
            _with_cdp_port(request.config, result)
            _with_system_chromium(result)
    return result


def _playwright_chromium_installed() -> bool:
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache" / "ms-playwright")
    return any(Path(root).glob("chromium*"))


def _with_system_chromium(launch_args: dict[str, Any]) -> None:
    """Where Playwright's own Chromium was never downloaded (or REPLAYWRIGHT_CHROMIUM says so),
    launch the system one, as replaywright itself does; a user's own choice stands."""
    from replaywright.browser.launch import default_executable

    if launch_args.get("executable_path") or launch_args.get("channel"):
        return
    if os.environ.get("REPLAYWRIGHT_CHROMIUM") or not _playwright_chromium_installed():
        executable = default_executable()
        if executable:
            launch_args["executable_path"] = executable


def _rw_browser(pytestconfig: pytest.Config) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from replaywright.browser.launch import DEFAULT_ARGS, default_executable

    launch: dict[str, Any] = {"args": list(DEFAULT_ARGS)}
    _with_cdp_port(pytestconfig, launch)
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=default_executable(),
                                     headless=not pytestconfig.getoption("rw_headed"), **launch)
    except Exception:
        pw.stop()
        raise
    yield browser
    browser.close()
    pw.stop()


def _rw_page(rw_browser: Any) -> Iterator[Any]:
    context = rw_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _fallback_fixtures() -> ModuleType:
    """`page` (and `rw_browser`) when pytest-playwright is not installed: a sync page on the
    system Chromium. Registered as a plugin of its own so it never shadows pytest-playwright's."""
    holder = ModuleType("replaywright_pytest_page")
    vars(holder).update(rw_browser=pytest.fixture(_rw_browser, scope="session", name="rw_browser"),
                        page=pytest.fixture(_rw_page, name="page"))
    return holder


# -- the engine on a private loop ----------------------------------------------------------

class _Bridge:
    """A background event loop with async Playwright connected over CDP, and the cache plan.

    Everything async (and every cache store call) runs on this one thread.
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="replaywright-loop",
                                       daemon=True)
        self.thread.start()
        self._playwright: Any = None
        self._browsers: dict[int, Any] = {}
        self.plan: Any = None

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        __tracebackhide__ = True
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def run(self, fn: Callable[[], T]) -> T:
        async def wrapper() -> T:
            return fn()

        return self.call(wrapper())

    def cache_plan(self) -> Any:
        if self.plan is None:
            from replaywright.session import cache_plan

            opt = self.config.getoption
            url = opt("rw_cache") or os.environ.get("REPLAYWRIGHT_CACHE") or str(
                self.config.rootpath / ".replaywright" / "cache.db")
            self.plan = self.run(lambda: cache_plan(
                url, opt("rw_token") or os.environ.get("REPLAYWRIGHT_TOKEN"),
                no_cache=opt("rw_no_cache"), save_cache=opt("rw_save_cache"),
                cwd=self.config.rootpath))
        return self.plan

    async def _browser(self, port: int) -> Any:
        if port not in self._browsers:
            from playwright.async_api import async_playwright

            if self._playwright is None:
                self._playwright = await async_playwright().start()
            self._browsers[port] = await self._playwright.chromium.connect_over_cdp(
                f"http://127.0.0.1:{port}")
        return self._browsers[port]

    async def _find(self, target_id: str) -> Any:
        """The async page of the test's page (same CDP target), on whichever browser has it.

        The newest port first: with overrides of `browser_type_launch_args` each layer got a
        port, and the browser was launched with the last one; stale ports do not answer."""
        from playwright.async_api import Error as PlaywrightError

        deadline = time.monotonic() + _CONNECT_TIMEOUT
        ports = self.config.stash[_PORTS][::-1]
        if not ports:
            raise StepFailed(
                "replaywright cannot reach the page's browser: it was not launched by this "
                "plugin or by pytest-playwright on Chromium (connect_options / --browser "
                "firefox|webkit are not supported)")
        errors: dict[int, str] = {}
        while True:
            for port in ports:
                try:
                    browser = await self._browser(port)
                except PlaywrightError as exc:
                    errors[port] = str(exc).splitlines()[0]
                    continue
                errors.pop(port, None)
                for context in browser.contexts:
                    for page in context.pages:
                        if await _target_id(context, page) == target_id:
                            return page
            if time.monotonic() >= deadline:
                why = "; ".join(f"port {p}: {e}" for p, e in errors.items())
                raise StepFailed(f"replaywright cannot find the test's page (target {target_id}) "
                                 f"over CDP on port(s) {ports}" + (f" ({why})" if why else ""))
            await asyncio.sleep(0.1)

    def async_page(self, sync_page: Any) -> Any:
        cdp = sync_page.context.new_cdp_session(sync_page)
        try:
            target_id = cdp.send("Target.getTargetInfo")["targetInfo"]["targetId"]
        finally:
            cdp.detach()
        return self.call(self._find(target_id))

    def close(self) -> None:
        async def shutdown() -> None:
            for browser in self._browsers.values():
                with contextlib.suppress(Exception):
                    await browser.close()  # over CDP: disconnects, the browser stays up
            if self._playwright is not None:
                await self._playwright.stop()
            if self.plan is not None and self.plan.store is not None:
                self.plan.store.close()

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(timeout=30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
            if not self.thread.is_alive():
                self.loop.close()


async def _target_id(context: Any, page: Any) -> str | None:
    from playwright.async_api import Error as PlaywrightError

    try:
        session = await context.new_cdp_session(page)
    except PlaywrightError:  # the page closed meanwhile
        return None
    try:
        info = await session.send("Target.getTargetInfo")
    finally:
        with contextlib.suppress(PlaywrightError):
            await session.detach()
    return str(info["targetInfo"]["targetId"])


@pytest.fixture(scope="session")
def rw_bridge(pytestconfig: pytest.Config) -> Iterator[_Bridge]:
    bridge = _Bridge(pytestconfig)
    yield bridge
    bridge.close()


# -- the `ai` fixture -------------------------------------------------------------------------

def quote(value: str) -> str:
    """Quote a typed/selected value for a step: "…", '…' or “…”, whichever it does not contain."""
    for left, right in (('"', '"'), ("'", "'"), ("“", "”")):
        if left not in value and right not in value:
            return f"{left}{value}{right}"
    raise ValueError(f"cannot quote {value!r}: it contains \", ' and “/” quotes")


class AI:
    """Plain-English steps on the test's page. Every method runs one engine step and returns
    its `StepResult`; a failing step raises `StepFailed` with the reason."""

    def __init__(self, bridge: _Bridge, page: Any, session: Any) -> None:
        self._bridge, self.page, self._session = bridge, page, session

    @property
    def results(self) -> list[StepResult]:
        return list(self._session.results)

    def step(self, text: str, *, timeout: float | None = None, cache: bool = True) -> StepResult:
        """Any step phrasing replaywright accepts (`Select "Canada" from the Country dropdown`).
        `{{ env.NAME }}` in the text is filled in from the environment, as in flows."""
        __tracebackhide__ = True
        return self._bridge.call(self._session.step(text, timeout=timeout, cache=cache))

    def goto(self, url: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Go to {url}", timeout=timeout)

    def click(self, target: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Click {target}", timeout=timeout)

    def hover(self, target: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Hover over {target}", timeout=timeout)

    def fill(self, target: str, value: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Type {quote(str(value))} into {target}", timeout=timeout)

    def select(self, target: str, option: str, *, timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Select {quote(str(option))} from {target}", timeout=timeout)

    def press(self, key: str, target: str | None = None, *,
              timeout: float | None = None) -> StepResult:
        __tracebackhide__ = True
        return self.step(f"Press {key}" + (f" in {target}" if target else ""), timeout=timeout)

    def check(self, assertion: str, *, timeout: float | None = None) -> StepResult:
        """A check such as `The Welcome heading is visible` or `The URL contains "/cart"`,
        polled until it holds or `timeout` seconds pass."""
        __tracebackhide__ = True
        from replaywright.flow.intent import parse_step

        if not parse_step(assertion).is_check:
            raise ValueError(f"ai.check() needs a check (e.g. 'The Welcome banner is visible'), "
                             f"not an action: {assertion!r}; use ai.step() for actions")
        return self.step(assertion, timeout=timeout)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    if report.when == "teardown" and _RESULT in item.stash:
        setattr(report, _REPORT_ATTR, item.stash[_RESULT].to_json())
    return report


class _Collector:
    """Collects each test's steps where reports are collected: in this process, or with
    pytest-xdist in the controller, from every worker's reports."""

    def __init__(self, runs: list[dict[str, Any]]) -> None:
        self.runs = runs

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, _REPORT_ATTR, None)
        if report.when == "teardown" and data is not None:
            self.runs.append({"nodeid": report.nodeid,
                              "result": RunResult.model_validate(data)})


def _xdist_worker(config: pytest.Config) -> bool:
    """A pytest-xdist worker: the controller reports and writes the files."""
    return hasattr(config, "workerinput")


def _passed(item: pytest.Item) -> bool:
    reports = item.stash.get(_REPORTS, {})
    return all(w in reports and reports[w].passed for w in ("setup", "call"))


def _base_url(config: pytest.Config) -> str | None:
    return config.getoption("rw_base_url") or config.getoption("base_url", None) or None


@pytest.fixture
def ai(request: pytest.FixtureRequest, page: Any, rw_bridge: _Bridge) -> Iterator[AI]:
    """Plain-English steps on `page`, cached per test (the node id is part of every key)."""
    from replaywright.session import RunSetup, start_runner

    if type(page).__module__.startswith("playwright.async_api"):
        raise pytest.UsageError("the `ai` fixture needs a sync Playwright `page` (pytest-playwright's "
                                "or replaywright's); an async `page` fixture overrides it here")
    config = request.config
    plan = rw_bridge.cache_plan()
    async_page = rw_bridge.async_page(page)
    setup = RunSetup(cache=plan, base_url=_base_url(config),
                     timeout=config.getoption("rw_timeout"),
                     heal=config.getoption("rw_heal"),
                     # pytest-playwright records the trace (--tracing); each step is a group
                     trace=(config.getoption("tracing", None) or "off")
                     if _has_pytest_playwright(config) else "off")
    node = request.node
    path = getattr(node, "path", None)

    def start() -> Any:
        return start_runner(async_page, setup).session(node.nodeid, base_dir=path.parent if path else None)

    session = rw_bridge.run(start)
    started = time.monotonic()
    yield AI(rw_bridge, page, session)
    passed = _passed(node)
    try:
        saved, note = rw_bridge.run(lambda: session.close(passed))
    except Exception as exc:  # a cache backend that is down must not fail a passing test
        saved, note = False, f"not saved: {type(exc).__name__}: {exc}"
        warnings.warn(f"replaywright: {node.nodeid}: {note}", stacklevel=1)
    result = RunResult(flow=node.nodeid, passed=passed, steps=list(session.results),
                       seconds=time.monotonic() - started, cache_saved=saved, cache_note=note)
    summary = result.summary()
    for name in ("steps", "cached", "resolved", "healed", "failed", "live", "resolver_calls",
                 "cache_saved"):
        node.user_properties.append((f"replaywright.{name}", summary[name]))
    node.stash[_RESULT] = result


# -- reporting ------------------------------------------------------------------------------

def _line(summary: dict[str, Any]) -> str:
    return (f"{summary['steps']} steps: {summary['cached']} cached, {summary['resolved']} "
            f"resolved, {summary['healed']} healed, {summary['failed']} failed, "
            f"{summary['live']} live; resolver calls {summary['resolver_calls']}; "
            f"cache {summary['cache_note'] or ('saved' if summary['cache_saved'] else 'not saved')}")


def _totals(runs: list[dict[str, Any]]) -> dict[str, int]:
    totals = dict.fromkeys(("tests", "steps", "cached", "resolved", "healed", "failed", "live",
                            "resolver_calls"), 0)
    for run in runs:
        summary = run["result"].summary()
        totals["tests"] += 1
        for name in totals:
            if name != "tests":
                totals[name] += summary[name]
    return totals


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    runs = config.stash.get(_RUNS, [])
    if not runs or _xdist_worker(config):
        return
    terminalreporter.section("replaywright")
    for run in runs:
        result = run["result"]
        mark = "PASS" if result.passed else "FAIL"
        terminalreporter.write_line(f"{mark} {run['nodeid']}: {_line(result.summary())}")
    t = _totals(runs)
    terminalreporter.write_line(
        f"total: {t['tests']} tests, {t['steps']} steps: {t['cached']} cached, {t['resolved']} "
        f"resolved, {t['healed']} healed, {t['failed']} failed; resolver calls "
        f"{t['resolver_calls']}")


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if _xdist_worker(config):
        return
    runs = config.stash.get(_RUNS, [])
    json_path = config.getoption("rw_json", None)
    if json_path:
        data = {"tests": [{"nodeid": run["nodeid"], **run["result"].to_json()} for run in runs],
                "totals": _totals(runs)}
        _atomic_write(Path(json_path), json.dumps(data, indent=2, default=str))
    junit_path = config.getoption("rw_junit", None)
    if junit_path:
        from replaywright.report.junit import write_junit

        write_junit(junit_path, [run["result"] for run in runs])
