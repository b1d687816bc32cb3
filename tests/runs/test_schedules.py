"""Schedules: fired by Celery beat from the schedules table — on a test clock through the
real scheduler class and Redis, then by a real `replaywright worker --beat`."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from replaywright.cache.sqlite import SQLiteStore
from replaywright.runs.beat import ScheduleTable
from replaywright.runs.records import RunRequest, SQLRunStore
from replaywright.runs.schedules import Schedule, ScheduleError, ScheduleStore
from tests.runs.helpers import Cluster, wait_for

T0 = datetime(2026, 3, 28, 23, 50, tzinfo=UTC)  # the night Europe/Paris moves to summer time
FLOW = "name: ping\nurl: index.html\nsteps:\n  - The Sign in button is visible\n"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def table(tmp_path: Path) -> ScheduleStore:
    store = ScheduleStore(SQLiteStore(tmp_path / "cache.db"))
    yield store
    store.close()


def _schedule(name: str, cron: str, queue: str, **kw) -> Schedule:
    return Schedule(name=name, cron=cron, request=RunRequest(flow=FLOW), queue=queue,
                    created_at=T0, anchor_at=T0, **kw)


def _queued(redis_url: str, queue: str) -> int:
    import redis

    return redis.Redis.from_url(redis_url).llen(queue)


def test_beat_fires_pauses_resumes_and_never_catches_up(
        tmp_path: Path, table: ScheduleStore, redis_url: str, cluster: Cluster,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The real `ScheduleTable` (as `celery beat` builds it) ticking on a test clock; each
    fired run is a record and a message on the Redis queue."""
    from replaywright.runs.app import app

    table.add(_schedule("quarter", "*/15 * * * *", cluster.queue))
    monkeypatch.setenv("REPLAYWRIGHT_CACHE", str(table.db.path))
    beat = ScheduleTable(app)
    clock = beat.clock = Clock(T0 + timedelta(minutes=9))
    runs = SQLRunStore(SQLiteStore(table.db.path))

    def tick(at: timedelta) -> int:
        clock.now = T0 + at
        before = len(runs.list())
        sleep = beat.tick()
        assert 0 < sleep <= beat.max_interval
        return len(runs.list()) - before

    assert tick(timedelta(minutes=9)) == 0  # 23:59
    assert tick(timedelta(minutes=10)) == 1  # 00:00
    assert tick(timedelta(minutes=10, seconds=3)) == 0
    # beat was down until 02:52: the eleven missed ticks make one run, not eleven
    assert tick(timedelta(hours=3, minutes=2)) == 1
    assert tick(timedelta(hours=3, minutes=9)) == 0  # 02:59
    # changes made elsewhere (the CLI, another process) are read on the next tick
    table.add(_schedule("hourly", "0 * * * *", cluster.queue, tz="Europe/Paris")
              .model_copy(update={"anchor_at": clock.now}))
    table.pause("quarter", now=clock.now)
    assert tick(timedelta(hours=3, minutes=10)) == 1  # 03:00 UTC = 05:00 in Paris: hourly
    table.remove("hourly")
    assert tick(timedelta(hours=3, minutes=40)) == 0  # quarter paused, hourly gone
    table.pause("quarter", paused=False, now=T0 + timedelta(hours=4, minutes=20))
    assert tick(timedelta(hours=4, minutes=21)) == 0  # no catching up on what pausing skipped
    assert tick(timedelta(hours=4, minutes=25)) == 1  # 04:15

    records = runs.list()
    assert [r.trigger for r in records] == ["schedule quarter", "schedule hourly",
                                            "schedule quarter", "schedule quarter"]
    assert _queued(redis_url, cluster.queue) == len(records) == 4
    quarter = table.get("quarter")
    assert quarter.fired == 3 and quarter.last_run == records[0].id
    beat.close()
    runs.close()


