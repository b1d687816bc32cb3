"""Performing one intent on one element, and waiting until the page has settled after it."""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections.abc import Awaitable
from pathlib import Path

from playwright.async_api import ElementHandle, Page
from playwright.async_api import Error as PlaywrightError

from replaywright.browser.inpage import QUIET_NOTE_JS
from replaywright.errors import StepFailed
from replaywright.flow.intent import Action, Intent

QUIET_JS = """({quiet, max}) => new Promise((resolve) => {
  // The document's note of when its DOM last changed (kept from its start: see
  // inpage.INIT_SCRIPT): a page that is not changing costs nothing here, and a changing one
  // is waited for until `quiet` ms pass without a mutation (at most `max` ms).
  // A document the init script did not reach (a page opened before replaywright attached)
  // may have changed a moment ago, unseen: it is watched for a whole window.
  if (!window.__rwQuiet) (QUIET_NOTE)(performance.now());
  // A short transition (a menu fading in) is waited for too: mid-way its words are still
  // transparent. Endless animations (spinners) are not.
  const animating = () => !!document.getAnimations && document.getAnimations().some((a) => {
    if (a.playState !== "running" || !a.effect) return false;
    const end = a.effect.getComputedTiming().endTime;
    return isFinite(end) && end <= 2000;
  });
  const start = performance.now();
  // A check that runs late found the page busy (its own work, Playwright making its script,
  // the machine's load): the page's timers that came due meanwhile have not run yet, so
  // their changes are not seen. It first lets them run (they are due before a new timer).
  let due = start, yielded = false;
  const next = (wait) => { due = performance.now() + wait; setTimeout(check, wait); };
  const check = () => {
    const now = performance.now();
    if (now - due > 10 && !yielded) {
      yielded = true;
      return next(0);
    }
    yielded = false;
    const quietFor = now - window.__rwQuiet.last;
    if ((quietFor >= quiet && !animating()) || now - start >= max) {
      const opened = window.__rwQuiet.opened;
      window.__rwQuiet.opened = false;
      return resolve(opened);
    }
    next(quietFor >= quiet ? 20 : Math.max(5, quiet - quietFor));
  };
  next(0);
})""".replace("QUIET_NOTE", QUIET_NOTE_JS)

QUIET_MS = 30  # the DOM counts as settled after this long without a mutation

ACTION_CODE = {
    Action.CLICK: ".click()", Action.DBLCLICK: ".dblclick()",
    Action.RIGHTCLICK: '.click(button="right")', Action.HOVER: ".hover()",
    Action.CLEAR: ".clear()", Action.CHECK: ".check()", Action.UNCHECK: ".uncheck()",
    Action.SCROLL: ".scroll_into_view_if_needed()",
}


#: Pages that loaded a document no settle has seen yet, and the pages watched for that.
_NEW_DOCUMENT: weakref.WeakSet[Page] = weakref.WeakSet()
_WATCHED: weakref.WeakSet[Page] = weakref.WeakSet()


def _prepare_queries(page: Page) -> list[Awaitable[object]]:
    """On a document just loaded, have Playwright make the in-page script its queries run
    in (20-40 ms of the page's time, otherwise spent by the next step's lookup) while the
    page settles."""
    if page not in _WATCHED:
        _WATCHED.add(page)
        page.on("domcontentloaded", _NEW_DOCUMENT.add)
    elif page not in _NEW_DOCUMENT:
        return []
    _NEW_DOCUMENT.discard(page)
    return [page.main_frame.locator(":root").evaluate_all("() => 0")]


