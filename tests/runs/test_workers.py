"""Real `replaywright worker` processes on the local Redis, running the demo flow."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from replaywright.cache.sqlite import SQLiteStore
from replaywright.runs.records import RunRecord
from tests.runs.helpers import SLOW_FLOW, Cluster, command, descendants, wait_for

pytestmark = pytest.mark.browser


def _entries(cache: str) -> list:
    store = SQLiteStore(cache)
    try:
        return list(store.entries())
    finally:
        store.close()


def _overlaps(records: list[RunRecord]) -> int:
    """How many runs started before the run that started before them had finished."""
    spans = sorted((r.started_at, r.finished_at) for r in records)
    return sum(1 for (_, end), (start, _) in itertools.pairwise(spans) if start < end)


#: Runs submitted at once: `make bench` runs this test with 30, `make test` with fewer.
MANY = int(os.environ.get("REPLAYWRIGHT_TEST_MANY_RUNS") or 8)


def test_many_runs_at_once_on_two_workers_each_recorded_once_resolving_only_once(
        cluster: Cluster, demo_site: str, demo_flow: Path) -> None:
    cluster.start(1, "--save-cache")
    cluster.start(1, "--save-cache")
    ids = cluster.submit(demo_flow, base_url=f"{demo_site}/v1/", n=MANY)
    records = cluster.wait(ids, timeout=60 + 15 * MANY)

    assert len(set(ids)) == MANY
    assert [r.status for r in records] == ["passed"] * MANY, [r.error for r in records]
    assert all(r.attempt == 1 for r in records)
    with cluster.runs().db.transaction(write=False) as cur:
        assert cur.execute("SELECT count(*) FROM runs").fetchone()[0] == MANY
    # the first run resolved every step; all the others replayed every step from the cache
    resolving = [r for r in records if r.resolver_calls]
    assert len(resolving) == 1
    steps = resolving[0].summary["steps"]
    assert resolving[0].summary["resolved"] == steps
    assert all(r.summary["cached"] == steps and r.resolver_calls == 0
               for r in records if r is not resolving[0])
    entries = _entries(cluster.cache)
    assert len(entries) == steps and {e.version for e in entries} == {1}
    # both workers ran runs, side by side
    assert len({r.worker for r in records}) == 2
    assert _overlaps(records) > 0


@pytest.mark.parametrize("kill", ["process", "worker"])
def test_a_worker_killed_mid_run_loses_nothing_and_writes_the_cache_once(
        cluster: Cluster, demo_site: str, kill: str) -> None:
    """SIGKILL the process running a run (its worker hands the run back at once), or a
    whole worker with its browser (the broker re-delivers it to the other worker)."""
    env = {"REPLAYWRIGHT_REDELIVER_AFTER": "8"}
    cluster.start(1, "--save-cache", env=env)
    if kill == "worker":
        cluster.start(1, "--save-cache", env=env)
    [run_id] = cluster.submit(SLOW_FLOW, base_url=f"{demo_site}/v1/")
    runs = cluster.runs()
    running = wait_for(lambda: (r := runs.get(run_id)) and r.status == "running" and r, 90,
                       "the run to start")
    time.sleep(1.5)  # past the first step, into the 4-second wait
    pid = int(running.worker.rsplit(":", 1)[1])
    if kill == "process":
        os.kill(pid, signal.SIGKILL)
    else:
        group = os.getpgid(pid)
        os.killpg(group, signal.SIGKILL)
    [record] = cluster.wait([run_id], timeout=120)

    assert record.status == "passed", record.error
    assert record.attempt == 2
    assert record.worker != running.worker
    entries = _entries(cluster.cache)
    assert len(entries) == record.summary["resolved"] > 0
    assert {e.version for e in entries} == {1}


def test_per_site_one_never_runs_two_at_once_against_a_host(
        cluster: Cluster, demo_site: str, demo_flow: Path) -> None:
    cluster.start(1, "--save-cache", "--per-site", "1")
    cluster.start(1, "--save-cache", "--per-site", "1")
    ids = cluster.submit(demo_flow, base_url=f"{demo_site}/v1/", n=4)
    records = cluster.wait(ids, timeout=300)

    assert all(r.status == "passed" for r in records), [r.error for r in records]
    assert {r.host for r in records} == {demo_site.removeprefix("http://")}
    assert len({r.worker for r in records}) == 2  # the limit held across both workers
    assert _overlaps(records) == 0


def test_infrastructure_failures_retry_up_to_a_limit_a_failing_step_never(
        cluster: Cluster, demo_site: str) -> None:
    broken = {"REPLAYWRIGHT_CHROMIUM": "/nonexistent/chromium", "REPLAYWRIGHT_RUN_RETRIES": "2"}
    cluster.start(1, env=broken)
    [run_id] = cluster.submit(SLOW_FLOW, base_url=f"{demo_site}/v1/")
    [record] = cluster.wait([run_id], timeout=120)
    assert record.status == "error"
    assert "gave up after 3 attempts" in record.error
    assert len(record.history) == 3 and all("cannot start" in h for h in record.history)

    cluster.stop()
    failing = "name: missing\nurl: index.html\nsteps:\n  - Click the Launch rocket button\n"
    cluster.start(1)
    [run_id] = cluster.submit(failing, base_url=f"{demo_site}/v1/")
    [record] = cluster.wait([run_id], timeout=120)
    assert record.status == "failed" and record.attempt == 1 and not record.history
    assert "Launch rocket" in record.steps[0]["text"] and record.steps[0]["status"] == "failed"


def test_a_browser_crash_mid_run_is_retried_on_a_new_browser(cluster: Cluster,
                                                              demo_site: str) -> None:
    cluster.start(1, "--save-cache")
    [run_id] = cluster.submit(SLOW_FLOW, base_url=f"{demo_site}/v1/")
    runs = cluster.runs()
    running = wait_for(lambda: (r := runs.get(run_id)) and r.status == "running" and r, 90,
                       "the run to start")
    pid = int(running.worker.rsplit(":", 1)[1])
    browsers = wait_for(lambda: [p for p in descendants(pid) if "chrom" in command(p)], 30,
                        "the browser")
    time.sleep(1.5)  # past the first step, into the 4-second wait
    for p in browsers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)
    [record] = cluster.wait([run_id], timeout=120)

    assert record.status == "passed", record.error
    assert record.attempt == 2
    assert len(record.history) == 1 and "browser" in record.history[0]


RABBITMQ = os.environ.get("REPLAYWRIGHT_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")


def test_rabbitmq_as_the_broker_with_submit_wait(cluster: Cluster, demo_site: str,
                                                 demo_flow: Path) -> None:
    """`amqp://` works as well as Redis (which still holds the limits); `submit --wait`."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=3).close()
    except OSError as exc:
        pytest.skip(f"RabbitMQ unreachable: {exc}")
    env = {"REPLAYWRIGHT_BROKER": RABBITMQ}
    cluster.start(1, "--save-cache", env=env)
    done = subprocess.run(
        [sys.executable, "-m", "replaywright.cli", "submit", str(demo_flow), "--base-url",
         f"{demo_site}/v1/", "--queue", cluster.queue, "--cache", cluster.cache, "--wait",
         "--wait-timeout", "180", "--json"],
        capture_output=True, text=True, timeout=240, env={**cluster.env, **env})
    cluster.stop()
    from kombu import Connection

    with Connection(RABBITMQ) as conn:  # the test's queue, declared by the worker
        conn.default_channel.queue_delete(cluster.queue)
    assert done.returncode == 0, done.stderr + cluster.logs()
    record = json.loads(done.stdout)
    assert record["status"] == "passed" and record["trigger"].startswith("cli, ")
    assert record["params"]["password"] == "********"
