"""JUnit XML: one suite per run, one case per step, right counts, parseable, written atomically."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from replaywright.engine.results import BlockResult, RunResult, StepResult
from replaywright.report.junit import write_junit


def _passing() -> RunResult:
    return RunResult(flow="login", passed=True, seconds=1.5, cache_saved=True,
                     cache_note="saved (1 entry)", steps=[
                         StepResult(index=1, text="Go to /v1/index.html", status="live",
                                    duration_s=0.2),
                         StepResult(index=2, text='Type "alice" into the Username field',
                                    status="cached", duration_s=0.05, element="<input> 'Username'",
                                    code='page.get_by_label("Username").fill("alice")'),
                         StepResult(index=3, text="Click the Sign in button", status="resolved",
                                    resolver_calls=1, duration_s=0.4, confidence=0.97),
                         StepResult(index=4, text="Click the Cart link", status="healed",
                                    resolver_calls=2, duration_s=0.6,
                                    note="fingerprint match not confident"),
                     ])


def _failing() -> RunResult:
    return RunResult(flow="checkout <&> \"quoted\"", passed=False, seconds=2.0,
                     error='line 3: step 2 "Click the Buy button": no element fits',
                     steps=[
                         StepResult(index=1, text="Click the Cart link", status="cached",
                                    duration_s=0.1),
                         StepResult(index=2, text="Click the Buy button", status="failed",
                                    duration_s=1.2,
                                    error="no element fits 'the Buy button'\ncandidates: a, b"),
                         StepResult(index=3, text="The Thanks heading is visible"),  # skipped
                     ])


def _cases(suite: ET.Element) -> list[ET.Element]:
    return suite.findall("testcase")


def test_suites_cases_and_counts(tmp_path: Path) -> None:
    path = write_junit(tmp_path / "out" / "junit.xml", [_passing(), _failing()])
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == (
        "7", "1", "1", "0")
    first, second = root.findall("testsuite")
    assert first.get("name") == "login"
    assert (first.get("tests"), first.get("failures"), first.get("skipped")) == ("4", "0", "0")
    assert [c.get("name") for c in _cases(first)] == [
        "1. Go to /v1/index.html", '2. Type "alice" into the Username field',
        "3. Click the Sign in button", "4. Click the Cart link"]
    assert {c.get("classname") for c in _cases(first)} == {"login"}
    assert _cases(first)[2].get("time") == "0.400"
    assert first.get("time") == "1.500"
    statuses = [c.find("system-out").text.splitlines()[0] for c in _cases(first)]
    assert statuses == ["status: live", "status: cached", "status: resolved", "status: healed"]
    assert "resolver calls: 2" in _cases(first)[3].find("system-out").text
    props = {p.get("name"): p.get("value") for p in first.find("properties")}
    assert props["replaywright.cached"] == "1"
    assert props["replaywright.resolved"] == "1"
    assert props["replaywright.healed"] == "1"
    assert props["replaywright.resolver_calls"] == "3"
    assert props["replaywright.cache_saved"] == "True"

    assert second.get("name") == 'checkout <&> "quoted"'
    assert (second.get("tests"), second.get("failures"), second.get("skipped")) == ("3", "1", "1")
    ok, failed, skipped = _cases(second)
    assert ok.find("failure") is None and ok.find("skipped") is None
    failure = failed.find("failure")
    assert failure.get("message") == "no element fits 'the Buy button'"
    assert "candidates: a, b" in failure.text
    assert skipped.find("skipped") is not None and skipped.find("failure") is None


def test_children_follow_the_schema_order(tmp_path: Path) -> None:
    """Common JUnit schema: testsuite = properties, testcase*; testcase = failure|skipped,
    then system-out. Reporters that validate reject other orders."""
    root = ET.parse(write_junit(tmp_path / "j.xml", [_failing()])).getroot()
    suite = root.find("testsuite")
    assert suite[0].tag == "properties"
    assert {child.tag for child in list(suite)[1:]} == {"testcase"}
    for case in _cases(suite):
        tags = [child.tag for child in case]
        assert tags[-1] == "system-out"
        assert len([t for t in tags if t in {"failure", "skipped", "error"}]) <= 1
    for name in ("name", "tests", "failures", "errors", "skipped", "time", "timestamp"):
        assert suite.get(name) is not None, name


def test_run_error_outside_steps_and_skipped_blocks(tmp_path: Path) -> None:
    result = RunResult(flow="wf", passed=False, error="wf.yaml: cannot open the start page: 404",
                       blocks=[BlockResult(label="open", kind="goto", status="failed"),
                               BlockResult(label="login", kind="steps", status="skipped")])
    root = ET.parse(write_junit(tmp_path / "j.xml", [result])).getroot()
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("2", "1", "1")
    names = [c.get("name") for c in _cases(suite)]
    assert names == ["block login", "run"]
    assert "cannot open the start page" in _cases(suite)[1].find("failure").get("message")


def test_control_characters_do_not_break_the_xml(tmp_path: Path) -> None:
    result = RunResult(flow="f", steps=[StepResult(index=1, text="Type \x1b[31m into X",
                                                   status="failed", error="bad \x00 byte")])
    root = ET.parse(write_junit(tmp_path / "j.xml", [result])).getroot()
    case = root.find("testsuite/testcase")
    assert case.get("name") == "1. Type ?[31m into X"
    assert case.find("failure").get("message") == "bad ? byte"


def test_written_atomically_over_an_old_file(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    path.write_text("old")
    write_junit(path, [_passing()])
    assert ET.parse(path).getroot().get("tests") == "4"
    assert [p.name for p in tmp_path.iterdir()] == ["junit.xml"]  # no temp file left behind


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "junit.xml"
    path.write_text("old")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ET.ElementTree, "write", broken)
    with pytest.raises(OSError, match="disk full"):
        write_junit(path, [_passing()])
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["junit.xml"]


@pytest.mark.browser
def test_cli_run_writes_junit(tmp_path: Path, demo_site: str) -> None:
    from replaywright.cli import app
    from replaywright.demo.server import demo_flow_path

    path = tmp_path / "junit.xml"
    result = CliRunner().invoke(app, [
        "run", str(demo_flow_path()), "--base-url", f"{demo_site}/v1/", "--junit", str(path),
        "--cache", str(tmp_path / "cache.db"), "--json"])
    assert result.exit_code == 0, result.output
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite.get("name") == "checkout"
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("17", "0", "0")
    assert _cases(suite)[0].get("name") == '1. Type "{{ params.user }}" into the Username field'
    assert all(c.find("system-out").text.startswith("status: resolved") for c in _cases(suite))
