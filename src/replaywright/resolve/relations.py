"""Relations between elements on a snapshot: the row, item or card around an element,
landmarks and named regions, nesting, and which of two nested candidates stands for both."""

from __future__ import annotations

import re

from replaywright.browser.snapshot import Element, Snapshot
from replaywright.model import Fingerprint
from replaywright.resolve.describe import Reading
from replaywright.resolve.kinds import (
    ITEM_ROLES,
    kind_fit,
    region_matches,
)
from replaywright.resolve.scoring import Candidate
from replaywright.resolve.text import (
    contains_phrase,
    machine_words,
    normalize,
    phrase_score,
    recall,
)


def clicked_inside(chosen: Candidate, reading: Reading, snapshot: Snapshot) -> Candidate:
    """"Click the Horsepower column header": a person clicks the one link or button inside
    a header, cell or text they name, or the button an icon they name sits in (a row, item
    or section named is clicked itself)."""
    el = chosen.element
    if not snapshot.has_tree:
        return chosen
    if el.interactive:
        return _words_inside(_shown_twin(chosen, snapshot), snapshot)
    if reading.kind in {"row", "item", "table", "list", "dialog", "section"}:
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


def scrolled_to(chosen: Candidate, snapshot: Snapshot) -> Candidate:
    """"Scroll to the Schemas section": a person scrolls to where it starts, the header
    inside it that carries its name (a long section would otherwise be scrolled to its
    middle)."""
    el = chosen.element
    name = normalize(el.fingerprint.accessible_name)
    if not el.structure or not name or not snapshot.has_tree:
        return chosen
    headers = [e for e in snapshot.elements if e is not el and not e.hidden
               and snapshot.contains(el.node, e.node)
               and (e.fingerprint.role == "heading" or e.expanded is not None)
               and normalize(e.fingerprint.accessible_name) == name]
    if not headers:
        return chosen
    inner = max(headers, key=lambda e: e.node)
    if any(not snapshot.contains(h.node, inner.node) for h in headers if h is not inner):
        return chosen  # two headers of that name side by side: the section itself
    return Candidate(inner, chosen.score, f"{chosen.why}, its header")


_TAB_BAR = re.compile(r"(^|[\s_-])tabs?([\s_-]|$)|tablist|tabbed", re.I)
_PANEL = re.compile(r"panel|content|pane\b|body", re.I)


def in_tab_bar(cand: Candidate, snapshot: Snapshot) -> Candidate:
    """A link in a bar whose classes say tabs (Bootstrap's `nav-tabs`, Material's
    `md-tabs`) is a tab as much as a `role=tab` is: the Query tab, not a Query button."""
    el = cand.element
    kind = kind_fit("tab", el)
    if not 0 < kind < 1:
        return cand
    for region in snapshot.region_chain(el)[:2]:
        if region.kind == "tabpanel" or _PANEL.search(region.words):
            return cand  # inside what a tab shows, not in its bar
        if _TAB_BAR.search(region.words):
            return Candidate(el, cand.score / kind, f"{cand.why}, in a tab bar")
    return cand


def other_icons(el: Element, start: int, end: int, snapshot: Snapshot) -> bool:
    """Does the part of the page from node `start` to `end` show another icon than `el`?"""
    return any(start <= e.node < end and e is not el and not e.hidden
               and not snapshot.contains(e.node, el.node) and not snapshot.contains(el.node, e.node)
               and kind_fit("icon", e) >= 0.9 and (e.interactive or e.fingerprint.tag in
                                                   {"svg", "img", "i"})
               for e in snapshot.elements)


