"""`replaywright demo --json`: the whole story meets its promises."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from replaywright.cli import app

pytestmark = pytest.mark.browser  # `replaywright demo` serves its shop and drives Chromium


def test_demo_resolves_replays_heals_and_replays(tmp_path) -> None:
    report = tmp_path / "demo.html"
    result = CliRunner().invoke(app, ["demo", "--json", "--report", str(report)])
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)["runs"]
    assert [r["site"] for r in runs] == ["v1", "v1", "v2", "v2"]
    assert all(r["passed"] for r in runs)
    steps = runs[0]["steps"]
    assert steps >= 14
    assert runs[0]["resolved"] == steps == runs[0]["resolver_calls"]
    assert runs[1]["cached"] == steps and runs[1]["resolver_calls"] == 0
    assert runs[2]["healed"] >= 3 and runs[2]["resolver_calls"] == runs[2]["healed"]
    assert runs[2]["failed"] == 0
    assert runs[3]["resolver_calls"] == 0 and runs[3]["cached"] == steps
    html = report.read_text()
    assert html.count('class="badge healed"') >= runs[2]["healed"]
    assert "as cached" in html and "data:image/jpeg;base64," in html


def test_workflow_demo_fills_branches_progressively() -> None:
    result = CliRunner().invoke(app, ["demo", "--workflow", "--json", "--report", "/dev/null"])
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)["runs"]
    assert [r["blocks"]["express"] for r in (runs[0], runs[2])] == ["resolved", "cached"]
    assert runs[1]["blocks"]["standard"] == "resolved" and "express" not in runs[1]["blocks"]
    assert runs[2]["resolver_calls"] == 0
