"""The resolver interface: a step's description + the live page in, one element out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from replaywright.browser.snapshot import Element, Snapshot
from replaywright.flow.intent import Intent
from replaywright.model import Fingerprint, Usage


@dataclass
class Resolution:
    element: Element
    confidence: float
    reason: str = ""
    usage: Usage = field(default_factory=Usage)
    candidates: list[tuple[Element, float]] = field(default_factory=list)


class Resolver(Protocol):
    """Decides which element a description means. `hint` is the element's old fingerprint
    when healing, so a resolver may use it to break ties."""

    name: str

    async def resolve(self, intent: Intent, snapshot: Snapshot, *,
                      hint: Fingerprint | None = None) -> Resolution: ...
