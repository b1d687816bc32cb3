"""What replaywright keeps in every document: the walk (`snapshot.js`) that reads elements
for snapshots and replays, and the note of when the DOM last changed that the DOM-quiet
wait reads (`actions.settle`). Their sources, how every document gets them, and calling
the walk. Kept apart from the snapshot's models so that starting a browser (which preloads
them) imports no pydantic."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from playwright.async_api import BrowserContext, Frame

_WALK_JS = (files("replaywright.browser").joinpath("snapshot.js").read_text(encoding="utf-8")
            .strip().rstrip(";"))
#: The walk's result crosses as one JSON string: Playwright's structured serialiser checks
#: every value in Python and costs seconds on big pages; a string costs one json.loads.
SNAPSHOT_JS = f"(arg) => JSON.stringify(({_WALK_JS})(arg))"
#: The walk's 40 kB source crosses once per document: it stays there as `__rwWalk`, and
#: later calls (every replayed step describes its element) send a one-line call.
DEFINE_JS = f"() => {{ window.__rwWalk = ({_WALK_JS}); }}"
_CALL_JS = "(arg) => window.__rwWalk ? JSON.stringify(window.__rwWalk(arg)) : null"
#: Notes when the document's DOM last changed and whether it called window.open() (a popup
#: is coming), from `since` on.
QUIET_NOTE_JS = """(since) => {
  if (window.__rwQuiet) return;
  const state = window.__rwQuiet = { last: since, opened: false };
  new MutationObserver(() => { state.last = performance.now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  const open = window.open;
  window.open = function (...args) { state.opened = true; return open.apply(this, args); };
}"""
#: Both, defined by the browser context in every new document before the page's own
#: scripts: a replayed step on a page just loaded needs no install round trip (20-60 ms),
#: and the DOM-quiet wait knows when the page last changed, from its first node on.
INIT_SCRIPT = f"window.__rwWalk = ({_WALK_JS}); ({QUIET_NOTE_JS})(performance.now());"


async def preload(context: BrowserContext) -> None:
    """Have `context` define the walk in every document it loads (pages that were open
    before, or contexts made elsewhere, get it on first use instead)."""
    await context.add_init_script(script=INIT_SCRIPT)


async def walk(frame: Frame, arg: dict[str, Any]) -> dict[str, Any]:
    """The walk's result for `frame`, defining the walk in a document that lacks it."""
    raw = await frame.evaluate(_CALL_JS, arg)
    if raw is None:
        await frame.evaluate(DEFINE_JS)
        raw = await frame.evaluate(_CALL_JS, arg)
    result: dict[str, Any] = json.loads(raw)
    return result
