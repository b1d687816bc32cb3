"""Running flows in tests: a Runner on a fresh page against a given cache."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Page

from replaywright.cache.sqlite import SQLiteStore
from replaywright.engine.results import RunResult
from replaywright.engine.runner import CachePlan, Runner, RunOptions
from replaywright.flow.loader import parse_flow
from replaywright.flow.model import Flow
from replaywright.match import Matcher


def flow_from(text: str, tmp_path: Path | None = None) -> Flow:
    path = (tmp_path / "flow.yaml") if tmp_path else None
    if path:
        path.write_text(text)
    return parse_flow(text, path=path)


async def run(page: Page, flow: Flow, base_url: str, store: SQLiteStore | None = None,
              matcher: Matcher | None = None, heal: str = "auto", **params: str) -> RunResult:
    plan = CachePlan(store=store) if store is not None else CachePlan(enabled=False)
    runner = Runner(page, plan, matcher=matcher,
                    options=RunOptions(base_url=base_url, env={}, step_timeout=5, heal=heal))
    return await runner.run(flow, params)


def statuses(result: RunResult) -> list[str]:
    return [s.status for s in result.steps]
