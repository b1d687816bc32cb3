"""Building a Playwright locator written as code (see `flow.locators`) on a page or frame."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from playwright.async_api import ElementHandle, Frame, Locator, Page

from replaywright.flow.locators import PROPERTIES, Chain, LocatorSyntaxError, parse


def build(root: Page | Frame, chain: Chain | str) -> Locator:
    """The Locator the chain describes, rooted at the page or frame."""
    if isinstance(chain, str):
        chain = parse(chain)
    current: Any = root
    for call in chain:
        if call.name in PROPERTIES:
            current = getattr(current, call.name)
            continue
        kwargs = {k: (build(root, v) if isinstance(v, tuple) else v) for k, v in call.kwargs}
        method: Callable[..., Any] = getattr(current, call.name)
        current = method(*call.args, **kwargs)
    if not isinstance(current, Locator):
        raise LocatorSyntaxError("the chain must end in a locator")
    return current


async def handles(root: Page | Frame, chain: Chain | str) -> list[ElementHandle]:
    """Every element the locator names right now."""
    return await build(root, chain).element_handles()


async def unique_handle(root: Page | Frame, chain: Chain | str,
                        timeout: float) -> ElementHandle:
    """The one element the locator names, waiting up to `timeout` seconds for exactly one."""
    deadline = time.monotonic() + timeout
    while True:
        found = await handles(root, chain)
        if len(found) == 1:
            return found[0]
        if time.monotonic() >= deadline:
            raise LocatorCountError(len(found))
        await asyncio.sleep(0.1)


SAME_CONTROL_JS = """(x, y) => {
    if (x === y) return true;
    if ((x.tagName === 'LABEL' && x.control === y) || (y.tagName === 'LABEL' && y.control === x))
        return true;
    // nested elements that fill the same box: one control to the eye (a select2 container
    // and its link, a result's list item and the link that fills it)
    if (!(x.contains(y) || y.contains(x))) return false;
    const a = x.getBoundingClientRect(), b = y.getBoundingClientRect();
    const area = (r) => Math.max(0, r.width) * Math.max(0, r.height);
    const big = Math.max(area(a), area(b)), small = Math.min(area(a), area(b));
    return big > 0 && small / big >= 0.8;
}"""


async def same_node(a: ElementHandle, b: ElementHandle) -> bool:
    """The same element as far as a person can tell: the very node, a label and the control
    it labels, or nested elements filling (80 % of) the same box."""
    try:
        return bool(await a.evaluate(SAME_CONTROL_JS, b))
    except Exception:  # different frames: not the same node
        return False


class LocatorCountError(LookupError):
    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(f"matches {count} elements (wanted exactly 1)")
