"""Snapshots of the live page: every visible interactive or text-bearing element, across
frames and open shadow roots, each with its fingerprint and a way to act on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import ElementHandle, Frame, Page

from replaywright.match.fingerprint import Fingerprint

SNAPSHOT_JS = files("replaywright.browser").joinpath("snapshot.js").read_text(encoding="utf-8")


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

    async def handle(self) -> ElementHandle:
        handle = await self.frame.evaluate_handle("i => window.__rwEls[i]", self.index)
        element = handle.as_element()
        if element is None:
            raise RuntimeError("snapshot element is gone")
        return element

    def summary(self) -> str:
        return summary(self.fingerprint)


@dataclass
class Snapshot:
    url: str
    title: str
    elements: list[Element]

    @property
    def fingerprints(self) -> list[Fingerprint]:
        return [e.fingerprint for e in self.elements]


def _element(raw: dict[str, Any], frame: Frame, index: int) -> Element:
    return Element(
        fingerprint=Fingerprint.model_validate(raw),
        frame=frame,
        index=index,
        container=raw.get("container", ""),
        interactive=raw.get("interactive", False),
        disabled=raw.get("disabled", False),
        checked=raw.get("checked"),
        options=raw.get("options", []),
    )


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


async def take_snapshot(page: Page) -> Snapshot:
    elements: list[Element] = []
    title, url = "", page.url
    for frame in page.frames:
        if frame.is_detached():
            continue
        try:
            offset = await _offset(frame, page)
            if offset is None:
                continue
            result = await frame.evaluate(SNAPSHOT_JS, {
                "offsetX": offset[0], "offsetY": offset[1], "frame": frame_id(frame)})
        except Exception:  # a frame navigating away or cross-origin without access
            if frame.parent_frame is None:
                raise
            continue
        if frame.parent_frame is None:
            title, url = result["title"], result["url"]
        elements.extend(_element(raw, frame, i) for i, raw in enumerate(result["elements"]))
    return Snapshot(url=url, title=title, elements=elements)


async def describe(handle: ElementHandle, frame: Frame) -> Element:
    """One element as a snapshot would see it (no neighbour signals): the replay fast path's
    check. It is acted on through `handle`, not through its index."""
    offset = await _offset(frame, frame.page) or (0.0, 0.0)
    raw = await frame.evaluate(SNAPSHOT_JS, {"offsetX": offset[0], "offsetY": offset[1],
                                             "frame": frame_id(frame), "target": handle})
    return _element(raw, frame, -1)