def _words_inside(chosen: Candidate, snapshot: Snapshot) -> Candidate:
    """A clickable list item or row whose words all sit in one text inside it (Quasar's
    `q-item` around its label): the click lands on that text, as a recording would say."""
    el = chosen.element
    if el.fingerprint.role not in {"listitem", "row"}:
        return chosen
    words = normalize(el.fingerprint.text)
    inner = [e for e in snapshot.elements if e is not el and not e.interactive and not e.hidden
             and snapshot.contains(el.node, e.node) and normalize(e.fingerprint.text) == words]
    if not words or not inner:
        return chosen
    deepest = max(inner, key=lambda e: e.node)
    return Candidate(deepest, chosen.score, f"{chosen.why}, its words")


_CHROME = {"complementary", "navigation"}


def main_over_chrome(cands: list[Candidate], snapshot: Snapshot) -> list[Candidate]:
    """Of equal candidates, the one page's main content holds, when every other lies in the
    site's sidebar or navigation: "the search box" on an images listing is the listing's
    own search, not the sidebar's site-wide one."""
    def landmarks(c: Candidate) -> set[str]:
        return {r.kind for r in snapshot.region_chain(c.element)}
    inside = [c for c in cands if "main" in landmarks(c)]
    if len(inside) != 1:
        return cands
    others = [landmarks(c) for c in cands if c is not inside[0]]
    return inside if all(k & _CHROME and "main" not in k for k in others) else cands


def _shown_twin(chosen: Candidate, snapshot: Snapshot) -> Candidate:
    """An icon-only toggle beside a toggle that shows its words (Swagger UI's arrow next to
    the "GET /pet/{petId} Find pet by ID" bar) does what that one does: a person clicks
    the one they can read."""
    el, fp = chosen.element, chosen.element.fingerprint
    parent = snapshot.parents.get(el.node, -1)
    if el.expanded is None or fp.text.strip() or parent < 0:
        return chosen
    twins = [e for e in snapshot.elements
             if e is not el and e.interactive and not e.hidden and e.expanded is not None
             and snapshot.parents.get(e.node, -2) == parent
             and contains_phrase(e.fingerprint.text, fp.accessible_name)]
    if len(twins) != 1:
        return chosen
    return Candidate(twins[0], chosen.score, f"{chosen.why}, the toggle beside it that shows "
                                             "those words")


def by_position(n: int, kind: str, scored: list[Candidate],
                 snapshot: Snapshot) -> list[Candidate]:
    """The candidates inside the n-th container (row, item, card ...) that holds any."""
    by_node = snapshot.by_node()
    groups: dict[int, list[Candidate]] = {}
    for cand in scored:
        node = container_of(cand.element, kind, snapshot, by_node)
        if node is not None:
            groups.setdefault(node, []).append(cand)
    order = sorted(groups)  # pre-order ids: document order
    if not order or n > len(order) or -n > len(order):
        return []
    chosen = order[n - 1] if n > 0 else order[n]
    return groups[chosen]


ROW_WORDS = {"row", "line", "record", "entry", "result", "item", "list item", "task", "todo",
              "to-do", "comment", "message", "post", "product"}


def container_of(el: Element, kind: str, snapshot: Snapshot,
                  by_node: dict[int, Element]) -> int | None:
    """The nearest container of that kind around the element: a row or list item for "row",
    "item" and the like (a header row does not count), else a region whose class words
    name the kind ("card", "panel", "tile")."""
    rows = kind in ROW_WORDS
    for node in snapshot.ancestors(el.node):
        item = by_node.get(node)
        if rows and item is not None and item.fingerprint.role in ITEM_ROLES:
            return None if "/thead[" in item.fingerprint.xpath else node
        region = snapshot.regions.get(node)
        if region is not None and kind and kind.split()[-1] in region.words.lower():
            return node
    return None


def anchor_elements(text: str, snapshot: Snapshot) -> list[Element]:
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


def whole_around(chosen: Candidate, kind: str, snapshot: Snapshot) -> Candidate | None:
    """The nearest element of `kind` holding the chosen one (None when there is none)."""
    holders = [e for e in snapshot.elements if e is not chosen.element and kind_fit(kind, e) >= 0.9
               and snapshot.contains(e.node, chosen.element.node)]
    if not holders:
        return None
    nearest = max(holders, key=lambda e: e.node)
    return Candidate(nearest, chosen.score, f"the {kind} around {chosen.why}")


