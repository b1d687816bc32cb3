"""Schedules: a flow run on a cron expression, stored in the cache's database.

    replaywright schedule add nightly flows/checkout.yaml --cron "0 3 * * *" --tz Europe/Paris

A schedule keeps the flow's text as it was added (`add --replace` refreshes it), its
parameters, base URL and queue. Celery beat fires it through `beat.ScheduleTable`, which
reads this table on every tick, so adding, pausing, resuming or removing a schedule needs no
restart. Each schedule's next tick is computed after its *anchor* (when it was added, last
fired or resumed): ticks missed while beat was down make one run, not one per tick, and a
paused schedule does not catch up when resumed. Firing is a compare-and-set on a counter, so
two beats (never advisable) still fire each tick once.

Cron expressions have 5 fields (minute hour day month weekday) and an optional 6th for
seconds; times are in the schedule's time zone (IANA name, default UTC).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from pydantic import BaseModel, Field

from replaywright.cache.sql import SQLStore
from replaywright.errors import ReplaywrightError
from replaywright.model import utcnow
from replaywright.runs.records import RunRecord, RunRequest, SQLRunStore


class ScheduleError(ReplaywrightError):
    """A bad cron expression or time zone, or no such schedule."""


class Schedule(BaseModel):
    name: str
    cron: str
    tz: str = "UTC"
    request: RunRequest
    queue: str | None = None
    paused: bool = False
    flow: str = ""  # the flow's name
    created_at: datetime = Field(default_factory=utcnow)
    anchor_at: datetime = Field(default_factory=utcnow)
    last_fired_at: datetime | None = None
    last_run: str | None = None
    fired: int = 0

    def next_fire(self, after: datetime | None = None) -> datetime:
        """The first tick after `after` (default: the anchor), in UTC."""
        zone = ZoneInfo(self.tz)
        start = (after or self.anchor_at).astimezone(zone)
        return croniter(self.cron, start).get_next(datetime).astimezone(UTC)


def check(cron: str, tz: str) -> None:
    """Raise `ScheduleError` for a cron expression or time zone that cannot be used."""
    if len(cron.split()) not in (5, 6) or not croniter.is_valid(cron):
        raise ScheduleError(f"invalid cron expression {cron!r}: use 5 fields (minute hour "
                            "day month weekday) and an optional 6th for seconds, e.g. "
                            "'*/15 * * * *'")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"unknown time zone {tz!r}: use an IANA name such as "
                            "Europe/Paris or UTC") from None


class ScheduleStore:
    """The schedules table of a SQL cache store's database, for one organisation (or all,
    for beat)."""

    def __init__(self, db: SQLStore) -> None:
        self.db = db

    def add(self, schedule: Schedule, replace: bool = False) -> Schedule:
        check(schedule.cron, schedule.tz)
        schedule = schedule.model_copy(update={"flow": schedule.request.load().name})
        with self.db.transaction() as cur:
            exists = cur.execute("SELECT 1 FROM schedules WHERE org=? AND name=?",
                                 (self.db.org, schedule.name)).fetchone()
            if exists and not replace:
                raise ScheduleError(f"a schedule named {schedule.name!r} exists: remove it "
                                    "first or add with --replace")
            cur.execute("DELETE FROM schedules WHERE org=? AND name=?",
                        (self.db.org, schedule.name))
            cur.execute("INSERT INTO schedules (org, name, paused, anchor_at, fired, body)"
                        " VALUES (?,?,?,?,?,?)",
                        (self.db.org, schedule.name, int(schedule.paused),
                         self.db.timestamp(schedule.anchor_at), schedule.fired,
                         schedule.model_dump_json()))
        return schedule

    def get(self, name: str) -> Schedule | None:
        with self.db.transaction(write=False) as cur:
            row = cur.execute("SELECT body FROM schedules WHERE org=? AND name=?",
                              (self.db.org, name)).fetchone()
        return None if row is None else Schedule.model_validate_json(row[0])

    def list(self) -> list[Schedule]:
        with self.db.transaction(write=False) as cur:
            rows = cur.execute("SELECT body FROM schedules WHERE org=? ORDER BY name",
                               (self.db.org,)).fetchall()
        return [Schedule.model_validate_json(r[0]) for r in rows]

    def remove(self, name: str) -> None:
        with self.db.transaction() as cur:
            if cur.execute("DELETE FROM schedules WHERE org=? AND name=?",
                           (self.db.org, name)).rowcount == 0:
                raise ScheduleError(f"no schedule named {name!r}")

    def pause(self, name: str, paused: bool = True, now: datetime | None = None) -> Schedule:
        """Pause, or resume (the next tick then comes after `now`: no catching up)."""
        def edit(s: Schedule) -> Schedule:
            update: dict[str, Any] = {"paused": paused}
            if not paused and s.paused:
                update["anchor_at"] = now or utcnow()
            return s.model_copy(update=update)

        return self._change(self.db.org, name, edit)

    def _change(self, org: str, name: str, edit: Any, fired: int | None = None) -> Schedule:
        with self.db.transaction() as cur:
            row = cur.execute("SELECT body FROM schedules WHERE org=? AND name=?"
                              + self.db.row_lock, (org, name)).fetchone()
            if row is None:
                raise ScheduleError(f"no schedule named {name!r}")
            new = edit(Schedule.model_validate_json(row[0]))
            cur.execute("UPDATE schedules SET paused=?, anchor_at=?, fired=?, body=?"
                        " WHERE org=? AND name=?",
                        (int(new.paused), self.db.timestamp(new.anchor_at), new.fired,
                         new.model_dump_json(), org, name))
        return new

    # -- what beat does -------------------------------------------------------------------

    def active(self) -> Iterator[tuple[str, Schedule]]:
        """(org, schedule) of every unpaused schedule, every organisation."""
        with self.db.transaction(write=False) as cur:
            rows = cur.execute("SELECT org, body FROM schedules WHERE paused=0"
                               " ORDER BY org, name").fetchall()
        for org, body in rows:
            yield org, Schedule.model_validate_json(body)

    def claim(self, org: str, schedule: Schedule, now: datetime) -> bool:
        """Take this tick of `schedule` (False when another beat took it, or it was
        paused or changed meanwhile)."""
        with self.db.transaction() as cur:
            done = cur.execute(
                "UPDATE schedules SET fired=fired+1, anchor_at=?, body=?"
                " WHERE org=? AND name=? AND fired=? AND paused=0",
                (self.db.timestamp(now), schedule.model_copy(update={
                    "fired": schedule.fired + 1, "anchor_at": now, "last_fired_at": now,
                }).model_dump_json(), org, schedule.name, schedule.fired)).rowcount
        return done == 1

    def fire_due(self, now: datetime | None = None) -> builtins.list[RunRecord]:
        """Submit one run for every schedule whose next tick has come; returns the runs."""
        now = now or utcnow()
        runs = []
        for org, schedule in self.active():
            if schedule.next_fire() > now or not self.claim(org, schedule, now):
                continue
            record = SQLRunStore(self.db.for_org(org)).enqueue(
                schedule.request, trigger=f"schedule {schedule.name}", queue=schedule.queue)
            self._change(org, schedule.name,
                         lambda s, run=record.id: s.model_copy(update={"last_run": run}))
            runs.append(record)
        return runs

    def seconds_to_next(self, now: datetime | None = None) -> float | None:
        """Seconds until the soonest tick of any active schedule (None: none active)."""
        now = now or utcnow()
        ticks = [s.next_fire() for _, s in self.active()]
        return max(0.0, (min(ticks) - now).total_seconds()) if ticks else None

    def close(self) -> None:
        self.db.close()
