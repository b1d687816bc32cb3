"""The default resolver: offline, deterministic, explainable.

A description is read into one or more readings (`resolve.describe`): target words, kind,
ordinal, colour, container anchor, region, spatial relation. Each reading is tried on the
snapshot:
1. the named kind and the step's verb are hard constraints (`resolve.kinds`);
2. the target words are scored against every name the element carries — accessible name,
   label, text, placeholder, title, alt, icon glyphs and class words, id/name words — with
   a synonym table (delete ~ remove ~ trash ~ ×);
3. relations filter: a container anchor keeps the candidates that share a tight common
   ancestor with the anchor text (a row, list item, card — found structurally, whatever
   its tag), a region keeps what lies in that landmark or named region, a spatial
   relation keeps what lies that way of the anchor and prefers the nearest;
4. an ordinal picks among the equally good, in reading order; otherwise the best must
   clear the runner-up by a margin, or the step is refused with the candidates listed,
   each with a phrasing that would pick it.
The page decides between readings: the best found element wins; two readings that find
different elements equally well are a refusal, never a guess.
"""

from __future__ import annotations

import colorsys
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from replaywright.browser.snapshot import Element, Focus, Snapshot
from replaywright.errors import AmbiguousTarget, StepFailed
from replaywright.flow.intent import ELEMENT_CHECKS, Action, Intent
from replaywright.model import Fingerprint
from replaywright.resolve.base import Resolution
from replaywright.resolve.describe import COLOURS, ORDINALS, Reading, read
from replaywright.resolve.kinds import (
    ITEM_ROLES,
    action_fit,
    is_editable,
    kind_fit,
    region_matches,
)
from replaywright.resolve.text import (
    contains_phrase,
    machine_words,
    normalize,
    phrase_score,
    recall,
    related_words,
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
_STATE_CHECKS = {Action.EXPECT_CHECKED, Action.EXPECT_UNCHECKED, Action.EXPECT_ENABLED,
                 Action.EXPECT_DISABLED}
_CLICKS = {Action.CLICK, Action.DBLCLICK}
#: Wholes whose parts a count can name ("3 rows in the Users table"), and what is counted in
#: them when the step names no kind ("3 users in the table")
_COUNTED_IN = {"table": "row", "list": "item"}
_CONTROL_ACTIONS = {Action.FILL, Action.CLEAR, Action.CHECK, Action.UNCHECK, Action.SELECT,
                    Action.UPLOAD, Action.EXPECT_CHECKED, Action.EXPECT_UNCHECKED}


@dataclass
class Candidate:
    element: Element
    score: float
    why: str = ""


@dataclass
class Outcome:
    """What one reading found: an element, a tie, or nothing (with the reason)."""

    reading: Reading
    ranked: list[Candidate] = field(default_factory=list)
    chosen: Candidate | None = None
    tied: list[Candidate] = field(default_factory=list)
    problem: str = ""

    @property
    def best(self) -> float:
        return self.chosen.score if self.chosen else (self.tied[0].score if self.tied else 0.0)


# -- names -----------------------------------------------------------------------------------

_MESSAGE_WORDS = {"message", "status", "summary", "verdict", "notice", "notification",
                  "alert", "error", "warning", "toast", "banner", "result", "output", "feedback",
                  "response", "confirmation", "text", "info", "hint", "note", "answer"}


def _names_by_role(intent: Intent, readings: list[Reading]) -> bool:
    """A check on a message described by what it is, not by words it shows."""
    if intent.action is not Action.EXPECT_TEXT or not intent.value:
        return False
    first = readings[0] if readings else None
    if first is None or first.container or first.region or first.relation:
        return False
    words = set(normalize(first.name).split()) | {first.kind}
    return bool(words & _MESSAGE_WORDS) or first.kind == "text"


def _has_option(options: list[str], wanted: str) -> bool:
    folded = wanted.casefold().strip()
    return any(o.casefold().strip() == folded for o in options) or sum(
        folded in o.casefold() for o in options) == 1


def _looks_only(reading: Reading, el: Element) -> bool:
    """An icon-kind description of a word-less element, within a container or region."""
    return (reading.kind in {"icon", "image", "button"} and not has_words(el)
            and bool(reading.container or reading.region or reading.region_name)
            and len(reading.name.split()) <= 2)


def has_words(el: Element) -> bool:
    """Does the element carry words a person reads (a name, label, text, placeholder, title,
    alt)? A field's value is content, not a name."""
    fp = el.fingerprint
    text = fp.text if fp.tag not in {"input", "textarea", "select"} else ""
    return any(w.strip() for w in (fp.accessible_name, fp.label, text, fp.placeholder,
                                   fp.title, fp.alt))


def name_score(query: str, el: Element) -> tuple[float, str]:
    """How well the element's names match the words, and which name matched. Machine
    words (icon glyphs and class names, id, name, link path) speak only for a control that
    shows no words: an icon-only button is "delete" by its `fa-trash` class (even with a
    title), but a button that says "Sign up" is not "Sign in" because its id says so. A
    plain text's class says what it is ("the price": `<span class="price">$21</span>`)."""
    fp = el.fingerprint
    best, source = 0.0, ""
    for text, weight, what in ((fp.accessible_name, 1.0, "name"), (fp.label, 1.0, "label"),
                               (fp.text, 0.95, "text"), (fp.placeholder, 0.92, "placeholder"),
                               (fp.title, 0.92, "title"), (fp.alt, 0.92, "alt"),
                               (fp.attributes.get("aria-description", ""), 0.8, "description")):
        if text:
            score = phrase_score(query, text) * weight
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
        score = recall(query, machine_words(words), abbreviations=True) * 0.7
        if score > best:
            best, source = score, "id/class"
        if el.structure and fp.accessible_name:  # "the Origin facet": a title and a class
            score = recall(query, fp.accessible_name + " " + machine_words(words)) * 0.85
            if score > best:
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


def _exact(query: str, el: Element) -> bool:
    fp = el.fingerprint
    wanted = normalize(query)
    return any(normalize(t) == wanted for t in (fp.accessible_name, fp.text, fp.label,
                                                fp.placeholder, fp.title, fp.alt) if t)


# -- colours and geometry --------------------------------------------------------------------

def _hls(css: str) -> tuple[float, float, float] | None:
    nums = re.findall(r"[\d.]+", css)
    if len(nums) < 3:
        return None
    r, g, b = (float(n) / 255 for n in nums[:3])
    return colorsys.rgb_to_hls(r, g, b)


def colour_fit(colour: str, fp: Fingerprint) -> float:
    for css in (fp.background_color, fp.color):
        hls = _hls(css)
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


def _center(fp: Fingerprint) -> tuple[float, float]:
    return fp.x + fp.width / 2, fp.y + fp.height / 2


def direction_fit(relation: str, el: Fingerprint, anchor: Fingerprint) -> float:
    ex, ey = _center(el)
    ax, ay = _center(anchor)
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


def _reading_order(el: Element) -> tuple[int, float, int]:
    fp = el.fingerprint
    return (round((fp.y + fp.height / 2) / 12), fp.x, el.node)


# -- what to look at -------------------------------------------------------------------------

#: Roles and tags a snapshot keeps for a kind named without words ("the checkbox in the row
#: with carol"); `input:TYPE` names an input type, `*iconic` word-less controls.
KIND_SIGNS: dict[str, tuple[str, ...]] = {
    "button": ("button", "input:submit", "input:button", "input:reset", "input:image",
               "*iconic"),
    "link": ("link",), "checkbox": ("checkbox", "switch", "menuitemcheckbox", "input:checkbox"),
    "switch": ("checkbox", "switch", "input:checkbox"), "radio": ("radio", "input:radio"),
    "option": ("radio", "option", "menuitem", "menuitemradio", "input:radio"),
    "field": ("textbox", "searchbox", "spinbutton", "combobox", "textarea", "input:text",
              "input:email", "input:password", "input:search", "input:number", "input:tel",
              "input:url", "input:date", "input:file"),
    "dropdown": ("combobox", "listbox", "select"), "slider": ("slider", "input:range"),
    "tab": ("tab",), "menu": ("menu", "menubar", "button", "*iconic"),
    "menuitem": ("menuitem", "menuitemcheckbox", "menuitemradio", "option"),
    "heading": ("heading",), "image": ("img", "svg", "*iconic"), "icon": ("*iconic", "img", "svg"),
    "row": ("row", "listitem", "article", "treeitem"), "item": ("listitem", "row", "article",
                                                             "option", "treeitem"),
    "column": ("columnheader",), "cell": ("cell", "gridcell", "columnheader", "rowheader"),
    "table": ("table", "grid"), "list": ("list", "listbox", "menu"),
    "dialog": ("dialog", "alertdialog"),
    "section": ("region", "form", "group", "dialog", "complementary", "navigation", "article",
                "tabpanel", "section", "form", "fieldset"),
}


def focus_for(intent: Intent) -> Focus | None:
    """What a snapshot for this step needs to describe: elements sharing a word (or a
    synonym, or a glyph) with any reading's target words or anchors, elements of a kind
    named without words, and word-less controls. None when a reading needs every element
    (a kind like "text" named without words)."""
    words: set[str] = set()
    phrases: set[str] = set()
    kinds: set[str] = {"*iconic"}
    readings = read(intent.target)
    # the page around the anchor is enough when every reading that could match names one
    scoped = all(r.container for r in readings if r.kind or _could_name(r.name))
    for reading in readings:
        if reading.name:
            words.update(related_words(reading.name))
        elif reading.kind in KIND_SIGNS:
            kinds.update(KIND_SIGNS[reading.kind])
        else:
            return None
        if reading.container:
            phrases.add(normalize(reading.container))
        if reading.anchor:
            for anchor in read(reading.anchor):
                if anchor.name:
                    words.update(related_words(anchor.name))
                elif anchor.kind in KIND_SIGNS:
                    kinds.update(KIND_SIGNS[anchor.kind])
                else:
                    return None
    if intent.action is Action.EXPECT_TEXT and intent.value and normalize(intent.value):
        phrases.add(normalize(intent.value))  # the element saying it, when named by role
    words = {w for w in words if len(w) >= 2 or not w.isascii()}
    if not words and not phrases and kinds == {"*iconic"}:
        return None
    return Focus(words=tuple(sorted(words)), phrases=tuple(sorted(phrases)),
                 kinds=tuple(sorted(kinds)), scoped=scoped and bool(phrases))


def _could_name(name: str) -> bool:
    """A literal reading kept only in case the relation words belong to a name ("the Terms
    of Service link") is long; a short one could be a real name."""
    return 0 < len(name.split()) <= 3


# -- the resolver ----------------------------------------------------------------------------

class LocalResolver:
    """Offline resolver; see the module docstring."""

    name = "local"

    async def resolve(self, intent: Intent, snapshot: Snapshot, *,
                      hint: Fingerprint | None = None) -> Resolution:
        return self.rank(intent, snapshot, hint=hint)

    def rank(self, intent: Intent, snapshot: Snapshot, *,
             hint: Fingerprint | None = None) -> Resolution:
        if not snapshot.elements:
            raise StepFailed("the page has no visible elements")
        readings = read(intent.target)
        outcomes = [self._evaluate(reading, intent, snapshot, hint) for reading in readings]
        if _names_by_role(intent, readings) and not any(
                o.tied or (o.chosen and o.chosen.score >= WEAK_NAME) for o in outcomes):
            # "The status message contains 'Please enter a dealer.'": a message is named by
            # what it says; the one element saying it is the message ("the confirmation
            # dialog contains …": the dialog around it)
            holding = Reading(name=intent.value or "", kind="text", holds=True)
            held = self._evaluate(holding, intent, snapshot, hint)
            if held.chosen and readings[0].kind in WHOLE_KINDS:
                held.chosen = _around(held.chosen, readings[0].kind, snapshot)
            outcomes.append(held)
        found = sorted((o for o in outcomes if o.chosen), key=lambda o: -o.best)
        if found:
            best = found[0]
            assert best.chosen is not None
            rivals = [o for o in found[1:] if o.chosen and o.best > best.best - MARGIN
                      and not _same_thing(snapshot, o.chosen.element, best.chosen.element)]
            if rivals:
                pair = [best.chosen, *(o.chosen for o in rivals if o.chosen)]
                raise AmbiguousTarget(
                    f"{intent.target!r} can be read more than one way and the page has an "
                    f"element for each: {best.reading.describe()} or "
                    f"{rivals[0].reading.describe()}; say which:"
                    + _listing(pair, snapshot))
            chosen = best.chosen
            if intent.action in {Action.CLICK, Action.DBLCLICK}:
                chosen = _clicked_inside(chosen, best.reading, snapshot)
            runner = next((c.score for c in best.ranked
                           if not _same_thing(snapshot, c.element, chosen.element)), 0.0)
            confidence = min(1.0, chosen.score) * min(1.0, 0.5 + (chosen.score - runner) * 2)
            return Resolution(element=chosen.element, confidence=round(confidence, 3),
                              reason=f"local: {best.reading.describe()}: {chosen.why}; best "
                                     f"{chosen.score:.2f}, next {runner:.2f}",
                              candidates=[(c.element, c.score) for c in best.ranked[:5]])
        tied = [o for o in outcomes if o.tied]
        if tied:
            outcome = max(tied, key=lambda o: o.best)
            raise AmbiguousTarget(
                f"{len(outcome.tied)} elements match {intent.target!r} equally well; say which "
                "(for example):" + _listing(outcome.tied, snapshot))
        problem = next((o.problem for o in outcomes if o.problem), "")
        closest = self._closest(intent, snapshot)
        raise StepFailed(f"no element on the page matches {intent.target!r}"
                         + (f" ({problem})" if problem else "") + closest)

    def _closest(self, intent: Intent, snapshot: Snapshot) -> str:
        """The nearest misses: the words alone, without kind or relations."""
        near = []
        for reading in read(intent.target):
            loose = Reading(name=reading.name or reading.kind)
            near += self._candidates(loose, Intent(Action.EXPECT_VISIBLE, intent.target),
                                     snapshot)[0][:3]
        near.sort(key=lambda c: -c.score)
        unique = list({id(c.element): c for c in reversed(near)}.values())[::-1]
        return _closest(sorted(unique, key=lambda c: -c.score)[:3], snapshot)

    def matches(self, intent: Intent, snapshot: Snapshot) -> list[Element]:
        """Every element the description fits about as well as the best one ("there are 3
        Delete buttons"); empty when nothing fits. "N rows in the Users table", "N users in
        the table": the items of that one table or list."""
        readings = read(intent.target)
        for reading in readings:
            items = self._items_of_whole(reading, intent, snapshot)
            if items is not None:
                return items
        best: list[Candidate] = []
        for reading in readings:
            ranked = self._candidates(reading, intent, snapshot)[0]
            if ranked and (not best or ranked[0].score > best[0].score + MARGIN):
                best = ranked
        if not best:
            return []
        top = best[0].score
        return [c.element for c in best if c.score >= top * 0.85]

    def _items_of_whole(self, reading: Reading, intent: Intent,
                        snapshot: Snapshot) -> list[Element] | None:
        """The counted elements inside the one table or list the reading names, or None
        when it names none (or the page has no single one): counted the usual way then."""
        whole_kind = reading.region if reading.region in _COUNTED_IN else ""
        if not whole_kind or not snapshot.has_tree:
            return None
        names = [reading.region_name] if reading.region_name else [reading.name, ""]
        whole = self._whole(names, whole_kind, snapshot)
        if whole is None:
            return None
        # what is counted: elements of the kind named, else the whole's rows or items
        kind = reading.kind or _COUNTED_IN[whole_kind]
        inner = [el for el in snapshot.elements if el is not whole
                 and snapshot.contains(whole.node, el.node) and kind_fit(kind, el) >= 1
                 and (not reading.kind or not reading.name
                      or name_score(reading.name, el)[0] >= MIN_NAME)]
        return inner

    def _whole(self, names: list[str], kind: str, snapshot: Snapshot) -> Element | None:
        """The one table or list named by the first of `names` that names one ("" for the
        page's only one); None when none does or two tie."""
        check = Intent(Action.EXPECT_VISIBLE, f"the {kind}")
        for name in names:
            outcome = self._evaluate(Reading(name=name, kind=kind), check, snapshot, None)
            if outcome.chosen is not None:
                return outcome.chosen.element
            if outcome.tied:
                return None
        return None

    def plausibility(self, intent: Intent, snapshot: Snapshot) -> list[float]:
        """Per element of the snapshot, how well any reading of the step fits it (relations
        applied where their anchors are on the page): a shortlist for an LLM."""
        index = {id(el): i for i, el in enumerate(snapshot.elements)}
        scores = [0.0] * len(snapshot.elements)
        for reading in read(intent.target):
            ranked = self._candidates(reading, intent, snapshot)[0]
            if not ranked:  # the relation's anchor is missing: score the words alone
                ranked = self._candidates(Reading(name=reading.name, kind=reading.kind),
                                          intent, snapshot)[0]
            for cand in ranked:
                i = index[id(cand.element)]
                scores[i] = max(scores[i], cand.score)
        return scores

    def fit(self, intent: Intent, snapshot: Snapshot, element: Element) -> float:
        """How well one element fits the step's description (0..1); the engine uses it to
        refuse a relocation that no longer fits what the step says."""
        best = 0.0
        for reading in read(intent.target):
            score = self._score(reading, intent, element)[0]
            if score <= 0:
                continue
            if reading.container and not self._container_ok(reading, element, snapshot):
                continue
            if (reading.region or reading.region_name) and not _in_region(reading, element,
                                                                          snapshot):
                continue
            best = max(best, score)
        return best

    # -- one reading ---------------------------------------------------------------------------

    def _evaluate(self, reading: Reading, intent: Intent, snapshot: Snapshot,
                  hint: Fingerprint | None) -> Outcome:
        ranked, problem = self._candidates(reading, intent, snapshot)
        outcome = Outcome(reading, ranked, problem=problem)
        if not ranked:
            return outcome
        best = ranked[0]
        if reading.ordinal:
            group = sorted((c for c in ranked if c.score >= best.score * PEER_RATIO),
                           key=lambda c: _reading_order(c.element))
            n = reading.ordinal
            if n > len(group):
                outcome.problem = (f"asked for number {n} but only {len(group)} elements match "
                                   f"{reading.describe()}" + _listing(group, snapshot))
                return outcome
            outcome.chosen = group[n - 1] if n > 0 else group[-1]
            outcome.chosen = Candidate(outcome.chosen.element, outcome.chosen.score,
                                       f"number {n} of {len(group)}: {outcome.chosen.why}")
            return outcome
        contenders = [c for c in ranked if c.score > best.score - MARGIN]
        if len(contenders) > 1 and hint is not None:
            contenders = _by_hint(contenders, hint)
        if len(contenders) > 1:
            outcome.tied = contenders
        else:
            outcome.chosen = contenders[0]
        return outcome

    def _candidates(self, reading: Reading, intent: Intent,
                    snapshot: Snapshot) -> tuple[list[Candidate], str]:
        """Candidates for one reading, best first, relations applied; or a reason."""
        scored = []
        for el in snapshot.elements:
            score, why = self._score(reading, intent, el)
            if score > 0:
                scored.append(Candidate(el, score, why))
        scored = _drop_nested(scored, snapshot)
        if not scored:
            return [], ""
        if reading.colour:
            fits = [c for c in scored if colour_fit(reading.colour, c.element.fingerprint) == 1]
            if fits:
                scored = fits
        problem = ""
        if reading.container:
            scored = self._in_container(reading, scored, snapshot)
            if not scored:
                problem = (f"no {reading.kind or 'element'} matching {reading.name!r} shares a "
                           f"row or item with {reading.container!r}")
        if scored and (reading.region or reading.region_name):
            inside = [c for c in scored if _in_region(reading, c.element, snapshot)]
            if not inside:
                where = f"{reading.region_name} {reading.region}".strip()
                problem = f"nothing matching {reading.describe()} lies in the {where}"
            elif reading.region and reading.region_name:  # the named one, if the page names it
                named = [c for c in inside if _region_named(reading.region_name, c.element,
                                                            snapshot)]
                inside = named or inside
            scored = inside
        if scored and reading.relation:
            scored, problem = self._related(reading, intent, scored, snapshot)
        scored.sort(key=lambda c: (-c.score, _reading_order(c.element)))
        return scored, problem

    def _score(self, reading: Reading, intent: Intent, el: Element) -> tuple[float, str]:
        fp = el.fingerprint
        if el.hidden and intent.action in ELEMENT_CHECKS - _STATE_CHECKS:
            return 0.0, ""
        if reading.kind:
            kind = kind_fit(reading.kind, el)
            if not kind and reading.kind == "section" and el.interactive \
                    and el.expanded is not None and intent.action in _CLICKS:
                kind = 0.95  # "click the Advanced section": the header that expands it
        elif el.structure:  # a named block (titled) is as good a check target as a text
            kind = 0.0 if intent.action not in ELEMENT_CHECKS else (
                1.0 if el.fingerprint.accessible_name else 0.8)
        else:
            kind = 1.0
        if kind <= 0:
            return 0.0, ""
        if fp.tag == "label" and el.control is not None and (
                intent.action in _CONTROL_ACTIONS or reading.kind in {
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
            if name < MIN_NAME and _looks_only(reading, el):
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
            if kind < TOLERATED_KIND and source in MACHINE_NAMES:
                return 0.0, ""  # another kind passes for the one named only by words it shows
            if reading.quoted and not _exact(reading.name, el):
                name *= 0.85
            why = f"{source} {name:.2f}"
        else:
            name, why = 0.75, "kind only"
        score = name * kind * act
        if el.disabled and intent.action not in ELEMENT_CHECKS:
            score *= 0.7
        if intent.action is Action.SELECT and el.options and intent.value is not None \
                and not _has_option(el.options, intent.value):
            score *= 0.3  # a native dropdown without that option is not the one meant
        if el.hidden:  # a person does not see it: anything visible that fits comes first
            score *= 0.8
        if intent.action is Action.EXPECT_TEXT and intent.value and not contains_phrase(
                fp.text + " " + el.container, intent.value):
            score *= 0.9
        if kind < 1:
            why += f", kind {kind:.2f}"
        return score, why

    # -- relations -------------------------------------------------------------------------------

    def _container_ok(self, reading: Reading, el: Element, snapshot: Snapshot) -> bool:
        if not snapshot.has_tree:  # one element described alone: its row's text says
            return contains_phrase(el.container, reading.container) or contains_phrase(
                el.fingerprint.text, reading.container)
        return bool(self._in_container(reading, [Candidate(el, 1.0)], snapshot))

    def _in_container(self, reading: Reading, scored: list[Candidate],
                      snapshot: Snapshot) -> list[Candidate]:
        """Keep the candidates that share a tight common ancestor with the anchor text: the
        smallest part of the page holding both that holds no other candidate as good."""
        words = reading.container.split()
        if reading.container_kind and len(words) == 1 and words[0].lower() in ORDINALS:
            # "in the last row", "in the second card": among the containers that hold a
            # good candidate (not one of another kind that merely tolerates the words), the
            # one at that position
            top = max(c.score for c in scored)
            scored = [c for c in scored if c.score >= top * PEER_RATIO]
            return _by_position(ORDINALS[words[0].lower()], reading.container_kind, scored,
                                snapshot)
        anchors = _anchor_elements(reading.container, snapshot) or self._described(
            f"{reading.container} {reading.container_kind}".strip(), snapshot)
        if not anchors and snapshot.has_tree and reading.kind in _COUNTED_IN.values():
            # "the first row of the results": no such words on the page, but one table
            # (or list) the words can name is where the rows are
            whole_kind = next(k for k, v in _COUNTED_IN.items() if v == reading.kind)
            whole = self._whole([reading.container], whole_kind, snapshot)
            if whole is not None:
                return [c for c in scored if c.element is not whole
                        and snapshot.contains(whole.node, c.element.node)]
        if not anchors or not snapshot.has_tree:
            return [c for c in scored if contains_phrase(c.element.container, reading.container)]
        by_node = sorted(scored, key=lambda c: c.element.node)
        nodes = [c.element.node for c in by_node]
        kept = []
        for cand in scored:
            for anchor in anchors:
                common = _common_ancestor(snapshot, cand.element.node, anchor.node)
                if common < 0:
                    continue
                end = snapshot.ends[common]
                if end - common > 0.4 * snapshot.nodes and snapshot.nodes > 50:
                    continue  # the whole page is nobody's row
                if snapshot.other_items(common, cand.element.node, anchor.node):
                    continue  # the anchor's own item lacks it: a neighbour's is not it
                inside = by_node[bisect_left(nodes, common):bisect_left(nodes, end)]
                named = not cand.why.startswith(LOOKS_ONLY)
                if any(c is not cand and c.score >= cand.score * 0.7
                       and not _nested(snapshot, c.element, cand.element)
                       and not (named and c.why.startswith(LOOKS_ONLY)) for c in inside):
                    continue  # another row's as good: this part of the page is no one row
                kept.append(Candidate(cand.element, cand.score,
                                      f"{cand.why}, with {reading.container!r}"))
                break
        return kept

    def _described(self, anchor: str, snapshot: Snapshot) -> list[Element]:
        """An anchor that is not text on the page but a description of a container ("the
        first code block", "the last row"): the element it describes, if exactly one."""
        for reading in read(anchor):
            if not (reading.kind or reading.ordinal) or reading.container:
                continue
            outcome = self._evaluate(reading, Intent(Action.EXPECT_VISIBLE, anchor), snapshot,
                                     None)
            if outcome.chosen is not None:
                return [outcome.chosen.element]
        return []

    def _related(self, reading: Reading, intent: Intent, scored: list[Candidate],
                 snapshot: Snapshot) -> tuple[list[Candidate], str]:
        anchor_readings = read(reading.anchor)
        found = None
        for anchor_reading in anchor_readings:
            ranked = self._candidates(anchor_reading, Intent(Action.EXPECT_VISIBLE,
                                                             reading.anchor), snapshot)[0]
            if ranked and (len(ranked) == 1 or ranked[0].score > ranked[1].score + MARGIN):
                found = ranked[0].element
                break
        if found is None:
            return [], f"cannot find {reading.anchor!r} to look {reading.relation} it"
        out = []
        for cand in scored:
            if cand.element is found or snapshot.contains(cand.element.node, found.node) \
                    or snapshot.contains(found.node, cand.element.node):
                continue
            fit = direction_fit(reading.relation, cand.element.fingerprint, found.fingerprint)
            if fit > 0:
                out.append(Candidate(cand.element, cand.score * fit,
                                     f"{cand.why}, {reading.relation} {reading.anchor!r}"))
        if not out:
            return [], f"nothing matching {reading.describe()} lies {reading.relation} " \
                       f"{reading.anchor!r}"
        return out, ""


def _clicked_inside(chosen: Candidate, reading: Reading, snapshot: Snapshot) -> Candidate:
    """"Click the Horsepower column header": a person clicks the one link or button inside
    a header, cell or text they name, or the button an icon they name sits in (a row, item
    or section named is clicked itself)."""
    el = chosen.element
    if el.interactive or reading.kind in {"row", "item", "table", "list", "dialog", "section"} \
            or not snapshot.has_tree:
        return chosen
    around = [e for e in snapshot.elements if e is not el and e.interactive and not e.hidden
              and snapshot.contains(e.node, el.node) and e.fingerprint.role in {"link", "button"}]
    if around:  # an icon inside its button: the button is what is clicked
        nearest = max(around, key=lambda e: e.node)
        return Candidate(nearest, chosen.score, f"{chosen.why}, the {nearest.fingerprint.role} "
                                                "around it")
    inside = [e for e in snapshot.elements if e is not el and e.interactive and not e.hidden
              and snapshot.contains(el.node, e.node) and e.fingerprint.role in {"link", "button"}]
    if len(inside) != 1:
        return chosen
    return Candidate(inside[0], chosen.score, f"{chosen.why}, the {inside[0].fingerprint.role} "
                                              "inside it")


def _by_position(n: int, kind: str, scored: list[Candidate],
                 snapshot: Snapshot) -> list[Candidate]:
    """The candidates inside the n-th container (row, item, card ...) that holds any."""
    by_node = snapshot.by_node()
    groups: dict[int, list[Candidate]] = {}
    for cand in scored:
        node = _container_of(cand.element, kind, snapshot, by_node)
        if node is not None:
            groups.setdefault(node, []).append(cand)
    order = sorted(groups)  # pre-order ids: document order
    if not order or n > len(order) or -n > len(order):
        return []
    chosen = order[n - 1] if n > 0 else order[n]
    return groups[chosen]


_ROW_WORDS = {"row", "line", "record", "entry", "result", "item", "list item", "task", "todo",
              "to-do", "comment", "message", "post", "product"}


def _container_of(el: Element, kind: str, snapshot: Snapshot,
                  by_node: dict[int, Element]) -> int | None:
    """The nearest container of that kind around the element: a row or list item for "row",
    "item" and the like (a header row does not count), else a region whose class words
    name the kind ("card", "panel", "tile")."""
    rows = kind in _ROW_WORDS
    for node in snapshot.ancestors(el.node):
        item = by_node.get(node)
        if rows and item is not None and item.fingerprint.role in ITEM_ROLES:
            return None if "/thead[" in item.fingerprint.xpath else node
        region = snapshot.regions.get(node)
        if region is not None and kind and kind.split()[-1] in region.words.lower():
            return node
    return None


def _anchor_elements(text: str, snapshot: Snapshot) -> list[Element]:
    """The innermost elements whose words contain the anchor text."""
    needle = normalize(text)
    first = needle.split(" ")[0] if needle else ""
    hits = []
    for el in snapshot.elements:
        fp = el.fingerprint
        if any(first in t.lower() and contains_phrase(t, text)
               for t in (fp.text, fp.accessible_name, fp.value, fp.alt, fp.title, fp.label)
               if t):
            hits.append(el)
    if not snapshot.has_tree or not hits:
        return hits
    hits.sort(key=lambda e: e.node)
    # pre-order: a hit holding another hit is directly followed by one inside it
    return [h for h, after in zip(hits, [*hits[1:], None], strict=True)
            if after is None or not snapshot.contains(h.node, after.node) or after.node == h.node]


def _around(chosen: Candidate, kind: str, snapshot: Snapshot) -> Candidate | None:
    """The nearest element of `kind` holding the chosen one (None when there is none)."""
    holders = [e for e in snapshot.elements if e is not chosen.element and kind_fit(kind, e) >= 0.9
               and snapshot.contains(e.node, chosen.element.node)]
    if not holders:
        return None
    nearest = max(holders, key=lambda e: e.node)
    return Candidate(nearest, chosen.score, f"the {kind} around {chosen.why}")


def _nested(snapshot: Snapshot, a: Element, b: Element) -> bool:
    """One inside the other (an icon in its button): one control, not two."""
    return snapshot.contains(a.node, b.node) or snapshot.contains(b.node, a.node)


def _common_ancestor(snapshot: Snapshot, a: int, b: int) -> int:
    if a < 0 or b < 0:
        return -1
    node = a
    while node >= 0 and not snapshot.contains(node, b):
        node = snapshot.parents.get(node, -1)
    return node


def _in_region(reading: Reading, el: Element, snapshot: Snapshot) -> bool:
    """"in the sidebar", "in the breadcrumbs": inside such a landmark or region;
    "in the Filters section": inside a region of that name, or under that heading."""
    chain = snapshot.region_chain(el)
    fp = el.fingerprint
    if reading.region and reading.region != "section":
        fits = [r for r in chain if region_matches(reading.region, r.kind, r.words, r.name)]
        if not fits and snapshot.has_tree and not _page_has_region(reading.region, snapshot):
            return _placed(reading.region, fp)  # no such region in the markup: where it is
        if not fits and not chain:  # described alone (fast path): its landmark string says
            fits_landmark = region_matches(reading.region, fp.landmark.split(" ")[0], "",
                                           fp.landmark)
            return fits_landmark and (not reading.region_name or contains_phrase(
                fp.landmark, reading.region_name))
        # "in the column menu": the menu is what matters; its name, when the page gives
        # one, is checked elsewhere (a named region elsewhere outranks)
        return bool(fits)
    name = reading.region_name
    if not name:
        return bool(chain)
    return _region_named(name, el, snapshot) or contains_phrase(fp.landmark, name)


def _page_has_region(kind: str, snapshot: Snapshot) -> bool:
    return any(region_matches(kind, r.kind, r.words, r.name) for r in snapshot.regions.values())


def _placed(kind: str, fp: Fingerprint) -> bool:
    """Where a region of that kind sits on a page that does not mark it up: a sidebar at a
    side, a header at the top, a footer at the bottom."""
    width = fp.page_width or 1280
    height = fp.page_height or 900
    if kind == "sidebar":
        return fp.x + fp.width <= 0.3 * width or fp.x >= 0.7 * width
    if kind == "header":
        return fp.y + fp.height <= min(150, 0.15 * height)
    if kind == "footer":
        return fp.y >= 0.85 * height
    return False


def _region_named(name: str, el: Element, snapshot: Snapshot) -> bool:
    return any(_named(name, r.name) or recall(name, r.name + " " + machine_words(r.words))
               >= 0.99 for r in snapshot.region_chain(el)) or \
        phrase_score(name, el.fingerprint.heading) >= 0.8


def _named(wanted: str, name: str) -> bool:
    return bool(name) and (phrase_score(wanted, name) >= 0.8 or contains_phrase(name, wanted))


# -- sameness ------------------------------------------------------------------------------------

def _same_thing(snapshot: Snapshot, a: Element, b: Element) -> bool:
    """A control and its label, or a button and the text inside it, are one thing."""
    if a is b:
        return True
    fa, fb = a.fingerprint, b.fingerprint
    if fa.frame != fb.frame:
        return False
    if a.control is not None and snapshot.elements[a.control] is b:
        return True
    if b.control is not None and snapshot.elements[b.control] is a:
        return True
    if snapshot.has_tree and a.node >= 0 and b.node >= 0:
        return snapshot.contains(a.node, b.node) or snapshot.contains(b.node, a.node)
    return fb.xpath.startswith(fa.xpath + "/") or fa.xpath.startswith(fb.xpath + "/")


def _drop_nested(cands: list[Candidate], snapshot: Snapshot) -> list[Candidate]:
    """Of a button and the text inside it keep the button; of a row and its cell, the one
    that scored better; of a label and its control, the control. Linear in the tree."""
    if not snapshot.has_tree:
        kept: list[Candidate] = []
        for cand in sorted(cands, key=lambda c: -c.score):
            twin = next((i for i, k in enumerate(kept)
                         if _same_thing(snapshot, k.element, cand.element)), None)
            if twin is None:
                kept.append(cand)
            elif _prefer(cand, kept[twin], snapshot):
                kept[twin] = _merged(cand, kept[twin])
        return kept
    # a label and the control it labels are one: keep the control
    labels = {id(snapshot.elements[c.element.control]): c for c in cands
              if c.element.control is not None}
    present = {id(c.element) for c in cands}
    merged = [_merged(c, labels[id(c.element)]) if id(c.element) in labels else c
              for c in cands if not (c.element.control is not None and id(
                  snapshot.elements[c.element.control]) in present)]
    # nesting, by a sweep in document order: the winner of each nest stands for it
    result: list[Candidate] = []
    stack: list[tuple[int, int]] = []  # (index into result, node of the nest's outermost)
    for cand in sorted(merged, key=lambda c: c.element.node):
        while stack and not snapshot.contains(stack[-1][1], cand.element.node):
            stack.pop()
        if stack:
            nest = stack[-1][0]
            current = result[nest]
            result[nest] = (_merged(cand, current) if _prefer(cand, current, snapshot)
                            else _merged(current, cand))
            continue
        result.append(cand)
        stack.append((len(result) - 1, cand.element.node))
    return sorted(result, key=lambda c: -c.score)


def _merged(winner: Candidate, loser: Candidate) -> Candidate:
    return Candidate(winner.element, max(winner.score, loser.score), winner.why)


def _prefer(candidate: Candidate, current: Candidate, snapshot: Snapshot) -> bool:
    new, old = candidate.element, current.element
    if old.control is not None and snapshot.elements[old.control] is new:
        return True  # the control over its label
    if new.control is not None and snapshot.elements[new.control] is old:
        return False
    if abs(candidate.score - current.score) > 0.02:
        return candidate.score > current.score
    rank = {"input": 3, "select": 3, "textarea": 3, "button": 2, "a": 2}

    def weight(el: Element) -> int:
        if el.structure:
            return -1
        return rank.get(el.fingerprint.tag, 2 if el.interactive else 0)
    return weight(new) > weight(old)


def _by_hint(cands: list[Candidate], hint: Fingerprint) -> list[Candidate]:
    """Break a tie with the element's old fingerprint; still refuse when it does not decide."""
    from replaywright.match import Matcher

    result = Matcher().match(hint, [c.element.fingerprint for c in cands])
    if result.index is not None and result.confident:
        return [cands[result.index]]
    return cands


# -- messages ------------------------------------------------------------------------------------

_ROLE_WORD = {"button": "button", "link": "link", "checkbox": "checkbox", "radio": "radio",
              "textbox": "field", "searchbox": "field", "combobox": "dropdown",
              "listbox": "dropdown", "heading": "heading", "img": "image", "tab": "tab",
              "switch": "switch", "menuitem": "menu item", "row": "row", "listitem": "item",
              "option": "option", "cell": "cell", "columnheader": "column header"}
_ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                  "eighth", "ninth", "tenth"]


def phrasing(el: Element, peers: list[Element], snapshot: Snapshot) -> str:
    """A description that would pick this element and not its peers."""
    fp = el.fingerprint
    kind = _ROLE_WORD.get(fp.role, "field" if is_editable(fp, el.editable) else "element")
    name = (fp.accessible_name or fp.text or fp.label or fp.placeholder or fp.title)[:40]
    base = f'the "{name}" {kind}' if name else f"the {kind}"
    others = [p for p in peers if p is not el]
    row = _row_words(el, snapshot)
    if row and not any(row == _row_words(p, snapshot) for p in others):
        return f'{base} in the row with "{row}"'
    region = _region_label(el, snapshot)
    if region and not any(region == _region_label(p, snapshot) for p in others):
        return f"{base} in the {region}"
    order = sorted([el, *others], key=_reading_order)
    n = order.index(el)
    word = "last" if n == len(order) - 1 and n >= len(_ORDINAL_WORDS) else (
        _ORDINAL_WORDS[n] if n < len(_ORDINAL_WORDS) else f"number {n + 1}")
    return base.replace("the ", f"the {word} ", 1)


#: Region words a phrasing may use, most specific first.
_REGION_LABELS = ("breadcrumbs", "dialog", "sidebar", "toolbar", "filters", "pagination",
                  "header", "footer", "navigation", "menu", "tabs", "form", "table")


def _region_label(el: Element, snapshot: Snapshot) -> str:
    """How a person would name the region around an element: `"Advanced" section`,
    `sidebar`, `breadcrumbs`."""
    for region in snapshot.region_chain(el):
        if region.name and region.kind in {"section", "region", "fieldset", "form", "dialog",
                                           "group", "article"}:
            return f'"{region.name[:40]}" section'
        for label in _REGION_LABELS:
            if region_matches(label, region.kind, region.words, region.name):
                return label
    return ""


def container_words(el: Element, snapshot: Snapshot) -> tuple[Element | None, str]:
    """The row or item around the element, and its first words other than the element's
    own ("Milk" for the Delete button of the Milk row)."""
    if not snapshot.has_tree:
        return None, ""
    own = normalize(el.fingerprint.accessible_name or el.fingerprint.text)
    by_node = {e.node: e for e in snapshot.elements}
    for node in snapshot.ancestors(el.node):
        item = by_node.get(node)
        if item is not None and item.fingerprint.role in ITEM_ROLES:
            for other in snapshot.elements:
                if other is el or not snapshot.contains(node, other.node) or other.structure:
                    continue
                words = other.fingerprint.text.strip()
                if words and normalize(words) != own and len(words) <= 40:
                    return item, words
            return item, ""
    return None, ""


def _row_words(el: Element, snapshot: Snapshot) -> str:
    return container_words(el, snapshot)[1]


def _listing(cands: list[Candidate], snapshot: Snapshot) -> str:
    elements = [c.element for c in cands[:5]]
    return "".join(
        f"\n  - {c.element.summary()} at ({c.element.fingerprint.x:.0f}, "
        f"{c.element.fingerprint.y:.0f}), score {c.score:.2f}: say "
        f"'{phrasing(c.element, elements, snapshot)}'" for c in cands[:5])


def _closest(ranked: list[Candidate], snapshot: Snapshot) -> str:
    near = [c for c in ranked[:3] if c.score > 0.05]
    return ("; closest:" + _listing(near, snapshot)) if near else ""


__all__ = ["COLOURS", "MIN_SCORE", "LocalResolver", "name_score"]
