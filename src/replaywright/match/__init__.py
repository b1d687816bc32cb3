"""Element matching: relocate a recorded element on a live page without an AI call.

Public API used by the engine: `Matcher`, `MatchResult`, `DEFAULT_THRESHOLD`, `weights_for`.
See README.md in this folder for the signals, the fit and the threshold.
"""

from replaywright.match.describe import weights_for
from replaywright.match.matcher import DEFAULT_THRESHOLD, Matcher, MatchResult
from replaywright.model import Fingerprint, Selector

__all__ = [
    "DEFAULT_THRESHOLD",
    "Fingerprint",
    "MatchResult",
    "Matcher",
    "Selector",
    "weights_for",
]
