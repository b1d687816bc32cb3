"""The plugin under pytest-xdist: `pytest -n 4`, each worker with its own browser, one cache."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from replaywright.cache.sqlite import SQLiteStore

pytest_plugins = ["pytester"]
pytest.importorskip("xdist")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SIGN_IN = '''
import pytest

@pytest.mark.parametrize("user", ["alice", "bob", "carol", "dave"])
def test_sign_in_as(ai, page, shop, user):
    page.goto(f"{shop}/index.html")
    ai.fill("the Username field", user)
    ai.fill("the Password field", "correct-horse")
    ai.click("the Sign in button")
    ai.check("The Products heading is visible", timeout=30)
'''


def _run(pytester: pytest.Pytester, name: str) -> tuple[pytest.RunResult, dict, ET.Element]:
    out, junit = pytester.path / f"{name}.json", pytester.path / f"{name}.xml"
    result = pytester.runpytest_subprocess(
        "-n", "4", "-p", "no:cacheprovider", "--rw-cache", str(pytester.path / "cache.db"),
        "--rw-save-cache", "--rw-json", str(out), "--rw-junit", str(junit))
    return result, json.loads(out.read_text()), ET.parse(junit).getroot()


@pytest.mark.browser
def test_pytest_n_4_caches_every_test_once_and_reports_them_all_in_one_place(
        pytester: pytest.Pytester) -> None:
    for name in ("conftest.py", "test_demo_shop.py"):
        (pytester.path / name).write_text((EXAMPLES / name).read_text())
    pytester.makepyfile(test_sign_in=SIGN_IN)

    first, data, junit = _run(pytester, "first")
    first.assert_outcomes(passed=6)
    tests = data["tests"]
    assert len(tests) == len({t["nodeid"] for t in tests}) == 6
    assert all(t["summary"]["cache_saved"] for t in tests), [t["summary"] for t in tests]
    resolved = sum(t["summary"]["resolved"] for t in tests)
    steps = sum(t["summary"]["steps"] for t in tests)
    assert resolved == data["totals"]["resolved"] > 0
    # one JUnit file: a suite per test, a case per step, from every worker
    suites = junit.findall(".//testsuite")
    assert len(suites) == 6 and len(junit.findall(".//testcase")) == steps
    # per-test summaries in the terminal, collected by the controller
    first.stdout.fnmatch_lines(["*replaywright*", "total: 6 tests*"])
    assert first.stdout.str().count("PASS ") == 6
    store = SQLiteStore(pytester.path / "cache.db")
    entries = list(store.entries())
    assert len(entries) == resolved and {e.version for e in entries} == {1}

    second, data, _ = _run(pytester, "second")
    second.assert_outcomes(passed=6)
    assert data["totals"]["resolver_calls"] == 0
    assert data["totals"]["cached"] == resolved
    after = {(e.scope, e.key): e.version for e in store.entries()}
    assert after == {(e.scope, e.key): 1 for e in entries}  # nothing rewritten, nothing added
    store.close()
