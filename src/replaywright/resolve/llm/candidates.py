"""The page as the model sees it: a compact numbered list of the most plausible elements.

Each line is `[id] role "name" key=value ... @(x,y wxh)`, where `id` is the element's position
in `Snapshot.elements` (so an answer maps straight back to an element). Long pages are cut to
the `limit` best elements by the local resolver's scoring (for a step) or by interactivity
and word overlap with the goal (for the agent), then listed in page order.
"""

from __future__ import annotations

from replaywright.browser.snapshot import Element, Snapshot
from replaywright.flow.intent import Intent
from replaywright.model import Fingerprint
from replaywright.resolve.local import LocalResolver
from replaywright.resolve.text import tokens

FIELD_CHARS = 70
KEY_ATTRIBUTES = ("id", "name", "type", "test_id", "href", "title", "alt")


def _clip(text: str, limit: int = FIELD_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _q(text: str) -> str:
    return '"' + _clip(text).replace('"', "'") + '"'


def kind(fp: Fingerprint) -> str:
    if fp.role:
        return fp.role
    if fp.tag == "input":
        return f"input[{fp.input_type or 'text'}]"
    return fp.tag or "element"


def describe_element(el: Element, ident: int | None = None) -> str:
    """One line describing an element for the model."""
    fp = el.fingerprint
    parts = [f"[{ident}]" if ident is not None else "", kind(fp)]
    name = fp.accessible_name or fp.text
    if name:
        parts.append(_q(name))
    if fp.text and fp.text != name and fp.text not in name:
        parts.append(f"text={_q(fp.text)}")
    if fp.label and fp.label != name:
        parts.append(f"label={_q(fp.label)}")
    if fp.placeholder:
        parts.append(f"placeholder={_q(fp.placeholder)}")
    if fp.tag == "input" and fp.input_type and fp.role:
        parts.append(f"type={fp.input_type}")
    for attr in ("id", "name", "test_id", "title", "alt"):
        value = getattr(fp, attr)
        if value and value != name:
            parts.append(f"{attr}={_clip(value, 40)}")
    if fp.href:
        parts.append(f"href={_clip(fp.href, 50)}")
    if el.options:
        shown = ", ".join(_clip(o, 25) for o in el.options[:8])
        parts.append(f"options=[{shown}{', …' if len(el.options) > 8 else ''}]")
    if el.checked is not None:
        parts.append("checked" if el.checked else "unchecked")
    if el.disabled:
        parts.append("disabled")
    if el.container and el.container != name:
        parts.append(f"in={_q(el.container)}")
    elif fp.heading:
        parts.append(f"under={_q(fp.heading)}")
    if fp.frame:
        parts.append("in-iframe")
    parts.append(f"@({fp.x:.0f},{fp.y:.0f} {fp.width:.0f}x{fp.height:.0f})")
    return " ".join(p for p in parts if p)


def describe_fingerprint(fp: Fingerprint) -> str:
    """The element a step used to act on (the `hint` when healing), in the same words."""
    parts = [kind(fp)]
    name = fp.accessible_name or fp.text
    if name:
        parts.append(_q(name))
    for attr, value in (("label", fp.label), ("placeholder", fp.placeholder), ("id", fp.id),
                        ("name", fp.name), ("test_id", fp.test_id), ("href", fp.href),
                        ("under", fp.heading), ("near", fp.neighbor_text)):
        if value and value != name:
            parts.append(f"{attr}={_q(value)}")
    parts.append(f"@({fp.x:.0f},{fp.y:.0f} {fp.width:.0f}x{fp.height:.0f})")
    return " ".join(parts)


def _pick(scores: list[float], limit: int) -> list[int]:
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    return sorted(order[:limit])


def step_candidates(intent: Intent, snapshot: Snapshot, limit: int,
                    hint: Fingerprint | None = None) -> list[int]:
    """Positions of the `limit` most plausible elements for a step, in page order."""
    elements = snapshot.elements
    if len(elements) <= limit:
        return list(range(len(elements)))
    plausible = LocalResolver().plausibility(intent, snapshot)
    scores = [plausible[i] + (0.05 if el.interactive else 0.0) for i, el in enumerate(elements)]
    if hint is not None:  # keep the old element's look-alikes in view
        from replaywright.match import Matcher

        ranking = Matcher().match(hint, snapshot.fingerprints, intent.target).ranking
        for index, _ in ranking[:5]:
            scores[index] += 1.0
    return _pick(scores, limit)


def goal_candidates(goal: str, snapshot: Snapshot, limit: int) -> list[int]:
    """Positions of the `limit` elements most useful for an open goal, in page order:
    interactive elements first, boosted by words they share with the goal."""
    elements = snapshot.elements
    if len(elements) <= limit:
        return list(range(len(elements)))
    wanted = tokens(goal)
    scores = []
    for el in elements:
        fp = el.fingerprint
        words = tokens(" ".join((fp.accessible_name, fp.text, fp.label, fp.placeholder,
                                 el.container)))
        overlap = len(wanted & words) / max(1, len(wanted))
        scores.append((1.0 if el.interactive else 0.2) + overlap)
    return _pick(scores, limit)


def listing(snapshot: Snapshot, positions: list[int]) -> str:
    return "\n".join(describe_element(snapshot.elements[i], i) for i in positions)
