"""The runs API of the team server, under the cache endpoints' authentication: every call
needs a bearer token, and the token's organisation is the only one it sees.

    POST /v1/runs                    submit: {"request": {flow, source, params, base_url,
                                     timeout}, "queue": null} → the queued record (201)
    GET  /v1/runs?flow=NAME&limit=N  records, newest first
    GET  /v1/runs/{id}               one record (404: no such run in this organisation)
    GET  /v1/runs/{id}/report        its HTML report

and, for workers that record through the server (`replaywright worker --cache https://…`):
`POST /v1/runs/{id}/start | finish | requeue | fail`. Parameters marked or named secret are
masked in every record, and secret values are scrubbed from step results before storing.
The server sends submitted runs to the broker in `REPLAYWRIGHT_BROKER`.
"""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, StringConstraints
from starlette.concurrency import run_in_threadpool

from replaywright.cache.server import OrgStore, read_model
from replaywright.cache.sql import SQLStore
from replaywright.errors import FlowError
from replaywright.runs.records import (
    MAX_LIST,
    Outcome,
    QueueError,
    RunRecord,
    RunRequest,
    SQLRunStore,
)

RunId = Annotated[str, Path(pattern=r"^run_[0-9a-f]{12}$")]
Short = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00-\x1F\x7F]*$")]


class SubmitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    request: RunRequest
    queue: Short | None = None


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    worker: Short


class FinishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attempt: int
    outcome: Outcome


class RequeueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attempt: int
    note: Annotated[str, StringConstraints(max_length=2000)]


class FailIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    error: Annotated[str, StringConstraints(max_length=20000)]


def _answer(request: Request, record: RunRecord) -> dict[str, Any]:
    report = str(request.url_for("run_report", run_id=record.id))
    return record.model_copy(update={"report": report}).model_dump(mode="json")


def add_run_routes(app: FastAPI, org_store: OrgStore) -> None:
    """Mount the runs API on the server `app`; `org_store` is its dependency that
    authenticates a request and yields the caller's organisation's store."""
    Org = Annotated[SQLStore, Depends(org_store)]

    def runs(s: SQLStore) -> SQLRunStore:
        return SQLRunStore(s)

    @app.post("/v1/runs", status_code=201,
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": SubmitIn.model_json_schema()}}}})
    async def submit_run(request: Request, s: Org) -> Any:
        body = await read_model(request, SubmitIn)
        trigger = f"api, {request.state.caller}"
        try:
            record = await run_in_threadpool(runs(s).enqueue, body.request, trigger, body.queue)
        except FlowError as exc:
            raise HTTPException(422, str(exc)) from None
        except QueueError as exc:
            raise HTTPException(503, str(exc)) from None
        return _answer(request, record)

    @app.get("/v1/runs")
    async def list_runs(request: Request, s: Org,
                        flow: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
                        limit: Annotated[int, Query(ge=1, le=MAX_LIST)] = 50
                        ) -> dict[str, list[dict[str, Any]]]:
        records = await run_in_threadpool(runs(s).list, flow, limit)
        return {"runs": [_answer(request, r) for r in records]}

    async def _record(s: SQLStore, run_id: str) -> RunRecord:
        record = await run_in_threadpool(runs(s).get, run_id)
        if record is None:
            raise HTTPException(404, "no such run")
        return record

    @app.get("/v1/runs/{run_id}", responses={404: {"description": "no such run"}})
    async def get_run(request: Request, s: Org, run_id: RunId) -> Any:
        return _answer(request, await _record(s, run_id))

    @app.get("/v1/runs/{run_id}/report", name="run_report")
    async def run_report(s: Org, run_id: RunId) -> Response:
        from replaywright.report.html import render_html

        record = await _record(s, run_id)
        html = render_html([(f"{record.flow} — {record.id}", record.result())],
                           title=f"replaywright — run {record.id}")
        return Response(html, media_type="text/html")

    @app.post("/v1/runs/{run_id}/start")
    async def start_run(request: Request, s: Org, run_id: RunId) -> dict[str, Any]:
        body = await read_model(request, StartIn)
        await _record(s, run_id)
        record = await run_in_threadpool(runs(s).start, run_id, body.worker)
        return {"run": None if record is None else record.model_dump(mode="json")}

    @app.post("/v1/runs/{run_id}/finish")
    async def finish_run(request: Request, s: Org, run_id: RunId) -> dict[str, bool]:
        body = await read_model(request, FinishIn)
        await _record(s, run_id)
        return {"done": await run_in_threadpool(runs(s).finish, run_id, body.attempt,
                                                body.outcome)}

    @app.post("/v1/runs/{run_id}/requeue")
    async def requeue_run(request: Request, s: Org, run_id: RunId) -> dict[str, bool]:
        body = await read_model(request, RequeueIn)
        await _record(s, run_id)
        return {"done": await run_in_threadpool(runs(s).requeue, run_id, body.attempt,
                                                body.note)}

    @app.post("/v1/runs/{run_id}/fail")
    async def fail_run(request: Request, s: Org, run_id: RunId) -> dict[str, bool]:
        body = await read_model(request, FailIn)
        await _record(s, run_id)
        return {"done": await run_in_threadpool(runs(s).fail, run_id, body.error)}
