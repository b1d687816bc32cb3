"""How well one element fits one reading: its names against the words (accessible name,
label, text, placeholder, title, alt, icon glyphs, id/class words), its colour, its
direction from an anchor; and the thresholds the local resolver decides by."""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass

from replaywright.browser.snapshot import Element
from replaywright.flow.intent import ELEMENT_CHECKS, Action, Intent
from replaywright.model import Fingerprint
from replaywright.resolve.describe import Reading
from replaywright.resolve.kinds import ITEM_ROLES, action_fit, kind_fit
from replaywright.resolve.text import (
    contains_phrase,
    machine_words,
    normalize,
    phrase_score,
    plain_tokens,
    recall,
    tokens,
)

#: Below this a description does not fit an element at all (the engine's replay guard).
MIN_SCORE = 0.35


#: A name match weaker than this is no match.
MIN_NAME = 0.5


#: A reading kept only in case its relation words are part of a name must match this well.
STRICT_NAME = 0.9


#: Kinds of whole parts of a page, which testers name by their content ("the users table").
WHOLE_KINDS = {"table", "list", "dialog", "section"}


#: An icon described by its look ("the cog icon") matches a word-less icon this well.
LOOKS_NAME = 0.5


LOOKS_ONLY = "an icon without words"  # a candidate only by its look: see _score


#: Names only a machine reads (icon glyphs, ids, classes, paths, looks): not enough for an
#: element of another kind to pass for the one a step names.
MACHINE_NAMES = {"icon", "icon in its landmark", "id/class", "href", LOOKS_ONLY}


TOLERATED_KIND = 0.9  # below this, an element is another kind tolerated for the one named


#: The best candidate must beat the next by this much; closer is a refusal.
MARGIN = 0.08


#: A check on a message ("the results summary contains …") named below this is a guess from
#: a word or two: the one element saying the words is the message instead
WEAK_NAME = 0.6


#: Candidates this close to the best count as "equally good" for ordinals and counts.
PEER_RATIO = 0.9


HUES = {"red": 0, "orange": 30, "yellow": 55, "green": 120, "blue": 220, "purple": 280,
        "pink": 330}


@dataclass
class Candidate:
    element: Element
    score: float
    why: str = ""


def has_option(options: list[str], wanted: str) -> bool:
    folded = wanted.casefold().strip()
    return any(o.casefold().strip() == folded for o in options) or sum(
        folded in o.casefold() for o in options) == 1


def looks_only(reading: Reading, el: Element) -> bool:
    """An icon-kind description of a word-less element, within a container or region."""
    return (reading.kind in {"icon", "image", "button"} and not has_words(el)
            and bool(reading.container or reading.region or reading.region_name)
            and len(reading.name.split()) <= 2)


def has_words(el: Element) -> bool:
    """Does the element carry words a person reads (a name, label, text, placeholder, title,
    alt)? A field's value is content, not a name."""
    fp = el.fingerprint
    text = fp.text if fp.tag not in {"input", "textarea", "select"} else ""
    return any(w.strip() for w in (fp.accessible_name, fp.label, fp.caption, text, fp.placeholder,
                                   fp.title, fp.alt))


