"""`open_store`: one URL picks the backend behind the `Store` interface."""

from __future__ import annotations

import os
from pathlib import Path

from replaywright.cache.store import CacheConfigError, Store

CACHE_ENV = "REPLAYWRIGHT_CACHE"
TOKEN_ENV = "REPLAYWRIGHT_TOKEN"


def sqlite_path(url: str) -> str:
    """`sqlite:///rel.db` → rel.db, `sqlite:////abs/c.db` → /abs/c.db (SQLAlchemy style),
    `sqlite:c.db` → c.db; anything else is a path already."""
    if not url.startswith("sqlite:"):
        return url
    rest = url[len("sqlite:"):]
    if rest.startswith("///"):
        return rest[3:]
    if rest.startswith("//"):
        return rest[2:]
    return rest


def open_store(url: str | None = None, token: str | None = None,
               root: Path = Path(".replaywright"), org: str = "") -> Store:
    """Open a cache store.

    - None (and no `REPLAYWRIGHT_CACHE`): SQLite at `root/cache.db`;
    - a file path, `sqlite:///relative.db` or `sqlite:////absolute/cache.db`: SQLite;
    - `postgresql://user@host:5432/db[?schema=name]` (or `postgres://`): PostgreSQL;
    - `http(s)://host[:port]`: the team cache server, authenticated with `token`
      (default `REPLAYWRIGHT_TOKEN`); the server is asked who the token belongs to first,
      so a server that is down or a token it refuses is an error here, before anything runs.

    `org` picks an organisation's rows in a SQL database (workers running a team's runs);
    on the team server the token decides it.

    Errors: `CacheConfigError` (exit code 2) for a cache that cannot be used as given;
    `CacheDamaged` for a SQLite file too damaged to open.
    """
    url = url or os.environ.get(CACHE_ENV) or None
    if url is None:
        from replaywright.cache.sqlite import SQLiteStore

        return SQLiteStore(Path(root) / "cache.db", org=org)
    scheme = url.split(":", 1)[0].lower() if "://" in url or url.startswith("sqlite:") else ""
    if scheme in {"postgresql", "postgres"}:
        from replaywright.cache.postgres import PostgresStore

        return PostgresStore(url, org=org)
    if scheme in {"http", "https"}:
        from replaywright.cache.http import HTTPStore

        token = token or os.environ.get(TOKEN_ENV) or None
        if not token:
            raise CacheConfigError(f"the cache server {url} needs a token: pass --token or "
                                   f"set {TOKEN_ENV}")
        return HTTPStore.connect(url, token)
    if scheme == "sqlite":
        from replaywright.cache.sqlite import SQLiteStore

        return SQLiteStore(sqlite_path(url) or Path(root) / "cache.db", org=org)
    if scheme:
        raise CacheConfigError(f"unsupported cache URL {url!r}: use a file path, "
                               "sqlite:///…, postgresql://… or http(s)://…")
    from replaywright.cache.sqlite import SQLiteStore

    return SQLiteStore(url, org=org)