async def settle(page: Page, timeout: float = 5.0) -> bool:
    """Wait, within a bound, for navigation to load and the DOM to stop changing. True when
    the page called window.open() since the last settle (a popup is on its way)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        remaining = max(0.1, deadline - time.monotonic())
        try:
            await page.wait_for_load_state("domcontentloaded", timeout=remaining * 1000)
            quiet = page.evaluate(QUIET_JS, {"quiet": QUIET_MS,
                                             "max": min(1500, remaining * 1000)})
            # a page whose main thread is busy never answers: give up at the bound
            opened, *_ = await asyncio.wait_for(
                asyncio.gather(quiet, *_prepare_queries(page)),
                timeout=max(0.1, deadline - time.monotonic()))
            return bool(opened)
        except TimeoutError:
            return False
        except PlaywrightError as exc:
            if "destroyed" in str(exc) or "navigat" in str(exc).lower():
                await asyncio.sleep(0.05)
                continue
            if "Timeout" in str(exc):
                return False
            raise
    return False


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


_SHOWN = """const shown = (n) => { const r = n.getBoundingClientRect(); return r.width > 0
    && r.height > 0 && getComputedStyle(n).visibility === 'visible'; };"""
VISIBLE_LABEL_JS = f"e => {{ {_SHOWN} return e.labels ? [...e.labels].find(shown) || null : null; }}"
SHOWN_ANCESTOR_JS = f"""e => {{ {_SHOWN}
    let depth = 0;
    for (let n = e.parentElement; n && depth < 6; n = n.parentElement, depth++) if (shown(n)) return n;
    return null; }}"""
#: Actions that need the element itself to be visible for Playwright to perform them.
NEEDS_VISIBLE = {Action.CLICK, Action.DBLCLICK, Action.RIGHTCLICK, Action.HOVER, Action.FILL,
                 Action.CLEAR, Action.PRESS, Action.CHECK, Action.UNCHECK, Action.SELECT,
                 Action.SCROLL}


async def reveal(handle: ElementHandle, intent: Intent, timeout: float,
                 seen_visible: bool = False) -> ElementHandle | None:
    """Make a hidden element usable the way a person would: a native checkbox or file
    input hidden behind its label is used through the label (returned), a control shown on
    hover is revealed by hovering its nearest visible ancestor. None when it needs nothing
    (`seen_visible`: the caller has just read it visible by Playwright's rule, so the page
    is not asked again)."""
    if intent.action not in NEEDS_VISIBLE or seen_visible or await handle.is_visible():
        return None
    label = (await handle.evaluate_handle(VISIBLE_LABEL_JS)).as_element()
    if label is not None:
        return label
    ancestor = (await handle.evaluate_handle(SHOWN_ANCESTOR_JS)).as_element()
    if ancestor is not None:
        await ancestor.hover(timeout=timeout * 1000)
        with contextlib.suppress(PlaywrightError):
            await handle.wait_for_element_state("visible", timeout=min(2000, timeout * 1000))
        if await handle.is_visible():
            return None
    raise StepFailed("the element is hidden and neither its label nor hovering around it "
                     "shows it")


async def _toggle_via(target: ElementHandle, control: ElementHandle, want: bool,
                      ms: float) -> None:
    """Tick or untick a control by clicking it (or its visible label), then wait for the
    new state: many apps (server-rendered toggles, frameworks) update it a moment later,
    where Playwright's check() reads it at once and fails."""
    if await control.is_checked() == want:
        return
    await target.click(timeout=ms)
    deadline = time.monotonic() + min(ms / 1000, 5.0)
    while await control.is_checked() != want:
        if time.monotonic() >= deadline:
            raise StepFailed(f"clicking it did not {'check' if want else 'uncheck'} it")
        await asyncio.sleep(0.05)


async def select_custom(page: Page, handle: ElementHandle, value: str, ms: float) -> None:
    """Choose from a dropdown that is not a <select>: open it, then click the option."""
    await handle.click(timeout=ms)
    for locator in (page.get_by_role("option", name=value, exact=True),
                    page.get_by_role("option", name=value),
                    page.get_by_role("menuitem", name=value, exact=True),
                    page.get_by_role("menuitemradio", name=value, exact=True),
                    page.get_by_text(value, exact=True)):
        try:
            await locator.first.wait_for(state="visible", timeout=min(ms, 3000))
        except PlaywrightError:
            continue
        visible = [h for h in await locator.element_handles() if await h.is_visible()]
        if len(visible) == 1:
            await visible[0].click(timeout=ms)
            return
    raise StepFailed(f"the dropdown opened but shows no single option {value!r}")


async def perform(page: Page, handle: ElementHandle | None, intent: Intent, *,
                  timeout: float, base_dir: Path, options: list[str] | None = None,
                  seen_visible: bool = False) -> bool:
    """Carry out an element action (checks are evaluated by the engine, not here). True
    when it made the page call window.open()."""
    ms = timeout * 1000
    action = intent.action
    try:
        via = (await reveal(handle, intent, timeout, seen_visible)
               if handle is not None else None)
        if via is not None and action in {Action.CHECK, Action.UNCHECK}:
            await _toggle_via(via, handle, action is Action.CHECK, ms)  # type: ignore[arg-type]
        else:
            await _act(page, via or handle, intent, ms, base_dir, options)
    except PlaywrightError as exc:
        raise StepFailed(f"{action} failed: {str(exc).splitlines()[0]}") from exc
    return await settle(page)


async def _act(page: Page, handle: ElementHandle | None, intent: Intent, ms: float,
               base_dir: Path, options: list[str] | None) -> None:
    action, value = intent.action, intent.value or ""
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
        if await handle.evaluate("e => e.tagName !== 'SELECT'"):
            await select_custom(page, handle, value, ms)
        else:
            if options is None:
                options = await handle.evaluate(
                    "e => [...(e.options || [])].map(o => o.text.trim())")
            await handle.select_option(label=_best_option(options, value), timeout=ms)
    elif action in {Action.CHECK, Action.UNCHECK}:
        await _toggle_via(handle, handle, action is Action.CHECK, ms)
    elif action is Action.UPLOAD:
        path = Path(value) if Path(value).is_absolute() else base_dir / value
        if not path.exists():
            raise StepFailed(f"file to upload not found: {path}")
        await handle.set_input_files(str(path), timeout=ms)
    elif action is Action.SCROLL:
        await handle.scroll_into_view_if_needed(timeout=ms)
    else:
        raise StepFailed(f"{action} is not an element action")


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