def name_score(query: str, el: Element) -> tuple[float, str]:
    """How well the element's names match the words, and which name matched. Machine
    words (icon glyphs and class names, id, name, link path) speak only for a control that
    shows no words: an icon-only button is "delete" by its `fa-trash` class (even with a
    title), but a button that says "Sign up" is not "Sign in" because its id says so. A
    plain text's class says what it is ("the price": `<span class="price">$21</span>`)."""
    fp = el.fingerprint
    best, source = 0.0, ""
    # a titled block (a section named "Schemas") or a table is named by its title; its text
    # is what it holds, which names the parts inside it ("the Order schema"), not the block
    holds = el.structure and fp.role not in ITEM_ROLES | {"cell"} and bool(
        fp.accessible_name or fp.role in {"table", "grid", "treegrid", "list"})
    for text, weight, what in ((fp.accessible_name, 1.0, "name"), (fp.label, 1.0, "label"),
                               (fp.caption, 0.95, "caption"),
                               (fp.text, 0.6 if holds else 0.95, "text"),
                               (fp.placeholder, 0.92, "placeholder"),
                               (fp.title, 0.92, "title"), (fp.alt, 0.92, "alt"),
                               (fp.attributes.get("aria-description", ""), 0.8, "description")):
        if text:
            score = phrase_score(query, text) * weight
            if holds and what == "name" and 0 < score < 0.9 \
                    and tokens(query) - tokens(text) <= tokens(fp.text):
                score *= 0.5  # "the Order schema" in the Schemas section: a part inside it
            if score > best:
                best, source = score, what
    if best >= 0.9 or (el.interactive and fp.text.strip() and not el.editable
                       and fp.tag not in {"input", "textarea", "select"}):
        # a control's visible words are its name, not its classes (what an editor shows is
        # its content)
        return best, source
    if el.icon:
        glyph = machine_words(el.icon) + " " + el.icon
        score = recall(query, glyph) * 0.8
        if score > best:
            best, source = score, "icon"
        if 0 < score < 0.8 and fp.landmark:
            # "the clear search icon": the glyph says clear, the search landmark it sits in
            # says the rest
            score = recall(query, f"{glyph} {fp.landmark}") * 0.75
            if score > best:
                best, source = score, "icon in its landmark"
    words = " ".join((fp.test_id, fp.id, fp.name, " ".join(fp.classes), el.replaces))
    if words.strip():
        alone = recall(query, machine_words(words), abbreviations=True)
        if alone * 0.7 > best:
            best, source = alone * 0.7, "id/class"
        if el.structure and fp.accessible_name and fp.role not in ITEM_ROLES:
            # "the Origin facet": a title and a class (a row's name is all it holds)
            both = recall(query, fp.accessible_name + " " + machine_words(words))
            score = both * 0.85
            if both > alone and score > best:  # the title says some of the words
                best, source = score, "title and class"
    if el.structure and fp.heading:  # "the Columns table": the heading above it
        score = phrase_score(query, fp.heading) * 0.9
        if score > best:
            best, source = score, "heading"
    if fp.href and fp.role == "link":
        path = re.sub(r"^[a-z]+://[^/]+", "", fp.href)
        score = recall(query, machine_words(path)) * 0.6
        if score > best:
            best, source = score, "href"
    return best, source


def exact_name(query: str, el: Element) -> bool:
    fp = el.fingerprint
    wanted = normalize(query)
    return any(normalize(t) == wanted for t in (fp.accessible_name, fp.text, fp.label, fp.caption,
                                                fp.placeholder, fp.title, fp.alt) if t)


def hls_of(css: str) -> tuple[float, float, float] | None:
    nums = re.findall(r"[\d.]+", css)
    if len(nums) < 3:
        return None
    r, g, b = (float(n) / 255 for n in nums[:3])
    return colorsys.rgb_to_hls(r, g, b)


def colour_fit(colour: str, fp: Fingerprint) -> float:
    for css in (fp.background_color, fp.color):
        hls = hls_of(css)
        if hls is None:
            continue
        hue, light, sat = hls
        if colour not in HUES:
            named = "white" if light > 0.9 else "black" if light < 0.15 else (
                "gray" if sat < 0.15 else "")
            if named == colour or (colour == "grey" and named == "gray"):
                return 1.0
        elif sat > 0.25 and 0.15 < light < 0.9:
            distance = min(abs(hue * 360 - HUES[colour]), 360 - abs(hue * 360 - HUES[colour]))
            if distance <= 30:
                return 1.0
    return 0.4


def center_of(fp: Fingerprint) -> tuple[float, float]:
    return fp.x + fp.width / 2, fp.y + fp.height / 2


def direction_fit(relation: str, el: Fingerprint, anchor: Fingerprint) -> float:
    ex, ey = center_of(el)
    ax, ay = center_of(anchor)
    if relation == "below":
        ok = el.y >= anchor.y + anchor.height - 4
    elif relation == "above":
        ok = el.y + el.height <= anchor.y + 4
    elif relation == "left of":
        ok = el.x + el.width <= anchor.x + 4 and abs(ey - ay) < max(60, anchor.height)
    elif relation == "right of":
        ok = el.x >= anchor.x + anchor.width - 4 and abs(ey - ay) < max(60, anchor.height)
    else:  # near
        ok = True
    if not ok:
        return 0.0
    return 1.0 / (1.0 + (abs(ex - ax) + abs(ey - ay)) / 600.0)


def reading_order(el: Element) -> tuple[int, float, int]:
    fp = el.fingerprint
    return (round((fp.y + fp.height / 2) / 12), fp.x, el.node)

MESSAGE_WORDS = {"message", "status", "summary", "verdict", "notice", "notification",
                  "alert", "error", "warning", "toast", "banner", "result", "output", "feedback",
                  "response", "confirmation", "text", "info", "hint", "note", "answer"}


def names_by_role(intent: Intent, readings: list[Reading]) -> bool:
    """A check on a message described by what it is, not by words it shows."""
    if intent.action is not Action.EXPECT_TEXT or not intent.value:
        return False
    first = readings[0] if readings else None
    if first is None or first.container or first.region or first.relation:
        return False
    # every word a message word: "the results summary", "the error message"; "the Response
    # body" names a block, which is not whatever element says the words
    words = plain_tokens(first.name) | ({first.kind} - {""} - WHOLE_KINDS)
    return (bool(words) and words <= MESSAGE_WORDS) or first.kind == "text"


