"""The default, embedded cache: one SQLite file, WAL journal, one transaction per write."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

from replaywright.cache.entry import CacheEntry
from replaywright.cache.sql import RUNS_SCHEMA, SQLStore, _Cursor
from replaywright.cache.store import (
    CacheConfigError,
    CacheDamaged,
    CacheError,
    CacheGone,
    CorruptEntry,
    OnCorrupt,
    ReadOnlyCache,
)

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
    (3, RUNS_SCHEMA.replace("TIMESTAMP", "TEXT")),
]


def _text(data: bytes) -> str:
    """Column text as stored; bytes that are not UTF-8 (garbage written into a row) read as
    U+FFFD instead of failing the whole query, so every other row stays readable."""
    return data.decode("utf-8", "replace")


def _while_locked(do: Callable[[], object], patience: float = 30.0) -> None:
    """Retry what SQLite refuses with "database is locked" without waiting for its busy
    timeout: switching a new file to WAL while another process (a worker and `submit`)
    opens it at the same moment."""
    deadline = time.monotonic() + patience
    pause = 0.02
    while True:
        try:
            do()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


class SQLiteStore(SQLStore):
    """Cache entries in a local SQLite database (default `.replaywright/cache.db`).

    Faults a user meets are errors with one clear line: a path that is a directory
    (`CacheConfigError`), a damaged file (`CacheDamaged`: reading goes on row by row, see
    `entries`), a read-only file (`read_only`, writes raise `ReadOnlyCache`), and a file
    deleted or replaced while open (`CacheGone`: a write would go to a file nobody sees).
    """

    def __init__(self, path: str | Path, org: str = "", read_only: bool | None = None) -> None:
        self.path = self.label = Path(path)  # `label`: the file named in messages
        self.org = org
        memory = str(path) == ":memory:"
        if not memory:
            if self.path.is_dir():
                raise CacheConfigError(f"the cache path {self.path} is a directory: give a "
                                       f"file, e.g. {self.path / 'cache.db'}")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CacheConfigError(f"cannot create the cache folder {self.path.parent}: "
                                       f"{exc.strerror}") from None
        if read_only is None:
            read_only = not memory and self.path.exists() and not os.access(self.path, os.W_OK)
        self.read_only = read_only
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False,
                                       isolation_level=None, timeout=30)
            self._db.text_factory = _text
            self._identity = None if memory else _identity(self.path)
            self._db.execute("PRAGMA busy_timeout=30000")
            if not self.read_only:
                _while_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
                self._db.execute("PRAGMA synchronous=NORMAL")
                _while_locked(self._migrate)
        except sqlite3.Error as exc:
            raise self._error(exc) from None

    def _error(self, exc: sqlite3.Error) -> CacheError:
        """What an SQLite error means for the user."""
        message = str(exc)
        if "malformed" in message or "not a database" in message:
            return CacheDamaged(f"the cache file {self.label} is damaged ({message}); "
                                "`replaywright cache doctor --repair` rescues every readable "
                                "entry", path=self.label)
        if "readonly" in message:
            return ReadOnlyCache(f"the cache file {self.label} is read-only")
        if "unable to open" in message:
            return CacheConfigError(f"cannot open the cache file {self.label}: {message}")
        return CacheError(f"cache file {self.label}: {message}")

    def _check_file(self) -> None:
        """The file this connection writes is still the one at `path`."""
        if self._identity is not None and _identity(self.path) != self._identity:
            raise CacheGone(f"the cache file {self.path} was deleted or replaced while this "
                            "run had it open; nothing was saved to it")

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
            if write:
                if self.read_only:
                    raise ReadOnlyCache(f"the cache file {self.path} is read-only")
                self._check_file()
            try:
                self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield _Cursor(self._db.cursor(), qmark=True)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._error(exc) from None
            if write:
                self._check_file()  # deleted while writing: the write is lost, say so

    def entries(self, scope: str | None = None, *,
                on_corrupt: OnCorrupt | None = None) -> Iterator[CacheEntry]:
        """Every entry; on a damaged file, the damage is reported once (to `on_corrupt`,
        else raised) and every row that can still be read is yielded, row by row."""
        seen: set[tuple[str, str]] = set()
        try:
            for entry in super().entries(scope, on_corrupt=on_corrupt):
                seen.add((entry.scope, entry.key))
                yield entry
            return
        except CacheDamaged as exc:
            if on_corrupt is None:
                raise
            damage = exc
        args: tuple[str, ...]
        where, args = "org=?", (self.org,)
        if scope is not None:
            where, args = where + " AND scope=?", (*args, scope)
        rows = self.readable_rows("entries", "scope, key, body, version, hits, last_used_at",
                                  where, args)
        lost = 0
        while True:
            try:
                row = next(rows)
            except StopIteration as done:
                lost = done.value
                break
            if (row[0], row[1]) in seen:
                continue
            try:
                yield self._decode(*row)
            except CorruptEntry as exc:
                on_corrupt(exc)
        message = str(damage) + ("; rows on its damaged pages are lost" if lost else "")
        on_corrupt(CorruptEntry("", "", "damaged file", message=message))

    def readable_rows(self, table: str, columns: str, where: str = "1",
                      args: tuple = ()) -> Generator[tuple, None, int]:
        """The rows of `table` one rowid at a time, for a damaged file: a row on a lost
        page is skipped, its neighbours are still read. Returns how many were lost."""
        query = f"SELECT {columns} FROM {table} WHERE rowid=? AND ({where})"
        with self._lock:
            try:
                top = self._db.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
            except sqlite3.Error:  # the last page is lost: bound the search by the file size
                top = self.path.stat().st_size // 64 + 1000
            lost = 0
            for rowid in range(1, top + 1):
                try:
                    row = self._db.execute(query, (rowid, *args)).fetchone()
                except sqlite3.Error:
                    lost += 1
                    continue
                if row is not None:
                    yield row
        return lost

    def damage(self) -> str | None:
        """What SQLite's own check finds wrong with the file, or None when it is sound."""
        with self._lock:
            try:
                found = [r[0] for r in self._db.execute("PRAGMA quick_check").fetchall()]
            except sqlite3.Error as exc:
                return str(exc)
        return None if found == ["ok"] else "; ".join(found[:3])

    def _close(self) -> None:
        with self._lock:
            self._db.close()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino
