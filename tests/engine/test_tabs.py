"""A step that opens a new tab: the run carries on in it, on the first run and on replay."""

from __future__ import annotations

from pathlib import Path

import pytest

from replaywright.browser.launch import BrowserSession
from replaywright.cache.sqlite import SQLiteStore
from tests.engine.helpers import flow_from, run, statuses

FLOW = """
name: tabs
url: tabs.html
steps:
  - Click the Stay here button
  - The page contains "stayed"
  - Click {opener}
  - The Other page heading is visible
  - Type "Ann" into the Nickname field
  - Click the Greet button
  - The page contains "Hello, Ann!"
"""


@pytest.mark.parametrize("opener", ["the Open the other page in a new tab link",
                                    "the Open help window button"])
async def test_a_step_that_opens_a_tab_continues_there(browser: BrowserSession, fixture_site: str,
                                                        tmp_path: Path, opener: str) -> None:
    store = SQLiteStore(tmp_path / "cache.db")
    flow = flow_from(FLOW.format(opener=opener), tmp_path)
    for attempt in ("first run", "replay"):
        page = await browser.new_page()
        result = await run(page, flow, f"{fixture_site}/", store)
        assert result.passed, (attempt, result.error)
        opened = result.steps[2]
        assert "opened a new tab" in opened.note and "other.html" in opened.note
        assert "Ann" not in await page.inner_text("body")  # the opener was left as it was
        if attempt == "replay":
            assert result.resolver_calls == 0
            assert set(statuses(result)) <= {"cached", "live"}
