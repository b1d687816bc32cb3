"""The default, embedded cache: one SQLite file, WAL journal, one transaction per write."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from replaywright.cache.sql import SQLStore, _Cursor

# Versioned migrations, applied in order on open; `PRAGMA user_version` records the last one.
MIGRATIONS: list[tuple[int, str]] = [
    (1, """
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
CREATE INDEX IF NOT EXISTS entries_last_used ON entries (last_used_at)
"""),
    # organisations: the org becomes part of every row's key; metadata; API tokens
    (2, """
CREATE TABLE entries_v2 (
    org          TEXT NOT NULL DEFAULT '',
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    flow         TEXT NOT NULL DEFAULT '',
    step         TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    last_used_at TEXT NOT NULL,
    hits         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org, scope, key)
);
INSERT INTO entries_v2 (org, scope, key, flow, step, body, version, last_used_at, hits)
    SELECT '', scope, key, flow, step, body, version, last_used_at, hits FROM entries;
DROP TABLE entries;
ALTER TABLE entries_v2 RENAME TO entries;
CREATE INDEX entries_last_used ON entries (org, last_used_at);
CREATE TABLE meta (
    org   TEXT NOT NULL DEFAULT '',
    name  TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (org, name)
);
CREATE TABLE orgs (
    name       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    org        TEXT NOT NULL REFERENCES orgs (name),
    hash       TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    revoked_at TEXT
)
"""),
]


class SQLiteStore(SQLStore):
    """Cache entries in a local SQLite database (default `.replaywright/cache.db`)."""

    def __init__(self, path: str | Path, org: str = "") -> None:
        self.path = Path(path)
        self.org = org
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None,
                                   timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._migrate()

    def _migrate(self) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                current = self._db.execute("PRAGMA user_version").fetchone()[0]
                for version, script in MIGRATIONS:
                    if version <= current:
                        continue
                    for statement in script.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version={version}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._db.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def _tx(self, write: bool = True) -> Iterator[_Cursor]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield _Cursor(self._db.cursor(), qmark=True)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _close(self) -> None:
        with self._lock:
            self._db.close()
