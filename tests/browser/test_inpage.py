"""What every document gets before its own scripts (`browser/inpage.py`) and what reads it:
a cached step's one-call lookup and the wait for the DOM to stop changing — in a context
that preloads it, and in one that does not (a browser attached over CDP, a page made
elsewhere), where it is defined on first use."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Page

from replaywright.browser.actions import settle
from replaywright.browser.launch import BrowserSession
from replaywright.browser.snapshot import find_one
from replaywright.demo.server import serve_directory

PAGE = """<title>Orders</title>
<button>Save</button> <button>Delete</button> <button>Delete</button>
<button id="load" onclick="
  let n = 0;
  const tick = () => { const li = document.createElement('li'); li.textContent = 'row ' + (++n);
    document.getElementById('rows').append(li); if (n < 20) setTimeout(tick, 5); };
  tick();">Load rows</button>
<ul id="rows"></ul>
<script>for (let i = 0; i < 3; i++) document.body.append(document.createElement('hr'));</script>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("inpage")
    (root / "orders.html").write_text(PAGE)
    with serve_directory(root) as base:
        yield f"{base}/orders.html"


@pytest_asyncio.fixture(loop_scope="session", params=["preloaded", "elsewhere"])
async def orders(request: pytest.FixtureRequest, browser: BrowserSession,
                 site: str) -> AsyncIterator[Page]:
    """The orders page in replaywright's own context, and in a context made without it."""
    if request.param == "preloaded":
        page = await browser.new_page()
        yield page
        return
    context = await browser.browser.new_context()
    page = await context.new_page()
    await page.goto(site)
    yield page
    await context.close()


async def _open(page: Page, site: str) -> None:
    if page.url != site:
        await page.goto(site)


async def test_find_one_describes_the_one_element_a_locator_finds(orders: Page,
                                                                  site: str) -> None:
    await _open(orders, site)
    found = await find_one(orders.get_by_role("button", name="Save"), orders.main_frame)
    assert found is not None
    handle, element = found
    assert element.fingerprint.accessible_name == "Save"
    assert element.fingerprint.tag == "button" and element.fingerprint.visible
    assert await handle.text_content() == "Save"  # the handle acts on the element described


async def test_find_one_refuses_none_and_several(orders: Page, site: str) -> None:
    await _open(orders, site)
    assert await find_one(orders.get_by_role("button", name="Delete"), orders.main_frame) \
        is None
    assert await find_one(orders.get_by_role("button", name="Archive"), orders.main_frame) \
        is None


async def test_settle_returns_once_the_page_stops_changing(orders: Page, site: str) -> None:
    await _open(orders, site)
    await orders.get_by_role("button", name="Load rows").click()
    assert not await settle(orders)  # no popup on its way
    # rows keep coming every 5 ms: the wait ends after the last, not at the first pause
    assert await orders.locator("#rows li").count() == 20
