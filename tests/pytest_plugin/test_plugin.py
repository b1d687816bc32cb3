"""The pytest plugin, run for real: inner pytest sessions (subprocesses) on the demo shop."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pytester"]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PLUGIN = "replaywright.pytest_plugin"


def _installed() -> bool:
    """Is the plugin auto-loaded through its pytest11 entry point (then -p must not repeat it)?"""
    return any(ep.value == PLUGIN for ep in importlib.metadata.entry_points(group="pytest11"))


def _run(pytester: pytest.Pytester, *args: str, name: str) -> tuple[pytest.RunResult, dict]:
    out = pytester.path / f"{name}.json"
    plugin = [] if _installed() else ["-p", PLUGIN]
    result = pytester.runpytest_subprocess(
        *plugin, "-p", "no:cacheprovider", "--rw-cache", str(pytester.path / "cache.db"),
        "--rw-json", str(out), *args)
    data = json.loads(out.read_text()) if out.exists() else {}
    return result, data


def _by_test(data: dict) -> dict[str, dict[str, Any]]:
    """Results by test name (pytest-playwright adds a `[chromium]` parameter to each id)."""
    return {t["nodeid"].split("::")[-1].removesuffix("[chromium]"): t for t in data["tests"]}


@pytest.fixture
def example(pytester: pytest.Pytester) -> pytest.Pytester:
    """The shipped example, as is, in a fresh directory."""
    for name in ("conftest.py", "test_demo_shop.py"):
        (pytester.path / name).write_text((EXAMPLES / name).read_text())
    return pytester


@pytest.mark.browser
def test_example_resolves_once_then_replays_with_no_resolver_calls(example: pytest.Pytester) -> None:
    first, data1 = _run(example, "--rw-save-cache", name="first")
    first.assert_outcomes(passed=2)
    tests1 = _by_test(data1)
    assert set(tests1) == {"test_log_in", "test_search_and_add_to_cart"}
    for test in tests1.values():
        summary = test["summary"]
        assert summary["resolved"] > 0 and summary["cached"] == 0, summary
        assert summary["resolver_calls"] >= summary["resolved"]
        assert summary["cache_saved"], summary["cache_note"]
    # both tests type into the Username field: the node id keys them apart, so the second
    # test resolved its own entry rather than replaying the first test's
    steps = {s["text"]: s["status"] for s in tests1["test_search_and_add_to_cart"]["steps"]}
    assert steps['Type "alice" into the Username field'] == "resolved"
    assert data1["totals"]["resolver_calls"] > 0
    first.stdout.fnmatch_lines(["*replaywright*", "PASS *test_log_in*: 4 steps*resolved*",
                                "total: 2 tests*"])

    second, data2 = _run(example, "--rw-save-cache", name="second")
    second.assert_outcomes(passed=2)
    assert data2["totals"]["resolver_calls"] == 0
    for name, test in _by_test(data2).items():
        summary = test["summary"]
        assert summary["resolved"] == summary["healed"] == 0, summary
        assert summary["cached"] == tests1[name]["summary"]["resolved"]
    second.stdout.fnmatch_lines(["total: 2 tests, 14 steps: 12 cached, 0 resolved, 0 healed, "
                                 "0 failed; resolver calls 0"])


INNER = '''
import os

def test_steps(ai, page, shop):
    page.goto(f"{shop}/index.html")
    ai.fill("the Username field", "alice")
    ai.click("the Sign in button")
    assert not os.environ.get("RW_FAIL"), "failing on purpose"
'''


@pytest.mark.browser
def test_a_failing_test_saves_nothing(pytester: pytest.Pytester,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (pytester.path / "conftest.py").write_text((EXAMPLES / "conftest.py").read_text())
    pytester.makepyfile(test_inner=INNER)
    monkeypatch.setenv("RW_FAIL", "1")
    failed, data = _run(pytester, "--rw-save-cache", name="failed")
    failed.assert_outcomes(failed=1)
    summary = data["tests"][0]["summary"]
    assert summary["resolved"] == 2 and not summary["cache_saved"]
    assert "the run failed" in summary["cache_note"]

    monkeypatch.delenv("RW_FAIL")
    passed, data = _run(pytester, "--rw-save-cache", name="passed")
    passed.assert_outcomes(passed=1)
    summary = data["tests"][0]["summary"]
    assert summary["resolved"] == 2 and summary["cache_saved"]  # nothing was cached before


@pytest.mark.browser
def test_policy_on_main_saves_only_in_ci(pytester: pytest.Pytester,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (pytester.path / "conftest.py").write_text((EXAMPLES / "conftest.py").read_text())
    pytester.makepyfile(test_inner=INNER)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(pytester.path)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "init"], check=True)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("RW_FAIL", raising=False)
    local, data = _run(pytester, name="local")
    local.assert_outcomes(passed=1)
    summary = data["tests"][0]["summary"]
    assert not summary["cache_saved"] and "protected branch 'main'" in summary["cache_note"]

    monkeypatch.setenv("CI", "true")
    ci, data = _run(pytester, name="ci")
    ci.assert_outcomes(passed=1)
    summary = data["tests"][0]["summary"]
    assert summary["resolved"] == 2 and summary["cache_saved"], summary["cache_note"]
    assert "CI" in summary["cache_note"]


FAILURES = '''
import pytest
from replaywright.errors import StepFailed

def test_missing_element(ai, page, shop):
    page.goto(f"{shop}/index.html")
    ai.click("the Launch rocket button", timeout=1)

def test_check_rejects_actions(ai):
    with pytest.raises(ValueError, match="needs a check"):
        ai.check("Click the Sign in button")

def test_bad_phrasing(ai):
    ai.step("Frobnicate the Sign in button")
'''


@pytest.mark.browser
def test_step_failures_are_clear_test_failures(pytester: pytest.Pytester) -> None:
    (pytester.path / "conftest.py").write_text((EXAMPLES / "conftest.py").read_text())
    pytester.makepyfile(test_inner=FAILURES)
    result, data = _run(pytester, "--junitxml", str(pytester.path / "pytest.xml"), name="out")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(['*StepFailed: step "Click the Launch rocket button"*'])
    result.stdout.fnmatch_lines(["*Frobnicate*"])
    steps = _by_test(data)["test_missing_element"]["steps"]
    assert [s["status"] for s in steps] == ["failed"]
    # pytest's own JUnit report carries the per-test summary as properties
    root = ET.parse(pytester.path / "pytest.xml").getroot()
    case = next(c for c in root.iter("testcase")
                if c.get("name", "").removesuffix("[chromium]") == "test_missing_element")
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props["replaywright.failed"] == "1"
    assert props["replaywright.steps"] == "1"
    assert props["replaywright.cache_saved"] == "False"


PW_CONFTEST = '''
import pytest
from replaywright.browser.launch import default_executable

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": default_executable(),
            "args": ["--no-sandbox"]}
'''


@pytest.mark.browser
@pytest.mark.skipif(importlib.util.find_spec("pytest_playwright") is None,
                    reason="pytest-playwright is not installed")
def test_with_pytest_playwright_ai_drives_its_page(example: pytest.Pytester) -> None:
    """pytest-playwright's `page` (and its own launch-args override in a conftest): `ai`
    reaches the same page over CDP."""
    conftest = example.path / "conftest.py"
    conftest.write_text(conftest.read_text() + PW_CONFTEST)
    result, data = _run(example, "--rw-save-cache", "-p", "playwright", name="pw")
    result.assert_outcomes(passed=2)
    assert data["totals"]["resolved"] == 12
