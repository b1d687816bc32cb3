"""Signal weights that depend on the step's plain-English description.

"the red Cancel button below the Order Summary header" leans on colour and position;
"the Sign in button" leans on role, accessible name and text. The fitted base weights are
scaled per group (`features.GROUPS`): colour words raise the visual group, positional and
ordinal words raise the position group, and a plain name (quoted text or a named control with
no visual or positional cue) raises the semantic group.
"""

from __future__ import annotations

import re
from functools import lru_cache

from replaywright.match.features import FEATURES, GROUPS
from replaywright.match.weights import FITTED, LIVE_PRIORS

_COLOURS = (
    "red|green|blue|yellow|orange|purple|violet|pink|black|white|grey|gray|brown|teal|cyan|"
    "magenta|gold|silver|navy|maroon|dark|light|colou?red|highlighted|bold"
)
_COLOUR = re.compile(rf"\b({_COLOURS})\b", re.I)
_POSITION = re.compile(
    r"\b(top|bottom|left|right|upper|lower|corner|above|below|under|beneath|over|next to|"
    r"beside|near|middle|centre|center|header|footer|sidebar|side bar|navbar|toolbar|"
    r"first|second|third|fourth|fifth|last|\d+(st|nd|rd|th))\b",
    re.I,
)
_CONTROL = re.compile(
    r"\b(button|link|tab|menu|menu item|field|input|box|checkbox|radio|option|dropdown|"
    r"toggle|switch|icon|heading|title|label)\b",
    re.I,
)
_QUOTED = re.compile(r"[\"'“”‘’«»][^\"'“”‘’«»]+[\"'“”‘’«»]")

VISUAL_BOOST = 3.0
POSITION_BOOST = 2.0
SEMANTIC_BOOST = 1.5
POSITION_DAMP = 0.7


def base_weights() -> dict[str, float]:
    out = {name: 0.0 for name in FEATURES}
    out.update(FITTED)
    out.update(LIVE_PRIORS)
    return out


def cues(description: str) -> set[str]:
    """Which cue families a description carries: ``visual``, ``position``, ``semantic``."""
    d = description or ""
    found: set[str] = set()
    if _COLOUR.search(d):
        found.add("visual")
    if _POSITION.search(d):
        found.add("position")
    if _QUOTED.search(d) or (_CONTROL.search(d) and not found):
        found.add("semantic")
    return found


@lru_cache(maxsize=512)
def _weights(description: str) -> tuple[tuple[str, float], ...]:
    w = base_weights()
    c = cues(description)
    scale = {name: 1.0 for name in w}
    if "visual" in c:
        for name in GROUPS["visual"]:
            scale[name] *= VISUAL_BOOST
    if "position" in c:
        for name in GROUPS["position"]:
            scale[name] *= POSITION_BOOST
    if "semantic" in c:
        for name in GROUPS["semantic"]:
            scale[name] *= SEMANTIC_BOOST
        if "position" not in c:
            for name in GROUPS["position"]:
                scale[name] *= POSITION_DAMP
    return tuple((name, w[name] * scale[name]) for name in FEATURES)


def weights_for(description: str) -> dict[str, float]:
    """Per-signal weights for a step description ("" → the fitted defaults)."""
    return dict(_weights((description or "").strip()))
