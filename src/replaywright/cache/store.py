"""The interface every cache backend implements, and its errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Protocol, runtime_checkable

from replaywright.cache.entry import CacheEntry


class CacheError(Exception):
    """Base class of cache failures."""


class VersionConflict(CacheError):
    """Someone else wrote the entry since it was read (compare-and-set failed)."""


class CorruptEntry(CacheError):
    """A stored row could not be decoded; it is reported, never silently dropped."""

    def __init__(self, scope: str, key: str, detail: str) -> None:
        super().__init__(f"cache entry {key!r} in scope {scope!r} is corrupt: {detail}")
        self.scope, self.key, self.detail = scope, key, detail


class Unauthorized(CacheError):
    """The cache server refused the token (missing, unknown or revoked)."""


OnCorrupt = Callable[[CorruptEntry], None]


@runtime_checkable
class Store(Protocol):
    """A cache backend. Writes are atomic per entry; `put` with `expected_version` is a CAS.

    - `get` returns None for a missing entry and raises `CorruptEntry` for an undecodable row.
    - `put(entry, expected_version)` stores `entry` under (entry.scope, entry.key) and returns
      it with its new version (previous + 1, starting at 1). With `expected_version` it only
      writes if the stored version is exactly that (0 = "must not exist yet"), else raises
      `VersionConflict`.
    - `touch` marks an entry used (last-used time, hit count); missing entries are ignored.
    - `entries` raises `CorruptEntry` on a bad row unless `on_corrupt` is given, in which
      case bad rows are reported to it and skipped.
    """

    def get(self, scope: str, key: str) -> CacheEntry | None: ...

    def put(self, entry: CacheEntry, expected_version: int | None = None) -> CacheEntry: ...

    def touch(self, scope: str, key: str, at: datetime) -> None: ...

    def delete(self, scope: str, key: str) -> bool: ...

    def entries(self, scope: str | None = None, *,
                on_corrupt: OnCorrupt | None = None) -> Iterable[CacheEntry]: ...

    def purge(self, unused_since: datetime) -> int: ...

    def scopes(self) -> list[str]: ...

    def copy_scope(self, src: str, dst: str, overwrite: bool = False) -> int: ...

    def delete_scope(self, scope: str) -> int: ...

    def get_meta(self, name: str) -> str | None: ...

    def set_meta(self, name: str, value: str) -> None: ...

    def list_meta(self, prefix: str = "") -> dict[str, str]: ...

    def close(self) -> None: ...
