"""`expect:` pins a step to the element a person means, and the engine acts the way a person
would on controls that are hidden behind their labels or shown only on hover."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page

from replaywright.browser.launch import BrowserSession
from replaywright.cache.sqlite import SQLiteStore
from replaywright.engine.results import RunResult
from replaywright.errors import FlowError
from tests.engine.helpers import flow_from, run

pytestmark = pytest.mark.browser

HIDDEN_CONTROLS = """
name: hidden
url: phrasings.html
steps:
  - step: Check the Dark mode switch
    expect: get_by_label("Dark mode")
  - step: Check the Staff status checkbox
    expect: get_by_role("checkbox", name="Staff status")
  - step: Click the delete button of the "Buy milk" item
    expect: get_by_role("listitem").filter(has_text="Buy milk").locator("button.destroy")
  - The Dark mode switch is checked
"""


async def _on_phrasings(page: Page, fixture_site: str, steps: str) -> RunResult:
    """A run of `steps` (YAML list items) on the fixture site's phrasings page."""
    flow = flow_from(f"name: pinned\nurl: phrasings.html\nsteps:{steps}")
    return await run(page, flow, fixture_site + "/")


async def _events(page) -> list[str]:
    return await page.evaluate("window.__events")


async def test_hidden_controls_are_used_through_their_label_or_a_hover(
        browser: BrowserSession, fixture_site: str, tmp_path: Path) -> None:
    page = await browser.new_page()
    store = SQLiteStore(tmp_path / "cache.db")
    result = await run(page, flow_from(HIDDEN_CONTROLS), fixture_site + "/", store)
    assert result.passed, result.error
    assert [s.expect for s in result.steps[:3]] == ["matched"] * 3
    events = await _events(page)
    assert "changed dark true" in events and "changed staff true" in events
    assert "clicked destroy-milk" in events
    # the replay does the same from the cache, the hover-only button included
    again = await browser.new_page()
    replay = await run(again, flow_from(HIDDEN_CONTROLS), fixture_site + "/", store)
    assert [s.status for s in replay.steps[:3]] == ["cached"] * 3, [s.note for s in replay.steps]
    assert "clicked destroy-milk" in await _events(again)


async def test_a_step_whose_element_is_not_the_expected_one_does_nothing_and_fails(
        browser: BrowserSession, fixture_site: str) -> None:
    page = await browser.new_page()
    result = await _on_phrasings(page, fixture_site, """
  - step: Click the second Edit link
    expect: get_by_role("row").filter(has_text="alice").get_by_role("link", name="Edit")
  - Click the Save button
""")
    assert not result.passed
    step = result.steps[0]
    assert step.status == "failed" and step.expect == "wrong"
    assert "expect:" in (step.error or "") and "nothing was done" in (step.error or "")
    assert len(result.steps) == 1  # the run stopped there
    assert "clicked edit-carol" not in await _events(page)


def test_expect_must_be_a_playwright_locator() -> None:
    with pytest.raises(FlowError, match=r"flow.yaml:5: step 1 .*'expect' is not a Playwright "
                                        r"locator: system\(\) is not a locator method"):
        flow_from("""
name: bad
url: x.html
steps:
  - step: Click the Save button
    expect: os.system("rm -rf /")
""", Path("/tmp"))


async def test_expect_locators_take_the_flow_s_templates(
        browser: BrowserSession, fixture_site: str) -> None:
    page = await browser.new_page()
    flow = flow_from("""
name: templated
url: phrasings.html
params:
  who: carol
steps:
  - step: Click the Edit link for {{ params.who }}
    expect: get_by_role("row").filter(has_text="{{ params.who }}").get_by_role("link", name="Edit")
""")
    result = await run(page, flow, fixture_site + "/")
    assert result.passed, result.error
    assert result.steps[0].expect == "matched"


async def test_a_confirm_dialog_is_accepted_and_the_step_says_so(
        browser: BrowserSession, fixture_site: str) -> None:
    page = await browser.new_page()
    flow = flow_from("""
name: dialogs
url: phrasings.html
steps:
  - Click the Remove all button
  - The page contains "All todos removed"
""")
    result = await run(page, flow, fixture_site + "/")
    assert result.passed, result.error
    assert "accepted a confirm dialog: 'Remove every todo?'" in result.steps[0].note


async def test_alert_and_prompt_dialogs_are_accepted_and_noted(
        browser: BrowserSession, fixture_site: str) -> None:
    """Issue 14, item 10: dialogs were dismissed without a word in the step."""
    flow = flow_from("""
name: dialogs
url: dialogs.html
steps:
  - Click the Save button
  - The page contains "after the alert"
  - Click the Greet button
  - The page contains "Hello Ada"
""")
    result = await run(await browser.new_page(), flow, fixture_site + "/")
    assert result.passed, result.error
    assert "accepted an alert dialog: 'Saved!'" in result.steps[0].note
    assert "accepted a prompt dialog: 'Your name?'" in result.steps[2].note


async def test_a_count_pinned_with_expect_passes_only_when_the_locator_finds_as_many(
        browser: BrowserSession, fixture_site: str) -> None:
    result = await _on_phrasings(await browser.new_page(), fixture_site, """
  - step: There are 2 View Record links
    expect: get_by_title("View Record")
  - step: There are 2 View Record links
    expect: get_by_role("link", name="Edit").first
""")
    assert result.steps[0].status == "live" and result.steps[0].expect == "matched"
    assert result.steps[1].status == "failed"
    assert "names 1" in (result.steps[1].error or "")
