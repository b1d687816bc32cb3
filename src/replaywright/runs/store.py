"""Where run records are kept: the cache's own database, directly or through the server.

`open_runs(cache, token, org)` follows the cache URL: a SQLite path or `postgresql://…`
gives `SQLRunStore` (the `runs` table of that database, `org`'s rows); `http(s)://…` gives
`HTTPRunStore`, the team server's runs API (the token's organisation).
"""

from __future__ import annotations

from typing import Protocol

from replaywright.cache.factory import open_store
from replaywright.runs.records import Outcome, RunRecord, RunRequest, SQLRunStore


class RunStore(Protocol):
    def enqueue(self, request: RunRequest, trigger: str = "", queue: str | None = None
                ) -> RunRecord: ...

    def get(self, run_id: str) -> RunRecord | None: ...

    def list(self, flow: str | None = None, limit: int = 50) -> list[RunRecord]: ...

    def start(self, run_id: str, worker: str) -> RunRecord | None: ...

    def finish(self, run_id: str, attempt: int, outcome: Outcome) -> bool: ...

    def requeue(self, run_id: str, attempt: int, note: str) -> bool: ...

    def fail(self, run_id: str, error: str) -> bool: ...

    def close(self) -> None: ...


def open_runs(cache: str | None, token: str | None = None, org: str = "") -> RunStore:
    """The run records beside the cache at `cache` (same URLs as `--cache`)."""
    from replaywright.cache.http import HTTPStore
    from replaywright.cache.sql import SQLStore

    store = open_store(cache, token, org=org)
    if isinstance(store, SQLStore):
        return SQLRunStore(store)
    assert isinstance(store, HTTPStore)
    from replaywright.runs.client import Client

    return Client(store)
