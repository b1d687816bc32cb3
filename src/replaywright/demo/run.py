"""`replaywright demo`: the whole story on the bundled shop, with a fresh cache.

Run 1 resolves every step on v1; run 2 replays from cache; run 3 meets the v2 redesign and
heals what changed; run 4 replays v2 from the healed cache.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from replaywright.browser.launch import BrowserOptions, BrowserSession, open_browser
from replaywright.cache.sqlite import SQLiteStore
from replaywright.demo.server import demo_flow_path, serve_demo
from replaywright.engine.results import RunResult
from replaywright.engine.runner import CachePlan
from replaywright.flow.loader import load_flow
from replaywright.flow.model import Flow
from replaywright.report import console
from replaywright.report.html import write_html
from replaywright.session import RunSetup, traced_run

RUNS = (("v1", "first run: resolve"), ("v1", "replay"), ("v2", "redesign: heal"),
        ("v2", "replay"))
WORKFLOW_RUNS = (("true", "express branch"), ("false", "standard branch"),
                 ("true", "express branch again"))


def row(site: str, result: RunResult) -> dict:
    s = result.summary()
    return {"site": site, "passed": result.passed, "steps": s["steps"], "cached": s["cached"],
            "resolved": s["resolved"], "healed": s["healed"], "failed": s["failed"],
            "resolver_calls": s["resolver_calls"], "seconds": s["seconds"]} | (
                {"trace": result.trace} if result.trace else {})


async def _runs(browser: BrowserSession, store: SQLiteStore, base: str, flow: Flow,
                plan: list[tuple[str, str, dict[str, str]]], progress: bool,
                results: list[tuple[str, RunResult]], trace: str) -> None:
    for number, (site, label, params) in enumerate(plan, start=1):
        if progress:
            typer.secho(f"run {number}: {site} — {label}", bold=True, err=True)
        page = await browser.new_page()
        setup = RunSetup(cache=CachePlan(store=store), base_url=f"{base}/{site}/", env={},
                         screenshots=True, trace=trace,
                         on_step=console.step_line if progress else None)
        result = await traced_run(page, setup, flow, params)
        if progress:
            console.run_summary(result)
        results.append((f"run {number}: {site} — {label}", result))


async def run_demo(browser: BrowserOptions, *, report: Path | None = None,
                   progress: bool = True, workflow: bool = False,
                   trace: str = "off") -> list[dict]:
    """Run the demo with a fresh cache; one row per run. With `workflow`, the workflow demo:
    three runs taking the express, standard, then express branch again. `trace`: a
    Playwright trace per run in .replaywright/traces/."""
    flow = load_flow(demo_flow_path("workflow" if workflow else "checkout"))
    if workflow:
        plan = [("v1", label, {"express": express}) for express, label in WORKFLOW_RUNS]
    else:
        plan = [(site, label, {}) for site, label in RUNS]
    results: list[tuple[str, RunResult]] = []
    with tempfile.TemporaryDirectory(prefix="replaywright-demo-") as tmp, serve_demo() as base:
        store = SQLiteStore(Path(tmp) / "cache.db")
        try:
            async with open_browser(browser) as session:
                await _runs(session, store, base, flow, plan, progress, results, trace)
        finally:
            store.close()
    if report is not None:
        title = "replaywright demo — Acme Mugs " + ("workflow" if workflow else "checkout")
        write_html(report, results, title=title)
    return [row(site, result) | ({"blocks": result.summary()["blocks"]} if workflow else {})
            for (site, _, _), (_, result) in zip(plan, results, strict=True)]


def print_table(rows: list[dict]) -> None:
    header = f"{'run':<4} {'site':<5} {'passed':<7} {'steps':>5} {'cached':>7} {'resolved':>9} " \
             f"{'healed':>7} {'failed':>7} {'resolver calls':>15} {'seconds':>8}"
    typer.echo(header)
    typer.echo("-" * len(header))
    for number, r in enumerate(rows, start=1):
        typer.echo(f"{number:<4} {r['site']:<5} {str(r['passed']).lower():<7} {r['steps']:>5} "
                   f"{r['cached']:>7} {r['resolved']:>9} {r['healed']:>7} {r['failed']:>7} "
                   f"{r['resolver_calls']:>15} {r['seconds']:>8.2f}")
