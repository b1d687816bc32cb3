"""Performing one intent on one element, and waiting until the page has settled after it."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from playwright.async_api import ElementHandle, Page
from playwright.async_api import Error as PlaywrightError

from replaywright.errors import StepFailed
from replaywright.flow.intent import Action, Intent

QUIET_JS = """({quiet, max}) => new Promise((resolve) => {
  let timer;
  const done = () => { observer.disconnect(); resolve(true); };
  const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
  observer.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  timer = setTimeout(done, quiet);
  setTimeout(done, max);
})"""

QUIET_MS = 30  # the DOM counts as settled after this long without a mutation

ACTION_CODE = {
    Action.CLICK: ".click()", Action.DBLCLICK: ".dblclick()",
    Action.RIGHTCLICK: '.click(button="right")', Action.HOVER: ".hover()",
    Action.CLEAR: ".clear()", Action.CHECK: ".check()", Action.UNCHECK: ".uncheck()",
    Action.SCROLL: ".scroll_into_view_if_needed()",
}


async def settle(page: Page, timeout: float = 5.0) -> None:
    """Wait, within a bound, for navigation to load and the DOM to stop changing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        remaining = max(0.1, deadline - time.monotonic())
        try:
            await page.wait_for_load_state("domcontentloaded", timeout=remaining * 1000)
            await page.evaluate(QUIET_JS, {"quiet": QUIET_MS, "max": min(1500, remaining * 1000)})
            return
        except PlaywrightError as exc:
            if "destroyed" in str(exc) or "navigat" in str(exc).lower():
                await asyncio.sleep(0.05)
                continue
            if "Timeout" in str(exc):
                return
            raise


def _best_option(options: list[str], wanted: str) -> str:
    exact = [o for o in options if o == wanted]
    if exact:
        return exact[0]
    folded = [o for o in options if o.casefold() == wanted.casefold()]
    if folded:
        return folded[0]
    partial = [o for o in options if wanted.casefold() in o.casefold()]
    if len(partial) == 1:
        return partial[0]
    raise StepFailed(f"the dropdown has no option {wanted!r}; it has: "
                     + ", ".join(repr(o) for o in options[:15]))


async def perform(page: Page, handle: ElementHandle | None, intent: Intent, *,
                  timeout: float, base_dir: Path, options: list[str] | None = None) -> None:
    """Carry out an element action (checks are evaluated by the engine, not here)."""
    ms = timeout * 1000
    action, value = intent.action, intent.value or ""
    try:
        if action is Action.PRESS and handle is None:
            await page.keyboard.press(value)
        elif handle is None:
            raise StepFailed(f"{action} needs an element")
        elif action is Action.CLICK:
            await handle.click(timeout=ms)
        elif action is Action.DBLCLICK:
            await handle.dblclick(timeout=ms)
        elif action is Action.RIGHTCLICK:
            await handle.click(button="right", timeout=ms)
        elif action is Action.HOVER:
            await handle.hover(timeout=ms)
        elif action is Action.FILL:
            await handle.fill(value, timeout=ms)
        elif action is Action.CLEAR:
            await handle.fill("", timeout=ms)
        elif action is Action.PRESS:
            await handle.press(value, timeout=ms)
        elif action is Action.SELECT:
            if options is None:
                options = await handle.evaluate("e => [...(e.options || [])].map(o => o.text.trim())")
            await handle.select_option(label=_best_option(options, value), timeout=ms)
        elif action is Action.CHECK:
            await handle.check(timeout=ms)
        elif action is Action.UNCHECK:
            await handle.uncheck(timeout=ms)
        elif action is Action.UPLOAD:
            path = Path(value) if Path(value).is_absolute() else base_dir / value
            if not path.exists():
                raise StepFailed(f"file to upload not found: {path}")
            await handle.set_input_files(str(path), timeout=ms)
        elif action is Action.SCROLL:
            await handle.scroll_into_view_if_needed(timeout=ms)
        else:
            raise StepFailed(f"{action} is not an element action")
    except PlaywrightError as exc:
        raise StepFailed(f"{action} failed: {str(exc).splitlines()[0]}") from exc
    await settle(page)


OPENS_TAB_JS = """e => {
    const owner = e.closest('a[href], area[href]') || (e.form || e.closest('form'));
    const target = owner ? (e.getAttribute('formtarget') || owner.target || '') : '';
    return !!target && !['_self', '_parent', '_top'].includes(target.toLowerCase());
}"""


async def opens_tab(handle: ElementHandle | None) -> bool:
    """Will clicking this element open another tab (a link or form with ``target=_blank``)?
    Chromium may report such a tab only after the click returns, so the caller waits for it."""
    if handle is None:
        return False
    try:
        return bool(await handle.evaluate(OPENS_TAB_JS))
    except PlaywrightError:
        return False


def action_code(intent: Intent, locator: str, value_expr: str | None = None) -> str:
    """One line of Playwright Python doing what the intent did."""
    value = value_expr if value_expr is not None else repr(intent.value or "")
    action = intent.action
    if action in ACTION_CODE:
        return f"await {locator}{ACTION_CODE[action]}"
    if action is Action.FILL:
        return f"await {locator}.fill({value})"
    if action is Action.PRESS:
        return f"await {locator}.press({value})" if locator else f"await page.keyboard.press({value})"
    if action is Action.SELECT:
        return f"await {locator}.select_option(label={value})"
    if action is Action.UPLOAD:
        return f"await {locator}.set_input_files({value})"
    if action is Action.EXPECT_VISIBLE:
        return f"await expect({locator}).to_be_visible()"
    if action is Action.EXPECT_HIDDEN:
        return f"await expect({locator}).to_be_hidden()"
    if action is Action.EXPECT_TEXT:
        return f"await expect({locator}).to_contain_text({value})"
    return f"# {action}"
