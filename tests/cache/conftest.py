"""Fixtures: the same store test suite runs on SQLite, PostgreSQL and a real server process.

PostgreSQL: the `pg_url` fixture of tests/conftest.py (a throwaway schema per session).

The server: `python -m replaywright.cli serve` on a free 127.0.0.1 port, backed by
the session's PostgreSQL schema (or an SQLite file when PostgreSQL is unavailable). Each
test gets a fresh organisation and token, so tests do not see each other's rows.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from replaywright.cache.sql import SQLStore


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    db: str
    process: subprocess.Popen

    def admin(self) -> SQLStore:
        from replaywright.cache.server import open_backend

        return open_backend(self.db)

    def new_token(self, org: str | None = None) -> tuple[str, str, str]:
        """(org, token id, secret) for a fresh (or given) organisation."""
        org = org or f"org-{uuid.uuid4().hex[:10]}"
        admin = self.admin()
        try:
            token_id, secret = admin.create_token(org, "test")
        finally:
            admin.close()
        return org, token_id, secret


def start_server(db: str, log: Path) -> Server:
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "replaywright.cli", "serve", "--db", db,
             "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"cache server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(url + "/openapi.json", timeout=1).status_code == 200:
                return Server(url, db, proc)
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError(f"cache server did not start: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
           ) -> Iterator[Server]:
    """A real server process on loopback, backed by PostgreSQL when reachable."""
    work = tmp_path_factory.mktemp("server")
    try:
        db = request.getfixturevalue("pg_url")
    except pytest.skip.Exception:
        db = str(work / "server.db")
    srv = start_server(db, work / "server.log")
    yield srv
    srv.process.terminate()
    try:
        srv.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.process.kill()


@dataclass
class Backend:
    """A store under test, and a back door to corrupt one of its rows."""

    name: str
    store: object
    corrupt: Callable[[str, str, str], None]


def _corrupter(sql_store: SQLStore) -> Callable[[str, str, str], None]:
    def corrupt(scope: str, key: str, body: str = "{not json") -> None:
        with sql_store._tx() as cur:
            cur.execute("UPDATE entries SET body=? WHERE org=? AND scope=? AND key=?",
                        (body, sql_store.org, scope, key))
            assert cur.rowcount == 1
    return corrupt


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres),
                        "server"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        from replaywright.cache.sqlite import SQLiteStore

        store = SQLiteStore(tmp_path / "cache.db")
        yield Backend("sqlite", store, _corrupter(store))
        store.close()
    elif request.param == "postgres":
        from replaywright.cache.postgres import PostgresStore

        url = request.getfixturevalue("pg_url")
        store = PostgresStore(url, org=f"test-{uuid.uuid4().hex[:10]}")
        yield Backend("postgres", store, _corrupter(store))
        store.close()
    else:
        from replaywright.cache.http import HTTPStore

        srv: Server = request.getfixturevalue("server")
        org, _, secret = srv.new_token()
        store = HTTPStore(srv.url, secret)
        base = srv.admin()
        yield Backend("server", store, _corrupter(base.for_org(org)))
        store.close()
        base.close()


@pytest.fixture
def store(backend: Backend):
    return backend.store
