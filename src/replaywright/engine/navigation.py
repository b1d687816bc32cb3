"""Pages that navigate under the engine's feet.

A single-page app often navigates a moment after a click answers (`setTimeout(() =>
location.href = …, 50)`), so the next step may start reading the old page and have it
replaced mid-read: Playwright then says `Execution context was destroyed`. That is not a
failure of the step, only a page in transition: `through_navigation` waits for the new page
to settle and reads again, within the step's own deadline. The engine puts it around its
page reads (finding an element, polling a check), and nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from replaywright.browser.actions import settle

T = TypeVar("T")

#: What Playwright says when the document it was reading went away during a navigation.
NAVIGATION_ERRORS = ("Execution context was destroyed", "Cannot find context with specified id",
                     "Frame was detached", "frame was detached",
                     "because of a navigation", "Inspected target navigated or closed")


def navigated(exc: BaseException) -> bool:
    """Whether `exc` says the page navigated while it was being read."""
    return isinstance(exc, PlaywrightError) and any(m in str(exc) for m in NAVIGATION_ERRORS)


async def through_navigation(read: Callable[[], Awaitable[T]], page: Callable[[], Page],
                             deadline: float) -> T:
    """`await read()`; when a navigation destroys the page it was reading, let the new page
    settle and read again, until `deadline` (time.monotonic()). Other errors, and a
    navigation at the deadline, propagate. A read that raises after the new page is there
    (say, `window.__rwEls` of the old document is gone) counts as the same navigation when
    the page's URL changed under it."""
    while True:
        url = page().url
        try:
            return await read()
        except PlaywrightError as exc:
            moved = navigated(exc) or page().url != url
            if not moved or time.monotonic() >= deadline:
                raise
        await settle(page(), timeout=max(0.1, min(5.0, deadline - time.monotonic())))
