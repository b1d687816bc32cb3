"""`replaywright worker | submit | runs … | schedule …` (mounted lazily by `cli.py`)."""

from __future__ import annotations

import getpass
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from replaywright.cache.factory import CACHE_ENV, TOKEN_ENV
from replaywright.cache.store import CacheError
from replaywright.errors import ReplaywrightError
from replaywright.flow.template import parse_params
from replaywright.runs.records import RunRecord, RunRequest
from replaywright.runs.secrets import Secrets

CacheOpt = Annotated[str | None, typer.Option(
    "--cache", envvar=CACHE_ENV, show_envvar=True,
    help="The shared cache, where runs are recorded too: a SQLite path, postgresql://… or "
    "https://team-server (default: .replaywright/cache.db).")]
TokenOpt = Annotated[str | None, typer.Option("--token", envvar=TOKEN_ENV, show_envvar=True,
                                              help="Token for a team server.")]
OrgOpt = Annotated[str, typer.Option("--org", help="Organisation, in a team server's database "
                                     "opened directly (a token decides it on the server).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
ParamOpt = Annotated[list[str], typer.Option("--param", "-p", help="NAME=VALUE, repeatable.")]
BaseUrlOpt = Annotated[str | None, typer.Option(help="Base for relative URLs in the flow.")]
QueueOpt = Annotated[str | None, typer.Option("--queue", "-Q", help="Celery queue (default "
                                              "replaywright).")]

worker_app = typer.Typer()
submit_app = typer.Typer()
runs_app = typer.Typer(help="Runs submitted to the workers: list, show, report.",
                       no_args_is_help=True)
schedule_app = typer.Typer(help="Flows run on a cron schedule by Celery beat.",
                           no_args_is_help=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Errors as messages: bad input exits 2, an unreachable or refusing backend 1."""
    from replaywright.errors import FlowError
    from replaywright.runs.schedules import ScheduleError

    try:
        yield
    except (FlowError, ScheduleError) as exc:
        raise _fail(str(exc), 2) from None
    except (CacheError, ReplaywrightError, OSError) as exc:
        raise _fail(str(exc), 1) from None


def _runs(cache: str | None, token: str | None, org: str = "") -> Any:
    from replaywright.runs.store import open_runs

    return open_runs(cache, token, org=org)


def _request(flow: Path, params: list[str], base_url: str | None, timeout: float) -> RunRequest:
    if not flow.is_file():
        raise _fail(f"{flow}: no such flow file", 2)
    return RunRequest(flow=flow.read_text(encoding="utf-8"), source=str(flow),
                      params=parse_params(params), base_url=base_url, timeout=timeout)


# -- worker ----------------------------------------------------------------------------------

@worker_app.command("worker")
def worker(
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", min=1,
                                             help="Worker processes (one browser each).")] = 2,
    queue: Annotated[str, typer.Option("--queue", "-Q", help="Queue(s) to take runs from, "
                                       "comma-separated.")] = "replaywright",
    per_site: Annotated[int | None, typer.Option("--per-site", min=1, help="At most N runs "
                                                 "against one host at once, across all "
                                                 "workers.")] = None,
    cache: CacheOpt = None,
    token: TokenOpt = None,
    save_cache: Annotated[bool, typer.Option("--save-cache", help="Save new entries whatever "
                                             "the git policy says (scheduled runs build the "
                                             "cache).")] = False,
    beat: Annotated[bool, typer.Option("--beat", help="Also fire the schedules (run it in "
                                       "one worker only).")] = False,
    loglevel: Annotated[str, typer.Option(help="Celery log level.")] = "info",
) -> None:
    """A Celery worker that runs submitted flows (broker: $REPLAYWRIGHT_BROKER, default
    redis://127.0.0.1:6379/0)."""
    settings = {CACHE_ENV: cache, TOKEN_ENV: token, "REPLAYWRIGHT_PER_SITE":
                str(per_site) if per_site else None,
                "REPLAYWRIGHT_SAVE_CACHE": "1" if save_cache else None}
    for name, value in settings.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    with _errors():
        _runs(cache, token).close()  # fail now, not on the first run, when it is unusable
        if beat:
            from replaywright.runs.beat import open_schedules

            open_schedules(cache).close()
    from replaywright.runs.app import app

    argv = ["worker", f"--concurrency={concurrency}", f"--queues={queue}", "--pool=prefork",
            f"--loglevel={loglevel}", "--without-gossip", "--without-mingle",
            f"--hostname=replaywright-{os.getpid()}@%h"]
    if beat:
        argv += ["--beat", f"--schedule={Path(os.devnull)}"]
    app.worker_main(argv)


# -- submit ----------------------------------------------------------------------------------

@submit_app.command("submit")
def submit(
    flow: Annotated[Path, typer.Argument(help="Flow file (YAML).")],
    param: ParamOpt = [],  # noqa: B006
    base_url: BaseUrlOpt = None,
    queue: QueueOpt = None,
    timeout: Annotated[float, typer.Option(help="Default seconds per step.")] = 10.0,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for the run to finish; exit 0 "
                                       "when it passed, 1 otherwise.")] = False,
    wait_timeout: Annotated[float, typer.Option(help="Seconds --wait waits.")] = 3600.0,
    json_out: JsonOpt = False,
    cache: CacheOpt = None,
    token: TokenOpt = None,
    org: OrgOpt = "",
) -> None:
    """Queue a run of FLOW for the workers; prints its run id."""
    request = _request(flow, param, base_url, timeout)
    trigger = f"cli, {getpass.getuser()}@{socket.gethostname()}"
    with _errors():
        runs = _runs(cache, token, org)
        try:
            record = runs.enqueue(request, trigger=trigger, queue=queue)
            if wait:
                record = _wait(runs, record.id, wait_timeout)
        finally:
            runs.close()
    if json_out:
        typer.echo(json.dumps(record.model_dump(mode="json"), indent=2))
    elif wait:
        typer.echo(f"{record.id} {record.status}: {_counts(record)}")
    else:
        typer.echo(record.id)
    if wait and record.status != "passed":
        raise typer.Exit(1)


def _wait(runs: Any, run_id: str, timeout: float, poll: float = 0.5) -> RunRecord:
    deadline = time.monotonic() + timeout
    while True:
        record = runs.get(run_id)
        if record is None:
            raise CacheError(f"run {run_id} disappeared")
        if record.finished:
            return record
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {run_id} is still {record.status} after {timeout:g} s")
        time.sleep(poll)


# -- runs ls | show | report ----------------------------------------------------------------

def _when(dt: datetime | None) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M:%S") if dt else "-"


def _counts(r: RunRecord) -> str:
    s = r.summary or {}
    if not s:
        return r.error or r.status
    return (f"{s['steps']} steps, {s['cached']} cached, {s['resolved']} resolved, "
            f"{s['healed']} healed, {s['failed']} failed; resolver calls {r.resolver_calls}")


@runs_app.command("ls")
def runs_ls(flow: Annotated[str | None, typer.Option(help="Only runs of this flow (its "
                                                     "name).")] = None,
            limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
            json_out: JsonOpt = False, cache: CacheOpt = None, token: TokenOpt = None,
            org: OrgOpt = "") -> None:
    """The newest runs first."""
    with _errors():
        runs = _runs(cache, token, org)
        try:
            records = runs.list(flow, limit)
        finally:
            runs.close()
    if json_out:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in records], indent=2))
        return
    typer.echo(f"{'id':<16} {'flow':<16} {'status':<8} {'queued':<19} {'secs':>6} "
               f"{'calls':>5} {'cost $':>7}  trigger")
    for r in records:
        secs = (r.finished_at - r.started_at).total_seconds() if (
            r.finished_at and r.started_at) else None
        typer.echo(f"{r.id:<16} {r.flow[:16]:<16} {r.status:<8} {_when(r.queued_at):<19} "
                   f"{'-' if secs is None else f'{secs:.1f}':>6} {r.resolver_calls:>5} "
                   f"{r.cost_usd:>7.4f}  {r.trigger}")


