"""What the SQL backends (SQLite, PostgreSQL) share: queries, CAS, decoding, tokens.

Every row carries an organisation (`org`). A local store uses org "" and never sees the
column; the team server opens one store and works through `for_org(org)` views, so the org
is part of every key it reads or writes.

Subclasses provide `_tx()` (a context manager yielding a `_Cursor` inside one transaction)
and `_ts(dt)` (how a timestamp is passed to the driver). Queries are written with `?`
placeholders; the PostgreSQL cursor rewrites them to `%s`.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from replaywright.cache.entry import CacheEntry
from replaywright.cache.store import CacheError, CorruptEntry, OnCorrupt, VersionConflict
from replaywright.model import utcnow

TOKEN_PREFIX = "rwt_"
PAGE = 500
#: Metadata names under this prefix are the store's own (its key secret): never listed,
#: read or written through the metadata calls, so neither `cache` commands nor the team
#: server's metadata API can hand them out.
RESERVED_META = "secret:"
KEY_SECRET_META = RESERVED_META + "keys"

#: Run records and schedules (`replaywright.runs`) live beside the cache entries, in the same
#: database and under the same organisations. Each backend's migration replaces TIMESTAMP
#: with its own type. `body` is the record as JSON; the other columns are what is queried.
RUNS_SCHEMA = """
CREATE TABLE runs (
    org         TEXT NOT NULL DEFAULT '',
    id          TEXT NOT NULL,
    flow        TEXT NOT NULL,
    status      TEXT NOT NULL,
    attempt     INTEGER NOT NULL DEFAULT 0,
    queued_at   TIMESTAMP NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (org, id)
);
CREATE INDEX runs_flow ON runs (org, flow, queued_at);
CREATE INDEX runs_queued ON runs (org, queued_at);
CREATE TABLE schedules (
    org           TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL,
    paused        INTEGER NOT NULL DEFAULT 0,
    anchor_at     TIMESTAMP NOT NULL,
    fired         INTEGER NOT NULL DEFAULT 0,
    body          TEXT NOT NULL,
    PRIMARY KEY (org, name)
)
"""


def hash_token(token: str) -> str:
    """How API tokens are stored: SHA-256 of the secret (tokens are 256-bit random, so a
    fast hash is enough; the secret itself is never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


def utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _clean(text: str) -> str:
    """Column copies of free text: PostgreSQL TEXT cannot hold NUL (the JSON body can)."""
    return text.replace("\x00", "\ufffd")


class _Cursor:
    """A DB-API cursor that accepts `?` placeholders whatever the driver."""

    def __init__(self, cursor: Any, qmark: bool) -> None:
        self._cur, self._qmark = cursor, qmark

    def execute(self, sql: str, args: tuple | list = ()) -> _Cursor:
        self._cur.execute(sql if self._qmark else sql.replace("?", "%s"), tuple(args))
        return self

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cur.fetchall()

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount


class SQLStore:
    """Shared implementation of the `Store` protocol plus organisations and API tokens."""

    org: str = ""
    read_only: bool = False
    _view: bool = False
    _for_update: str = ""
    _key_secret: bytes | None = None

    # -- subclass hooks ---------------------------------------------------------------------

    def _tx(self, write: bool = True) -> AbstractContextManager[_Cursor]:  # pragma: no cover
        """One transaction; `write=False` lets SQLite readers run beside a writer."""
        raise NotImplementedError

    def _ts(self, dt: datetime) -> Any:
        return utc(dt).isoformat()

    def _close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- for the other tables of this database (run records, schedules) -----------------------

    def transaction(self, write: bool = True) -> AbstractContextManager[_Cursor]:
        """One transaction on this store's database, `?` placeholders whatever the driver."""
        return self._tx(write)

    def timestamp(self, dt: datetime) -> Any:
        """A datetime as this driver stores it."""
        return self._ts(dt)

    @property
    def row_lock(self) -> str:
        """Appended to a SELECT whose row the same transaction then updates."""
        return self._for_update

    # -- organisations ----------------------------------------------------------------------

    def for_org(self, org: str) -> SQLStore:
        """A view of this store that reads and writes only `org`'s rows (shares the
        connection; closing a view does nothing)."""
        view = copy.copy(self)
        view.org, view._view, view._key_secret = org, True, None
        return view

    # -- decoding ---------------------------------------------------------------------------

    @staticmethod
    def _decode(scope: str, key: str, body: str, version: int, hits: int,
                last_used: Any) -> CacheEntry:
        try:
            entry = CacheEntry.model_validate_json(body)
        except (ValidationError, ValueError, TypeError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise CorruptEntry(scope, key, detail) from exc
        if isinstance(last_used, str):
            last_used = datetime.fromisoformat(last_used)
        return entry.model_copy(update={
            "scope": scope, "key": key, "version": version, "hits": hits,
            "last_used_at": utc(last_used),
        })

    # -- the Store protocol -----------------------------------------------------------------

    def get(self, scope: str, key: str) -> CacheEntry | None:
        with self._tx(write=False) as cur:
            row = cur.execute(
                "SELECT body, version, hits, last_used_at FROM entries"
                " WHERE org=? AND scope=? AND key=?", (self.org, scope, key),
            ).fetchone()
        return None if row is None else self._decode(scope, key, *row)

    def put(self, entry: CacheEntry, expected_version: int | None = None) -> CacheEntry:
        """Insert or replace atomically; with `expected_version`, only if nobody wrote since
        (0 means the entry must not exist yet)."""
        for _ in range(20):
            try:
                return self._put_once(entry, expected_version)
            except _Retry:
                continue
        raise VersionConflict(f"entry {entry.key!r}: too much concurrent writing")

    def _put_once(self, entry: CacheEntry, expected_version: int | None) -> CacheEntry:
        now = utcnow()
        with self._tx() as cur:
            row = cur.execute(
                "SELECT version FROM entries WHERE org=? AND scope=? AND key=?"
                + self._for_update, (self.org, entry.scope, entry.key),
            ).fetchone()
            current = row[0] if row else 0
            if expected_version is not None and current != expected_version:
                raise VersionConflict(
                    f"entry {entry.key!r} is at version {current}, expected {expected_version}"
                )
            stored = entry.model_copy(update={"version": current + 1, "updated_at": now})
            cols = (_clean(stored.flow), _clean(stored.step), stored.model_dump_json(),
                    stored.version, self._ts(stored.last_used_at), stored.hits)
            if row is None:
                # ON CONFLICT DO NOTHING: a concurrent insert of the same key (possible on
                # PostgreSQL under READ COMMITTED) makes this a conflict, not a lost write.
                done = cur.execute(
                    "INSERT INTO entries (org, scope, key, flow, step, body, version,"
                    " last_used_at, hits) VALUES (?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT (org, scope, key) DO NOTHING RETURNING version",
                    (self.org, stored.scope, stored.key, *cols),
                ).fetchone()
            else:
                done = cur.execute(
                    "UPDATE entries SET flow=?, step=?, body=?, version=?, last_used_at=?,"
                    " hits=? WHERE org=? AND scope=? AND key=? AND version=? RETURNING version",
                    (*cols, self.org, stored.scope, stored.key, current),
                ).fetchone()
            if done is None:
                if expected_version is not None:
                    raise VersionConflict(
                        f"entry {entry.key!r} was written concurrently"
                        f" (expected version {expected_version})"
                    )
                raise _Retry
        return stored

    def touch(self, scope: str, key: str, at: datetime) -> None:
        with self._tx() as cur:
            cur.execute(
                "UPDATE entries SET last_used_at=?, hits=hits+1"
                " WHERE org=? AND scope=? AND key=?", (self._ts(at), self.org, scope, key),
            )

    def delete(self, scope: str, key: str) -> bool:
        with self._tx() as cur:
            n = cur.execute("DELETE FROM entries WHERE org=? AND scope=? AND key=?",
                            (self.org, scope, key)).rowcount
        return n > 0

    def page(self, scope: str | None = None, after: tuple[str, str] | None = None,
             limit: int = PAGE) -> list[tuple]:
        """Raw rows (scope, key, body, version, hits, last_used_at) in (scope, key) order,
        starting after `after`; the building block of `entries` and the server's listing."""
        query = "SELECT scope, key, body, version, hits, last_used_at FROM entries WHERE org=?"
        args: list[Any] = [self.org]
        if scope is not None:
            query += " AND scope=?"
            args.append(scope)
        if after is not None:
            query += " AND (scope > ? OR (scope = ? AND key > ?))"
            args += [after[0], after[0], after[1]]
        query += " ORDER BY scope, key LIMIT ?"
        args.append(limit)
        with self._tx(write=False) as cur:
            return list(cur.execute(query, args).fetchall())

    def entries(self, scope: str | None = None, *,
                on_corrupt: OnCorrupt | None = None) -> Iterator[CacheEntry]:
        after: tuple[str, str] | None = None
        while True:
            rows = self.page(scope, after)
            for row in rows:
                try:
                    yield self._decode(*row)
                except CorruptEntry as exc:
                    if on_corrupt is None:
                        raise
                    on_corrupt(exc)
            if len(rows) < PAGE:
                return
            after = (rows[-1][0], rows[-1][1])

    def purge(self, unused_since: datetime) -> int:
        with self._tx() as cur:
            return cur.execute("DELETE FROM entries WHERE org=? AND last_used_at < ?",
                               (self.org, self._ts(unused_since))).rowcount

    def scopes(self) -> list[str]:
        with self._tx(write=False) as cur:
            rows = cur.execute("SELECT DISTINCT scope FROM entries WHERE org=? ORDER BY scope",
                               (self.org,)).fetchall()
        return [r[0] for r in rows]

    def copy_scope(self, src: str, dst: str, overwrite: bool = False) -> int:
        """Copy every entry of `src` into `dst` (new rows start at version 1 and keep their
        last-used time, so expiry still applies); existing keys of `dst` are kept unless
        `overwrite`. Returns the number of rows written."""
        if src == dst:
            return 0
        with self._tx() as cur:
            if overwrite:
                cur.execute(
                    "DELETE FROM entries WHERE org=? AND scope=? AND key IN"
                    " (SELECT key FROM entries WHERE org=? AND scope=?)",
                    (self.org, dst, self.org, src),
                )
            return cur.execute(
                "INSERT INTO entries (org, scope, key, flow, step, body, version,"
                " last_used_at, hits) SELECT org, ?, key, flow, step, body, 1, last_used_at, 0"
                " FROM entries WHERE org=? AND scope=?"
                " ON CONFLICT (org, scope, key) DO NOTHING",
                (dst, self.org, src),
            ).rowcount

    def delete_scope(self, scope: str) -> int:
        with self._tx() as cur:
            return cur.execute("DELETE FROM entries WHERE org=? AND scope=?",
                               (self.org, scope)).rowcount

    def get_meta(self, name: str) -> str | None:
        if name.startswith(RESERVED_META):
            return None
        return self._meta(name)

    def _meta(self, name: str) -> str | None:
        with self._tx(write=False) as cur:
            row = cur.execute("SELECT value FROM meta WHERE org=? AND name=?",
                              (self.org, name)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, name: str, value: str) -> None:
        if name.startswith(RESERVED_META):
            raise CacheError(f"metadata names starting with {RESERVED_META!r} are reserved")
        with self._tx() as cur:
            cur.execute(
                "INSERT INTO meta (org, name, value) VALUES (?,?,?)"
                " ON CONFLICT (org, name) DO UPDATE SET value=excluded.value",
                (self.org, name, value),
            )

    def list_meta(self, prefix: str = "") -> dict[str, str]:
        with self._tx(write=False) as cur:
            rows = cur.execute("SELECT name, value FROM meta WHERE org=? ORDER BY name",
                               (self.org,)).fetchall()
        return {n: v for n, v in rows
                if n.startswith(prefix) and not n.startswith(RESERVED_META)}

    def key_secret(self) -> bytes:
        """This organisation's key secret, made on first use (the first writer wins a
        race). A read-only store without one gets a throwaway secret: nothing in it was
        keyed with a secret, and nothing will be written."""
        if self._key_secret is None:
            value = self._meta(KEY_SECRET_META)
            if value is None and self.read_only:
                return secrets.token_bytes(32)
            if value is None:
                with self._tx() as cur:
                    cur.execute("INSERT INTO meta (org, name, value) VALUES (?,?,?)"
                                " ON CONFLICT (org, name) DO NOTHING",
                                (self.org, KEY_SECRET_META, secrets.token_hex(32)))
                value = self._meta(KEY_SECRET_META)
            assert value is not None
            self._key_secret = bytes.fromhex(value)
        return self._key_secret

    def close(self) -> None:
        if not self._view:
            self._close()

    # -- API tokens (used by the team server and `replaywright serve token ...`) --------------

    def create_token(self, org: str, label: str = "") -> tuple[str, str]:
        """Create an organisation (if new) and a token for it. Returns (token id, secret);
        only the SHA-256 of the secret is stored, so the secret is shown once."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token_id = secrets.token_hex(6)
        now = self._ts(utcnow())
        with self._tx() as cur:
            cur.execute("INSERT INTO orgs (name, created_at) VALUES (?,?)"
                        " ON CONFLICT (name) DO NOTHING", (org, now))
            cur.execute("INSERT INTO tokens (id, org, hash, label, created_at)"
                        " VALUES (?,?,?,?,?)", (token_id, org, hash_token(secret), label, now))
        return token_id, secret

    def revoke_token(self, token: str) -> bool:
        """Revoke by token id or by the secret itself. Returns whether one was revoked."""
        now = self._ts(utcnow())
        with self._tx() as cur:
            return cur.execute(
                "UPDATE tokens SET revoked_at=? WHERE revoked_at IS NULL AND (id=? OR hash=?)",
                (now, token, hash_token(token)),
            ).rowcount > 0

    def list_tokens(self, org: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT id, org, label, created_at, revoked_at FROM tokens"
        args: tuple = ()
        if org is not None:
            query, args = query + " WHERE org=?", (org,)
        with self._tx(write=False) as cur:
            rows = cur.execute(query + " ORDER BY org, created_at", args).fetchall()
        return [{"id": r[0], "org": r[1], "label": r[2], "created_at": str(r[3]),
                 "revoked": r[4] is not None} for r in rows]

    def authenticate(self, secret: str) -> str | None:
        """The organisation of a valid, unrevoked token, else None."""
        found = self.token_owner(secret)
        return None if found is None else found[0]

    def token_owner(self, secret: str) -> tuple[str, str, str] | None:
        """(organisation, token id, label) of a valid, unrevoked token, else None."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        with self._tx(write=False) as cur:
            row = cur.execute("SELECT org, id, label FROM tokens"
                              " WHERE hash=? AND revoked_at IS NULL",
                              (hash_token(secret),)).fetchone()
        return None if row is None else (row[0], row[1], row[2])


class _Retry(Exception):
    """An unconditional put lost a race with a concurrent insert; the caller retries."""
