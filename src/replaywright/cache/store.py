"""The interface every cache backend implements, and its errors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from replaywright.cache.entry import CacheEntry


class CacheError(Exception):
    """Base class of cache failures."""


class VersionConflict(CacheError):
    """Someone else wrote the entry since it was read (compare-and-set failed)."""


class CorruptEntry(CacheError):
    """A stored row could not be decoded; it is reported, never silently dropped."""

    def __init__(self, scope: str, key: str, detail: str) -> None:
        super().__init__(f"cache entry {key!r} in scope {scope!r} is corrupt: {detail}")
        self.scope, self.key = scope, key


class Store(Protocol):
    """A cache backend. Writes are atomic per entry; `put` with `expected_version` is a CAS."""

    def get(self, scope: str, key: str) -> CacheEntry | None: ...

    def put(self, entry: CacheEntry, expected_version: int | None = None) -> CacheEntry: ...

    def touch(self, scope: str, key: str, at: datetime) -> None: ...

    def delete(self, scope: str, key: str) -> bool: ...

    def entries(self, scope: str | None = None) -> Iterable[CacheEntry]: ...

    def purge(self, unused_since: datetime) -> int: ...

    def close(self) -> None: ...
