"""Every step kind, on a fixture page, in a real Chromium: first run resolves, second replays
from cache and does exactly the same things."""

from __future__ import annotations

from pathlib import Path

from replaywright.browser.launch import BrowserSession
from replaywright.cache.sqlite import SQLiteStore
from tests.engine.helpers import flow_from, run, statuses

KINDS = """
name: kinds
url: kinds.html
steps:
  - Click the Save button below the Advanced heading
  - Click the first Save button
  - Click the red Delete button
  - Click the Delete button in the row with "Milk"
  - Double-click Row 1
  - Hover over Help
  - The Help text tooltip is visible
  - Right-click Item A
  - Clear the Notes field
  - Type "hello" into the Notes field
  - Press Enter in the Notes field
  - Select "Blue" from the Colour dropdown
  - Check the Subscribe checkbox
  - Uncheck the Subscribe checkbox
  - Check the Large radio button
  - Upload notes.txt to the Attachment field
  - Scroll to the Footer note
  - Click the Back to top button
  - Click the Shadow button
  - Type "Ann" into the Nickname field
  - Click the Greet button
  - step: Click the Loaded late button
    timeout: 8s
  - Click the Hide me button
  - The Hide me button is not visible
  - Wait 0.2 seconds
  - The page title contains "Step kinds"
  - The Notes field contains "hello"
  - Click the Go to other page link
  - The URL contains "other.html"
  - The page contains "Back to kinds"
"""

EXPECTED_LOG = [
    "clicked Save (Advanced)", "clicked Save", "clicked Delete", "clicked Delete for Milk",
    "double-clicked Row 1", "hovered Help", "right-clicked Item A", "cleared Notes",
    "filled Notes: hello", "pressed Enter in Notes", "selected Blue", "checked Subscribe",
    "unchecked Subscribe", "checked Large", "uploaded notes.txt", "clicked Back to top",
    "clicked Shadow button", "clicked Loaded late", "clicked Hide me",
]


async def _run_and_read_log(browser: BrowserSession, fixture_site: str, tmp_path: Path,
                            store: SQLiteStore):
    page = await browser.new_page()
    flow = flow_from(KINDS, tmp_path)
    # The event log is gone once the flow leaves the page: keep it in sessionStorage.
    await page.add_init_script("""window.top === window && window.addEventListener('beforeunload', () => {
        const items = [...document.querySelectorAll('#log li')].map(li => li.textContent.trim());
        sessionStorage.setItem('rw-log', JSON.stringify(items));
        const f = document.querySelector('iframe');
        const inner = f && f.contentDocument ? [...f.contentDocument.querySelectorAll('#log li')]
            .map(li => li.textContent.trim()) : [];
        sessionStorage.setItem('rw-greet', JSON.stringify(inner));
    });""")
    result = await run(page, flow, f"{fixture_site}/", store)
    log = await page.evaluate("JSON.parse(sessionStorage.getItem('rw-log') || '[]')")
    greetings = await page.evaluate("JSON.parse(sessionStorage.getItem('rw-greet') || '[]')")
    return result, log, greetings


async def test_every_step_kind_runs_then_replays(browser: BrowserSession, fixture_site: str,
                                                 tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("some notes")
    store = SQLiteStore(tmp_path / "cache.db")
    first, log, greetings = await _run_and_read_log(browser, fixture_site, tmp_path, store)
    assert first.passed, first.error
    assert [line for line in log if line in EXPECTED_LOG] == EXPECTED_LOG, log
    assert greetings == ["greeted Ann"]
    assert "resolved" in statuses(first) and "cached" not in statuses(first)

    second, log2, greetings2 = await _run_and_read_log(browser, fixture_site, tmp_path, store)
    assert second.passed, second.error
    assert second.resolver_calls == 0
    assert {s.status for s in second.steps} <= {"cached", "live"}
    assert log2 == log and greetings2 == greetings
