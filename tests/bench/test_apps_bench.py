"""`bench apps` on one flow of one real app (`make bench` runs all eight apps, both
versions, first run + replay + upgrade): sqlite-web installed from PyPI at its pinned
version, served, and a tester's flow resolved with every action checked against its
`expect:` locator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[2] / "benchmarks" / "apps"


@pytest.mark.browser
def test_a_real_app_flow_resolves_on_the_first_run_and_never_on_the_wrong_element() -> None:
    done = subprocess.run([sys.executable, "-m", "replaywright.cli", "bench", "apps",
                           str(APPS), "--app", "sqlite-web", "--flow", "sql-new-table",
                           "--first-only", "--json"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert [(r["app"], r["version"]) for r in report["apps"]] == [("sqlite-web", "0.6.8"),
                                                                  ("sqlite-web", "0.8.2")]
    first = report["first"]
    assert first["wrong"] == 0, report["problems"]
    assert first["steps"] >= 30  # the flow's actions, on both versions
    assert first["correct"] + first["refused"] == first["steps"]
    # most of a tester's steps resolve; a refusal is listed with its step, never silent
    assert first["correct"] >= 0.8 * first["steps"], report["problems"]
    assert len(report["problems"]) >= first["refused"]
    assert "sqlite-web 0.6.8 first sql-new-table" in done.stderr
