"""Wiring a run together: browser, cache store and policy, resolver, engine, console.

`cli.py`, the demo and the pytest plugin all start runs through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from replaywright.browser.launch import BrowserOptions, open_browser
from replaywright.cache.sqlite import SQLiteStore
from replaywright.engine.results import RunResult
from replaywright.engine.runner import CachePlan, Runner, RunOptions
from replaywright.flow.model import Flow
from replaywright.report import console


def cache_plan(cache_url: str | None, token: str | None, *, no_cache: bool,
               save_cache: bool) -> CachePlan:
    if no_cache:
        return CachePlan(store=None, enabled=False, save=False, save_note="cache off (--no-cache)")
    store = SQLiteStore(cache_url or ".replaywright/cache.db")
    return CachePlan(store=store, save=True)


async def run_flow(flow: Flow, params: Mapping[str, Any], *, base_url: str | None = None,
                   cache_url: str | None = None, token: str | None = None,
                   no_cache: bool = False, save_cache: bool = False, mode: str = "auto",
                   timeout: float = 10.0, browser: BrowserOptions | None = None,
                   screenshots: bool = False, progress: bool = True) -> RunResult:
    plan = cache_plan(cache_url, token, no_cache=no_cache, save_cache=save_cache)
    options = RunOptions(mode=mode, base_url=base_url, step_timeout=timeout,
                         screenshots=screenshots,
                         on_step=console.step_line if progress else None)
    try:
        async with open_browser(browser) as session:
            result = await Runner(session.page, plan, options=options).run(flow, params)
    finally:
        if plan.store is not None:
            plan.store.close()
    if progress:
        console.run_summary(result)
    return result