def nested(snapshot: Snapshot, a: Element, b: Element) -> bool:
    """One inside the other (an icon in its button): one control, not two."""
    return snapshot.contains(a.node, b.node) or snapshot.contains(b.node, a.node)


def common_ancestor(snapshot: Snapshot, a: int, b: int) -> int:
    if a < 0 or b < 0:
        return -1
    node = a
    while node >= 0 and not snapshot.contains(node, b):
        node = snapshot.parents.get(node, -1)
    return node


def in_region(reading: Reading, el: Element, snapshot: Snapshot) -> bool:
    """"in the sidebar", "in the breadcrumbs": inside such a landmark or region;
    "in the Filters section": inside a region of that name, or under that heading."""
    chain = snapshot.region_chain(el)
    fp = el.fingerprint
    if reading.region and reading.region != "section":
        fits = [r for r in chain if region_matches(reading.region, r.kind, r.words, r.name)]
        if not fits and snapshot.has_tree and not page_has_region(reading.region, snapshot):
            return placed(reading.region, fp)  # no such region in the markup: where it is
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
    return region_named(name, el, snapshot) or contains_phrase(fp.landmark, name)


def page_has_region(kind: str, snapshot: Snapshot) -> bool:
    return any(region_matches(kind, r.kind, r.words, r.name) for r in snapshot.regions.values())


def placed(kind: str, fp: Fingerprint) -> bool:
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


def region_named(name: str, el: Element, snapshot: Snapshot) -> bool:
    return any(is_named(name, r.name) or recall(name, r.name + " " + machine_words(r.words))
               >= 0.99 for r in snapshot.region_chain(el)) or \
        phrase_score(name, el.fingerprint.heading) >= 0.8


def is_named(wanted: str, name: str) -> bool:
    return bool(name) and (phrase_score(wanted, name) >= 0.8 or contains_phrase(name, wanted))


def same_thing(snapshot: Snapshot, a: Element, b: Element) -> bool:
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


def drop_nested(cands: list[Candidate], snapshot: Snapshot) -> list[Candidate]:
    """Of a button and the text inside it keep the button; of a row and its cell, the one
    that scored better; of a label and its control, the control. Linear in the tree."""
    if not snapshot.has_tree:
        kept: list[Candidate] = []
        for cand in sorted(cands, key=lambda c: -c.score):
            twin = next((i for i, k in enumerate(kept)
                         if same_thing(snapshot, k.element, cand.element)), None)
            if twin is None:
                kept.append(cand)
            elif prefer(cand, kept[twin], snapshot):
                kept[twin] = merge_pair(cand, kept[twin])
        return kept
    # a label and the control it labels are one: keep the control
    labels = {id(snapshot.elements[c.element.control]): c for c in cands
              if c.element.control is not None}
    present = {id(c.element) for c in cands}
    merged = [merge_pair(c, labels[id(c.element)]) if id(c.element) in labels else c
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
            result[nest] = (merge_pair(cand, current) if prefer(cand, current, snapshot)
                            else merge_pair(current, cand))
            continue
        result.append(cand)
        stack.append((len(result) - 1, cand.element.node))
    return sorted(result, key=lambda c: -c.score)


def merge_pair(winner: Candidate, loser: Candidate) -> Candidate:
    return Candidate(winner.element, max(winner.score, loser.score), winner.why)


def prefer(candidate: Candidate, current: Candidate, snapshot: Snapshot) -> bool:
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


def by_hint(cands: list[Candidate], hint: Fingerprint) -> list[Candidate]:
    """Break a tie with the element's old fingerprint; still refuse when it does not decide."""
    from replaywright.match import Matcher

    result = Matcher().match(hint, [c.element.fingerprint for c in cands])
    if result.index is not None and result.confident:
        return [cands[result.index]]
    return cands
