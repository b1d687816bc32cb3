"""Snapshots of the live page: every visible interactive or text-bearing element, across
frames and open shadow roots, each with its fingerprint and a way to act on it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import ElementHandle, Frame, Locator, Page
from pydantic import ValidationError

from replaywright.browser.inpage import DEFINE_JS, walk
from replaywright.model import Fingerprint

#: The replay fast path's look, run on what a locator finds: the one element described and
#: kept aside for the handle the action needs (the count alone when it is not one).
_FIND_JS = """(found, arg) => {
  if (found.length !== 1) return JSON.stringify({count: found.length});
  if (!window.__rwWalk) return null;
  window.__rwFound = found[0];
  return JSON.stringify(window.__rwWalk({...arg, target: found[0]}));
}"""
_TAKE_FOUND_JS = "() => { const found = window.__rwFound; delete window.__rwFound; return found; }"


def frame_id(frame: Frame) -> str:
    """How a fingerprint names its frame: '' for the main frame, else the URL without query."""
    if frame.parent_frame is None:
        return ""
    parts = urlsplit(frame.url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else frame.url


def summary(fp: Fingerprint) -> str:
    """A short human description of an element, e.g. `<button role=button> 'Sign in'`."""
    name = fp.accessible_name or fp.text or fp.label or fp.placeholder or fp.id
    role = f" role={fp.role}" if fp.role else ""
    return f"<{fp.tag}{role}> {name[:60]!r}"


@dataclass
class Element:
    """One element of a snapshot."""

    fingerprint: Fingerprint
    frame: Frame
    index: int
    container: str = ""
    interactive: bool = False
    disabled: bool = False
    checked: bool | None = None
    options: list[str] = field(default_factory=list)
    #: Kept though Playwright would not call it visible: a native control behind its visible
    #: label, or a control shown on hover. Acting on it goes through the label or a hover.
    hidden: bool = False
    #: A row, list item, table, dialog ...: a candidate for checks and an anchor for relations.
    structure: bool = False
    #: Words an icon-only control shows: CSS glyphs, icon class names, svg symbol names.
    icon: str = ""
    expanded: str | None = None
    haspopup: str = ""
    editable: bool = False
    #: The id and name of the hidden native control a script widget replaces (CodeMirror's
    #: text box over ``<textarea id="sql-editor" style="display:none">``): its machine words.
    replaces: str = ""
    node: int = -1  # position in the snapshot's element tree (pre-order, across frames)
    region: int = -1  # innermost landmark or named region around it (a node id), -1 if none
    control: int | None = None  # for a <label>: the snapshot index of the control it labels
    #: A <label> whose control is hidden: the label is the widget people see and click
    #: (a styled tab, toggle or button over a hidden radio or checkbox).
    stands_in: bool = False

    async def handle(self) -> ElementHandle:
        handle = await self.frame.evaluate_handle("i => window.__rwEls[i]", self.index)
        element = handle.as_element()
        if element is None:
            raise RuntimeError("snapshot element is gone")
        return element

    def summary(self) -> str:
        return summary(self.fingerprint)


@dataclass
class Region:
    """A landmark (by tag or role) or a region named by its class words (`breadcrumbs`,
    `sidebar`, `toolbar`) around some elements."""

    kind: str  # landmark role or tag; "" when only class words make it a region
    name: str  # aria-label, or its first heading / legend / caption
    words: str  # class and id
    parent: int  # enclosing region's node id, -1 if none


@dataclass
class Snapshot:
    url: str
    title: str
    elements: list[Element]
    #: The element tree around the described elements (pre-order node ids across frames):
    #: node -> parent, node -> end of its subtree; b lies inside a when a <= b < end[a].
    parents: dict[int, int] = field(default_factory=dict)
    ends: dict[int, int] = field(default_factory=dict)
    regions: dict[int, Region] = field(default_factory=dict)
    #: node -> (tag and classes, how many siblings share that shape)
    shapes: dict[int, tuple[str, int]] = field(default_factory=dict)
    #: Every element of the page, and how many of them could be a step's target; a focused
    #: snapshot describes only some of those.
    nodes: int = 0
    candidates: int = 0
    focused: bool = False

    @property
    def fingerprints(self) -> list[Fingerprint]:
        return [e.fingerprint for e in self.elements]

    @property
    def has_tree(self) -> bool:
        return bool(self.ends)

    def contains(self, outer: int, inner: int) -> bool:
        """Is node `inner` inside node `outer` (or the same)?"""
        end = self.ends.get(outer)
        return end is not None and outer <= inner < end

    def ancestors(self, node: int) -> list[int]:
        """The node's ancestors, innermost first."""
        chain = []
        node = self.parents.get(node, -1)
        while node >= 0:
            chain.append(node)
            node = self.parents.get(node, -1)
        return chain

    def region_chain(self, element: Element) -> list[Region]:
        """The regions around an element, innermost first."""
        chain, current = [], element.region
        while current >= 0 and current in self.regions:
            chain.append(self.regions[current])
            current = self.regions[current].parent
        return chain

    def child_towards(self, outer: int, inner: int) -> int:
        """The child of `outer` that holds `inner` (`inner` itself when it is one)."""
        node = inner
        while node >= 0 and self.parents.get(node, -1) != outer:
            node = self.parents.get(node, -1)
        return node

    def other_items(self, common: int, a: int, b: int) -> bool:
        """Do `a` and `b` sit in two different items of one list under `common` (two rows,
        two cards, two list items alike), rather than in one item? Cells of one row are one
        item; so are the parts of an item that repeats itself."""
        side_a, side_b = self.child_towards(common, a), self.child_towards(common, b)
        if side_a < 0 or side_b < 0 or side_a == side_b:
            return False
        shape_a, shape_b = self.shapes.get(side_a), self.shapes.get(side_b)
        if shape_a is None or shape_a[0] != (shape_b or ("", 0))[0]:
            return False
        if shape_a[0].split(".")[0] in {"td", "th"}:
            return False
        return self.shapes.get(common, ("", 1))[1] <= 1

    def by_node(self) -> dict[int, Element]:
        return {e.node: e for e in self.elements}


