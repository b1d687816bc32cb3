"""`replaywright bench apps`: the resolver measured against the real-app ground truth.

Per app version, every flow runs on a fresh copy of the app's data:
- **first**: an empty cache, every element step resolved by the offline resolver;
- **replay**: the same flows again from the cache the first pass saved;
- **upgrade** (later versions): the first version's cache replayed on the newer app, where
  changed pages must heal or refuse, never act on the wrong element.

A step counts as *correct* when the element it acted on (or checked) is the node its
`expect:` locator names, *wrong* when it is another node (the engine refuses before acting,
so the flow can go on), *refused* when the step failed with an error instead. A failed step
is then carried out on its expect: element so the rest of the flow is still measured.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from playwright.async_api import Page

from replaywright.bench.apps import oracle
from replaywright.bench.apps.ground import with_expectations
from replaywright.bench.apps.serve import AppInstall
from replaywright.bench.apps.spec import AppSpec, AppVersion
from replaywright.browser.launch import BrowserOptions, BrowserSession, open_browser
from replaywright.cache.sqlite import SQLiteStore
from replaywright.engine.results import StepResult
from replaywright.engine.runner import CachePlan, Runner, RunOptions
from replaywright.flow.intent import Intent
from replaywright.flow.loader import load_flow

SELECTOR_KINDS = ("testid", "role", "label", "placeholder", "alt", "title", "text", "id",
                  "chain", "css", "xpath")


async def stand_in(page: Page, expect: str, intent: Intent, timeout: float,
                   base_dir: Path) -> None:
    """A failed step done by the oracle, so the rest of the flow is still measured."""
    await oracle.perform(page, intent, expect, timeout=timeout, base_dir=base_dir)


def _is_measured(step: StepResult) -> bool:
    return step.expect is not None or step.stood_in or (
        step.status == "failed" and step.action not in {"goto", "wait"})


def first_figures(steps: list[StepResult]) -> dict[str, Any]:
    measured = [s for s in steps if _is_measured(s)]
    correct = [s for s in measured if s.expect == "matched" and s.status != "failed"]
    wrong = [s for s in measured if s.expect == "wrong"]
    times = sorted(s.locate_ms for s in measured
                   if s.status == "resolved" and s.locate_ms is not None)
    return {"steps": len(measured), "correct": len(correct), "wrong": len(wrong),
            "refused": len(measured) - len(correct) - len(wrong),
            "ms_median": round(statistics.median(times), 1) if times else None,
            "ms_p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1)
            if times else None}


def replay_figures(steps: list[StepResult]) -> dict[str, Any]:
    measured = [s for s in steps if _is_measured(s)]
    ok = [s for s in measured if s.expect == "matched" and s.status != "failed"]
    return {"steps": len(measured),
            "cached": sum(s.status == "cached" for s in ok),
            # checks of the page as a whole ("There are 4 rows"): nothing to cache
            "live": sum(s.status == "live" for s in ok),
            "healed": sum(s.status == "healed" for s in ok),
            "resolved": sum(s.status == "resolved" for s in ok),
            "wrong": sum(s.expect == "wrong" for s in measured),
            "refused": sum(s.status == "failed" and s.expect != "wrong" for s in measured),
            "resolver_calls": sum(s.resolver_calls for s in steps)}


def selector_kinds(store: SQLiteStore) -> Counter[str]:
    """The primary (first) stored selector of every cached step, by kind."""
    names = {"test_id": "testid"}
    kinds: Counter[str] = Counter()
    for entry in store.entries():
        if entry.selectors:
            kind = entry.selectors[0].kind
            kinds[names.get(kind, kind)] += 1
    return kinds


def _fresh(db: Path) -> Path:
    """`db` with no file of an earlier `--keep` run left at that path (nor its WAL)."""
    for stale in (db, *db.parent.glob(db.name + "-*")):
        stale.unlink(missing_ok=True)
    return db


class AppBench:
    """Runs one app's flows through the engine; keeps the failures for the report."""

    def __init__(self, app: AppSpec, browser: BrowserSession, work: Path,
                 echo: Any = print, flows: list[str] | None = None,
                 first_only: bool = False) -> None:
        self.app, self.browser, self.work, self.echo = app, browser, work, echo
        self.first_only = first_only
        self.flows = [p for p in app.flows if not flows or p.stem in flows]
        self.problems: list[str] = []
        self.steps: dict[str, list[StepResult]] = {"first": [], "replay": [], "upgrade": []}

    def _problem(self, text: str) -> None:
        self.problems.append(text)
        self.echo(f"  ! {text}", err=True)

    async def run_pass(self, version: AppVersion, cache: Path, label: str) -> list[StepResult]:
        install = AppInstall(self.app, version)
        steps: list[StepResult] = []
        store = SQLiteStore(cache)
        try:
            for path in self.flows:
                flow = with_expectations(load_flow(path), self.app, version)
                with install.serve() as base:
                    page = await self.browser.new_page()
                    options = RunOptions(base_url=base + "/", env=dict(os.environ),
                                         stand_in=stand_in)
                    try:
                        result = await Runner(page, CachePlan(store=store),
                                              options=options).run(flow, {})
                    except Exception as exc:  # a crash is a finding, not the end of the bench
                        self._problem(f"{self.app.name} {version.version} {label} "
                                      f"{path.stem}: crashed: {type(exc).__name__}: {exc}")
                        continue
                steps.extend(result.steps)
                where = f"{self.app.name} {version.version} {label} {path.stem}"
                for step in result.steps:
                    if step.status == "failed" or step.expect == "wrong":
                        self._problem(f"{where}:{step.line} {step.text!r}: {step.error}")
                    elif step.status in {"healed", "resolved"} and label != "first":
                        # a replay that needed the resolver: which step, and why
                        self.echo(f"  ~ {where}:{step.line} {step.text!r}: {step.status}: "
                                  f"{step.note}", err=True)
                if result.error:
                    self._problem(f"{where}: run error: {result.error}")
                self.echo(f"  {where}: {sum(s.expect == 'matched' for s in result.steps)} "
                          f"matched, {sum(s.status == 'failed' for s in result.steps)} failed, "
                          f"{result.seconds:.0f} s", err=True)
        finally:
            store.close()
        self.steps[label].extend(steps)
        return steps

    async def run(self) -> tuple[list[dict[str, Any]], Counter[str]]:
        rows: list[dict[str, Any]] = []
        recorded = self.work / f"{self.app.name}-recorded.db"
        kinds: Counter[str] = Counter()
        for number, version in enumerate(self.app.versions):
            self.echo(f"{self.app.name} {version.version}: first pass", err=True)
            cache = _fresh(self.work / f"{self.app.name}-{version.version}.db")
            first = await self.run_pass(version, cache, "first")
            row: dict[str, Any] = {"app": self.app.name, "version": version.version,
                                   "first": first_figures(first)}
            if self.first_only:
                pass
            elif number == 0:
                shutil.copy(cache, _fresh(recorded))
                store = SQLiteStore(cache)
                try:
                    kinds = selector_kinds(store)
                finally:
                    store.close()
                self.echo(f"{self.app.name} {version.version}: replay pass", err=True)
                row["replay"] = replay_figures(await self.run_pass(version, cache, "replay"))
            else:
                self.echo(f"{self.app.name} {version.version}: upgrade pass", err=True)
                upgrade = self.work / f"{self.app.name}-upgrade-{version.version}.db"
                shutil.copy(recorded, _fresh(upgrade))
                row["upgrade"] = replay_figures(await self.run_pass(version, upgrade,
                                                                    "upgrade"))
            rows.append(row)
        return rows, kinds


