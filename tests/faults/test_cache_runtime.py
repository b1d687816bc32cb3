"""Issue 14, items 5 (mid-run), 6, 7 and 8: a cache that fails while the demo journey runs —
the server dies, the file is damaged, read-only, or deleted — never fails the run, says so in
the summary, never reports a save that did not happen, and loses nothing already stored."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from replaywright.cache.entry import CacheEntry
from replaywright.cache.http import HTTPStore
from replaywright.cache.sqlite import SQLiteStore
from tests.faults.conftest import Demo, entries


def cache_command(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "replaywright.cli", "cache", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_server_dying_mid_run_degrades_to_no_cache(demo: Demo, team_server) -> None:
    org, _, token = team_server.new_token()
    kept = CacheEntry(key="stored-before", flow="checkout", step="Click the Sign in button")
    seed = HTTPStore(team_server.url, token)
    seed.put(kept)
    seed.close()
    flow = demo.variant("import os, signal\nos.kill(int(env['RW_SERVER_PID']), signal.SIGKILL)")
    outcome = demo.run("--token", token, flow=flow, cache=team_server.url,
                       env={"RW_SERVER_PID": str(team_server.process.pid)})
    result = outcome.check(0, "cache unavailable (cache server", "continuing without it")
    assert {s["status"] for s in result["steps"]} == {"resolved"}
    assert result["cache_saved"] is False and "nothing saved" in result["cache_note"]
    team_server.process.wait(timeout=10)
    store = SQLiteStore(team_server.db).for_org(org)  # what the server had stored is intact
    assert store.get("default", "stored-before").step == kept.step


def test_truncated_sqlite_file(demo: Demo, primed_copy: Path, tmp_path: Path) -> None:
    original = {json.loads(body)["key"]: body for body in entries(primed_copy).values()}
    with primed_copy.open("r+b") as f:
        f.truncate(int(primed_copy.stat().st_size * 0.6))
    damaged = primed_copy.read_bytes()

    result = demo.run(cache=primed_copy).check(0, "is damaged (database disk image is malformed)")
    assert result["cache_note"].startswith("cache unavailable (the cache file")
    assert "continuing without it" in result["cache_note"] and not result["cache_saved"]
    assert not any("damaged" in (s["note"] or "") for s in result["steps"])  # said once
    assert primed_copy.read_bytes() == damaged  # never written to

    listing = cache_command("ls", "--cache", str(primed_copy), cwd=tmp_path)
    assert listing.returncode == 0 and "Traceback" not in listing.stderr
    exported = cache_command("export", "--cache", str(primed_copy), cwd=tmp_path)
    assert exported.returncode == 0 and "is damaged" in exported.stderr
    rescued = [json.loads(line) for line in exported.stdout.splitlines()]
    assert 0 < len(rescued) < 17
    for entry in rescued:  # exactly as stored
        stored = json.loads(original[entry["key"]])
        assert {k: entry[k] for k in stored} == stored

    check = cache_command("doctor", "--cache", str(primed_copy), cwd=tmp_path)
    assert check.returncode == 1 and "doctor --repair" in check.stderr
    repair = cache_command("doctor", "--repair", "--cache", str(primed_copy), cwd=tmp_path)
    assert repair.returncode == 0, repair.stderr
    assert f"rescued {len(rescued)} entr" in repair.stdout
    [kept] = primed_copy.parent.glob("cache.db.damaged-*[0-9]")
    assert kept.read_bytes() == damaged  # the damaged file is kept as it was
    replay = demo.run(cache=primed_copy).check(0)
    assert [s["status"] for s in replay["steps"]].count("cached") == len(rescued)
    assert replay["cache_saved"] is True  # the repaired file takes the rest


def test_garbage_inside_a_row(demo: Demo, primed_copy: Path, tmp_path: Path) -> None:
    store = SQLiteStore(primed_copy)
    [sign_in] = [e for e in store.entries() if "Sign in" in e.step]
    store.close()
    data = bytearray(primed_copy.read_bytes())
    at = data.index(b'{"key":"' + sign_in.key.encode())
    data[at:at + 2] = b"\xff\xfe"  # not UTF-8, not JSON
    primed_copy.write_bytes(bytes(data))

    result = demo.run(cache=primed_copy).check(0)
    statuses = [s["status"] for s in result["steps"]]
    assert statuses.count("cached") == 16 and statuses[2] == "resolved"
    assert "is corrupt" in result["steps"][2]["note"]
    assert b'\xff\xfekey":"' + sign_in.key.encode() in primed_copy.read_bytes()  # kept

    exported = cache_command("export", "--cache", str(primed_copy), cwd=tmp_path)
    assert exported.returncode == 0 and "is corrupt" in exported.stderr
    assert len(exported.stdout.splitlines()) == 16  # every good row (was 0 of 17)
    doctor = cache_command("doctor", "--cache", str(primed_copy), cwd=tmp_path)
    assert doctor.returncode == 1 and "16 readable entries, 1 problem" in doctor.stdout


def test_read_only_cache_replays_without_writing(demo: Demo, primed_copy: Path,
                                                 make_read_only) -> None:
    before = primed_copy.read_bytes()
    make_read_only(primed_copy)
    result = demo.run(cache=primed_copy).check(0, "the cache is read-only: replayed from it")
    assert [s["status"] for s in result["steps"]] == ["cached"] * 17
    assert result["cache_saved"] is False
    assert primed_copy.read_bytes() == before  # no hit counts, no saves


def test_cache_file_deleted_mid_run_is_not_reported_saved(demo: Demo, tmp_path: Path) -> None:
    cache = tmp_path / "fresh" / "cache.db"
    flow = demo.variant("import os\nos.remove(env['RW_CACHE_FILE'])")
    result = demo.run(flow=flow, cache=cache, env={"RW_CACHE_FILE": str(cache)}).check(0)
    assert result["cache_saved"] is False
    assert result["cache_note"].startswith(f"not saved: the cache file {cache} was deleted")
    assert not cache.exists()


def test_damaged_file_that_sqlite_cannot_open_at_all(demo: Demo, tmp_path: Path) -> None:
    cache = tmp_path / "cache.db"
    cache.write_bytes(b"this is not a database, just some text" * 100)
    kept = cache.read_bytes()
    result = demo.run(cache=cache).check(0, "continuing without it")
    assert "is damaged" in result["cache_note"] and cache.read_bytes() == kept
    shutil.copyfile(cache, tmp_path / "again.db")
    doctor = cache_command("doctor", "--cache", str(tmp_path / "again.db"), cwd=tmp_path)
    assert doctor.returncode == 1 and "Traceback" not in doctor.stderr
