"""The in-page walk (`snapshot.js`) that reads elements for snapshots and replays: its
source, how every document gets it, and calling it. Kept apart from the snapshot's models so
that starting a browser (which preloads it) imports no pydantic."""

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
#: The same, defined by the browser context in every new document before the page's own
#: scripts: a replayed step on a page just loaded needs no install round trip (20-60 ms).
INIT_SCRIPT = f"window.__rwWalk = ({_WALK_JS});"


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
