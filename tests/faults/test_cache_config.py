"""Issue 14, item 5: a cache that cannot be used as configured ends the run before anything
runs, with one clear line and exit code 2 — and CI still gets the JSON, report and JUnit
saying why."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.conftest import Demo


def test_server_down_at_start(demo: Demo) -> None:
    demo.run(cache="http://127.0.0.1:9", env={"REPLAYWRIGHT_TOKEN": "rwt_x"}).check(
        2, "error: cache server http://127.0.0.1:9 unreachable")


def test_revoked_and_garbage_tokens(demo: Demo, team_server) -> None:
    _, token_id, secret = team_server.new_token()
    admin = team_server.admin()
    admin.revoke_token(token_id)
    admin.close()
    demo.run("--token", secret, cache=team_server.url).check(
        2, "refused the token: invalid or revoked token")
    demo.run("--token", "rwt_garbage", cache=team_server.url).check(2, "refused the token")
    demo.run("--token", "not a token\u00e9", cache=team_server.url).check(
        2, "the cache token is not a token")


@pytest.mark.parametrize(("cache", "says"), [
    ("http://127.0.0.1:9", "needs a token: pass --token or set REPLAYWRIGHT_TOKEN"),
    ("ftp://cache.example.com/x", "unsupported cache URL 'ftp://cache.example.com/x'"),
    ("postgresql://postgres@127.0.0.1:5432/no_such_database_rw",
     'database "no_such_database_rw" does not exist'),
    ("postgresql://postgres@127.0.0.1:5432/test?schema=1-bad", "invalid schema name '1-bad'"),
])
def test_bad_cache_urls(demo: Demo, cache: str, says: str) -> None:
    if cache.startswith("postgresql") and "does not exist" in says:
        pytest.importorskip("psycopg")
    outcome = demo.run(cache=cache)
    result = outcome.check(2, says)
    assert result["error"].count("\n") == 0  # one line
    assert len([line for line in outcome.stderr.splitlines() if line.strip()]) == 1


def test_cache_path_that_is_a_directory(demo: Demo, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    demo.run(cache=folder).check(2, f"the cache path {folder} is a directory")


def test_serve_with_a_directory_as_database(tmp_path: Path) -> None:
    """Item 10: `serve --db <directory>` was a traceback."""
    done = subprocess.run([sys.executable, "-m", "replaywright.cli", "serve", "--db",
                           str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "is a directory" in done.stderr and "Traceback" not in done.stderr
