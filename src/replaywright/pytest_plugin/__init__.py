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

This module holds the hooks and fixtures pytest registers; `launch` (the shared browser),
`bridge` (the private loop), `ai` (the `AI` steps) and `reporting` hold the work.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from replaywright.engine.results import RunResult
from replaywright.pytest_plugin import reporting
from replaywright.pytest_plugin.ai import AI
from replaywright.pytest_plugin.bridge import Bridge
from replaywright.pytest_plugin.launch import (
    PORTS,
    fallback_fixtures,
    with_cdp_port,
    with_system_chromium,
)

_RUNS = pytest.StashKey[list[dict[str, Any]]]()
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
_RESULT = pytest.StashKey[RunResult]()


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
    config.stash[PORTS] = []
    config.stash[_RUNS] = []
    config.pluginmanager.register(reporting.Collector(config.stash[_RUNS]),
                                  "replaywright-collector")
    if not _has_pytest_playwright(config):
        config.pluginmanager.register(fallback_fixtures(), "replaywright-page")


# -- the browser: a CDP port on pytest-playwright's, or our own --------------------------------

@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
                         ) -> Generator[None, object, object]:
    """pytest-playwright builds its launch options in `browser_type_launch_args` (which users
    may override, each layer passing the dict on): add the CDP port to every layer's dict."""
    result = yield
    if fixturedef.argname == "browser_type_launch_args" and isinstance(result, dict):
        browsers = set(request.config.getoption("browser", None) or ["chromium"])
        if browsers <= {"chromium"}:
            with_cdp_port(request.config, result)
            with_system_chromium(result)
    return result


# -- the engine on a private loop ----------------------------------------------------------

@pytest.fixture(scope="session")
def rw_bridge(pytestconfig: pytest.Config) -> Iterator[Bridge]:
    bridge = Bridge(pytestconfig)
    yield bridge
    bridge.close()


# -- the `ai` fixture -------------------------------------------------------------------------

@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    if report.when == "teardown" and _RESULT in item.stash:
        setattr(report, reporting.REPORT_ATTR, item.stash[_RESULT].to_json())
    return report


def _xdist_worker(config: pytest.Config) -> bool:
    """A pytest-xdist worker: the controller reports and writes the files."""
    return hasattr(config, "workerinput")


def _passed(item: pytest.Item) -> bool:
    reports = item.stash.get(_REPORTS, {})
    return all(w in reports and reports[w].passed for w in ("setup", "call"))


def _base_url(config: pytest.Config) -> str | None:
    return config.getoption("rw_base_url") or config.getoption("base_url", None) or None


@pytest.fixture
def ai(request: pytest.FixtureRequest, page: Any, rw_bridge: Bridge) -> Iterator[AI]:
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

def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    runs = config.stash.get(_RUNS, [])
    if runs and not _xdist_worker(config):
        reporting.terminal_summary(terminalreporter, runs)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if not _xdist_worker(config):
        reporting.write_files(config, config.stash.get(_RUNS, []))
