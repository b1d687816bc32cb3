"""Is the element a stored selector found, signal for signal, the recorded one? The replay
fast path asks this first: it needs neither numpy nor the fitted matcher, so a replay on
an unchanged page never loads them."""

from __future__ import annotations

from replaywright.model import Fingerprint

#: Signals a one-element look (`browser.snapshot.describe`) does not read — its headings and
#: neighbours — and those that move with layout without making it another element.
_NOT_IDENTITY = {"x", "y", "width", "height", "page_width", "page_height", "phash",
                 "heading", "neighbor_text", "neighbors"}


def unchanged(recorded: Fingerprint, live: Fingerprint) -> bool:
    """Every identity, attribute and structure signal equal: same tag, role, name, text,
    attributes, classes, xpath and frame. Anything less goes to the matcher."""
    return recorded.model_dump(exclude=_NOT_IDENTITY) == live.model_dump(exclude=_NOT_IDENTITY)
