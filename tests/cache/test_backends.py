"""`open_store`, migrations, and the load test (small)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from replaywright.cache.entry import CacheEntry
from replaywright.cache.factory import open_store
from replaywright.cache.loadtest import run_load
from replaywright.cache.sqlite import SQLiteStore
from replaywright.cache.store import CacheError
from replaywright.errors import ConfigError

LEGACY = """
CREATE TABLE entries (
    scope TEXT NOT NULL, key TEXT NOT NULL, flow TEXT NOT NULL DEFAULT '',
    step TEXT NOT NULL DEFAULT '', body TEXT NOT NULL, version INTEGER NOT NULL,
    last_used_at TEXT NOT NULL, hits INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (scope, key));
CREATE INDEX entries_last_used ON entries (last_used_at);
"""


def test_open_store_defaults(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("REPLAYWRIGHT_CACHE", raising=False)
    store = open_store(root=tmp_path / ".replaywright")
    assert isinstance(store, SQLiteStore)
    assert store.path == tmp_path / ".replaywright" / "cache.db"
    store.close()
    monkeypatch.setenv("REPLAYWRIGHT_CACHE", f"sqlite:///{tmp_path}/env.db")
    store = open_store()
    assert store.path == tmp_path / "env.db"
    store.close()
    store = open_store(str(tmp_path / "plain.db"))
    assert isinstance(store, SQLiteStore)
    store.close()


def test_open_store_errors(monkeypatch) -> None:
    monkeypatch.delenv("REPLAYWRIGHT_TOKEN", raising=False)
    with pytest.raises(CacheError, match="token"):
        open_store("https://cache.example.com")
    with pytest.raises(CacheError, match="unsupported"):
        open_store("ftp://x")


def test_open_store_http_uses_env_token(server, monkeypatch) -> None:
    from replaywright.cache.http import HTTPStore

    org, _, secret = server.new_token()
    monkeypatch.setenv("REPLAYWRIGHT_TOKEN", secret)
    store = open_store(server.url)
    assert isinstance(store, HTTPStore) and store.whoami() == org
    store.close()


def test_open_store_http_asks_the_server_first(server, monkeypatch) -> None:
    """A server that is down, or a token it refuses, is a configuration error (exit code 2)
    before anything runs — not a traceback in the middle of a run."""
    from replaywright.cache.store import CacheConfigError

    monkeypatch.setenv("REPLAYWRIGHT_TOKEN", "rwt_x")
    with pytest.raises(CacheConfigError, match="unreachable") as down:
        open_store("http://127.0.0.1:9")
    assert down.value.exit_code == 2
    with pytest.raises(CacheConfigError, match="refused the token"):
        open_store(server.url)
    with pytest.raises(CacheConfigError, match="not a token"):
        open_store(server.url, token="rwt_\u00e9t\u00e9 x")


def test_legacy_sqlite_file_is_migrated(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    con = sqlite3.connect(db)
    con.executescript(LEGACY)
    body = CacheEntry(key="old", scope="default", step="legacy").model_dump_json()
    con.execute("INSERT INTO entries VALUES ('default','old','','legacy',?,3,"
                "'2026-01-01T00:00:00+00:00',5)", (body,))
    con.commit()
    con.close()
    from replaywright.cache.sqlite import MIGRATIONS

    store = SQLiteStore(db)
    assert store.schema_version == MIGRATIONS[-1][0]
    got = store.get("default", "old")
    assert got.step == "legacy" and got.version == 3 and got.hits == 5
    store.put(CacheEntry(key="new"))
    store.close()
    again = SQLiteStore(db)  # reopening applies nothing twice
    assert [e.key for e in again.entries()] == ["new", "old"]
    again.close()


@pytest.mark.postgres
def test_postgres_migrations_apply_once(pg_url: str) -> None:
    from replaywright.cache.postgres import MIGRATIONS, PostgresStore

    a = PostgresStore(pg_url)
    b = PostgresStore(pg_url)
    assert a.schema_version == b.schema_version == len(MIGRATIONS)
    with a._tx() as cur:
        assert cur.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(
            MIGRATIONS)
    a.close()
    b.close()


@pytest.mark.postgres
def test_postgres_unreachable_is_a_cache_error() -> None:
    from replaywright.cache.postgres import PostgresStore

    with pytest.raises(CacheError, match="cannot connect"):
        PostgresStore("postgresql://nobody:pw@127.0.0.1:9/x", connect_timeout=2)


def test_small_load_no_lost_writes(server) -> None:
    _, _, secret = server.new_token()
    result = run_load(server.url, secret, runners=4, ops=60)
    assert result["ok"], result
    assert result["lost_writes"] == [] and result["corrupt"] == [] and result["errors"] == []
    assert result["cas_increments"] == 4 * 15
    assert result["p95_ms"] > 0


def test_load_refuses_remote_and_unbounded() -> None:
    with pytest.raises(ConfigError, match="loopback"):
        run_load("http://example.com", "t")
    with pytest.raises(ConfigError):
        run_load("http://127.0.0.1:1", "t", runners=1000)


@pytest.mark.parametrize(("args", "says"), [
    (["--url", "http://example.com", "--token", "rwt_x"], "only runs against loopback"),
    (["--url", "http://127.0.0.1:9", "--token", "rwt_x"], "unreachable"),
    (["--url", "{server}", "--token", "rwt_garbage"], "refused the token"),
    (["--url", "{server}"], "--token (or REPLAYWRIGHT_TOKEN) is needed"),
])
def test_bench_cache_bad_url_or_token_is_one_line_and_exit_2(server, monkeypatch, args,
                                                            says) -> None:
    """Issue 14, item 10: these were tracebacks."""
    from typer.testing import CliRunner

    from replaywright.cli import app

    monkeypatch.delenv("REPLAYWRIGHT_TOKEN", raising=False)
    args = [a.replace("{server}", server.url) for a in args]
    result = CliRunner().invoke(app, ["bench", "cache", *args], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert says in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
