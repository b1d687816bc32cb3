"""`replaywright run` as a user calls it: exit codes, clear errors, JSON output, cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from replaywright.cli import app

runner = CliRunner()


def invoke(*args: str, cwd: Path):
    return runner.invoke(app, ["run", *args], env={"CI": "true"}, catch_exceptions=False)


@pytest.fixture
def flow_dir(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # the default cache lives under the working directory
    return tmp_path


def test_malformed_flow_exits_2_naming_file_and_line(flow_dir: Path) -> None:
    (flow_dir / "bad.yaml").write_text("steps:\n  - Click A\n  - [oops\n")
    result = invoke("bad.yaml", cwd=flow_dir)
    assert result.exit_code == 2
    assert "bad.yaml:3" in result.output and "invalid YAML" in result.output


def test_unknown_phrasing_exits_2_with_accepted_phrasings(flow_dir: Path) -> None:
    (flow_dir / "f.yaml").write_text("steps:\n  - Click the A button\n  - Juggle the B\n")
    result = invoke("f.yaml", cwd=flow_dir)
    assert result.exit_code == 2
    assert 'f.yaml:3: step 2 "Juggle the B": could not understand' in result.output
    assert "Select \"Canada\" from the Country dropdown" in result.output


def test_missing_param_exits_2(flow_dir: Path) -> None:
    (flow_dir / "f.yaml").write_text(
        "params:\n  user: {required: true}\nsteps:\n  - Type \"{{ params.user }}\" into Name\n")
    result = invoke("f.yaml", cwd=flow_dir)
    assert result.exit_code == 2
    assert "missing parameter 'user'" in result.output and "--param user=VALUE" in result.output
    bad = invoke("f.yaml", "--param", "user", cwd=flow_dir)
    assert bad.exit_code == 2 and "--param needs NAME=VALUE" in bad.output


def test_json_consumers_get_one_object_for_a_rejected_flow(flow_dir: Path) -> None:
    (flow_dir / "f.yaml").write_text("steps:\n  - Juggle the B\n")
    result = runner.invoke(app, ["run", "f.yaml", "--json"], env={"CI": "true"})
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["passed"] is False and report["exit_code"] == 2
    assert 'step 1 "Juggle the B": could not understand' in report["error"]


def test_missing_file_exits_2(flow_dir: Path) -> None:
    result = invoke("nope.yaml", cwd=flow_dir)
    assert result.exit_code == 2 and "cannot read flow file" in result.output


def test_run_json_then_replay_from_cache(flow_dir: Path, fixture_site: str) -> None:
    (flow_dir / "f.yaml").write_text(
        "url: kinds.html\nparams:\n  note: hi\nsteps:\n  - Click the first Save button\n"
        "  - Type \"{{ params.note }}\" into the Notes field\n"
        "  - Type \"{{ env.NOTE }}\" into the Notes field\n")
    args = ("f.yaml", "--base-url", f"{fixture_site}/", "--json")
    first = runner.invoke(app, ["run", *args], env={"CI": "true", "NOTE": "hi"})
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert [s["status"] for s in data["steps"]] == ["resolved", "resolved", "resolved"]
    assert data["summary"]["resolver_calls"] == 3 and data["passed"] is True
    assert data["summary"]["cache_saved"] is True
    assert (flow_dir / ".replaywright" / "cache.db").exists()
    second = json.loads(runner.invoke(app, ["run", *args],
                                      env={"CI": "true", "NOTE": "hi"}).stdout)
    assert [s["status"] for s in second["steps"]] == ["cached", "cached", "cached"]
    assert second["summary"]["resolver_calls"] == 0
    rekeyed = json.loads(runner.invoke(app, ["run", *args, "--param", "note=other"],
                                       env={"CI": "true", "NOTE": "other"}).stdout)
    # a parameter's value re-keys; an environment variable is a secret, keyed by name
    assert [s["status"] for s in rekeyed["steps"]] == ["cached", "resolved", "cached"]


def test_failed_step_exits_1_with_step_named(flow_dir: Path, fixture_site: str) -> None:
    (flow_dir / "f.yaml").write_text("url: kinds.html\nsteps:\n  - step: Click the Warp button\n"
                                     "    timeout: 1s\n")
    result = runner.invoke(app, ["run", "f.yaml", "--base-url", f"{fixture_site}/"],
                           env={"CI": "true"})
    assert result.exit_code == 1
    assert "no element on the page matches 'the Warp button'" in result.output
