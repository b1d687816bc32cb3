"""`open_store`: one URL picks the backend behind the `Store` interface."""

from __future__ import annotations

import os
from pathlib import Path

from replaywright.cache.store import CacheError, Store

CACHE_ENV = "REPLAYWRIGHT_CACHE"
TOKEN_ENV = "REPLAYWRIGHT_TOKEN"


def open_store(url: str | None = None, token: str | None = None,
               root: Path = Path(".replaywright")) -> Store:
    """Open a cache store.

    - None (and no `REPLAYWRIGHT_CACHE`): SQLite at `root/cache.db`;
    - `sqlite:///path/to/cache.db`, `sqlite:relative.db` or a plain file path: SQLite;
    - `postgresql://user@host:5432/db[?schema=name]` (or `postgres://`): PostgreSQL;
    - `http(s)://host[:port]`: the team cache server, authenticated with `token`
      (default `REPLAYWRIGHT_TOKEN`).
    """
    url = url or os.environ.get(CACHE_ENV) or None
    if url is None:
        from replaywright.cache.sqlite import SQLiteStore

        return SQLiteStore(Path(root) / "cache.db")
    scheme = url.split(":", 1)[0].lower() if "://" in url or url.startswith("sqlite:") else ""
    if scheme in {"postgresql", "postgres"}:
        from replaywright.cache.postgres import PostgresStore

        return PostgresStore(url)
    if scheme in {"http", "https"}:
        from replaywright.cache.http import HTTPStore

        token = token or os.environ.get(TOKEN_ENV) or None
        if not token:
            raise CacheError(f"the cache server {url} needs a token: pass --token or set "
                             f"{TOKEN_ENV}")
        return HTTPStore(url, token)
    if scheme == "sqlite":
        from replaywright.cache.sqlite import SQLiteStore

        path = url[len("sqlite:"):]
        path = path[2:] if path.startswith("//") else path  # sqlite:///abs -> /abs
        return SQLiteStore(path or Path(root) / "cache.db")
    if scheme:
        raise CacheError(f"unsupported cache URL {url!r}: use a file path, sqlite:///…, "
                         "postgresql://… or http(s)://…")
    from replaywright.cache.sqlite import SQLiteStore

    return SQLiteStore(url)
