"""replaywright in ordinary pytest tests: plain-English steps via the `ai` fixture.

Run:  pytest examples/ -p replaywright.pytest_plugin      (no -p once the plugin is installed)

The first run resolves every step with the local resolver and, if the tests pass and saving is
allowed (CI=true, a feature branch, or --rw-save-cache), caches them; later runs replay from the
cache with no resolver call. `page` is a normal sync Playwright page: mix both freely.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_log_in(ai, page, shop):
    page.goto(f"{shop}/index.html")
    ai.fill("the Username field", "alice")
    ai.fill("the Password field", "correct-horse")
    ai.click("the Sign in button")
    ai.check("The Products heading is visible", timeout=30)
    expect(page.locator("#welcome")).to_have_text("Welcome, alice")


def test_search_and_add_to_cart(ai, page, shop):
    ai.goto(f"{shop}/index.html")
    ai.fill("the Username field", "alice")
    ai.fill("the Password field", "correct-horse")
    ai.click("the Sign in button")
    ai.fill("the Search field", "mug")
    ai.press("Enter", "the Search field")
    ai.click('the Add to cart button in the row with "Blue Mug"')
    ai.check('The Cart link contains "Cart (1)"')
    ai.click("the Cart link")
    ai.check('The URL contains "cart.html"')
    expect(page).to_have_url(re.compile(r"/cart\.html$"))
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
