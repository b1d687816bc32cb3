"""Checks that wait, in a real Chromium: they finish as soon as the condition holds, replay
from the cache on every attempt, and re-resolve on a cadence scaled to their timeout."""

from __future__ import annotations

from pathlib import Path

import pytest

from replaywright.cache.sqlite import SQLiteStore
from replaywright.demo.server import serve_directory
from replaywright.match import Matcher
from tests.engine.helpers import flow_from, run

LATE = """
url: kinds.html
steps:
  - The Loaded late button is visible within 10 s
"""


async def test_late_element_passes_on_first_matching_attempt_then_replays_free(
        browser, fixture_site, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cache.db")
    first = await run(await browser.new_page(), flow_from(LATE), f"{fixture_site}/", store)
    assert first.passed, first.error
    check = first.steps[0]
    cadence = 10 / 5
    # appears at ~3 s; resolve attempts every 2 s: it passes on the first one after that
    assert 2.0 <= check.duration_s <= 3.0 + cadence + 1.0, check.duration_s
    assert check.status == "resolved" and check.resolver_calls >= 2
    second = await run(await browser.new_page(), flow_from(LATE), f"{fixture_site}/", store)
    assert second.passed, second.error
    assert second.steps[0].status == "cached" and second.resolver_calls == 0
    # the cache is polled every attempt, so it passes as soon as the button shows up
    assert 2.0 <= second.steps[0].duration_s <= 4.0, second.steps[0].duration_s


@pytest.fixture
def pages(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(
        "<h1>Settings</h1><button id='save'>Save</button><button id='reset'>Reset</button>")
    (site / "b.html").write_text(
        "<h1>Settings</h1><p>Other options</p><div style='margin-top:300px'>"
        "<button id='reset-all'>Reset</button><button id='store-now'>Save changes</button></div>")
    with serve_directory(site) as base:
        yield base


async def test_stale_fingerprint_is_re_resolved_within_one_cadence(
        browser, pages: str, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cache.db")
    check = "  - The Save button is visible within 20 s\n"
    assert (await run(await browser.new_page(), flow_from("url: a.html\nsteps:\n" + check),
                      f"{pages}/", store)).passed
    never_sure = Matcher(threshold=1.01)  # the cached fingerprint never matches confidently
    result = await run(await browser.new_page(), flow_from("url: b.html\nsteps:\n" + check),
                       f"{pages}/", store, never_sure)
    assert result.passed, result.error
    step = result.steps[0]
    cadence = 20 / 5
    assert step.status == "healed" and step.resolver_calls == 1
    assert cadence - 0.5 <= step.duration_s <= cadence + 1.5, step.duration_s
    assert "Save changes" in step.element


async def test_failing_check_fails_after_final_re_resolution(browser, fixture_site) -> None:
    flow = flow_from("url: kinds.html\nsteps:\n  - The Teleport button is visible within 2 s\n")
    result = await run(await browser.new_page(), flow, f"{fixture_site}/")
    assert not result.passed
    error = result.steps[0].error
    assert "still not true after 2s" in error and "re-resolved" in error
    assert "no element on the page matches 'The Teleport button'" in error
    assert 2.0 <= result.steps[0].duration_s <= 3.5


async def test_state_and_count_checks(browser, fixture_site) -> None:
    flow = flow_from("""
url: kinds.html
steps:
  - The Subscribe checkbox is not checked
  - Check the Subscribe checkbox
  - The Subscribe checkbox is checked
  - The Save button below the Advanced heading is enabled
  - There are 3 Delete buttons in the Groceries section
  - The Notes field contains "draft"
""")
    result = await run(await browser.new_page(), flow, f"{fixture_site}/")
    assert result.passed, result.error
    miscount = flow_from("url: kinds.html\nsteps:\n"
                         "  - There are 2 Delete buttons in the Groceries section within 1 s\n")
    failed = await run(await browser.new_page(), miscount, f"{fixture_site}/")
    error = failed.steps[0].error
    assert "expected 2 elements" in error and "found 3:" in error  # and which ones
    assert error.count("\n  - <button") == 3
    wrong = flow_from("url: kinds.html\nsteps:\n  - The Subscribe checkbox is checked within 1 s\n")
    failed = await run(await browser.new_page(), wrong, f"{fixture_site}/")
    assert "the element is not checked" in failed.steps[0].error


MESSAGE_PAGE = """<button onclick="setTimeout(() => document.getElementById('out').textContent =
  'Please enter a dealer.', 300)">Submit</button><div class="prose"><p id="out"></p></div>"""


async def test_a_message_found_by_its_words_replays_from_the_cache(
        browser, tmp_path: Path) -> None:
    """"The status message contains X" is the element saying X: on replay the cache finds
    it again as soon as it says so, with no resolver call and no heal."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "form.html").write_text(MESSAGE_PAGE)
    flow = flow_from("url: form.html\nsteps:\n  - Click the Submit button\n"
                     '  - The status message contains "Please enter a dealer."\n')
    store = SQLiteStore(tmp_path / "cache.db")
    with serve_directory(site) as base:
        first = await run(await browser.new_page(), flow, f"{base}/", store)
        assert first.passed, first.error
        again = await run(await browser.new_page(), flow, f"{base}/", store)
    assert again.passed, again.error
    assert [s.status for s in again.steps] == ["cached", "cached"]
    assert again.resolver_calls == 0
