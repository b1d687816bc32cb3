"""The default, embedded cache: one SQLite file, WAL journal, one transaction per write."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from replaywright.cache.entry import CacheEntry, utcnow
from replaywright.cache.store import CorruptEntry, VersionConflict

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    flow         TEXT NOT NULL DEFAULT '',
    step         TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    last_used_at TEXT NOT NULL,
    hits         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS entries_last_used ON entries (last_used_at);
"""


class SQLiteStore:
    """Cache entries in a local SQLite database (default `.replaywright/cache.db`)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None,
                                   timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def _decode(self, scope: str, key: str, body: str, version: int, hits: int,
                last_used: str) -> CacheEntry:
        try:
            entry = CacheEntry.model_validate_json(body)
        except ValidationError as exc:
            raise CorruptEntry(scope, key, str(exc).splitlines()[0]) from exc
        return entry.model_copy(update={
            "version": version, "hits": hits, "last_used_at": datetime.fromisoformat(last_used),
        })

    def get(self, scope: str, key: str) -> CacheEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT body, version, hits, last_used_at FROM entries WHERE scope=? AND key=?",
                (scope, key),
            ).fetchone()
        return None if row is None else self._decode(scope, key, *row)

    def put(self, entry: CacheEntry, expected_version: int | None = None) -> CacheEntry:
        """Insert or replace atomically; with `expected_version`, only if nobody wrote since."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT version FROM entries WHERE scope=? AND key=?",
                    (entry.scope, entry.key),
                ).fetchone()
                current = row[0] if row else 0
                if expected_version is not None and current != expected_version:
                    raise VersionConflict(
                        f"entry {entry.key!r} is at version {current}, expected {expected_version}"
                    )
                stored = entry.model_copy(update={"version": current + 1, "updated_at": utcnow()})
                self._db.execute(
                    "INSERT INTO entries (scope, key, flow, step, body, version, last_used_at, hits)"
                    " VALUES (?,?,?,?,?,?,?,?)"
                    " ON CONFLICT(scope, key) DO UPDATE SET flow=excluded.flow,"
                    " step=excluded.step, body=excluded.body, version=excluded.version,"
                    " last_used_at=excluded.last_used_at, hits=excluded.hits",
                    (stored.scope, stored.key, stored.flow, stored.step,
                     stored.model_dump_json(), stored.version,
                     stored.last_used_at.isoformat(), stored.hits),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return stored

    def touch(self, scope: str, key: str, at: datetime) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE entries SET last_used_at=?, hits=hits+1 WHERE scope=? AND key=?",
                (at.isoformat(), scope, key),
            )

    def delete(self, scope: str, key: str) -> bool:
        with self._lock:
            cur = self._db.execute("DELETE FROM entries WHERE scope=? AND key=?", (scope, key))
        return cur.rowcount > 0

    def entries(self, scope: str | None = None) -> Iterator[CacheEntry]:
        query = "SELECT scope, key, body, version, hits, last_used_at FROM entries"
        args: tuple = ()
        if scope is not None:
            query, args = query + " WHERE scope=?", (scope,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY scope, flow, key", args).fetchall()
        for row in rows:
            yield self._decode(*row)

    def purge(self, unused_since: datetime) -> int:
        with self._lock:
            cur = self._db.execute(
                "DELETE FROM entries WHERE last_used_at < ?", (unused_since.isoformat(),)
            )
        return cur.rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()
