"""What one cached step holds. Pure data: stores persist it, the engine fills it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from replaywright.model import Fingerprint, Selector, Usage, utcnow

#: The scopes where heals waiting for review are kept (`replaywright.cache.proposals`).
REVIEW_SCOPE_PREFIX = "review:"


class HistoryItem(BaseModel):
    """A superseded element record, kept when a step heals."""

    at: datetime = Field(default_factory=utcnow)
    reason: str = ""
    fingerprint: Fingerprint | None = None
    selectors: list[Selector] = Field(default_factory=list)


class CacheEntry(BaseModel):
    """One step's recorded resolution: the element, how to find it fast, and readable code."""

    key: str
    scope: str = "default"
    flow: str = ""
    step: str = ""
    action: str = ""
    fingerprint: Fingerprint | None = None
    selectors: list[Selector] = Field(default_factory=list)
    code: str = ""
    resolver: str = ""
    usage: Usage = Field(default_factory=Usage)
    data: dict = Field(default_factory=dict)
    history: list[HistoryItem] = Field(default_factory=list)
    hits: int = 0
    heals: int = 0
    version: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime = Field(default_factory=utcnow)

    @property
    def is_proposal(self) -> bool:
        """A heal waiting for review, not (yet) part of the cache."""
        return self.scope.startswith(REVIEW_SCOPE_PREFIX)

    def healed(self, fingerprint: Fingerprint, selectors: list[Selector], reason: str,
               code: str, usage: Usage) -> CacheEntry:
        """A copy re-pointed at a new element, the old one kept in history."""
        old = HistoryItem(reason=reason, fingerprint=self.fingerprint, selectors=self.selectors)
        return self.model_copy(update={
            "fingerprint": fingerprint,
            "selectors": selectors,
            "code": code,
            "usage": usage,
            "history": [*self.history, old][-20:],
            "heals": self.heals + 1,
            "updated_at": utcnow(),
        })
