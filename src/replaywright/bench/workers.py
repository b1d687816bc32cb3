"""`replaywright bench workers`: runs per minute of the cached demo flow with 1, 2 and 4
worker processes, queue latency, and what a run costs in CPU.

It starts its own demo shop, a throwaway SQLite cache and `replaywright worker` processes on
a queue of its own on the local Redis (`REPLAYWRIGHT_BROKER`). The cache is built by one
first run; then, for each worker count, every worker process runs one run to launch its
browser, and the measured runs go through a closed loop: as many runs in flight as there
are worker processes, a new one submitted as soon as one finishes. So `runs_per_min` is
what the workers sustain and the queue latency (submit → a worker starts the run) is the
queue's own overhead, not time spent waiting behind a backlog.

CPU per run: the CPU time of each worker's process tree (Celery, the pool processes, their
Playwright drivers and Chromium) over the measured runs, divided by the runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from replaywright.cache.sqlite import SQLiteStore
from replaywright.demo.server import demo_flow_path, serve_demo
from replaywright.runs.records import RunRecord, RunRequest, SQLRunStore

POLL = 0.05


def spawn_worker(queue: str, cache: str, concurrency: int, *args: str, cwd: Path,
                 log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`replaywright worker` in a process group of its own (see `stop_worker`)."""
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "replaywright.cli", "worker", "--concurrency",
             str(concurrency), "--queue", queue, "--cache", cache, "--loglevel", "info",
             *args], cwd=cwd, env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop_worker(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """Warm shutdown, then SIGKILL for the whole group (pool processes, browsers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def _proc_stats() -> dict[int, list[str]]:
    """/proc/PID/stat fields after the command name, per live process."""
    stats: dict[int, list[str]] = {}
    for path in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            stats[int(path.parent.name)] = path.read_text().rsplit(")", 1)[1].split()
    return stats


def process_tree(pid: int, stats: dict[int, list[str]] | None = None) -> list[int]:
    """`pid` and every live process below it."""
    stats = _proc_stats() if stats is None else stats
    children: dict[int, list[int]] = {}
    for child, fields in stats.items():
        children.setdefault(int(fields[1]), []).append(child)
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def tree_cpu(pid: int) -> float:
    """CPU seconds of `pid` and every process below it, reaped children included."""
    stats = _proc_stats()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(sum(int(v) for v in stats[p][11:15]) / ticks  # utime, stime, cutime, cstime
               for p in process_tree(pid, stats) if p in stats)


class Bench:
    def __init__(self, root: Path, base: str, echo: Callable[..., Any]) -> None:
        self.root, self.echo = root, echo
        self.cache = str(root / "cache.db")
        self.queue = f"rw-bench-{uuid.uuid4().hex[:8]}"
        self.request = RunRequest(flow=demo_flow_path("checkout").read_text(),
                                  source="checkout.yaml", base_url=f"{base}/v1/")
        self.runs = SQLRunStore(SQLiteStore(self.cache))
        self.submitted: list[str] = []

    def submit(self) -> str:
        run_id = self.runs.enqueue(self.request, trigger="bench", queue=self.queue).id
        self.submitted.append(run_id)
        return run_id

    def wait(self, ids: list[str], timeout: float) -> list[RunRecord]:
        deadline = time.monotonic() + timeout
        while True:
            records = [self.runs.get(i) for i in ids]
            if all(r is not None and r.finished for r in records):
                return records  # type: ignore[return-value]
            if time.monotonic() > deadline:
                raise TimeoutError(f"runs unfinished after {timeout:g} s")
            time.sleep(POLL)

    @contextmanager
    def workers(self, n: int) -> Iterator[subprocess.Popen]:
        proc = spawn_worker(self.queue, self.cache, n, "--save-cache", cwd=self.root,
                            log=self.root / f"worker-{n}.log")
        try:
            yield proc
        finally:
            stop_worker(proc)

    def closed_loop(self, workers: int, runs: int, timeout: float) -> list[RunRecord]:
        """`runs` runs with `workers` in flight; returns their records."""
        inflight: list[str] = []
        done: list[RunRecord] = []
        deadline = time.monotonic() + timeout
        while len(done) < runs:
            while len(inflight) < workers and len(done) + len(inflight) < runs:
                inflight.append(self.submit())
            time.sleep(POLL)
            for run_id in list(inflight):
                record = self.runs.get(run_id)
                if record is not None and record.finished:
                    inflight.remove(run_id)
                    done.append(record)
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(inflight)} runs unfinished after {timeout:g} s")
        return done

    def row(self, workers: int, runs: int) -> dict[str, Any]:
        with self.workers(workers) as proc:
            self.wait([self.submit() for _ in range(workers)], timeout=300)  # browsers up
            cpu = tree_cpu(proc.pid)
            started = time.monotonic()
            records = self.closed_loop(workers, runs, timeout=120 + 30 * runs)
            elapsed = time.monotonic() - started
            cpu = tree_cpu(proc.pid) - cpu
        latencies = sorted((r.started_at - r.queued_at).total_seconds() * 1000
                           for r in records if r.started_at)
        failed = [r for r in records if r.status != "passed"]
        if failed:
            raise RuntimeError(f"{len(failed)} runs did not pass: {failed[0].error}")
        row = {"workers": workers, "runs": runs,
               "runs_per_min": round(runs / elapsed * 60, 1),
               "queue_p50_ms": round(statistics.median(latencies), 1),
               "queue_p95_ms": round(_percentile(latencies, 95), 1),
               "cpu_s_per_run": round(cpu / runs, 2)}
        self.echo(f"{workers} worker process(es): {row['runs_per_min']} runs/min, queue "
                  f"p50 {row['queue_p50_ms']} ms, p95 {row['queue_p95_ms']} ms, "
                  f"{row['cpu_s_per_run']} CPU s/run", err=True)
        return row

    def audit(self) -> dict[str, int]:
        """Runs lost (submitted, never finished) and duplicated (run more than once, or
        recorded more than once)."""
        with self.runs.db.transaction(write=False) as cur:
            rows = cur.execute("SELECT count(*) FROM runs").fetchone()[0]
        records = [self.runs.get(i) for i in self.submitted]
        lost = sum(1 for r in records if r is None or not r.finished)
        duplicated = sum(max(0, r.attempt - 1) for r in records if r is not None)
        return {"lost": lost, "duplicated": duplicated + rows - len(self.submitted)}


def _percentile(values: list[float], pct: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


def measure(workers: tuple[int, ...] = (1, 2, 4), runs: int = 20,
            echo: Callable[..., Any] = print) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="rw-bench-workers-") as tmp, serve_demo() as base:
        bench = Bench(Path(tmp), base, echo)
        try:
            with bench.workers(1):
                first = bench.wait([bench.submit()], timeout=300)[0]
            if first.status != "passed":
                raise RuntimeError(f"the first run failed: {first.error}")
            echo(f"cache built: {first.resolver_calls} resolver calls", err=True)
            rows = [bench.row(n, runs) for n in workers]
            audit = bench.audit()
        finally:
            bench.runs.close()
            _drop_queue(bench.queue)
    cpu = statistics.median(r.pop("cpu_s_per_run") for r in rows)
    return {"rows": rows, **audit, "cpu_s_per_run": cpu, "cores": os.cpu_count() or 1}


def _drop_queue(queue: str) -> None:
    import redis

    from replaywright.runs.app import app

    with contextlib.suppress(redis.RedisError):
        url = app.conf.broker_url
        if url.startswith(("redis://", "rediss://")):
            redis.Redis.from_url(url).delete(queue)


def format_report(report: dict[str, Any]) -> str:
    lines = [f"{'workers':>7} {'runs':>5} {'runs/min':>9} {'queue p50 ms':>13} "
             f"{'queue p95 ms':>13}"]
    for r in report["rows"]:
        lines.append(f"{r['workers']:>7} {r['runs']:>5} {r['runs_per_min']:>9.1f} "
                     f"{r['queue_p50_ms']:>13.1f} {r['queue_p95_ms']:>13.1f}")
    cpu, cores = report["cpu_s_per_run"], report["cores"]
    lines.append(f"lost {report['lost']}, duplicated {report['duplicated']}; "
                 f"{cpu:.2f} CPU s per run: {cores} cores can sustain at most "
                 f"~{cores * 60 / cpu:.0f} runs/min" if cpu else "")
    return "\n".join(lines)