ITEM_ROLES = {"row", "listitem", "article", "option", "treeitem", "gridcell"}


def _element(raw: dict[str, Any], frame: Frame, index: int, offset: int = 0,
             control_base: int = 0) -> Element:
    control = raw.get("control_of")
    return Element(
        fingerprint=Fingerprint.model_validate(raw),
        frame=frame,
        index=index,
        container=raw.get("container", ""),
        interactive=raw.get("interactive", False),
        disabled=raw.get("disabled", False),
        checked=raw.get("checked"),
        options=raw.get("options", []),
        hidden=raw.get("hidden", False),
        structure=raw.get("structure", False),
        icon=raw.get("icon", ""),
        expanded=raw.get("expanded"),
        haspopup=raw.get("haspopup") or "",
        editable=raw.get("editable", False),
        replaces=raw.get("replaces", ""),
        node=raw["node"] + offset if "node" in raw else -1,
        region=raw["region"] + offset if raw.get("region", -1) >= 0 else -1,
        control=control + control_base if isinstance(control, int) and control >= 0 else None,
    )


def _containers(snapshot: Snapshot) -> None:
    """Each element's container text: its nearest row / list item / article."""
    items = {e.node: e for e in snapshot.elements if e.fingerprint.role in ITEM_ROLES}
    for element in snapshot.elements:
        for node in snapshot.ancestors(element.node):
            item = items.get(node)
            if item is not None:
                fp = item.fingerprint
                element.container = fp.text or fp.accessible_name
                break


async def _offset(frame: Frame, page: Page) -> tuple[float, float] | None:
    """Page coordinates of a child frame's top-left corner; None when the frame is hidden."""
    if frame.parent_frame is None:
        return 0.0, 0.0
    element = await frame.frame_element()
    box = await element.bounding_box()
    if box is None:
        return None
    scroll = await page.evaluate("[scrollX, scrollY]")
    return box["x"] + scroll[0], box["y"] + scroll[1]


