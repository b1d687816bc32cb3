"""The demo journey written by hand in Playwright, as an engineer would without
replaywright: the baseline `replaywright bench replay` compares cached replays with. It
imports Playwright alone, as such a script would; the bench passes the Chromium to launch
and its flags (the ones replaywright launches with).

    python -m replaywright.bench.hand_checkout http://127.0.0.1:8000/v1/ /usr/bin/chromium \
        --no-sandbox --disable-gpu ...
"""

from __future__ import annotations

import sys

from playwright.sync_api import expect, sync_playwright


def main(base: str, executable: str, args: list[str]) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=args)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(base + "index.html")
        page.get_by_role("textbox", name="Username").fill("alice")
        page.get_by_role("textbox", name="Password").fill("correct-horse")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("textbox", name="Search").fill("mug")
        page.get_by_role("textbox", name="Search").press("Enter")
        page.get_by_role("row").filter(has_text="Blue Mug").get_by_role(
            "button", name="Add to cart").click()
        page.get_by_role("link", name="Cart").click()
        page.get_by_role("button", name="Checkout").click()
        page.get_by_role("textbox", name="Full name").fill("Alice Example")
        page.get_by_role("textbox", name="Address").fill("1 Main Street")
        page.get_by_role("textbox", name="City").fill("Toronto")
        page.get_by_role("combobox", name="Country").select_option(label="Canada")
        page.get_by_role("radio", name="Express shipping").check()
        page.get_by_role("checkbox", name="I agree to the terms").check()
        page.frame_locator("#gift-frame").get_by_role("textbox", name="Gift message").fill(
            "Happy birthday!")
        page.get_by_role("button", name="Place order").click()
        expect(page.get_by_role("heading", name="Order confirmed")).to_be_visible()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
