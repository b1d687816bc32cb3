"""The interface every cache backend implements, and its errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from replaywright.cache.entry import CacheEntry
from replaywright.errors import ConfigError, ReplaywrightError


class CacheError(ReplaywrightError):
    """Base class of cache failures. During a run, one of these never fails the run: the
    cache is reported unavailable and the run continues without it."""


class CacheConfigError(CacheError, ConfigError):
    """The cache cannot be used as configured (bad URL, refused token, unreachable server or
    database at start, a path that is a directory): exit code 2 before anything runs."""


class CacheDamaged(CacheError):
    """The store's file or database is damaged (a truncated SQLite file, garbage in its
    pages). Reported once; a run continues without the cache, and `replaywright cache
    doctor` rescues every readable entry."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class ReadOnlyCache(CacheError):
    """The store cannot be written (a read-only file): it can still be replayed from."""


class CacheGone(CacheError):
    """The store's file was deleted or replaced while it was open: nothing written now
    would be kept."""


class VersionConflict(CacheError):
    """Someone else wrote the entry since it was read (compare-and-set failed)."""


class CorruptEntry(CacheError):
    """A stored row could not be decoded; it is reported, never silently dropped."""

    def __init__(self, scope: str, key: str, detail: str, message: str | None = None) -> None:
        super().__init__(message or f"cache entry {key!r} in scope {scope!r} is corrupt: {detail}")
        self.scope, self.key, self.detail = scope, key, detail


class Unauthorized(CacheConfigError):
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
      case bad rows are reported to it and skipped (a damaged file is reported once, and
      every row that can still be read is yielded).
    - `key_secret` is the secret the store's step keys are made with (an HMAC key, made on
      first use). It is never listed with the metadata or the entries.
    - `read_only` stores replay but take no touches or writes.
    """

    read_only: bool

    def key_secret(self) -> bytes: ...

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
