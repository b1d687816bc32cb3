"""The team cache on PostgreSQL (psycopg 3, sync): `postgresql://user@host/db[?schema=name]`.

Versioned migrations are applied on open, under an advisory lock so that concurrent
openers (several runners, the server) migrate once. A small built-in connection pool lets
the server's worker threads query in parallel.

The non-standard `schema` query parameter selects (and creates) a schema; tests use it to
work in a throwaway schema.
"""

from __future__ import annotations

import os
import queue
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from replaywright.cache.sql import RUNS_SCHEMA, SQLStore, _Cursor, utc
from replaywright.cache.store import CacheConfigError, CacheError


class StoreUnavailable(CacheError):
    """The database could not be reached for this request; the next one reconnects."""

MIGRATIONS: list[tuple[int, str]] = [
    (1, """
CREATE TABLE entries (
    org          TEXT NOT NULL DEFAULT '',
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    flow         TEXT NOT NULL DEFAULT '',
    step         TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    last_used_at TIMESTAMPTZ NOT NULL,
    hits         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org, scope, key)
);
CREATE INDEX entries_last_used ON entries (org, last_used_at);
CREATE TABLE meta (
    org   TEXT NOT NULL DEFAULT '',
    name  TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (org, name)
);
CREATE TABLE orgs (
    name       TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    org        TEXT NOT NULL REFERENCES orgs (name),
    hash       TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
)
"""),
    (2, RUNS_SCHEMA.replace("TIMESTAMP", "TIMESTAMPTZ")),
]

_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_LOCK_ID = 0x7265706C  # "repl": advisory lock key for migrations


def split_url(url: str) -> tuple[str, str | None]:
    """(connection URL without `schema=`, schema or None)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), None)
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    if schema is not None and not _SCHEMA_NAME.match(schema):
        raise CacheConfigError(f"invalid schema name {schema!r} in the cache URL: letters, "
                               "digits and _, at most 63, not starting with a digit")
    scheme = "postgresql" if parts.scheme in {"postgres", "postgresql"} else parts.scheme
    return urlunsplit((scheme, parts.netloc, parts.path, rest, parts.fragment)), schema


class PostgresStore(SQLStore):
    """Cache entries in PostgreSQL. At open, a database that is not there, a refused login
    or an unusable schema is a `CacheConfigError`; later, a dropped connection is a
    `StoreUnavailable` for that call only."""

    _for_update = " FOR UPDATE"

    def __init__(self, url: str, org: str = "", pool_size: int = 4,
                 connect_timeout: float = 10) -> None:
        import psycopg

        self._psycopg = psycopg
        self.url, self.schema = split_url(url)
        self.org = org
        self._pool: queue.LifoQueue[Any] = queue.LifoQueue()
        self._all: list[Any] = []
        self._size = max(1, pool_size)
        self._lock = threading.Lock()
        self._timeout = connect_timeout
        self._closed = False
        try:
            with self._conn() as conn:
                self._migrate(conn)
        except (CacheError, psycopg.Error) as exc:
            self._close()
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CacheConfigError(detail if isinstance(exc, CacheError) else
                                   f"cannot use PostgreSQL at {_redact(self.url)}: {detail}"
                                   ) from None

    # -- connections --------------------------------------------------------------------

    def _connect(self) -> Any:
        try:
            conn = self._psycopg.connect(self.url, autocommit=True,
                                         connect_timeout=int(self._timeout),
                                         application_name=f"replaywright-{os.getpid()}")
        except self._psycopg.OperationalError as exc:
            raise CacheConfigError(f"cannot connect to PostgreSQL at {_redact(self.url)}: "
                                   f"{str(exc).strip().splitlines()[0]}") from exc
        if self.schema:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
            conn.execute(f'SET search_path TO "{self.schema}"')
        return conn

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        if self._closed:
            raise CacheError("the PostgreSQL cache store is closed")
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            with self._lock:
                grow = len(self._all) < self._size
                if grow:
                    conn = self._connect()
                    self._all.append(conn)
            if not grow:
                conn = self._pool.get(timeout=60)
        broken = False
        try:
            yield conn
        except (self._psycopg.OperationalError, self._psycopg.InterfaceError) as exc:
            # the server dropped the connection (restart, terminated backend): the idle
            # ones are as stale, so they go too; this request fails (the team server
            # answers 503), the next one connects afresh
            broken = True
            self._drop_idle()
            raise StoreUnavailable(f"PostgreSQL at {_redact(self.url)} dropped the "
                                   f"connection: {str(exc).strip().splitlines()[0]}") from exc
        finally:
            if broken or conn.closed:
                with self._lock:
                    if conn in self._all:
                        self._all.remove(conn)
                conn.close()
            else:
                self._pool.put(conn)

    def _drop_idle(self) -> None:
        while True:
            try:
                idle = self._pool.get_nowait()
            except queue.Empty:
                return
            with self._lock:
                if idle in self._all:
                    self._all.remove(idle)
            idle.close()

    @contextmanager
    def _tx(self, write: bool = True) -> Iterator[_Cursor]:
        with self._conn() as conn, conn.transaction(), conn.cursor() as cur:
            yield _Cursor(cur, qmark=False)

    def _migrate(self, conn: Any) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                         " version INTEGER PRIMARY KEY,"
                         " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
            for version, script in MIGRATIONS:
                if version in done:
                    continue
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))

    @property
    def schema_version(self) -> int:
        with self._tx() as cur:
            return cur.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]

    def _ts(self, dt: datetime) -> Any:
        return utc(dt)

    def _close(self) -> None:
        self._closed = True
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()

    def drop_schema(self) -> None:
        """Drop this store's schema (tests); only allowed when a schema was given."""
        if not self.schema:
            raise CacheError("refusing to drop: no schema= in the URL")
        with self._conn() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