@dataclass(frozen=True)
class Focus:
    """What a step could mean, to describe only the elements that might fit it: elements
    whose words contain one of `words` or `phrases` (lower case), or whose role or tag is
    in `kinds` (`*interactive`: every control; `*iconic`: controls without words); plus the
    rows and items around them and the controls their labels stand for."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    #: Every reading names a container ("in the row with X"): only the part of the page
    #: around the phrases is described.
    scoped: bool = False

    def as_arg(self) -> dict[str, Any]:
        return {"words": list(self.words), "phrases": list(self.phrases),
                "kinds": list(self.kinds), "scoped": self.scoped}


async def take_snapshot(page: Page, focus: Focus | None = None) -> Snapshot:
    """The elements of every frame of the page; with `focus`, only those that might fit."""
    elements: list[Element] = []
    snapshot = Snapshot(url=page.url, title="", elements=elements, focused=focus is not None)
    for frame in page.frames:
        if frame.is_detached():
            continue
        try:
            offset = await _offset(frame, page)
            if offset is None:
                continue
            arg: dict[str, Any] = {"offsetX": offset[0], "offsetY": offset[1],
                                   "frame": frame_id(frame)}
            if focus is not None:
                arg["focus"] = focus.as_arg()
            result = await walk(frame, arg)
        except Exception:  # a frame navigating away or cross-origin without access
            if frame.parent_frame is None:
                raise
            continue
        if frame.parent_frame is None:
            snapshot.title, snapshot.url = result["title"], result["url"]
        base_node, base = snapshot.nodes, len(elements)
        for node, (parent, end, shape, alike) in result["nodes"].items():
            snapshot.parents[int(node) + base_node] = parent + base_node if parent >= 0 else -1
            snapshot.ends[int(node) + base_node] = end + base_node
            snapshot.shapes[int(node) + base_node] = (shape, alike)
        for node, (kind, name, words, parent) in result["regions"].items():
            snapshot.regions[int(node) + base_node] = Region(
                kind, name, words, parent + base_node if parent >= 0 else -1)
        snapshot.nodes += result["count"]
        snapshot.candidates += result["candidates"]
        for i, raw in enumerate(result["elements"]):
            try:
                elements.append(_element(raw, frame, i, base_node, base))
            except ValidationError:  # a page's oddity must not end the run: skip the element
                elements.append(_element({"node": raw.get("node", -1)}, frame, i, base_node,
                                         base))
    for element in elements:
        if element.control is not None:
            element.stands_in = elements[element.control].hidden
    _containers(snapshot)
    return snapshot


async def _one_element_arg(frame: Frame) -> dict[str, Any]:
    """The walk's argument for describing one element of `frame` in page coordinates."""
    offset = await _offset(frame, frame.page) or (0.0, 0.0)
    return {"offsetX": offset[0], "offsetY": offset[1], "frame": frame_id(frame)}


async def describe(handle: ElementHandle, frame: Frame) -> Element:
    """One element as a snapshot would see it (no neighbour signals), e.g. the one an
    `expect:` locator names. It is acted on through `handle`, not through its index."""
    raw = await walk(frame, {**await _one_element_arg(frame), "target": handle})
    return _element(raw, frame, -1)


async def find_one(locator: Locator, frame: Frame) -> tuple[ElementHandle, Element] | None:
    """The one element `locator` finds in `frame`, described as `describe` would: a cached
    step's lookup and check in one page call, plus one for the handle it acts through.
    None when the locator finds no element or several."""
    arg = await _one_element_arg(frame)
    raw = await locator.evaluate_all(_FIND_JS, arg)
    if raw is None:  # a document the context's init script did not reach
        await frame.evaluate(DEFINE_JS)
        raw = await locator.evaluate_all(_FIND_JS, arg)
    data = json.loads(raw)
    if "count" in data:
        return None
    handle = (await frame.evaluate_handle(_TAKE_FOUND_JS)).as_element()
    if handle is None:  # the document changed between the two calls
        return None
    return handle, _element(data, frame, -1)


async def shared(frame: Frame, role: str, name: str) -> bool:
    """Do two elements of `frame` carry this role and accessible name, as a snapshot reads
    them? A role selector made of them finds no single element, and Playwright need not
    count it: on a big page its count reads every button's labels."""
    return bool((await walk(frame, {"shared": {"role": role, "name": name}}))["shared"])
