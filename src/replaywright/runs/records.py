"""Run records: what was asked for, who asked, and how each attempt went.

A record is created `queued` when a run is submitted and moves to `running` each time a
worker takes it (one attempt per delivery), then to `passed`, `failed` (a step failed: a
result, never retried) or `error` (the infrastructure failed past its retries). Only the
newest attempt may finish a run, and a finished run is never taken again: a run delivered
twice (a worker killed mid-run, a broker that re-delivers) is still recorded once.

Records live in the cache's database (`runs` table, `cache.sql.RUNS_SCHEMA`), per
organisation, as JSON with the queried fields copied into columns.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, Field

from replaywright.cache.sql import SQLStore
from replaywright.engine.results import RunResult, StepResult
from replaywright.errors import FlowError, ReplaywrightError
from replaywright.flow.loader import parse_flow
from replaywright.flow.model import Flow
from replaywright.flow.template import Context, render
from replaywright.model import utcnow
from replaywright.runs.secrets import Secrets

RunStatus = Literal["queued", "running", "passed", "failed", "error"]
FINISHED: frozenset[str] = frozenset({"passed", "failed", "error"})
MAX_LIST = 1000


class QueueError(ReplaywrightError):
    """A run was recorded but the broker would not take it (the record says so)."""


class RunRequest(BaseModel):
    """What a worker needs to run a flow: the flow's text (workers need not share files),
    the parameters as given (unmasked: they travel to the worker through the broker only)."""

    flow: str
    source: str = ""  # the file it was read from, for messages
    params: dict[str, str] = Field(default_factory=dict)
    base_url: str | None = None
    timeout: float = 10.0

    def load(self) -> Flow:
        """The flow, parsed; a `FlowError` names the source file and line."""
        from pathlib import Path

        return parse_flow(self.flow, Path(self.source) if self.source else None)


class RunRecord(BaseModel):
    id: str
    flow: str
    source: str = ""
    status: RunStatus = "queued"
    trigger: str = ""  # who or what asked: "cli", "api (token 3f2a…: ci)", "schedule nightly"
    params: dict[str, Any] = Field(default_factory=dict)  # as bound (defaults too), masked
    base_url: str | None = None
    host: str = ""  # the site the run works on (per-site limits)
    queued_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    attempt: int = 0
    worker: str = ""  # host:pid of the newest attempt
    resolver_calls: int = 0
    cost_usd: float = 0.0
    summary: dict[str, Any] | None = None
    steps: list[dict[str, Any]] = Field(default_factory=list)  # per-step results, scrubbed
    error: str | None = None
    history: list[str] = Field(default_factory=list)  # one line per attempt that did not finish
    report: str = ""  # where the HTML report is served (team server answers)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def result(self) -> RunResult:
        """The stored run as a `RunResult` (for the HTML and JUnit reports)."""
        return RunResult(flow=self.flow, passed=self.status == "passed",
                         steps=[StepResult.model_validate(s) for s in self.steps],
                         error=self.error,
                         seconds=(self.summary or {}).get("seconds", 0.0),
                         started_at=self.started_at or self.queued_at,
                         cache_saved=(self.summary or {}).get("cache_saved", False),
                         cache_note=(self.summary or {}).get("cache_note", ""))


def new_record(request: RunRequest, trigger: str) -> RunRecord:
    """A queued record for `request`; raises `FlowError` for a bad flow or parameters, so a
    bad submission fails at once, not later on a worker."""
    flow = request.load()
    values = flow.bind(dict(request.params))
    return RunRecord(id="run_" + secrets.token_hex(6), flow=flow.name, source=request.source,
                     trigger=trigger, params=Secrets(flow, values).params(values),
                     base_url=request.base_url, host=site_of(flow, values, request.base_url))


def site_of(flow: Flow, params: dict[str, Any], base_url: str | None) -> str:
    """The host (`host:port`) a run starts on: its start URL against the base URL."""
    url = base_url or ""
    if flow.url:
        # a start URL built from env values (unknown here): the base URL's host
        with contextlib.suppress(FlowError):
            url = urljoin(url, render(flow.url, Context(params=params)).text)
    return urlsplit(url).netloc.lower()


class Outcome(BaseModel):
    """How an attempt ended, as a worker reports it."""

    status: Literal["passed", "failed", "error"]
    resolver_calls: int = 0
    cost_usd: float = 0.0
    summary: dict[str, Any] | None = None
    steps: list[dict[str, Any]] = Field(default_factory=list)
    error: str | None = None

    @classmethod
    def of(cls, result: RunResult, secrets_: Secrets) -> Outcome:
        """A finished run's outcome, every secret value scrubbed from what is kept."""
        data = secrets_.scrub(result.to_json())
        return cls(status="passed" if result.passed else "failed",
                   resolver_calls=result.resolver_calls, cost_usd=result.usage.cost_usd,
                   summary=data["summary"], steps=data["steps"], error=data["error"])

    def applied(self, record: RunRecord) -> RunRecord:
        return record.model_copy(update={**self.model_dump(), "finished_at": utcnow()})


