"""The selectors a first run records after reading only part of the page: a button named
like its neighbours in other rows is recorded by its row, a unique one by its role and
name, and both replay from the cache."""

from __future__ import annotations

from pathlib import Path

from replaywright.browser.launch import BrowserSession
from replaywright.cache.sqlite import SQLiteStore
from tests.engine.helpers import flow_from, run, statuses

ROWS = "".join(f"<tr><td>item {i}</td><td><button>Edit</button></td></tr>" for i in range(40))
PAGE = f"<!DOCTYPE html><html><body><table>{ROWS}</table><button>Save all</button></body></html>"


async def test_shared_names_are_recorded_by_row_and_unique_ones_by_role(
        browser: BrowserSession, tmp_path: Path) -> None:
    (tmp_path / "items.html").write_text(PAGE)
    flow = flow_from(f"""
name: rows
url: {(tmp_path / "items.html").as_uri()}
steps:
  - Click the Edit button in the row with "item 31"
  - Click the Save all button
""")
    store = SQLiteStore(tmp_path / "cache.db")
    first = await run(await browser.new_page(), flow, "", store)
    assert first.passed, first.error
    edit, save = first.steps
    assert edit.selector == ('page.get_by_role("row").filter(has_text="item 31")'
                             '.get_by_role("button", name="Edit", exact=True)')
    assert save.selector == "page.get_by_role('button', name='Save all', exact=True)"
    second = await run(await browser.new_page(), flow, "", store)
    assert second.passed, second.error
    assert statuses(second) == ["cached", "cached"]
