"""Heals waiting for review (`--heal review`): a run that heals a step acts on the healed
element but leaves the cache entry as it was, and stores a *proposal* instead — the new
element beside the old one — for a person to accept or reject (`replaywright heals …`).

A proposal is itself an entry, in the scope ``review:<scope of the entry>`` and keyed
``<entry key>.<proposal id>``, so it lives wherever the cache does (SQLite, PostgreSQL, the
team server, per organisation) and is written by the same compare-and-set commit as the
run's other entries: two runs proposing the same heal make one proposal. Accepting applies
it with compare-and-set against the entry version it was proposed on: a proposal made
stale by a newer entry is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from replaywright.cache.entry import REVIEW_SCOPE_PREFIX, CacheEntry
from replaywright.cache.review_files import fingerprint_summary
from replaywright.cache.store import Store, VersionConflict
from replaywright.errors import ReplaywrightError
from replaywright.model import Fingerprint, Selector


class ProposalError(ReplaywrightError):
    """A proposal that cannot be accepted or found; the message says why and what to do."""


def review_scope(scope: str) -> str:
    return REVIEW_SCOPE_PREFIX + scope


def proposal_id(key: str, version: int, fingerprint: Fingerprint,
                selectors: list[Selector]) -> str:
    """Stable for the same heal of the same entry version: a second run proposing it adds
    nothing (the element's identity counts, not where it sat on the page this time)."""
    who = (fingerprint.tag, fingerprint.role, fingerprint.accessible_name, fingerprint.id,
           fingerprint.test_id, fingerprint.xpath)
    text = "|".join([key, str(version), *who, *(s.model_dump_json() for s in selectors)])
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def propose(old: CacheEntry, healed: CacheEntry, *, page_url: str, reason: str,
            confidence: float | None, image: str | None) -> CacheEntry:
    """The proposal entry for healing `old` into `healed` (neither is written here)."""
    assert healed.fingerprint is not None
    pid = proposal_id(old.key, old.version, healed.fingerprint, healed.selectors)
    about: dict[str, Any] = {
        "id": pid, "entry_key": old.key, "entry_scope": old.scope,
        "base_version": old.version, "page_url": page_url, "reason": reason,
        "confidence": confidence,
        "old": {"fingerprint": old.fingerprint.model_dump(mode="json")
                if old.fingerprint else None,
                "selectors": [s.model_dump() for s in old.selectors], "code": old.code,
                "image": old.data.get("image")},
    }
    return healed.model_copy(update={
        "key": f"{old.key}.{pid}", "scope": review_scope(old.scope), "history": [],
        "version": 0, "hits": 0,
        "data": {"proposal": about, **({"image": image} if image else {})}})


@dataclass
class Proposal:
    entry: CacheEntry

    @property
    def about(self) -> dict[str, Any]:
        return dict(self.entry.data.get("proposal") or {})

    @property
    def id(self) -> str:
        return str(self.about.get("id", ""))

    def old_summary(self) -> str:
        raw = self.about.get("old", {}).get("fingerprint")
        return fingerprint_summary(Fingerprint.model_validate(raw) if raw else None)

    def new_summary(self) -> str:
        return fingerprint_summary(self.entry.fingerprint)


def pending(store: Store) -> list[Proposal]:
    """Every proposal waiting for review, oldest first."""
    found = [Proposal(e) for scope in store.scopes() if scope.startswith(REVIEW_SCOPE_PREFIX)
             for e in store.entries(scope)]
    return sorted((p for p in found if p.id), key=lambda p: (p.entry.created_at, p.id))


def find(store: Store, pid: str) -> Proposal:
    """The proposal with this id (or a unique prefix of it)."""
    matches = [p for p in pending(store) if p.id.startswith(pid)]
    if len(matches) != 1:
        raise ProposalError((f"no heal proposal {pid!r}" if not matches else
                             f"{pid!r} is the start of {len(matches)} proposals; give more "
                             "of it") + " (`replaywright heals ls` lists them)")
    return matches[0]


def accept(store: Store, proposal: Proposal) -> CacheEntry:
    """Apply the heal to its entry with compare-and-set, then drop the proposal. A proposal
    whose entry changed since it was made (another heal accepted, a newer run) is stale:
    refused, and kept for the reviewer to reject."""
    about = proposal.about
    current = store.get(about["entry_scope"], about["entry_key"])
    stale = ProposalError(
        f"heal proposal {proposal.id} is stale: the entry for {proposal.entry.step!r} changed "
        "since it was proposed (another heal was accepted or a newer run saved it); reject "
        f"it (`replaywright heals reject {proposal.id}`) and run the flow again to propose "
        "afresh")
    if current is None or current.version != about["base_version"]:
        raise stale
    assert proposal.entry.fingerprint is not None
    healed = current.healed(proposal.entry.fingerprint, proposal.entry.selectors,
                            f"heal {proposal.id} accepted in review: {about.get('reason', '')}",
                            proposal.entry.code, current.usage)
    image = proposal.entry.data.get("image")
    if image:
        healed = healed.model_copy(update={"data": {**current.data, "image": image}})
    try:
        written = store.put(healed, expected_version=current.version)
    except VersionConflict:
        raise stale from None
    reject(store, proposal)
    return written


def reject(store: Store, proposal: Proposal) -> None:
    if not store.delete(proposal.entry.scope, proposal.entry.key):
        raise ProposalError(f"heal proposal {proposal.id} is already gone")