@runs_app.command("show")
def runs_show(run_id: Annotated[str, typer.Argument(help="Run id.")], json_out: JsonOpt = False,
              cache: CacheOpt = None, token: TokenOpt = None, org: OrgOpt = "") -> None:
    """One run: parameters (secrets masked), times, attempts and per-step results."""
    record = _get(run_id, cache, token, org)
    if json_out:
        typer.echo(json.dumps(record.model_dump(mode="json"), indent=2))
        return
    lines = [f"run {record.id}: {record.flow} ({record.source or 'text'}) — {record.status}",
             f"  triggered by {record.trigger or '?'}",
             f"  params   {json.dumps(record.params)}",
             f"  queued   {_when(record.queued_at)}   started {_when(record.started_at)}   "
             f"finished {_when(record.finished_at)}",
             f"  attempt  {record.attempt} on {record.worker or '-'}",
             f"  result   {_counts(record)}; cost ${record.cost_usd:.4f}"]
    lines += [f"  retried  {note}" for note in record.history]
    lines += [f"  {s['index']:>3}. {s['status']:<8} {s['text']}"
              + (f"  — {s['error']}" if s.get("error") else "") for s in record.steps]
    if record.error and not record.steps:
        lines.append(f"  error    {record.error}")
    lines.append(f"  report   {record.report or f'replaywright runs report {record.id}'}")
    typer.echo("\n".join(lines))


@runs_app.command("report")
def runs_report(run_id: Annotated[str, typer.Argument(help="Run id.")],
                out: Annotated[Path | None, typer.Option(help="HTML file (default "
                                                         ".replaywright/reports/ID.html).")] = None,
                cache: CacheOpt = None, token: TokenOpt = None, org: OrgOpt = "") -> None:
    """Write the run's HTML report; prints its path."""
    from replaywright.report.html import write_html

    record = _get(run_id, cache, token, org)
    path = out or Path(".replaywright/reports") / f"{record.id}.html"
    write_html(path, [(f"{record.flow} — {record.id}", record.result())],
               title=f"replaywright — run {record.id}")
    typer.echo(str(path))


