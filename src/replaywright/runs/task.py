"""The run task: one flow run per message, in the worker process's own browser.

Each worker process keeps one event loop and one Chromium across runs and gives every run
a fresh browser context. A run starts through `session.run_flow`, as `replaywright run`
does. Settings come from the environment (`replaywright worker` sets them from its flags):

    REPLAYWRIGHT_CACHE / REPLAYWRIGHT_TOKEN   the shared cache, and where runs are recorded
    REPLAYWRIGHT_SAVE_CACHE=1                 save entries whatever the git policy says
    REPLAYWRIGHT_PER_SITE=N                   at most N runs per host across all workers
    REPLAYWRIGHT_REDIS                        Redis for the limits (default: the broker if it
                                              is Redis, else redis://127.0.0.1:6379/0)
    REPLAYWRIGHT_RUN_RETRIES (3), REPLAYWRIGHT_RETRY_BACKOFF (2 s)

What happens to a run that goes wrong:
- a step fails: the run is `failed`, recorded, never retried;
- the infrastructure fails (the browser cannot start or crashes, the cache or the limits'
  Redis are unreachable): the attempt is noted in the record's history and the run is
  retried after 2, 4, 8 … seconds (at most 60), up to REPLAYWRIGHT_RUN_RETRIES times, then
  recorded as `error`;
- the flow is malformed: `error` at once (submitting checks flows, so this is rare).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Coroutine, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from celery import Task
from celery.signals import worker_process_shutdown
from playwright.async_api import Error as PlaywrightError

from replaywright.browser.launch import BrowserOptions, BrowserSession, open_browser
from replaywright.cache.store import CacheError, Unauthorized
from replaywright.errors import FlowError, ReplaywrightError
from replaywright.runs.app import TASK, app, broker_url
from replaywright.runs.limits import Limits, flow_key
from replaywright.runs.records import Outcome, RunRequest
from replaywright.runs.secrets import Secrets
from replaywright.runs.store import RunStore, open_runs

log = logging.getLogger("replaywright.worker")
T = TypeVar("T")
#: Seconds a run may take to fail by itself once its browser has died.
CRASH_GRACE = 5.0


class InfrastructureError(Exception):
    """Something other than the flow failed; the run is retried."""


@dataclass(frozen=True)
class Settings:
    cache: str | None = None
    token: str | None = None
    save_cache: bool = False
    per_site: int | None = None
    redis: str = "redis://127.0.0.1:6379/0"
    retries: int = 3
    backoff: float = 2.0
    heal: str = "auto"  # REPLAYWRIGHT_HEAL
    trace: str = "off"  # REPLAYWRIGHT_TRACE: a trace per run ...
    trace_dir: Path | None = None  # ... in REPLAYWRIGHT_TRACE_DIR (default .replaywright/traces)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        broker = broker_url()
        return cls(cache=env.get("REPLAYWRIGHT_CACHE") or None,
                   token=env.get("REPLAYWRIGHT_TOKEN") or None,
                   save_cache=env.get("REPLAYWRIGHT_SAVE_CACHE", "") in {"1", "true", "yes"},
                   per_site=int(env.get("REPLAYWRIGHT_PER_SITE") or 0) or None,
                   redis=env.get("REPLAYWRIGHT_REDIS") or (
                       broker if broker.startswith(("redis://", "rediss://"))
                       else cls.redis),
                   retries=int(env.get("REPLAYWRIGHT_RUN_RETRIES") or cls.retries),
                   backoff=float(env.get("REPLAYWRIGHT_RETRY_BACKOFF") or cls.backoff),
                   heal=env.get("REPLAYWRIGHT_HEAL") or cls.heal,
                   trace=env.get("REPLAYWRIGHT_TRACE") or cls.trace,
                   trace_dir=Path(env["REPLAYWRIGHT_TRACE_DIR"])
                   if env.get("REPLAYWRIGHT_TRACE_DIR") else None)


class WorkerProcess:
    """What one worker process keeps across runs: an event loop, a browser, the run store
    and the limits' Redis connection (all opened on first use, after the fork)."""

    def __init__(self) -> None:
        self.settings = Settings.from_env()
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._browser: BrowserSession | None = None
        self._stack: AsyncExitStack | None = None
        self._runs: dict[str, RunStore] = {}
        self._limits: Limits | None = None

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop.run_until_complete(coro)

    async def browser(self) -> BrowserSession:
        """The process's browser, (re)launched when there is none or it died."""
        if self._browser is not None and self._browser.browser.is_connected():
            return self._browser
        await self._drop_browser()
        stack = AsyncExitStack()
        try:
            self._browser = await stack.enter_async_context(open_browser(BrowserOptions()))
        except ReplaywrightError as exc:
            await stack.aclose()
            raise InfrastructureError(str(exc).splitlines()[0]) from exc
        self._stack = stack
        return self._browser

    def browser_alive(self) -> bool:
        return self._browser is not None and self._browser.browser.is_connected()

    async def guarded(self, run: Coroutine[Any, Any, T]) -> T:
        """`run`, unless the browser dies under it: a Playwright call in flight when the
        browser goes can wait forever, so the run gets CRASH_GRACE seconds to fail by
        itself and is then cancelled."""
        assert self._browser is not None
        browser = self._browser.browser
        gone = asyncio.Event()

        def disconnected(_: Any) -> None:
            gone.set()

        browser.on("disconnected", disconnected)
        task, watch = asyncio.ensure_future(run), asyncio.ensure_future(gone.wait())
        try:
            await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
            if not task.done():
                try:
                    return await asyncio.wait_for(task, CRASH_GRACE)
                except TimeoutError:
                    raise InfrastructureError("the browser crashed during the run") from None
            return task.result()
        finally:
            watch.cancel()
            browser.remove_listener("disconnected", disconnected)

    async def _drop_browser(self) -> None:
        stack, self._stack, self._browser = self._stack, None, None
        if stack is not None:
            with contextlib.suppress(Exception):  # a dead browser may not even say so
                await asyncio.wait_for(stack.aclose(), CRASH_GRACE)

    def runs(self, org: str) -> RunStore:
        if org not in self._runs:
            self._runs[org] = open_runs(self.settings.cache, self.settings.token, org=org)
        return self._runs[org]

    @property
    def limits(self) -> Limits:
        if self._limits is None:
            self._limits = Limits(self.settings.redis)
        return self._limits

    def close(self) -> None:
        if self._loop is not None:
            self._loop.run_until_complete(self._drop_browser())
            self._loop.close()
        for runs in self._runs.values():
            runs.close()
        if self._limits is not None:
            self._limits.close()


