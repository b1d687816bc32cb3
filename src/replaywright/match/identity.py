"""Is the element a stored selector found, signal for signal, the recorded one? The replay
fast path asks this first: it needs neither numpy nor the fitted matcher, so a replay on
an unchanged page never loads them."""

from __future__ import annotations

from urllib.parse import urlsplit

from replaywright.model import Fingerprint

#: Signals a one-element look (`browser.snapshot.find_one`) does not read — its headings and
#: neighbours — and those that move with layout without making it another element. The
#: frame is compared by path: the same app served from another origin is the same frame.
_NOT_IDENTITY = frozenset({"x", "y", "width", "height", "page_width", "page_height", "phash",
                           "heading", "neighbor_text", "neighbors", "frame"})


def unchanged(recorded: Fingerprint, live: Fingerprint) -> bool:
    """Every identity, attribute and structure signal equal: same tag, role, name, text,
    attributes, classes, xpath and frame. Anything less goes to the matcher."""
    return (urlsplit(recorded.frame).path == urlsplit(live.frame).path
            and recorded.model_dump(exclude=set(_NOT_IDENTITY))
            == live.model_dump(exclude=set(_NOT_IDENTITY)))
