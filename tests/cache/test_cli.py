"""`replaywright cache …` commands, on a local SQLite file and through the server."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from replaywright.cache.cli import cache_app, main_app
from replaywright.cache.entry import CacheEntry
from replaywright.cache.factory import open_store
from replaywright.cli import app as cli_app
from replaywright.model import Usage, utcnow

runner = CliRunner()


@pytest.fixture(params=["sqlite", "server"])
def target(request, tmp_path: Path) -> list[str]:
    """`--cache URL [--token T]` arguments for an empty cache."""
    if request.param == "sqlite":
        return ["--cache", str(tmp_path / "cache.db")]
    srv = request.getfixturevalue("server")
    _, _, secret = srv.new_token()
    return ["--cache", srv.url, "--token", secret]


def seed(args: list[str]) -> None:
    store = open_store(args[1], args[3] if len(args) > 3 else None)
    now = utcnow()
    store.put(CacheEntry(key="aaa111", scope="main@1", flow="login", step="Click Sign in",
                         heals=2, last_used_at=now,
                         usage=Usage(calls=1, input_tokens=900, output_tokens=40,
                                     cost_usd=0.0004)))
    store.put(CacheEntry(key="bbb222", scope="main@1", flow="login", step="Type name",
                         last_used_at=now - timedelta(days=100)))
    store.put(CacheEntry(key="aaa111", scope="branch:x", flow="login", step="Click Sign in"))
    store.touch("main@1", "aaa111", now)
    store.close()


def run(*args: str):
    result = runner.invoke(cache_app, list(args))
    return result


def test_ls_show_stats(target) -> None:
    seed(target)
    result = run("ls", *target)
    assert result.exit_code == 0, result.output
    assert "aaa111" in result.stdout and "bbb222" in result.stdout
    assert "Click Sign in" in result.stdout
    result = run("ls", *target, "--scope", "branch:x")
    assert result.stdout.count("\n") == 1
    result = run("show", "aaa", *target, "--scope", "main@1")
    assert result.exit_code == 0 and json.loads(result.stdout)["key"] == "aaa111"
    result = run("show", "nope", *target)
    assert result.exit_code == 1
    result = run("stats", *target, "--json")
    stats = json.loads(result.stdout)
    assert stats["entries"] == 3 and stats["scopes"] == 2
    assert stats["hits"] == 1 and stats["heals"] == 2
    assert stats["size_bytes"] > 0 and stats["last_used"] and stats["corrupt"] == 0
    assert "entries: 3" in run("stats", *target).stdout
    # the LLM resolution was paid once; the one cached replay (hit) avoided paying it again
    assert stats["resolver_calls_recorded"] == 1 and stats["llm_tokens_recorded"] == 940
    assert stats["resolver_calls_avoided"] == 1 and stats["llm_tokens_avoided"] == 940
    assert stats["llm_cost_avoided_usd"] == 0.0004


def test_rm_and_purge(target) -> None:
    seed(target)
    assert "removed 1 entry" in run("rm", "aaa111", *target, "--scope", "branch:x").stdout
    assert run("rm", "aaa111", *target, "--scope", "branch:x").exit_code == 1
    assert "purged 1 expired entry" in run("purge", *target).stdout  # bbb222, 100 days
    assert "removed 1 entry" in run("rm", *target, "--scope", "main@1").stdout
    assert run("rm", *target).exit_code == 2
    assert json.loads(run("stats", *target, "--json").stdout)["entries"] == 0


def test_export_import_roundtrip(target, tmp_path: Path) -> None:
    seed(target)
    out = tmp_path / "dump.jsonl"
    assert run("export", *target, "-o", str(out)).exit_code == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 3 and all(json.loads(line)["key"] for line in lines)
    other = ["--cache", str(tmp_path / "other.db")]
    result = run("import", str(out), *other)
    assert result.exit_code == 0 and "imported 3 entries" in result.stdout
    exported_again = run("export", *other).stdout.splitlines()
    assert sorted(json.loads(x)["key"] for x in exported_again) == sorted(
        json.loads(x)["key"] for x in lines)
    # bad lines are reported with their number; good ones still imported
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0] + "\n{garbage\n")
    result = run("import", str(bad), *other, "--scope", "imported")
    assert result.exit_code == 1 and "bad.jsonl:2" in result.output
    assert "imported 1 entry, 1 bad line" in result.stdout


def test_corrupt_rows_are_reported_by_ls(tmp_path: Path) -> None:
    from replaywright.cache.sqlite import SQLiteStore

    db = tmp_path / "c.db"
    store = SQLiteStore(db)
    store.put(CacheEntry(key="good"))
    store.put(CacheEntry(key="bad"))
    with store._tx() as cur:
        cur.execute("UPDATE entries SET body='garbage' WHERE key='bad'")
    store.close()
    result = run("ls", "--cache", str(db))
    assert result.exit_code == 0 and "good" in result.stdout
    assert "'bad'" in result.stderr and "corrupt" in result.stderr
    assert json.loads(run("stats", "--cache", str(db), "--json").stdout)["corrupt"] == 1


def test_env_defaults(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("REPLAYWRIGHT_CACHE", str(tmp_path / "env.db"))
    assert run("stats").exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_http_without_token_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.delenv("REPLAYWRIGHT_TOKEN", raising=False)
    result = run("ls", "--cache", "http://127.0.0.1:9")
    assert result.exit_code == 2 and "token" in result.stderr


def test_module_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "replaywright.cache.cli", "--help"],
                         capture_output=True, text=True, check=True)
    assert "cache" in out.stdout
    result = runner.invoke(main_app(), ["cache", "--help"])
    assert result.exit_code == 0 and "purge" in result.stdout


def test_serve_token_commands() -> None:
    result = runner.invoke(cli_app, ["serve", "token", "--help"])
    assert result.exit_code == 0 and "create" in result.stdout and "revoke" in result.stdout


def test_serve_needs_a_db(monkeypatch) -> None:
    monkeypatch.delenv("REPLAYWRIGHT_SERVER_DB", raising=False)
    result = runner.invoke(cli_app, ["serve"])
    assert result.exit_code == 2 and "--db" in result.stderr