STATE_CHECKS = {Action.EXPECT_CHECKED, Action.EXPECT_UNCHECKED, Action.EXPECT_ENABLED,
                Action.EXPECT_DISABLED}
CLICKS = {Action.CLICK, Action.DBLCLICK}
CONTROL_ACTIONS = {Action.FILL, Action.CLEAR, Action.CHECK, Action.UNCHECK, Action.SELECT,
                   Action.UPLOAD, Action.EXPECT_CHECKED, Action.EXPECT_UNCHECKED}
#: A check on a block named by half the words ("Responses" for "the Response body") would
#: pass on whatever the block holds; a block must be named more closely than that.
BLOCK_NAME = 0.7


def element_score(reading: Reading, intent: Intent, el: Element) -> tuple[float, str]:
    """How well one element fits one reading of the step, and why (0 when it cannot be it)."""
    fp = el.fingerprint
    if el.hidden and intent.action in ELEMENT_CHECKS - STATE_CHECKS:
        return 0.0, ""
    if reading.kind:
        kind = kind_fit(reading.kind, el)
        if not kind and reading.kind == "section" and el.interactive \
                and el.expanded is not None and intent.action in CLICKS:
            kind = 0.95  # "click the Advanced section": the header that expands it
    elif el.structure:  # a named block (titled) is as good a check target as a text
        kind = 0.0 if intent.action not in ELEMENT_CHECKS else (
            1.0 if el.fingerprint.accessible_name else 0.8)
    else:
        kind = 1.0
    if kind <= 0:
        return 0.0, ""
    if fp.tag == "label" and el.control is not None and (
            intent.action in CONTROL_ACTIONS or reading.kind in {
                "checkbox", "radio", "switch", "field", "dropdown"}):
        return 0.0, ""  # the control it labels stands for it
    act = action_fit(intent.action, el)
    if act <= 0:
        return 0.0, ""
    if reading.name and reading.holds:
        text = fp.text or fp.accessible_name
        if not contains_phrase(text, reading.name):
            return 0.0, ""
        name, why = 1.0, "holds the words"
    elif reading.name:
        name, source = name_score(reading.name, el)
        if 0 < name < 0.9 and fp.heading and source in {"name", "text", "label"} \
                and intent.action not in ELEMENT_CHECKS:
            # "click the Order schema": the Order button under the Schemas heading
            own = fp.accessible_name or fp.text
            both = recall(reading.name, f"{own} {fp.heading}")
            if both * 0.9 > name and max(recall(reading.name, own),
                                         recall(reading.name, fp.heading)) < both:
                name, source = both * 0.9, "name and heading"
        if name < MIN_NAME and looks_only(reading, el):
            # "the cog icon in the Name column header": an icon without a single word,
            # described by its look, which a page does not tell; only a relation can
            # single it out, and it counts for less than any name that matches
            name, source = LOOKS_NAME, LOOKS_ONLY
        elif name < MIN_NAME and reading.kind in WHOLE_KINDS and not reading.strict:
            # "the users table": what a table holds is rarely its name; one of its
            # kind on the page is it, two are a tie
            name, source = LOOKS_NAME, f"a {reading.kind} named by what it holds"
        if name < (STRICT_NAME if reading.strict else MIN_NAME):
            return 0.0, ""
        if el.structure and intent.action is Action.EXPECT_TEXT and not reading.kind \
                and name < BLOCK_NAME:
            return 0.0, ""  # "the Response body" is not a block titled "Responses"
        if kind < TOLERATED_KIND and source in MACHINE_NAMES:
            return 0.0, ""  # another kind passes for the one named only by words it shows
        if reading.quoted and not exact_name(reading.name, el):
            name *= 0.85
        why = f"{source} {name:.2f}"
    else:
        name, why = 0.75, "kind only"
    score = name * kind * act
    if el.disabled and intent.action not in ELEMENT_CHECKS:
        score *= 0.7
    if intent.action is Action.SELECT and el.options and intent.value is not None \
            and not has_option(el.options, intent.value):
        score *= 0.3  # a native dropdown without that option is not the one meant
    if el.hidden:  # a person does not see it: anything visible that fits comes first
        score *= 0.8
    if intent.action is Action.EXPECT_TEXT and intent.value and not contains_phrase(
            fp.text + " " + el.container, intent.value):
        score *= 0.9
    if intent.action is Action.EXPECT_TEXT and fp.role == "heading" \
            and reading.kind != "heading":
        score *= 0.6  # "the Response body contains": the block the heading titles
    if kind < 1:
        why += f", kind {kind:.2f}"
    return score, why
