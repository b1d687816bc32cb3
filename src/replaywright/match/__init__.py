"""Element matching: relocate a recorded element on a live page without an AI call.

Public API used by the engine: `Matcher`, `MatchResult`, `DEFAULT_THRESHOLD`, `weights_for`,
and `unchanged` (the cheap check a replay makes first). See README.md in this folder for the
signals, the fit and the threshold. The matcher (numpy, rapidfuzz) loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from replaywright.match.identity import unchanged
from replaywright.model import Fingerprint, Selector

if TYPE_CHECKING:
    from replaywright.match.describe import weights_for
    from replaywright.match.matcher import DEFAULT_THRESHOLD, Matcher, MatchResult

__all__ = [
    "DEFAULT_THRESHOLD",
    "Fingerprint",
    "MatchResult",
    "Matcher",
    "Selector",
    "unchanged",
    "weights_for",
]


def __getattr__(name: str) -> Any:
    if name == "weights_for":
        from replaywright.match import describe

        return describe.weights_for
    if name in {"DEFAULT_THRESHOLD", "Matcher", "MatchResult"}:
        from replaywright.match import matcher

        return getattr(matcher, name)
    raise AttributeError(f"module 'replaywright.match' has no attribute {name!r}")
