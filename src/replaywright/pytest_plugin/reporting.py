"""Per-test step summaries: collected where pytest collects reports (the controller, with
pytest-xdist), printed in the terminal summary, written to --rw-json and --rw-junit."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from replaywright.engine.results import RunResult

#: The attribute of a teardown report that carries the test's steps to the process that
#: reports (pytest-xdist sends a report's attributes from its workers to the controller).
REPORT_ATTR = "replaywright"


class Collector:
    """Collects each test's steps where reports are collected: in this process, or with
    pytest-xdist in the controller, from every worker's reports."""

    def __init__(self, runs: list[dict[str, Any]]) -> None:
        self.runs = runs

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, REPORT_ATTR, None)
        if report.when == "teardown" and data is not None:
            self.runs.append({"nodeid": report.nodeid,
                              "result": RunResult.model_validate(data)})


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


def terminal_summary(terminalreporter: Any, runs: list[dict[str, Any]]) -> None:
    """A line per test and the totals, in a `replaywright` section."""
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


def write_files(config: pytest.Config, runs: list[dict[str, Any]]) -> None:
    """The --rw-json and --rw-junit files, when asked for."""
    json_path = config.getoption("rw_json", None)
    if json_path:
        data = {"tests": [{"nodeid": run["nodeid"], **run["result"].to_json()} for run in runs],
                "totals": _totals(runs)}
        _atomic_write(Path(json_path), json.dumps(data, indent=2, default=str))
    junit_path = config.getoption("rw_junit", None)
    if junit_path:
        from replaywright.report.junit import write_junit

        write_junit(junit_path, [run["result"] for run in runs])