async def run_bench(apps: list[AppSpec], *, flows: list[str] | None = None,
                    echo: Any = print, first_only: bool = False,
                    keep: Path | None = None) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    kinds: Counter[str] = Counter()
    problems: list[str] = []
    pooled: dict[str, list[StepResult]] = {"first": [], "replay": [], "upgrade": []}
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rw-bench-apps-") as tmp:
        work = keep or Path(tmp)
        async with open_browser(BrowserOptions()) as browser:
            for app in apps:
                bench = AppBench(app, browser, work, echo, flows, first_only)
                app_rows, app_kinds = await bench.run()
                rows.extend(app_rows)
                kinds.update(app_kinds)
                problems.extend(bench.problems)
                for part, steps in bench.steps.items():
                    pooled[part].extend(steps)
    return {"first": first_figures(pooled["first"]), "replay": replay_figures(pooled["replay"]),
            "upgrade": replay_figures(pooled["upgrade"]),
            "selectors": {k: kinds.get(k, 0) for k in SELECTOR_KINDS}, "apps": rows,
            "problems": problems}


def format_report(report: dict[str, Any]) -> str:
    """The console table: one line per app version and pass, then totals."""
    lines = [f"{'app':<16} {'version':<10} {'pass':<8} {'steps':>5} {'correct':>8} "
             f"{'wrong':>6} {'refused':>8} {'cached':>7} {'live':>5} {'healed':>7} {'calls':>6} "
             f"{'ms med':>7} {'ms p95':>7}"]
    lines.append("-" * len(lines[0]))

    def line(app: str, version: str, part: str, f: dict[str, Any]) -> str:
        correct = f.get("correct", f.get("cached", 0) + f.get("live", 0)
                        + f.get("healed", 0) + f.get("resolved", 0))
        return (f"{app:<16} {version:<10} {part:<8} {f['steps']:>5} {correct:>8} "
                f"{f['wrong']:>6} {f['refused']:>8} {f.get('cached', ''):>7} "
                f"{f.get('live', ''):>5} "
                f"{f.get('healed', ''):>7} {f.get('resolver_calls', ''):>6} "
                f"{f.get('ms_median') or '':>7} {f.get('ms_p95') or '':>7}")

    for row in report["apps"]:
        for part in ("first", "replay", "upgrade"):
            if part in row:
                lines.append(line(row["app"], row["version"], part, row[part]))
    lines.append("-" * len(lines[0]))
    for part in ("first", "replay", "upgrade"):
        if report[part].get("steps"):
            lines.append(line("total", "", part, report[part]))
    cached = sum(report["selectors"].values()) or 1
    lines.append("selectors: " + ", ".join(f"{k} {v} ({100 * v / cached:.0f} %)"
                                           for k, v in report["selectors"].items() if v))
    if report["problems"]:
        lines.append("")
        lines.append("not correct:")
        lines.extend(f"  {p}" for p in report["problems"])
    return "\n".join(lines)
