"""Phrasings that pick one element ("the second Edit link", "the Delete button in the row
with "carol""), used to list candidates when a step is refused."""

from __future__ import annotations

from replaywright.browser.snapshot import Element, Snapshot
from replaywright.resolve.kinds import (
    ITEM_ROLES,
    is_editable,
    region_matches,
)
from replaywright.resolve.scoring import Candidate, reading_order
from replaywright.resolve.text import (
    normalize,
)

ROLE_WORD = {"button": "button", "link": "link", "checkbox": "checkbox", "radio": "radio",
              "textbox": "field", "searchbox": "field", "combobox": "dropdown",
              "listbox": "dropdown", "heading": "heading", "img": "image", "tab": "tab",
              "switch": "switch", "menuitem": "menu item", "row": "row", "listitem": "item",
              "option": "option", "cell": "cell", "columnheader": "column header"}


ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                  "eighth", "ninth", "tenth"]


def phrasing(el: Element, peers: list[Element], snapshot: Snapshot) -> str:
    """A description that would pick this element and not its peers."""
    fp = el.fingerprint
    kind = ROLE_WORD.get(fp.role, "field" if is_editable(fp, el.editable) else "element")
    name = (fp.accessible_name or fp.text or fp.label or fp.caption or fp.placeholder
            or fp.title)[:40]
    base = f'the "{name}" {kind}' if name else f"the {kind}"
    others = [p for p in peers if p is not el]
    row = row_words(el, snapshot)
    if row and not any(row == row_words(p, snapshot) for p in others):
        return f'{base} in the row with "{row}"'
    region = region_label(el, snapshot)
    if region and not any(region == region_label(p, snapshot) for p in others):
        return f"{base} in the {region}"
    order = sorted([el, *others], key=reading_order)
    n = order.index(el)
    word = "last" if n == len(order) - 1 and n >= len(ORDINAL_WORDS) else (
        ORDINAL_WORDS[n] if n < len(ORDINAL_WORDS) else f"number {n + 1}")
    return base.replace("the ", f"the {word} ", 1)


#: Region words a phrasing may use, most specific first.
REGION_LABELS = ("breadcrumbs", "dialog", "sidebar", "toolbar", "filters", "pagination",
                  "header", "footer", "navigation", "menu", "tabs", "form", "table")


def region_label(el: Element, snapshot: Snapshot) -> str:
    """How a person would name the region around an element: `"Advanced" section`,
    `sidebar`, `breadcrumbs`."""
    for region in snapshot.region_chain(el):
        if region.name and region.kind in {"section", "region", "fieldset", "form", "dialog",
                                           "group", "article"}:
            return f'"{region.name[:40]}" section'
        for label in REGION_LABELS:
            if region_matches(label, region.kind, region.words, region.name):
                return label
    return ""


#: A header cell holds its column's controls (a sort link, a menu icon) with its name.
_HEADER_CELLS = {"columnheader", "rowheader"}


def container_words(el: Element, snapshot: Snapshot) -> tuple[Element | None, str]:
    """The row or item around the element, and its first words other than the element's
    own ("Milk" for the Delete button of the Milk row)."""
    item, words = item_words(el, snapshot)
    return item, words[0] if words else ""


def item_words(el: Element, snapshot: Snapshot, limit: int = 4,
               itself: bool = False) -> tuple[Element | None, list[str]]:
    """The row or item around the element (or, with `itself`, the element when it is one)
    and up to `limit` of its texts other than the element's own, in page order: the first
    that no other item holds names the item."""
    if not snapshot.has_tree:
        return None, []
    own = "" if itself else normalize(el.fingerprint.accessible_name or el.fingerprint.text)
    by_node = {e.node: e for e in snapshot.elements}
    for node in ([el.node] if itself else []) + snapshot.ancestors(el.node):
        item = by_node.get(node)
        role = item.fingerprint.role if item is not None else ""
        if item is None or role not in ITEM_ROLES | _HEADER_CELLS:
            continue
        found: list[str] = []
        for other in snapshot.elements:
            if other is el or not snapshot.contains(node, other.node) or other.structure:
                continue
            words = other.fingerprint.text.strip()
            if (words and normalize(words) != own and len(words) <= 40
                    and words not in found):
                found.append(words)
                if len(found) == limit:
                    break
        if found or role in ITEM_ROLES:  # a header cell without words: its row says
            return item, found
    return None, []


def row_words(el: Element, snapshot: Snapshot) -> str:
    return container_words(el, snapshot)[1]


def listing(cands: list[Candidate], snapshot: Snapshot) -> str:
    elements = [c.element for c in cands[:5]]
    return "".join(
        f"\n  - {c.element.summary()} at ({c.element.fingerprint.x:.0f}, "
        f"{c.element.fingerprint.y:.0f}), score {c.score:.2f}: say "
        f"'{phrasing(c.element, elements, snapshot)}'" for c in cands[:5])


def closest_listing(ranked: list[Candidate], snapshot: Snapshot) -> str:
    near = [c for c in ranked[:3] if c.score > 0.05]
    return ("; closest:" + listing(near, snapshot)) if near else ""
