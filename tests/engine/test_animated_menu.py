"""A step right after a menu opens waits for its fade-in: mid-way its words are still
transparent and only the items around them would be seen."""

from __future__ import annotations

from pathlib import Path

from replaywright.cache.sqlite import SQLiteStore
from replaywright.demo.server import serve_directory
from tests.engine.helpers import flow_from, run

PAGE = """<style>
  #menu { display: none; opacity: 0; transition: opacity 400ms 200ms; }
  #menu.open { opacity: 1; }
  .item { cursor: pointer; padding: 8px; }
</style>
<button id="account" onclick="const m = document.getElementById('menu'); m.style.display =
  'block'; requestAnimationFrame(() => requestAnimationFrame(() => m.classList.add('open')))"
>Account</button>
<div id="menu" role="menu">
  <div class="item" role="listitem" tabindex="0" onclick="document.title = 'Shortcuts'">
    <div class="label">Keyboard shortcuts</div></div>
  <div class="item" role="listitem" tabindex="0"><div class="label">Sign out</div></div>
</div>"""

FLOW = """url: menu.html
steps:
  - Click the Account button
  - Click Keyboard shortcuts in the menu
  - The page title contains "Shortcuts"
"""


async def test_a_click_in_a_fading_menu_lands_on_the_words_it_names(
        browser, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "menu.html").write_text(PAGE)
    with serve_directory(site) as base:
        result = await run(await browser.new_page(), flow_from(FLOW), f"{base}/",
                           SQLiteStore(tmp_path / "cache.db"))
    assert result.passed, result.error
    assert result.steps[1].element.startswith("<div>"), result.steps[1].element
