"""The cache as one run uses it: where entries are read and written, whether a finished run
may write, and what happens when the cache fails on the way.

A cache that fails during a run — the team server gone, a damaged file, a database that
dropped its connections — never fails the run: the first fault is noted, the run continues
without the cache, and the summary says so (`cache_note`). A read-only cache is replayed
from without touches or saves. A save is reported only when the store accepted every write
(a SQLite file deleted during the run refuses them: `CacheGone`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from replaywright.cache.entry import CacheEntry
from replaywright.cache.git import DEFAULT_SCOPE, CacheScope, finish, lookup
from replaywright.cache.policy import DEFAULT_TTL_DAYS, SaveDecision
from replaywright.cache.store import CacheError, CorruptEntry, Store, VersionConflict
from replaywright.model import utcnow


def _always_save(passed: bool) -> SaveDecision:
    return SaveDecision(passed, "saved" if passed else "not saved: the run failed")


@dataclass
class Pending:
    """An entry resolved or healed by this run, written only if the run may save."""

    entry: CacheEntry
    expected_version: int  # compare-and-set: the version read (0: must not exist yet)


@dataclass
class CachePlan:
    """Where entries are read from and written to, and whether a finished run may write."""

    store: Store | None = None
    scope: CacheScope = field(default_factory=lambda: CacheScope(read=[DEFAULT_SCOPE],
                                                                 write=DEFAULT_SCOPE))
    decide: Callable[[bool], SaveDecision] = _always_save
    enabled: bool = True
    ttl_days: int | None = DEFAULT_TTL_DAYS
    #: Why the cache is not used (any more) in this run, when it failed.
    unavailable: str | None = None
    _secret: bytes | None = field(default=None, repr=False)

    @property
    def usable(self) -> bool:
        return self.store is not None and self.enabled and self.unavailable is None

    @property
    def read_only(self) -> bool:
        return self.store is not None and getattr(self.store, "read_only", False)

    def fault(self, exc: CacheError) -> None:
        """Stop using the cache for the rest of the run, keeping the first reason."""
        if self.unavailable is None:
            self.unavailable = f"cache unavailable ({exc}); continuing without it"

    def key_secret(self) -> bytes:
        """The store's key secret (an HMAC key). Without a usable store, a throwaway one: a
        key made with it matches nothing, and says nothing about the values it covers."""
        if self._secret is None:
            if self.usable:
                assert self.store is not None
                try:
                    self._secret = self.store.key_secret()
                except CacheError as exc:
                    self.fault(exc)
            if self._secret is None:
                self._secret = secrets.token_bytes(32)
        return self._secret

    def lookup(self, key: str) -> CacheEntry | None:
        """The entry for `key`, or None; `CorruptEntry` is the engine's to report."""
        if not self.usable or self.store is None:
            return None
        try:
            return lookup(self.store, self.scope, key, ttl_days=self.ttl_days)
        except CorruptEntry:
            raise
        except CacheError as exc:
            self.fault(exc)
            return None

    def touch(self, entry: CacheEntry) -> None:
        """Count a replay of `entry` (not on a read-only cache)."""
        if not self.usable or self.read_only:
            return
        assert self.store is not None
        try:
            self.store.touch(entry.scope, entry.key, utcnow())
        except CacheError as exc:
            self.fault(exc)

    def commit(self, passed: bool, pending: Iterable[Pending]) -> tuple[bool, str]:
        """Write this run's new and healed entries if it may; (saved, what the summary
        says)."""
        pending = list(pending)
        if self.store is None or not self.enabled:
            return False, self.unavailable or "cache off"
        if self.unavailable:
            return False, self.unavailable + ("; nothing saved" if pending else "")
        decision = self.decide(passed)
        if self.read_only:
            return False, ("the cache is read-only: replayed from it, nothing recorded"
                           + (" or saved" if pending and decision.save else ""))
        if not decision.save:
            return False, decision.reason if pending else "nothing new to save"
        written = proposed = 0
        try:
            for item in pending:
                try:
                    self.store.put(item.entry, expected_version=item.expected_version)
                except VersionConflict:
                    continue  # another run wrote the same step first; its entry stands
                if item.entry.is_proposal:
                    proposed += 1
                else:
                    written += 1
            finish(self.store, self.scope)  # on main: carry what was read into this commit
        except CacheError as exc:
            before = f"; {written} of {len(pending)} entries were written before" if written \
                else ""
            return False, f"not saved: {exc}{before}"
        if not pending:
            return False, "nothing new to save"
        why = decision.reason.removeprefix("saved: ").removeprefix("saved")
        parts = [f"{written} entr{'y' if written == 1 else 'ies'}"] if written or not proposed \
            else []
        if proposed:
            parts.append(f"{proposed} heal proposal{'s' if proposed != 1 else ''}")
        return written + proposed > 0, (f"saved {' and '.join(parts)}"
                                        + (f" ({why})" if why else ""))
