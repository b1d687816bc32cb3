"""Wiring a run together: browser, cache store and policy, resolver, engine, console.

Every entry point starts its runner here, with `start_runner(page, RunSetup(...))`: the CLI
and the run workers through `run_flow`, generated scripts (`script.run_module`), the pytest
plugin's `ai` fixture and the demo. An option added to `RunSetup` reaches all of them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from replaywright.browser.launch import BrowserOptions, BrowserSession, open_browser
from replaywright.cache.factory import open_store
from replaywright.cache.git import cache_scope
from replaywright.cache.policy import SaveDecision, is_ci, save_decision, ttl_days
from replaywright.cache.store import CacheDamaged
from replaywright.engine.results import RunResult, StepResult
from replaywright.engine.runner import CachePlan, Runner, RunOptions
from replaywright.engine.state import DEFAULT_TIMEOUT
from replaywright.flow.model import Flow
from replaywright.report import console
from replaywright.resolve.base import Resolver

if TYPE_CHECKING:
    from playwright.async_api import Page

    from replaywright.resolve.llm import Agent


def cache_plan(cache_url: str | None, token: str | None, *, no_cache: bool,
               save_cache: bool, cwd: Path | None = None,
               env: Mapping[str, str] | None = None, org: str = "") -> CachePlan:
    """The cache a run uses: backend from the URL, scopes from git, saving from policy.

    A cache that cannot be used as configured raises `CacheConfigError` (exit code 2); a
    SQLite file too damaged to open gives a plan without a store that says so (the run
    goes on without the cache). `org` picks an organisation's rows (workers)."""
    if no_cache:
        return CachePlan(store=None, enabled=False)
    env = os.environ if env is None else env
    cwd = cwd or Path.cwd()
    scope = cache_scope(cwd, env=env)
    protected = tuple(b.strip() for b in env.get("REPLAYWRIGHT_PROTECTED_BRANCHES",
                                                  "main,master").split(",") if b.strip())

    def decide(passed: bool) -> SaveDecision:
        return save_decision(passed, is_ci(env), scope.branch, protected=protected,
                             save_flag=save_cache)

    try:
        store = open_store(cache_url, token, org=org)
    except CacheDamaged as exc:
        plan = CachePlan(store=None, scope=scope, decide=decide, ttl_days=ttl_days(env))
        plan.fault(exc)
        return plan
    return CachePlan(store=store, scope=scope, decide=decide, ttl_days=ttl_days(env))


def llm_setup(flags: Mapping[str, Any],
              env: Mapping[str, str] | None = None) -> tuple[Resolver | None, Agent | None]:
    """An LLM resolver and agent when `--llm` or `REPLAYWRIGHT_LLM` asks for one, else
    (None, None): the offline local resolver, and task blocks unavailable."""
    env = os.environ if env is None else env
    if not flags.get("llm") and not env.get("REPLAYWRIGHT_LLM"):
        return None, None
    from replaywright.resolve.llm import LLMConfig, agent_from_config, resolver_from_config

    config = LLMConfig.load(flags=flags, env=env).check()
    return resolver_from_config(config), agent_from_config(config)


@dataclass
class RunSetup:
    """How a run is set up, whichever entry point starts it."""

    cache: CachePlan = field(default_factory=lambda: CachePlan(enabled=False))
    mode: str = "auto"  # auto | code | ai
    base_url: str | None = None
    timeout: float = DEFAULT_TIMEOUT  # seconds per step
    screenshots: bool = False
    heal: str = "auto"  # auto | review | off
    trace: str = "off"  # off | on | retain-on-failure
    trace_dir: Path | None = None  # None: .replaywright/traces
    env: Mapping[str, str] | None = None  # None: the process environment
    on_step: Callable[[StepResult], None] | None = None
    resolver: Resolver | None = None  # None: the offline local resolver
    agent: Agent | None = None  # None: task blocks replay cached actions only


def start_runner(page: Page, setup: RunSetup) -> Runner:
    """The one way a runner is made for a run: options, cache plan, resolver and agent."""
    options = RunOptions(mode=setup.mode, base_url=setup.base_url,
                         env=dict(os.environ if setup.env is None else setup.env),
                         step_timeout=setup.timeout, screenshots=setup.screenshots,
                         heal=setup.heal, trace_steps=setup.trace != "off",
                         on_step=setup.on_step)
    return Runner(page, setup.cache, resolver=setup.resolver, options=options,
                  agent=setup.agent)


async def traced_run(page: Page, setup: RunSetup, flow: Flow,
                     params: Mapping[str, Any]) -> RunResult:
    """Run a flow on `page`, traced as `setup.trace` says (the trace's path in the result)."""
    from replaywright.browser.trace import tracing

    async with tracing(page.context, setup.trace, flow.name, setup.trace_dir) as trace:
        result = await start_runner(page, setup).run(flow, params)
        trace.passed = result.passed
    if trace.path is not None:
        result.trace = str(trace.path)
    return result


@asynccontextmanager
async def _page(browser: BrowserOptions | None, reuse: BrowserSession | None
                ) -> AsyncIterator[Page]:
    """A fresh context's page in the browser being reused, else in a browser of its own."""
    if reuse is not None:
        yield await reuse.new_page()
        return
    async with open_browser(browser) as session:
        yield session.page


async def run_flow(flow: Flow, params: Mapping[str, Any], cache: CachePlan, *,
                   base_url: str | None = None, mode: str = "auto", timeout: float = 10.0,
                   browser: BrowserOptions | None = None, screenshots: bool = False,
                   progress: bool = True, llm: Mapping[str, Any] | None = None,
                   reuse: BrowserSession | None = None, heal: str = "auto",
                   trace: str = "off", trace_dir: Path | None = None) -> RunResult:
    """Run one flow with `cache` (from `cache_plan`; its store is closed when the run ends).
    `reuse` runs it in a fresh context of an open browser (a worker keeps one per process)
    instead of launching one."""
    try:
        resolver, agent = llm_setup(llm or {})  # a bad --llm fails before a browser opens
        setup = RunSetup(cache=cache, mode=mode, base_url=base_url, timeout=timeout,
                         screenshots=screenshots, heal=heal, trace=trace, trace_dir=trace_dir,
                         on_step=console.step_line if progress else None,
                         resolver=resolver, agent=agent)
        async with _page(browser, reuse) as page:
            result = await traced_run(page, setup, flow, params)
    finally:
        if cache.store is not None:
            cache.store.close()
    if progress:
        console.run_summary(result)
    return result
