"""Starting or connecting to Chromium.

Defaults suit a locked-down machine: the system Chromium (`/usr/bin/chromium`), headless, with
the background-networking flags that stop it phoning home. `REPLAYWRIGHT_CHROMIUM` or
`executable_path` picks another binary; `cdp_url` / `ws_endpoint` attach to a running browser.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from replaywright.browser.inpage import preload
from replaywright.errors import ReplaywrightError

DEFAULT_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage")


def default_executable() -> str | None:
    """The Chromium to launch: env override, then the system one, else Playwright's own."""
    override = os.environ.get("REPLAYWRIGHT_CHROMIUM")
    if override:
        return override
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


@dataclass
class BrowserOptions:
    executable_path: str | None = None
    headless: bool = True
    cdp_url: str | None = None
    ws_endpoint: str | None = None
    viewport: tuple[int, int] = (1280, 900)
    extra_args: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class BrowserSession:
    playwright: Playwright
    browser: Browser
    context: BrowserContext
    page: Page
    used: bool = False

    async def new_page(self) -> Page:
        """A fresh context and page, so runs do not share cookies or storage (the page the
        browser opened with, while no run has had it)."""
        if not self.used:
            self.used = True
            return self.page
        await self.context.close()
        self.context = await self.browser.new_context(viewport=self.page.viewport_size)
        await preload(self.context)
        self.page = await self.context.new_page()
        return self.page


async def _browser(pw: Playwright, options: BrowserOptions) -> Browser:
    try:
        if options.cdp_url:
            return await pw.chromium.connect_over_cdp(options.cdp_url)
        if options.ws_endpoint:
            return await pw.chromium.connect(options.ws_endpoint)
        return await pw.chromium.launch(
            executable_path=options.executable_path or default_executable(),
            headless=options.headless,
            args=[*DEFAULT_ARGS, *options.extra_args],
        )
    except Exception as exc:  # Playwright raises a bare Error with a long log
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = options.cdp_url or options.ws_endpoint or options.executable_path \
            or default_executable() or "Playwright's bundled Chromium"
        raise ReplaywrightError(
            f"cannot start or reach the browser ({where}): {first}\n"
            "install Chromium (apt-get install chromium), set REPLAYWRIGHT_CHROMIUM, "
            "or pass --browser-path / --cdp") from exc


@asynccontextmanager
async def open_browser(options: BrowserOptions | None = None,
                       ready: Awaitable[object] | None = None) -> AsyncIterator[BrowserSession]:
    """A browser, page and context. `ready` is awaited once Playwright's driver is up and
    before Chromium starts: work that may still stop the run (reading the flow) overlaps
    the driver's start, and a run that stops there never starts a browser."""
    options = options or BrowserOptions()
    async with async_playwright() as pw:
        if ready is not None:
            await ready
        browser = await _browser(pw, options)
        width, height = options.viewport
        context = await browser.new_context(viewport={"width": width, "height": height})
        await preload(context)
        page = await context.new_page()
        session = BrowserSession(pw, browser, context, page)
        try:
            yield session
        finally:
            await browser.close()  # its contexts with it (an attached browser: ours only)
