"""`ScheduleTable`: a Celery beat scheduler that reads the schedules table.

    replaywright worker --beat --cache postgresql://…      # beat inside one worker
    celery -A replaywright.runs.app beat                     # or on its own (REPLAYWRIGHT_CACHE)

Every tick it reads the table afresh, submits a run for each schedule that is due and sleeps
until the soonest next tick (at most `REPLAYWRIGHT_BEAT_INTERVAL` seconds, default 5, which
is also how soon a change to the table is seen).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from celery.beat import Scheduler

from replaywright.cache.factory import open_store
from replaywright.cache.sql import SQLStore
from replaywright.runs.schedules import ScheduleError, ScheduleStore

log = logging.getLogger("replaywright.beat")


def open_schedules(cache: str | None, org: str = "") -> ScheduleStore:
    """The schedules beside a SQL cache (SQLite or PostgreSQL; not the team server, whose
    database beat reads directly)."""
    store = open_store(cache, org=org)
    if not isinstance(store, SQLStore):
        store.close()
        raise ScheduleError("schedules live in the cache's database: give --cache a SQLite "
                            "path or a postgresql:// URL (the team server's database)")
    return ScheduleStore(store)


class ScheduleTable(Scheduler):
    """Fires the schedules of the table in `REPLAYWRIGHT_CACHE`."""

    #: The current time; tests drive beat with a clock of their own.
    clock: Callable[[], datetime] | None = None

    def __init__(self, app: Any, *args: Any, **kwargs: Any) -> None:
        self.table: ScheduleStore | None = None
        super().__init__(app, *args, **kwargs)

    def setup_schedule(self) -> None:
        self.table = open_schedules(os.environ.get("REPLAYWRIGHT_CACHE") or None)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        """Fire what is due; return seconds to sleep."""
        assert self.table is not None
        now = self.clock() if self.clock else None
        try:
            for record in self.table.fire_due(now):
                log.info("beat: %s fired run %s (%s)", record.trigger, record.id, record.flow)
            wait = self.table.seconds_to_next(now)
        except Exception:  # a database hiccup must not stop beat; the next tick retries
            log.exception("beat: cannot read or fire the schedules")
            return self.max_interval
        return self.max_interval if wait is None else min(self.max_interval, max(wait, 0.05))

    def close(self) -> None:
        super().close()
        if self.table is not None:
            self.table.close()

    @property
    def info(self) -> str:
        return "    . schedules -> the cache database's schedules table"