_process: WorkerProcess | None = None


def process() -> WorkerProcess:
    global _process
    if _process is None:
        _process = WorkerProcess()
    return _process


@worker_process_shutdown.connect
def _shutdown(**_: Any) -> None:
    if _process is not None:
        _process.close()


@app.task(bind=True, name=TASK, max_retries=None)
def run_task(self: Task, message: dict[str, Any]) -> str:
    """Run one submitted flow and record it; returns the run's final status."""
    worker = process()
    run_id, org = message["id"], message.get("org", "")
    request = RunRequest.model_validate(message["request"])
    try:
        return execute(worker, run_id, org, request)
    except InfrastructureError as exc:
        retries = self.request.retries
        if retries >= worker.settings.retries:
            log.error("run %s: giving up after %d attempts: %s", run_id, retries + 1, exc)
            worker.runs(org).fail(run_id, f"gave up after {retries + 1} attempts: {exc}")
            return "error"
        delay = min(60.0, worker.settings.backoff * 2 ** retries)
        log.warning("run %s: %s; retrying in %.1f s", run_id, exc, delay)
        raise self.retry(countdown=delay) from exc


def execute(worker: WorkerProcess, run_id: str, org: str, request: RunRequest) -> str:
    """Run and record one run; raises `InfrastructureError` when it should be retried."""
    settings = worker.settings
    try:
        runs = worker.runs(org)
        record = runs.get(run_id)
    except Unauthorized:
        raise
    except CacheError as exc:
        raise InfrastructureError(f"cannot reach the run records: {exc}") from exc
    if record is None or record.finished:
        log.info("run %s: %s; dropped", run_id, "unknown" if record is None else "finished")
        return "dropped"
    try:
        flow = request.load()
        params = flow.bind(dict(request.params))
    except FlowError as exc:
        runs.fail(run_id, str(exc))
        return "error"
    key = flow_key(org, settings.cache, request.flow)
    limits = worker.limits
    try:
        with limits.first_run(key, run_id), limits.site(record.host, settings.per_site, run_id):
            started = runs.start(run_id, worker.name)
            if started is None:
                return "dropped"
            try:
                result = worker.run(_run(worker, flow, request, org))
            except (CacheError, PlaywrightError, InfrastructureError, OSError) as exc:
                note = f"attempt {started.attempt} on {worker.name}: {_first_line(exc)}"
                runs.requeue(run_id, started.attempt, note)
                raise InfrastructureError(_first_line(exc)) from exc
            except ReplaywrightError as exc:
                runs.finish(run_id, started.attempt, Outcome(status="error", error=str(exc)))
                return "error"
            if not worker.browser_alive():
                note = f"attempt {started.attempt} on {worker.name}: the browser crashed"
                runs.requeue(run_id, started.attempt, note)
                raise InfrastructureError("the browser crashed during the run")
            outcome = Outcome.of(result, Secrets(flow, params, os.environ))
            recorded = runs.finish(run_id, started.attempt, outcome)
            if result.passed:
                limits.mark_warm(key)
    except _redis_errors() as exc:
        raise InfrastructureError(f"the limits' Redis is unreachable: {exc}") from exc
    if not recorded:
        log.info("run %s: attempt %d was superseded; its result is not recorded", run_id,
                 started.attempt)
        return "superseded"
    return outcome.status


async def _run(worker: WorkerProcess, flow: Any, request: RunRequest, org: str) -> Any:
    from replaywright.session import cache_plan, run_flow

    settings = worker.settings
    cache = cache_plan(settings.cache, settings.token, no_cache=False,
                       save_cache=settings.save_cache, org=org)
    return await worker.guarded(run_flow(
        flow, request.params, cache, base_url=request.base_url, timeout=request.timeout,
        progress=False, reuse=await worker.browser(), heal=settings.heal,
        trace=settings.trace, trace_dir=settings.trace_dir))


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.ConnectionError, redis.TimeoutError)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