class SQLRunStore:
    """Run records in a SQL cache store's database (one organisation's view of it)."""

    def __init__(self, db: SQLStore) -> None:
        self.db = db

    @property
    def org(self) -> str:
        return self.db.org

    def enqueue(self, request: RunRequest, trigger: str = "", queue: str | None = None
                ) -> RunRecord:
        """Record the run and hand it to the workers."""
        from replaywright.runs.app import send_run

        record = new_record(request, trigger)
        self.create(record)
        try:
            send_run(record.id, self.org, request, queue)
        except Exception as exc:  # kombu's errors, an unknown broker scheme, ...
            message = f"could not queue the run {record.id}: {exc}"
            self.change(record.id, Outcome(status="error", error=message).applied)
            raise QueueError(message) from exc
        return record

    def create(self, record: RunRecord) -> None:
        with self.db.transaction() as cur:
            cur.execute("INSERT INTO runs (org, id, flow, status, attempt, queued_at, body)"
                        " VALUES (?,?,?,?,?,?,?)",
                        (self.org, record.id, record.flow, record.status, record.attempt,
                         self.db.timestamp(record.queued_at), record.model_dump_json()))

    def get(self, run_id: str) -> RunRecord | None:
        with self.db.transaction(write=False) as cur:
            row = cur.execute("SELECT body FROM runs WHERE org=? AND id=?",
                              (self.org, run_id)).fetchone()
        return None if row is None else RunRecord.model_validate_json(row[0])

    def list(self, flow: str | None = None, limit: int = 50) -> list[RunRecord]:
        """The newest runs first, of one flow (by name) or of all."""
        query, args = "SELECT body FROM runs WHERE org=?", [self.org]
        if flow is not None:
            query, args = query + " AND flow=?", [*args, flow]
        with self.db.transaction(write=False) as cur:
            rows = cur.execute(query + " ORDER BY queued_at DESC, id DESC LIMIT ?",
                               (*args, max(1, min(limit, MAX_LIST)))).fetchall()
        return [RunRecord.model_validate_json(r[0]) for r in rows]

    def change(self, run_id: str, edit: Callable[[RunRecord], RunRecord | None]
               ) -> RunRecord | None:
        """Apply `edit` to the stored record in one transaction (the row locked); `edit`
        returns the new record, or None to leave it as is. Returns what was stored."""
        with self.db.transaction() as cur:
            row = cur.execute("SELECT body FROM runs WHERE org=? AND id=?" + self.db.row_lock,
                              (self.org, run_id)).fetchone()
            if row is None:
                return None
            new = edit(RunRecord.model_validate_json(row[0]))
            if new is None:
                return None
            cur.execute("UPDATE runs SET status=?, attempt=?, body=? WHERE org=? AND id=?",
                        (new.status, new.attempt, new.model_dump_json(), self.org, run_id))
        return new

    # -- what a worker does with a record ---------------------------------------------------

    def start(self, run_id: str, worker: str) -> RunRecord | None:
        """A worker takes the run: a new attempt. None when the run is finished (or gone),
        so a late re-delivery is dropped, not run again."""
        return self.change(run_id, lambda r: None if r.finished else r.model_copy(update={
            "status": "running", "attempt": r.attempt + 1, "worker": worker,
            "started_at": utcnow()}))

    def finish(self, run_id: str, attempt: int, outcome: Outcome) -> bool:
        """Record the outcome of `attempt`; False when a newer attempt took the run over."""
        return self.change(run_id, lambda r: outcome.applied(r) if (
            r.status == "running" and r.attempt == attempt) else None) is not None

    def fail(self, run_id: str, error: str) -> bool:
        """The run cannot be carried out (a bad flow, retries used up): `error`."""
        return self.change(run_id, lambda r: None if r.finished else Outcome(
            status="error", error=error).applied(r)) is not None

    def requeue(self, run_id: str, attempt: int, note: str) -> bool:
        """`attempt` hit an infrastructure failure and is retried later."""
        return self.change(run_id, lambda r: r.model_copy(update={
            "status": "queued", "history": [*r.history, note]}) if (
            r.status == "running" and r.attempt == attempt) else None) is not None

    def close(self) -> None:
        self.db.close()
