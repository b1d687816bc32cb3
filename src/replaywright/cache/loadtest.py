"""A bounded load test of the cache server, loopback only.

    python -m replaywright.cache.loadtest                       # own server, temp SQLite
    python -m replaywright.cache.loadtest --db postgresql://…   # own server on PostgreSQL
    python -m replaywright.cache.loadtest --url http://127.0.0.1:8377 --token rwt_…

N concurrent runners each do `ops` operations against one scope: writes of their own keys
(overwriting, so versions climb), reads that must return exactly what the runner last
wrote, and compare-and-set increments of counters shared by all runners. Afterwards it
verifies that no write was lost (every own key holds its last payload, every counter equals
its successful increments) and no entry is corrupt (checksums, and a full listing decodes).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from urllib.parse import urlsplit

import typer

from replaywright.cache.entry import CacheEntry
from replaywright.cache.http import HTTPStore
from replaywright.cache.store import CorruptEntry, VersionConflict
from replaywright.errors import ConfigError

if TYPE_CHECKING:
    import subprocess

T = TypeVar("T")

MAX_RUNNERS = 64
MAX_OPS = 10_000
OWN_KEYS = 50
SHARED_KEYS = 4


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _payload(runner: int, seq: int) -> dict:
    blob = f"{runner}:{seq}:" + "x" * (seq % 200)
    return {"runner": runner, "seq": seq, "blob": blob,
            "sum": hashlib.sha256(blob.encode()).hexdigest()}


def _intact(data: dict) -> bool:
    return hashlib.sha256(data.get("blob", "").encode()).hexdigest() == data.get("sum")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_load(url: str, token: str, runners: int = 8, ops: int = 500,
             seed: int = 1) -> dict:
    """Run the load test; returns figures and verification results (`ok` is the verdict)."""
    if not _loopback(url):
        raise ConfigError(f"the load test only runs against loopback servers, not {url}")
    if not (1 <= runners <= MAX_RUNNERS and 1 <= ops <= MAX_OPS):
        raise ConfigError(f"runners must be 1..{MAX_RUNNERS} and ops 1..{MAX_OPS}")
    scope = f"loadtest-{uuid.uuid4().hex[:8]}"
    shared = [f"shared-{i}" for i in range(SHARED_KEYS)]
    setup = HTTPStore.connect(url, token)  # a server that is down, a refused token: exit 2
    for key in shared:
        setup.put(CacheEntry(key=key, scope=scope, data={"n": 0}))

    latencies: list[list[float]] = [[] for _ in range(runners)]
    last_written: list[dict[str, int]] = [{} for _ in range(runners)]
    increments = [[0] * SHARED_KEYS for _ in range(runners)]
    conflicts = [0] * runners
    errors: list[str] = []
    barrier = threading.Barrier(runners)

    def runner(r: int) -> None:
        rng = random.Random(seed * 1000 + r)
        store = HTTPStore(url, token)
        lat = latencies[r]

        def timed(fn: Callable[..., T], *args: Any) -> T:
            t = time.perf_counter()
            try:
                return fn(*args)
            finally:
                lat.append(time.perf_counter() - t)

        try:
            barrier.wait()
            for i in range(ops):
                kind = i % 4
                if kind in (0, 1) or not last_written[r]:
                    key = f"r{r}-k{rng.randrange(OWN_KEYS)}"
                    entry = CacheEntry(key=key, scope=scope, flow="load", step=key,
                                       data=_payload(r, i))
                    timed(store.put, entry)
                    last_written[r][key] = i
                elif kind == 2:
                    key = rng.choice(sorted(last_written[r]))
                    got = timed(store.get, scope, key)
                    if got is None or got.data.get("seq") != last_written[r][key]:
                        errors.append(f"runner {r}: read of {key} returned "
                                      f"{None if got is None else got.data.get('seq')}, "
                                      f"expected {last_written[r][key]}")
                    elif not _intact(got.data):
                        errors.append(f"runner {r}: {key} payload corrupted")
                else:
                    c = rng.randrange(SHARED_KEYS)
                    while True:
                        current = timed(store.get, scope, shared[c])
                        if current is None:
                            raise LookupError(f"shared entry {shared[c]} is gone")
                        bumped = current.model_copy(
                            update={"data": {"n": current.data["n"] + 1}})
                        try:
                            timed(store.put, bumped, current.version)
                            increments[r][c] += 1
                            break
                        except VersionConflict:
                            conflicts[r] += 1
        except Exception as exc:  # reported in the result, not swallowed
            errors.append(f"runner {r}: {type(exc).__name__}: {exc}")
        finally:
            store.close()

    threads = [threading.Thread(target=runner, args=(r,)) for r in range(runners)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started

    # -- verification ---------------------------------------------------------------------
    lost, corrupt = [], []
    for r in range(runners):
        for key, seq in last_written[r].items():
            try:
                got = setup.get(scope, key)
            except CorruptEntry as exc:
                corrupt.append(str(exc))
                continue
            if got is None or got.data.get("seq") != seq:
                lost.append(f"{key}: expected seq {seq}, found "
                            f"{None if got is None else got.data.get('seq')}")
            elif not _intact(got.data):
                corrupt.append(f"{key}: checksum mismatch")
    for c, key in enumerate(shared):
        expected = sum(increments[r][c] for r in range(runners))
        got = setup.get(scope, key)
        if got is None or got.data["n"] != expected:
            lost.append(f"{key}: counter {None if got is None else got.data['n']}, "
                        f"expected {expected} increments")
    listed = 0
    for _ in setup.entries(scope, on_corrupt=lambda exc: corrupt.append(str(exc))):
        listed += 1
    expected_rows = sum(len(w) for w in last_written) + SHARED_KEYS
    if listed != expected_rows:
        lost.append(f"listing has {listed} entries, expected {expected_rows}")
    setup.delete_scope(scope)
    setup.close()

    all_lat = [x for lat in latencies for x in lat]
    requests = len(all_lat)
    return {
        "ok": not lost and not corrupt and not errors,
        "runners": runners, "ops_per_runner": ops, "requests": requests,
        "seconds": round(elapsed, 3),
        "throughput_rps": round(requests / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(_pct(all_lat, 0.50) * 1000, 2),
        "p95_ms": round(_pct(all_lat, 0.95) * 1000, 2),
        "p99_ms": round(_pct(all_lat, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(all_lat) * 1000, 2) if all_lat else 0.0,
        "cas_increments": sum(map(sum, increments)), "cas_conflicts": sum(conflicts),
        "lost_writes": lost, "corrupt": corrupt, "errors": errors[:20],
    }


def bench_cache(
    url: Annotated[str | None, typer.Option(help="Server URL (loopback). Default: start one.")
                   ] = None,
    token: Annotated[str | None, typer.Option(envvar="REPLAYWRIGHT_TOKEN")] = None,
    db: Annotated[str | None, typer.Option(
        help="When starting a server: its database (default: a temporary SQLite file).")
    ] = None,
    runners: Annotated[int, typer.Option(min=1, max=MAX_RUNNERS)] = 8,
    ops: Annotated[int, typer.Option(min=1, max=MAX_OPS)] = 500,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Load-test the cache server: concurrent runners, no lost writes, throughput, p95."""
    server = None
    tmp = None
    try:
        if url is None:
            tmp = tempfile.TemporaryDirectory(prefix="rw-load-")
            server, url, token = _start_server(db or str(Path(tmp.name) / "server.db"))
        elif not token:
            typer.echo("error: --token (or REPLAYWRIGHT_TOKEN) is needed with --url", err=True)
            raise typer.Exit(2)
        result = run_load(url, token, runners=runners, ops=ops)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if tmp is not None:
            tmp.cleanup()
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        typer.echo(f"{result['runners']} runners x {result['ops_per_runner']} ops: "
                   f"{result['requests']} requests in {result['seconds']}s = "
                   f"{result['throughput_rps']} req/s; latency p50 {result['p50_ms']} ms, "
                   f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms; "
                   f"CAS {result['cas_increments']} increments, "
                   f"{result['cas_conflicts']} conflicts retried")
        typer.echo(f"lost writes: {len(result['lost_writes'])}, corrupt entries: "
                   f"{len(result['corrupt'])}, errors: {len(result['errors'])}")
        for line in result["lost_writes"][:10] + result["corrupt"][:10] + result["errors"]:
            typer.echo(f"  {line}")
    if not result["ok"]:
        raise typer.Exit(1)


def _start_server(db: str) -> tuple[subprocess.Popen[bytes], str, str]:
    """Start `replaywright serve` on a free loopback port with a fresh org token."""
    import socket
    import subprocess
    import sys

    import httpx

    from replaywright.cache.server import open_backend

    admin = open_backend(db)
    try:
        _, token = admin.create_token(f"loadtest-{uuid.uuid4().hex[:6]}", "loadtest")
    finally:
        admin.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "replaywright.cli", "serve", "--db",
                             db, "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the cache server exited at start")
        try:
            if httpx.get(url + "/openapi.json", timeout=1).status_code == 200:
                return proc, url, token
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the cache server did not start within 30s")


def main() -> None:
    typer.run(bench_cache)


if __name__ == "__main__":
    main()
