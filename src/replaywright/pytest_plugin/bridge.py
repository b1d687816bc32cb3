"""The engine on a private event loop: async Playwright connected over CDP to the test's
browser, finding the test's page by its CDP target id. Sync Playwright objects cannot be used
from async code, so everything async (and every cache store call) runs on this one thread."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest

from replaywright.errors import StepFailed
from replaywright.pytest_plugin.launch import PORTS

T = TypeVar("T")

_CONNECT_TIMEOUT = 10.0


class Bridge:
    """A background event loop with async Playwright connected over CDP, and the cache plan.

    Everything async (and every cache store call) runs on this one thread.
    """

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="replaywright-loop",
                                       daemon=True)
        self.thread.start()
        self._playwright: Any = None
        self._browsers: dict[int, Any] = {}
        self.plan: Any = None

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        __tracebackhide__ = True
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def run(self, fn: Callable[[], T]) -> T:
        async def wrapper() -> T:
            return fn()

        return self.call(wrapper())

    def cache_plan(self) -> Any:
        if self.plan is None:
            from replaywright.session import cache_plan

            opt = self.config.getoption
            url = opt("rw_cache") or os.environ.get("REPLAYWRIGHT_CACHE") or str(
                self.config.rootpath / ".replaywright" / "cache.db")
            self.plan = self.run(lambda: cache_plan(
                url, opt("rw_token") or os.environ.get("REPLAYWRIGHT_TOKEN"),
                no_cache=opt("rw_no_cache"), save_cache=opt("rw_save_cache"),
                cwd=self.config.rootpath))
        return self.plan

    async def _browser(self, port: int) -> Any:
        if port not in self._browsers:
            from playwright.async_api import async_playwright

            if self._playwright is None:
                self._playwright = await async_playwright().start()
            self._browsers[port] = await self._playwright.chromium.connect_over_cdp(
                f"http://127.0.0.1:{port}")
        return self._browsers[port]

    async def _find(self, target_id: str) -> Any:
        """The async page of the test's page (same CDP target), on whichever browser has it.

        The newest port first: with overrides of `browser_type_launch_args` each layer got a
        port, and the browser was launched with the last one; stale ports do not answer."""
        from playwright.async_api import Error as PlaywrightError

        deadline = time.monotonic() + _CONNECT_TIMEOUT
        ports = self.config.stash[PORTS][::-1]
        if not ports:
            raise StepFailed(
                "replaywright cannot reach the page's browser: it was not launched by this "
                "plugin or by pytest-playwright on Chromium (connect_options / --browser "
                "firefox|webkit are not supported)")
        errors: dict[int, str] = {}
        while True:
            for port in ports:
                try:
                    browser = await self._browser(port)
                except PlaywrightError as exc:
                    errors[port] = str(exc).splitlines()[0]
                    continue
                errors.pop(port, None)
                for context in browser.contexts:
                    for page in context.pages:
                        if await _target_id(context, page) == target_id:
                            return page
            if time.monotonic() >= deadline:
                why = "; ".join(f"port {p}: {e}" for p, e in errors.items())
                raise StepFailed(f"replaywright cannot find the test's page (target {target_id}) "
                                 f"over CDP on port(s) {ports}" + (f" ({why})" if why else ""))
            await asyncio.sleep(0.1)

    def async_page(self, sync_page: Any) -> Any:
        cdp = sync_page.context.new_cdp_session(sync_page)
        try:
            target_id = cdp.send("Target.getTargetInfo")["targetInfo"]["targetId"]
        finally:
            cdp.detach()
        return self.call(self._find(target_id))

    def close(self) -> None:
        async def shutdown() -> None:
            for browser in self._browsers.values():
                with contextlib.suppress(Exception):
                    await browser.close()  # over CDP: disconnects, the browser stays up
            if self._playwright is not None:
                await self._playwright.stop()
            if self.plan is not None and self.plan.store is not None:
                self.plan.store.close()

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(timeout=30)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
            if not self.thread.is_alive():
                self.loop.close()


async def _target_id(context: Any, page: Any) -> str | None:
    from playwright.async_api import Error as PlaywrightError

    try:
        session = await context.new_cdp_session(page)
    except PlaywrightError:  # the page closed meanwhile
        return None
    try:
        info = await session.send("Target.getTargetInfo")
    finally:
        with contextlib.suppress(PlaywrightError):
            await session.detach()
    return str(info["targetInfo"]["targetId"])