def _get(run_id: str, cache: str | None, token: str | None, org: str) -> RunRecord:
    with _errors():
        runs = _runs(cache, token, org)
        try:
            record = runs.get(run_id)
        finally:
            runs.close()
    if record is None:
        raise _fail(f"no run {run_id!r}")
    return record


# -- schedule add | ls | pause | resume | rm ----------------------------------------------

@contextmanager
def _schedules(cache: str | None, org: str) -> Iterator[Any]:
    from replaywright.runs.beat import open_schedules

    with _errors():
        table = open_schedules(cache, org)
        try:
            yield table
        finally:
            table.close()


@schedule_app.command("add")
def schedule_add(
    name: Annotated[str, typer.Argument(help="A name for the schedule.")],
    flow: Annotated[Path, typer.Argument(help="Flow file (YAML); its text is kept.")],
    cron: Annotated[str, typer.Option(help='Cron expression, e.g. "*/15 * * * *" (an '
                                      "optional 6th field is seconds).")],
    tz: Annotated[str, typer.Option(help="Time zone of the cron times.")] = "UTC",
    param: ParamOpt = [],  # noqa: B006
    base_url: BaseUrlOpt = None,
    queue: QueueOpt = None,
    timeout: Annotated[float, typer.Option(help="Default seconds per step.")] = 10.0,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a schedule of that name "
                                          "(and refresh the flow's text).")] = False,
    cache: CacheOpt = None,
    org: OrgOpt = "",
) -> None:
    """Run FLOW on a cron schedule (fired by `replaywright worker --beat`)."""
    from replaywright.runs.schedules import Schedule

    if not name.strip() or len(name) > 200:
        raise _fail("NAME must be 1-200 characters", 2)
    request = _request(flow, param, base_url, timeout)
    with _errors():
        request.load().bind(dict(request.params))
    with _schedules(cache, org) as table:
        schedule = table.add(Schedule(name=name, cron=cron, tz=tz, request=request,
                                      queue=queue), replace=replace)
    typer.echo(f"schedule {name!r}: {schedule.flow} at {cron!r} ({tz}); "
               f"next {_when(schedule.next_fire())}")


@schedule_app.command("ls")
def schedule_ls(json_out: JsonOpt = False, cache: CacheOpt = None, org: OrgOpt = "") -> None:
    """Schedules, their next tick and last run (secret parameters masked)."""
    with _schedules(cache, org) as table:
        schedules = table.list()
    rows = []
    for s in schedules:
        flow = s.request.load()
        rows.append({"name": s.name, "flow": s.flow, "cron": s.cron, "tz": s.tz,
                     "paused": s.paused, "params": Secrets(flow, s.request.params).params(
                         s.request.params),
                     "next": None if s.paused else s.next_fire().isoformat(),
                     "last_fired_at": s.last_fired_at.isoformat() if s.last_fired_at else None,
                     "last_run": s.last_run, "fired": s.fired})
    if json_out:
        typer.echo(json.dumps(rows, indent=2))
        return
    typer.echo(f"{'name':<16} {'flow':<16} {'cron':<16} {'tz':<14} {'state':<7} "
               f"{'next':<19} last run")
    for s in schedules:
        nxt = "-" if s.paused else _when(s.next_fire())
        typer.echo(f"{s.name[:16]:<16} {s.flow[:16]:<16} {s.cron:<16} {s.tz:<14} "
                   f"{'paused' if s.paused else 'active':<7} {nxt:<19} {s.last_run or '-'}")


def _pause(name: str, paused: bool, cache: str | None, org: str) -> None:
    with _schedules(cache, org) as table:
        schedule = table.pause(name, paused)
    state = "paused" if paused else f"resumed; next {_when(schedule.next_fire())}"
    typer.echo(f"schedule {name!r} {state}")


@schedule_app.command("pause")
def schedule_pause(name: Annotated[str, typer.Argument()], cache: CacheOpt = None,
                   org: OrgOpt = "") -> None:
    """Stop firing NAME until it is resumed."""
    _pause(name, True, cache, org)


@schedule_app.command("resume")
def schedule_resume(name: Annotated[str, typer.Argument()], cache: CacheOpt = None,
                    org: OrgOpt = "") -> None:
    """Fire NAME again, from its next tick on (missed ticks are not made up)."""
    _pause(name, False, cache, org)


@schedule_app.command("rm")
def schedule_rm(name: Annotated[str, typer.Argument()], cache: CacheOpt = None,
                org: OrgOpt = "") -> None:
    """Remove a schedule (its past runs stay)."""
    with _schedules(cache, org) as table:
        table.remove(name)
    typer.echo(f"schedule {name!r} removed")
