"""Helpers for the run worker tests: a cluster of real `replaywright worker` processes
(each in its own process group, killed at the end) sharing one SQLite cache; submitting runs
and waiting for their records; processes below a worker."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from replaywright.bench.workers import process_tree, spawn_worker, stop_worker
from replaywright.cache.sqlite import SQLiteStore
from replaywright.runs.records import RunRecord, RunRequest, SQLRunStore

SLOW_FLOW = """\
name: slow-login
url: index.html
params:
  user: alice
  password: correct-horse
steps:
  - Type "{{ params.user }}" into the Username field
  - Wait 4 seconds
  - Type "{{ params.password }}" into the Password field
  - Click the Sign in button
  - The Welcome heading is visible
"""


@dataclass
class Cluster:
    """Worker processes on one queue, recording into one cache database."""

    root: Path
    queue: str
    cache: str
    env: dict[str, str]
    procs: list[subprocess.Popen] = field(default_factory=list)

    def start(self, concurrency: int = 1, *args: str, env: dict[str, str] | None = None,
              cache: str | None = None) -> subprocess.Popen:
        """A worker with `concurrency` processes (on this cluster's cache, or `cache`)."""
        proc = spawn_worker(self.queue, cache or self.cache, concurrency, *args, cwd=self.root,
                            log=self.root / f"worker-{len(self.procs)}.log",
                            env={**self.env, **(env or {})})
        self.procs.append(proc)
        return proc

    def logs(self) -> str:
        return "\n".join(p.read_text()[-3000:] for p in sorted(self.root.glob("worker-*.log")))

    def runs(self) -> SQLRunStore:
        return SQLRunStore(SQLiteStore(self.cache))

    def submit(self, flow: str | Path, params: dict[str, str] | None = None,
               base_url: str | None = None, n: int = 1) -> list[str]:
        text = flow.read_text() if isinstance(flow, Path) else flow
        request = RunRequest(flow=text, source="flow.yaml", params=params or {},
                             base_url=base_url)
        runs = self.runs()
        try:
            return [runs.enqueue(request, trigger="test", queue=self.queue).id
                    for _ in range(n)]
        finally:
            runs.close()

    def wait(self, ids: list[str], timeout: float = 240.0) -> list[RunRecord]:
        """The records of `ids` once all have finished (fails with the workers' logs)."""
        deadline = time.monotonic() + timeout
        runs = self.runs()
        try:
            while True:
                records = [runs.get(i) for i in ids]
                if all(r is not None and r.finished for r in records):
                    return records  # type: ignore[return-value]
                if time.monotonic() > deadline:
                    states = sorted({r.status if r else "missing" for r in records})
                    pytest.fail(f"runs unfinished after {timeout:g} s ({states})\n"
                                + self.logs())
                for proc in self.procs:
                    assert proc.poll() is None or proc.returncode in (-9, 0), self.logs()
                time.sleep(0.3)
        finally:
            runs.close()

    def stop(self) -> None:
        for proc in self.procs:
            stop_worker(proc)


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`."""
    return process_tree(pid)[1:]


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def wait_for(predicate, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)
