"""The default resolver: offline, deterministic, explainable.

It reads the description the way a tester writes it — a name ("Sign in"), a kind of element
("button", "field", "dropdown"), an ordinal ("the second ..."), a relation ("in the row with
'Milk'", "below the Shipping heading") and a colour ("the red ...") — and ranks the snapshot's
elements. When two elements are equally good it refuses to guess.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass, field

from replaywright.browser.snapshot import Element, Snapshot
from replaywright.errors import AmbiguousTarget, StepFailed
from replaywright.flow.intent import Action, Intent
from replaywright.match.fingerprint import Fingerprint
from replaywright.resolve.base import Resolution
from replaywright.resolve.text import contains_phrase, normalize, phrase_score, tokens

MIN_SCORE = 0.35
TIE_MARGIN = 0.02

ROLE_WORDS = {
    "button": "button", "btn": "button", "link": "link", "field": "field", "input": "field",
    "textbox": "field", "text box": "field", "text field": "field", "box": "field",
    "input field": "field", "textarea": "field", "text area": "field", "search box": "field",
    "dropdown": "dropdown", "drop-down": "dropdown", "drop down": "dropdown", "select": "dropdown",
    "select box": "dropdown", "combobox": "dropdown", "menu": "dropdown", "list": "dropdown",
    "checkbox": "checkbox", "check box": "checkbox", "toggle": "checkbox", "switch": "checkbox",
    "radio": "radio", "radio button": "radio", "option": "radio", "choice": "radio",
    "heading": "heading", "header": "heading", "title": "heading", "headline": "heading",
    "image": "image", "icon": "image", "logo": "image", "picture": "image",
    "text": "text", "message": "text", "label": "text", "banner": "text", "notice": "text",
    "paragraph": "text", "tab": "tab", "row": "row", "item": "any", "element": "any",
    "cell": "any", "entry": "any",
}
_ROLE_SUFFIX = re.compile(
    r"\s+(" + "|".join(sorted(map(re.escape, ROLE_WORDS), key=len, reverse=True)) + r")$")
_PLURAL = re.compile(r"\b(button|link|field|checkbox|box|dropdown|radio|heading|image|icon|tab|"
                     r"row|item|option|input|element)s$", re.IGNORECASE)
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
            "4th": 4, "fifth": 5, "5th": 5, "last": -1}
_ORDINAL = re.compile(r"\b(" + "|".join(ORDINALS) + r")\b\s*")
COLOURS = {"red": 0, "orange": 30, "yellow": 55, "green": 120, "blue": 220, "purple": 280,
           "pink": 330, "black": None, "white": None, "gray": None, "grey": None}
_COLOUR = re.compile(r"\b(" + "|".join(COLOURS) + r")\b\s*")
_CONTAINER = re.compile(
    r"^(?P<main>.+?)\s+(?:in|inside|within|on|of|for|from)\s+the\s+(?:row|line|card|item|entry|"
    r"tile|box|panel|product)\s+(?:with|containing|for|of|that (?:has|contains)|about|named|"
    r"called)\s+(?P<anchor>.+)$")
_FOR_QUOTED = re.compile(r"^(?P<main>.+?)\s+(?:for|of|next to the)\s+(?P<anchor>\"[^\"]+\"|'[^']+')$")
_DIRECTION = re.compile(
    r"^(?P<main>.+?)\s+(?P<rel>below|under|underneath|beneath|above|over|next to|beside|near|"
    r"(?:to the )?left of|(?:to the )?right of|after|before)\s+(?P<anchor>.+)$")
_REGION = re.compile(
    r"^(?P<main>.+?)\s+(?:in|inside|within|on)\s+the\s+(?:(?P<anchor>.+?)\s+)?(?P<kind>section|"
    r"area|panel|form|dialog|modal|header|footer|sidebar|navigation|nav|toolbar)$")
#: What a region word means in landmark terms, when the description names no heading.
REGION_LANDMARKS = {"header": {"banner", "header"}, "footer": {"contentinfo", "footer"},
                    "navigation": {"navigation", "nav"}, "nav": {"navigation", "nav"},
                    "sidebar": {"complementary", "aside"}, "dialog": {"dialog"},
                    "modal": {"dialog"}, "form": {"form"}, "toolbar": {"toolbar"}}
EDITABLE_TYPES = {"", "text", "email", "password", "search", "tel", "url", "number", "date",
                  "datetime-local", "month", "time", "week"}


@dataclass
class TargetQuery:
    """A description taken apart."""

    name: str
    role: str = ""
    ordinal: int = 0
    colour: str = ""
    relation: str = ""
    anchor: str = ""
    quoted: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def _strip_article(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)


def _unquote(text: str) -> tuple[str, bool]:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1], True
    return text, False


def parse_target(description: str) -> TargetQuery:
    text = " ".join(description.split()).rstrip(".")
    relation, anchor, region_kind = "", "", ""
    for pattern, kind in ((_CONTAINER, "container"), (_FOR_QUOTED, "container"),
                          (_REGION, "region"), (_DIRECTION, "")):
        match = pattern.match(text)
        if match:
            relation = kind or match.group("rel").replace("to the ", "")
            anchor = _unquote(_strip_article(match.group("anchor") or ""))[0]
            if kind == "region":
                region_kind = match.group("kind")
            text = match.group("main")
            break
    main = _strip_article(text)
    ordinal, colour = 0, ""
    if m := _ORDINAL.search(main.lower()):
        ordinal = ORDINALS[m.group(1)]
        main = (main[:m.start()] + main[m.end():]).strip()
    if m := _COLOUR.search(main.lower()):
        colour = m.group(1)
        main = (main[:m.start()] + main[m.end():]).strip()
    main = _strip_article(main)
    role = ""
    main = _PLURAL.sub(r"\1", main)  # "Delete buttons" → "Delete button"
    if m := _ROLE_SUFFIX.search(main.lower()):
        role = ROLE_WORDS[m.group(1)]
        main = main[:m.start()].strip()
    name, quoted = _unquote(main)
    if not name and role:  # "the checkbox", "the button": the kind is all we have
        name = ""
    return TargetQuery(name=name, role=role, ordinal=ordinal, colour=colour,
                       relation=relation, anchor=anchor, quoted=quoted,
                       extra={"region": region_kind} if region_kind else {})


def _is_editable(fp: Fingerprint) -> bool:
    if fp.tag == "textarea" or fp.attributes.get("contenteditable") == "true":
        return True
    return (fp.tag == "input" and fp.input_type in EDITABLE_TYPES) or fp.role in {"textbox",
                                                                                "searchbox"}


def _kind_fit(kind: str, el: Element) -> float:
    fp = el.fingerprint
    if kind == "button":
        return 1.0 if fp.is_button else 0.8 if fp.role == "link" else 0.55 if el.interactive else 0.3
    if kind == "link":
        return 1.0 if fp.role == "link" else 0.8 if fp.is_button else 0.4
    if kind == "field":
        if _is_editable(fp):
            return 1.0
        return 0.6 if fp.tag == "select" or fp.input_type == "file" else 0.2
    if kind == "dropdown":
        return 1.0 if fp.role in {"combobox", "listbox"} else 0.7 if fp.is_button else 0.3
    if kind == "checkbox":
        return 1.0 if fp.role in {"checkbox", "switch"} else 0.5 if fp.role == "radio" else 0.3
    if kind == "radio":
        return 1.0 if fp.role == "radio" else 0.6 if fp.role in {"checkbox", "option"} else 0.3
    if kind == "heading":  # a styled <div> title may be meant; a link or a button is not
        return 1.0 if fp.role == "heading" else 0.3 if el.interactive else 0.5
    if kind == "image":
        return 1.0 if fp.tag in {"img", "svg"} or fp.role == "img" else 0.4
    if kind == "tab":
        return 1.0 if fp.role == "tab" else 0.6
    if kind == "row":
        return 1.0 if fp.role == "row" else 0.7
    return 1.0


def _action_fit(action: Action, el: Element) -> float:
    fp = el.fingerprint
    if action in {Action.FILL, Action.CLEAR}:
        return 1.0 if _is_editable(fp) else 0.15
    if action is Action.PRESS:
        return 1.0 if _is_editable(fp) or el.interactive else 0.5
    if action is Action.SELECT:
        return 1.0 if fp.role in {"combobox", "listbox"} else 0.3
    if action in {Action.CHECK, Action.UNCHECK}:
        return 1.0 if fp.role in {"checkbox", "radio", "switch"} else 0.45
    if action is Action.UPLOAD:
        return 1.0 if fp.input_type == "file" else 0.5 if el.interactive else 0.2
    if action in {Action.CLICK, Action.DBLCLICK, Action.RIGHTCLICK}:
        return 1.0 if el.interactive else 0.8
    return 1.0


def name_score(query: str, el: Element, machine_names: bool = True) -> float:
    """How well the element's visible names (and, with `machine_names`, its id / name /
    test id) match the query."""
    fp = el.fingerprint
    best = max(phrase_score(query, fp.accessible_name), phrase_score(query, fp.label),
               phrase_score(query, fp.text), phrase_score(query, fp.placeholder),
               phrase_score(query, fp.title), phrase_score(query, fp.alt))
    if best < 0.6 and machine_names:  # fall back to machine names: id="search-box", name="email"
        machine = " ".join(re.sub(r"[-_]+", " ", s) for s in (fp.test_id, fp.id, fp.name))
        best = max(best, 0.5 * phrase_score(query, machine))
    return best


def _hue(css: str) -> tuple[float, float, float] | None:
    nums = re.findall(r"[\d.]+", css)
    if len(nums) < 3:
        return None
    r, g, b = (float(n) / 255 for n in nums[:3])
    return colorsys.rgb_to_hls(r, g, b)


def colour_fit(colour: str, fp: Fingerprint) -> float:
    target = COLOURS[colour]
    for css in (fp.background_color, fp.color):
        hls = _hue(css)
        if hls is None:
            continue
        hue, light, sat = hls
        if target is None:
            named = "white" if light > 0.9 else "black" if light < 0.15 else (
                "gray" if sat < 0.15 else "")
            if named == colour or (colour == "grey" and named == "gray"):
                return 1.0
        elif sat > 0.25 and 0.15 < light < 0.9:
            distance = min(abs(hue * 360 - target), 360 - abs(hue * 360 - target))
            if distance <= 30:
                return 1.0
    return 0.4


def _center(fp: Fingerprint) -> tuple[float, float]:
    return fp.x + fp.width / 2, fp.y + fp.height / 2


def direction_fit(relation: str, el: Fingerprint, anchor: Fingerprint) -> float:
    ex, ey = _center(el)
    ax, ay = _center(anchor)
    dx, dy = ex - ax, ey - ay
    if relation in {"below", "under", "underneath", "beneath", "after"}:
        ok = el.y >= anchor.y + anchor.height - 4
    elif relation in {"above", "over", "before"}:
        ok = el.y + el.height <= anchor.y + 4
    elif relation == "left of":
        ok = el.x + el.width <= anchor.x + 4
    elif relation == "right of":
        ok = el.x >= anchor.x + anchor.width - 4
    else:  # next to, beside, near
        ok = True
    if not ok:
        return 0.1
    return 1.0 / (1.0 + (abs(dx) + abs(dy)) / 600.0)


class LocalResolver:
    """Offline resolver; see the module docstring."""

    name = "local"

    async def resolve(self, intent: Intent, snapshot: Snapshot, *,
                      hint: Fingerprint | None = None) -> Resolution:
        return self.rank(intent, snapshot, hint=hint)

    def rank(self, intent: Intent, snapshot: Snapshot, *,
             hint: Fingerprint | None = None) -> Resolution:
        query = parse_target(intent.target)
        elements = snapshot.elements
        if not elements:
            raise StepFailed("the page has no visible elements")
        scored = [(el, self._score(query, intent, el)) for el in elements]
        scored = self._apply_relation(query, scored, elements)
        scored.sort(key=lambda pair: (-pair[1], pair[0].fingerprint.y, pair[0].fingerprint.x))
        best_score = scored[0][1]
        if best_score < MIN_SCORE:
            raise StepFailed(f"no element on the page matches {intent.target!r}"
                             + _closest(scored))
        if query.ordinal:
            return self._pick_ordinal(query, scored)
        contenders = [(el, s) for el, s in scored if s >= best_score - TIE_MARGIN]
        contenders = _drop_nested(contenders)
        if len(contenders) > 1 and hint is not None:
            contenders = _by_hint(contenders, hint)
        if len(contenders) > 1:
            raise AmbiguousTarget(
                f"{len(contenders)} elements match {intent.target!r} equally well; "
                "add a distinguishing word (an ordinal like 'the second ...', 'in the row with "
                "...', 'below the ... heading'):" + _listing(contenders))
        runner_up = next((s for el, s in scored if el is not contenders[0][0]), 0.0)
        confidence = min(1.0, best_score) * min(1.0, 0.5 + (best_score - runner_up) * 2)
        return Resolution(element=contenders[0][0], confidence=round(confidence, 3),
                          reason=f"local: best match {best_score:.2f}, next {runner_up:.2f}",
                          candidates=scored[:5])

    def matches(self, intent: Intent, snapshot: Snapshot) -> list[Element]:
        """Every element the description fits about as well as the best one ("there are 3
        Delete buttons"); empty when nothing fits."""
        query = parse_target(intent.target)
        scored = [(el, self._score(query, intent, el)) for el in snapshot.elements]
        scored = self._apply_relation(query, scored, snapshot.elements)
        best = max((s for _, s in scored), default=0.0)
        if best < MIN_SCORE:
            return []
        return [el for el, _ in _drop_nested([(el, s) for el, s in scored if s >= best * 0.85])]

    def fit(self, intent: Intent, snapshot: Snapshot, element: Element) -> float:
        """How well one element fits the step's description (0..1); the engine uses it to
        refuse a fingerprint relocation that no longer fits what the step says."""
        query = parse_target(intent.target)
        scored = [(element, self._score(query, intent, element, machine_names=False))]
        try:
            return self._apply_relation(query, scored, snapshot.elements)[0][1]
        except StepFailed:  # the relation's anchor is gone: the description no longer fits
            return 0.0

    def _score(self, query: TargetQuery, intent: Intent, el: Element,
               machine_names: bool = True) -> float:
        fp = el.fingerprint
        if query.name:
            score = name_score(query.name, el, machine_names)
            if query.quoted and normalize(query.name) not in {
                    normalize(fp.accessible_name), normalize(fp.text), normalize(fp.label)}:
                score *= 0.8
        else:
            score = 0.6  # "the checkbox": only the kind and relations decide
        if query.role:
            score *= _kind_fit(query.role, el)
        score *= _action_fit(intent.action, el)
        if intent.action is Action.EXPECT_TEXT and intent.value:
            score *= 1.0 if contains_phrase(fp.text + " " + el.container, intent.value) else 0.7
        if query.colour:
            score *= colour_fit(query.colour, fp)
        if el.disabled and not intent.is_check:
            score *= 0.6
        return score

    def _apply_relation(self, query: TargetQuery, scored: list[tuple[Element, float]],
                        elements: list[Element]) -> list[tuple[Element, float]]:
        if not query.relation:
            return scored
        if query.relation == "container":
            return [(el, s if contains_phrase(el.container, query.anchor) else s * 0.2)
                    for el, s in scored]
        if query.relation == "region":
            return [(el, s if _in_region(query, el.fingerprint) else s * 0.4) for el, s in scored]
        anchor_query = parse_target(query.anchor)
        anchors = sorted(((el, name_score(anchor_query.name, el)
                           * (_kind_fit(anchor_query.role, el) if anchor_query.role else 1.0))
                          for el in elements), key=lambda p: -p[1])
        if not anchors or anchors[0][1] < MIN_SCORE:
            raise StepFailed(f"cannot find {query.anchor!r} to look {query.relation} it")
        anchor = anchors[0][0]
        return [(el, s * direction_fit(query.relation, el.fingerprint, anchor.fingerprint))
                if el is not anchor else (el, 0.0) for el, s in scored]

    def _pick_ordinal(self, query: TargetQuery,
                      scored: list[tuple[Element, float]]) -> Resolution:
        best = scored[0][1]
        group = _drop_nested([(el, s) for el, s in scored if s >= best * 0.85])
        group.sort(key=lambda p: (p[0].fingerprint.y, p[0].fingerprint.x))
        n = query.ordinal
        if n > len(group):
            raise StepFailed(f"asked for number {n} but only {len(group)} elements match"
                             + _listing(group))
        element, score = group[n - 1] if n > 0 else group[-1]
        return Resolution(element=element, confidence=round(min(1.0, score), 3),
                          reason=f"local: ordinal {n} of {len(group)}", candidates=group[:5])


def _in_region(query: TargetQuery, fp: Fingerprint) -> bool:
    """"in the Groceries section": under that heading or landmark; "in the footer": inside
    that kind of landmark."""
    context = tokens(fp.landmark + " " + fp.heading)
    if query.anchor:
        return tokens(query.anchor) <= context
    wanted = REGION_LANDMARKS.get(query.extra.get("region", ""), set())
    return bool(wanted & set(normalize(fp.landmark).split()))


def _drop_nested(pairs: list[tuple[Element, float]]) -> list[tuple[Element, float]]:
    """A label and its control, or a button and its inner text, count as one element: keep
    the more specific (the control, or the outer interactive element)."""
    kept: list[tuple[Element, float]] = []
    for el, s in pairs:
        twin = next((i for i, (k, _) in enumerate(kept) if _same_thing(k, el)), None)
        if twin is None:
            kept.append((el, s))
        elif _prefer(el, kept[twin][0]):
            kept[twin] = (el, max(s, kept[twin][1]))
    return kept


def _same_thing(a: Element, b: Element) -> bool:
    fa, fb = a.fingerprint, b.fingerprint
    if fa.frame != fb.frame:
        return False
    if fb.xpath.startswith(fa.xpath + "/") or fa.xpath.startswith(fb.xpath + "/"):
        return True
    label_pair = {fa.tag, fb.tag} & {"label"} and (
        (fa.tag == "label" and normalize(fa.text) == normalize(fb.label))
        or (fb.tag == "label" and normalize(fb.text) == normalize(fa.label)))
    return bool(label_pair)


def _prefer(candidate: Element, current: Element) -> bool:
    rank = {"input": 3, "select": 3, "textarea": 3, "button": 2, "a": 2}
    return rank.get(candidate.fingerprint.tag, 1 if candidate.interactive else 0) > rank.get(
        current.fingerprint.tag, 1 if current.interactive else 0)


def _by_hint(pairs: list[tuple[Element, float]], hint: Fingerprint) -> list[tuple[Element, float]]:
    """Break a tie with the element's old fingerprint; still refuse when it does not decide."""
    from replaywright.match import Matcher

    result = Matcher().match(hint, [el.fingerprint for el, _ in pairs])
    if result.index is not None and result.confident:
        return [pairs[result.index]]
    return pairs


def _listing(pairs: list[tuple[Element, float]]) -> str:
    return "".join(f"\n  - {el.summary()} at ({el.fingerprint.x:.0f}, {el.fingerprint.y:.0f})"
                   f" score {s:.2f}" for el, s in pairs[:5])


def _closest(scored: list[tuple[Element, float]]) -> str:
    near = [(el, s) for el, s in scored[:3] if s > 0.05]
    return ("; closest:" + _listing(near)) if near else ""
