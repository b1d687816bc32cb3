"""Removed-element canaries (issue 12): when the element a step means is gone from the
page, the step fails — on a replay from the cache, on a heal and on a first resolution — and
never acts on a neighbour of the same kind that is still there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, Route

from replaywright.browser.launch import BrowserSession
from replaywright.cache.proposals import pending
from replaywright.cache.sqlite import SQLiteStore
from tests.engine.helpers import flow_from, run

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "site" / "phrasings.html"

# step, the tag to remove (by id), what a wrong pick would have clicked or changed
CANARIES = [
    ('Click the delete button of the "Buy milk" item', r'<button class="destroy" '
     r'id="destroy-milk"></button>', "destroy-bread"),
    ('Click the Edit link in the row with "carol"', r'<a id="edit-carol"[^>]*>Edit</a>',
     "edit-alice"),
    ("Check the Staff status checkbox", r'<p><label class="fancy">.*?</label></p>', "dark"),
    ("Click the Buy button in the Volvo card", r'<button id="buy-volvo">Buy</button>',
     "buy-mazda"),
]


async def _without(page: Page, pattern: str) -> None:
    """Serve the fixture page with one element cut out of its HTML."""
    html = re.sub(pattern, "", PAGE.read_text(), count=1, flags=re.S)
    assert html != PAGE.read_text(), pattern

    async def fulfil(route: Route) -> None:
        await route.fulfill(body=html, content_type="text/html")

    await page.route("**/phrasings.html", fulfil)


async def _events(page: Page) -> list[str]:
    return await page.evaluate("window.__events")


@pytest.mark.parametrize(("step", "cut", "neighbour"), CANARIES, ids=lambda v: v[:30])
async def test_a_removed_element_fails_its_step_and_no_neighbour_is_touched(
        browser: BrowserSession, fixture_site: str, tmp_path: Path, step: str, cut: str,
        neighbour: str) -> None:
    flow = flow_from(f"url: phrasings.html\nsteps:\n  - {step}\n", tmp_path)
    store = SQLiteStore(tmp_path / "cache.db")
    try:
        recorded = await run(await browser.new_page(), flow, f"{fixture_site}/", store)
        assert recorded.passed, recorded.error
        assert [s.status for s in recorded.steps] == ["resolved"]
        [before] = store.entries()

        # a replay that must heal, in every heal mode, then a first resolution
        for cache, heal in ((store, "auto"), (store, "review"), (store, "off"), (None, "auto")):
            page = await browser.new_page()
            await _without(page, cut)
            result = await run(page, flow, f"{fixture_site}/", cache, heal=heal)
            [only] = result.steps
            assert only.status == "failed", (heal, only.status, only.element, only.note)
            assert not any(neighbour in e for e in await _events(page)), await _events(page)
        # the failed runs overwrote nothing and proposed nothing
        assert pending(store) == []
        [after] = store.entries()
        assert (after.version, after.fingerprint) == (before.version, before.fingerprint)
    finally:
        store.close()