def test_time_zones_and_bad_input(table: ScheduleStore) -> None:
    paris = _schedule("paris", "30 2 * * *", "q", tz="Europe/Paris")
    # 02:30 does not exist in Paris on 29 March 2026 (clocks jump 02:00 → 03:00)
    assert paris.next_fire() == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert paris.next_fire(datetime(2026, 3, 29, 12, tzinfo=UTC)) == datetime(
        2026, 3, 30, 0, 30, tzinfo=UTC)
    with pytest.raises(ScheduleError, match="invalid cron expression"):
        table.add(_schedule("bad", "every day", "q"))
    with pytest.raises(ScheduleError, match="unknown time zone"):
        table.add(_schedule("bad", "* * * * *", "q", tz="Mars/Olympus"))
    table.add(_schedule("twice", "* * * * *", "q"))
    with pytest.raises(ScheduleError, match="exists"):
        table.add(_schedule("twice", "* * * * *", "q"))
    table.add(_schedule("twice", "*/5 * * * *", "q"), replace=True)
    assert table.get("twice").cron == "*/5 * * * *"
    with pytest.raises(ScheduleError, match="no schedule named 'nope'"):
        table.pause("nope")


def _cli(*args: str, cache: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "replaywright.cli", *args, "--cache", cache],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.browser
def test_a_beat_worker_builds_the_cache_with_its_first_run_and_picks_up_changes(
        cluster: Cluster, demo_site: str, demo_flow: Path) -> None:
    cache = cluster.cache
    added = _cli("schedule", "add", "shop", str(demo_flow), "--cron", "* * * * * */10",
                 "--base-url", f"{demo_site}/v1/", "--queue", cluster.queue, cache=cache)
    assert added.returncode == 0, added.stderr
    cluster.start(1, "--save-cache", "--beat", env={"REPLAYWRIGHT_BEAT_INTERVAL": "1"})
    runs = cluster.runs()

    def finished(flow: str, n: int) -> list:
        done = [r for r in runs.list(flow=flow) if r.finished]
        return done if len(done) >= n else []

    done = wait_for(lambda: finished("checkout", 3), 180, "three scheduled runs")
    first, *later = sorted(done, key=lambda r: r.queued_at)
    assert all(r.status == "passed" for r in done), [r.error for r in done]
    assert first.resolver_calls > 0 and all(r.resolver_calls == 0 for r in later)
    listing = _cli("runs", "ls", "--flow", "checkout", "--limit", "1000", cache=cache)
    rows = [line.split() for line in listing.stdout.splitlines()[1:]]  # newest first
    finished_calls = [int(cols[6]) for cols in rows if cols[2] == "passed"][::-1]
    assert finished_calls[0] > 0 and set(finished_calls[1:]) == {0}, listing.stdout
    assert {" ".join(cols[8:]) for cols in rows} == {"schedule shop"}

    assert _cli("schedule", "pause", "shop", cache=cache).returncode == 0
    paused_at = len(runs.list(flow="checkout"))
    wait_for(lambda: _cli("schedule", "ls", cache=cache).stdout.count("paused") == 1, 10,
             "the pause")
    import time

    time.sleep(12)  # more than a tick: at most the one fired as we paused
    assert len(runs.list(flow="checkout")) <= paused_at + 1
    count = len(runs.list(flow="checkout"))
    assert _cli("schedule", "resume", "shop", cache=cache).returncode == 0
    wait_for(lambda: len(runs.list(flow="checkout")) > count, 30, "a run after resuming")

    # a new schedule is picked up by the running beat
    second = _cli("schedule", "add", "ping", "-", "--cron", "* * * * * */2", cache=cache)
    assert second.returncode == 2 and "no such flow file" in second.stderr
    ping = cluster.root / "ping.yaml"
    ping.write_text(FLOW)
    assert _cli("schedule", "add", "ping", str(ping), "--cron", "* * * * * */2",
                "--base-url", f"{demo_site}/v1/", "--queue", cluster.queue,
                cache=cache).returncode == 0
    wait_for(lambda: finished("ping", 1), 60, "the new schedule's first run")
    assert _cli("schedule", "rm", "ping", cache=cache).returncode == 0
    assert _cli("schedule", "rm", "shop", cache=cache).returncode == 0
    assert "shop" not in _cli("schedule", "ls", cache=cache).stdout
    runs.close()
