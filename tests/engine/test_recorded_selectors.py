"""What a resolved step stores to find its element again: Playwright idioms first, then the
element's own classes, and a path through its ancestors only when nothing else is unique."""

from __future__ import annotations

from pathlib import Path

from replaywright.cache.sqlite import SQLiteStore
from replaywright.demo.server import serve_directory
from tests.engine.helpers import flow_from, run

PAGE = ("<main><p>Server response</p><div><h5>Response body</h5><div class='highlight-code "
        "copyable'><pre><span>{\"name\": </span><span>\"doggie\"</span>, \"photoUrls\": [\"https://example.com/photo.png\"]}</pre></div></div>"
        "<div><h5>Example</h5><div class='example copyable'><pre>{}</pre></div></div></main>")


async def test_a_block_without_a_name_is_stored_by_its_own_classes(
        browser, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "response.html").write_text(PAGE)
    flow = flow_from('url: response.html\nsteps:\n  - The Response body contains "doggie"\n')
    store = SQLiteStore(tmp_path / "cache.db")
    with serve_directory(site) as base:
        first = await run(await browser.new_page(), flow, f"{base}/", store)
        assert first.passed, first.error
        (entry,) = store.entries()
        assert entry.selectors[0].kind == "css"
        assert entry.selectors[0].value == "div.highlight-code.copyable"
        again = await run(await browser.new_page(), flow, f"{base}/", store)
    assert again.passed and again.steps[0].status == "cached"
    assert "fast path: css" in again.steps[0].note
