"""The team cache server: the `Store` interface over HTTP, per organisation.

    replaywright serve --db postgresql://user@host/db [--host 127.0.0.1 --port 8377]

- Every `/v1` request needs `Authorization: Bearer <token>`; tokens belong to one
  organisation and are stored as SHA-256 hashes (`replaywright serve token create --org X`
  prints a token once; `... token revoke ID` revokes it at once — no auth caching).
- The organisation comes from the token, never from the request, and is part of every
  row's key, so no data crosses organisations: another org's key is simply not there (404).
- Input is validated with pydantic before anything is stored: bodies ≤ 1 MiB (413), keys
  and scopes 1–200 characters without control characters, typed fields (422).
- `PUT /v1/entry?expected_version=N` is a compare-and-set: 409 when the entry moved on.
  Counters and times are the server's: negative `hits`/`heals`/`version` and times in the
  future (touches included) are refused (422).
- `GET /v1/key-secret` hands the organisation's key secret (the HMAC key of step keys,
  made on first use) to its token holders; it is in no listing, metadata call or export,
  so keys seen elsewhere (JUnit files, `--json` results) cannot be tested offline.
- When the database is unreachable (PostgreSQL restarted, connections dropped) the answer
  is 503 with `Retry-After`; the client retries, and the next request reconnects.
- `/v1/runs`: submit runs and read their records (`replaywright.runs.api`, mounted by
  `replaywright.server`), under the same authentication and organisation rules.
- The OpenAPI spec is FastAPI's, at `/openapi.json` (and `/docs`); it carries no data.

Serve behind TLS (a reverse proxy) when not on loopback: tokens travel in headers.
"""

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from starlette.concurrency import run_in_threadpool

from replaywright.cache.entry import CacheEntry
from replaywright.cache.sql import RESERVED_META, SQLStore, utc
from replaywright.cache.store import CacheError, CorruptEntry, VersionConflict
from replaywright.model import utcnow

MAX_BODY = 1024 * 1024  # bytes
MAX_NAME = 200  # characters of a key, scope or meta name
MAX_PAGE = 1000
NAME_PATTERN = r"^[^\x00-\x1F\x7F]+$"  # no control characters

Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME,
                                        pattern=NAME_PATTERN)]
QName = Annotated[str, Query(min_length=1, max_length=MAX_NAME, pattern=NAME_PATTERN)]
M = TypeVar("M", bound=BaseModel)


#: How far ahead of the server's clock a client's time may be (clock skew).
MAX_SKEW = timedelta(minutes=5)


def _not_future(value: datetime) -> datetime:
    if utc(value) > utcnow() + MAX_SKEW:
        raise ValueError("a time in the future is not accepted")
    return value


Past = Annotated[datetime, AfterValidator(_not_future)]
Count = Annotated[int, Field(ge=0)]


class EntryIn(CacheEntry):
    """A cache entry as uploaded: the entry model with bounded key and scope, counters that
    cannot go negative and times that are not in the future."""

    key: Name
    scope: Name = "default"
    hits: Count = 0
    heals: Count = 0
    version: Count = 0
    created_at: Past = Field(default_factory=utcnow)
    updated_at: Past = Field(default_factory=utcnow)
    last_used_at: Past = Field(default_factory=utcnow)


class TouchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scope: Name
    key: Name
    at: Past


class PurgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unused_since: datetime


class CopyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    src: Name
    dst: Name
    overwrite: bool = False


def _public(name: str) -> str:
    if name.startswith(RESERVED_META):
        raise ValueError(f"names starting with {RESERVED_META!r} are reserved")
    return name


class MetaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME,
                                           pattern=NAME_PATTERN), AfterValidator(_public)]
    value: Annotated[str, StringConstraints(max_length=1000, pattern=r"^[^\x00]*$")]


def open_backend(db: str) -> SQLStore:
    """The server's database: `postgresql://…` or an SQLite path / `sqlite:///…`."""
    if db.startswith(("postgresql://", "postgres://")):
        from replaywright.cache.postgres import PostgresStore

        return PostgresStore(db, pool_size=8)
    from replaywright.cache.factory import sqlite_path
    from replaywright.cache.sqlite import SQLiteStore

    return SQLiteStore(sqlite_path(db))


async def read_model(request: Request, model: type[M]) -> M:
    """Read a JSON body of at most MAX_BODY bytes and validate it; 413 / 422 otherwise."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise HTTPException(400, "invalid Content-Length")
        if int(length) > MAX_BODY:
            raise HTTPException(413, f"body larger than {MAX_BODY} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HTTPException(413, f"body larger than {MAX_BODY} bytes")
    try:
        return model.model_validate_json(bytes(body))
    except ValidationError as exc:
        errors = json.loads(exc.json(include_url=False, include_input=False))
        raise HTTPException(422, errors) from None


def _entry_response(entry: CacheEntry) -> Response:
    return Response(entry.model_dump_json(), media_type="application/json")


#: The dependency that authenticates a request and yields its organisation's store.
OrgStore = Callable[[Request], Awaitable[SQLStore]]
#: Mounts more routes on the app under that dependency (`replaywright.runs.api`).
Part = Callable[[FastAPI, OrgStore], None]


def create_app(backend: SQLStore | str, parts: Sequence[Part] = ()) -> FastAPI:
    """The FastAPI application over `backend` (a store or a database URL), with `parts`
    mounted under the same authentication. The served app is composed in
    `replaywright.server`, so the cache never imports what builds on it."""
    store = open_backend(backend) if isinstance(backend, str) else backend

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(title="replaywright cache server", version="1", lifespan=lifespan,
                  description="Team cache of replaywright step resolutions, per organisation.")
    app.state.store = store

    async def org_store(request: Request) -> SQLStore:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(401, "missing bearer token",
                                headers={"WWW-Authenticate": "Bearer"})
        owner = await run_in_threadpool(store.token_owner, token.strip())
        if owner is None:
            raise HTTPException(401, "invalid or revoked token",
                                headers={"WWW-Authenticate": "Bearer"})
        org, token_id, label = owner
        request.state.caller = f"token {token_id}" + (f" ({label})" if label else "")
        return store.for_org(org)

    Org = Annotated[SQLStore, Depends(org_store)]

    @app.exception_handler(CacheError)
    async def cache_error(request: Request, exc: CacheError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503,
                            headers={"Retry-After": "1"})

    @app.get("/v1/key-secret")
    async def key_secret(s: Org) -> dict[str, str]:
        return {"secret": (await run_in_threadpool(s.key_secret)).hex()}

    @app.get("/v1/whoami")
    async def whoami(s: Org) -> dict[str, str]:
        return {"org": s.org}

    @app.get("/v1/entry", responses={404: {"description": "no such entry"}})
    async def get_entry(s: Org, scope: QName, key: QName) -> Any:
        try:
            entry = await run_in_threadpool(s.get, scope, key)
        except CorruptEntry as exc:
            return {"corrupt": {"scope": exc.scope, "key": exc.key, "detail": exc.detail}}
        if entry is None:
            raise HTTPException(404, "no such entry")
        return Response('{"entry":' + entry.model_dump_json() + "}",
                        media_type="application/json")

    @app.put("/v1/entry", responses={409: {"description": "version conflict"}},
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": EntryIn.model_json_schema()}}}})
    async def put_entry(request: Request, s: Org,
                        expected_version: Annotated[int | None, Query(ge=0)] = None) -> Any:
        entry = await read_model(request, EntryIn)
        plain = CacheEntry.model_validate(entry.model_dump())
        try:
            stored = await run_in_threadpool(s.put, plain, expected_version)
        except VersionConflict as exc:
            raise HTTPException(409, str(exc)) from None
        return _entry_response(stored)

    @app.delete("/v1/entry")
    async def delete_entry(s: Org, scope: QName, key: QName) -> dict[str, bool]:
        return {"deleted": await run_in_threadpool(s.delete, scope, key)}

    @app.post("/v1/touch", status_code=204)
    async def touch(request: Request, s: Org) -> Response:
        body = await read_model(request, TouchIn)
        await run_in_threadpool(s.touch, body.scope, body.key, body.at)
        return Response(status_code=204)

    @app.get("/v1/entries")
    async def list_entries(s: Org, scope: Annotated[str | None, Query(
                               min_length=1, max_length=MAX_NAME, pattern=NAME_PATTERN)] = None,
                           after_scope: Annotated[str | None, Query(max_length=MAX_NAME)] = None,
                           after_key: Annotated[str | None, Query(max_length=MAX_NAME)] = None,
                           limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500) -> Response:
        after = (after_scope, after_key or "") if after_scope is not None else None
        rows = await run_in_threadpool(s.page, scope, after, limit)
        parts, corrupt = [], []
        for row in rows:
            try:
                parts.append(s._decode(*row).model_dump_json())
            except CorruptEntry as exc:
                corrupt.append({"scope": exc.scope, "key": exc.key, "detail": exc.detail})
        nxt = [rows[-1][0], rows[-1][1]] if len(rows) == limit else None
        text = ('{"entries":[' + ",".join(parts) + '],"corrupt":' + json.dumps(corrupt)
                + ',"next":' + json.dumps(nxt) + "}")
        return Response(text, media_type="application/json")

    @app.post("/v1/purge")
    async def purge(request: Request, s: Org) -> dict[str, int]:
        body = await read_model(request, PurgeIn)
        return {"removed": await run_in_threadpool(s.purge, body.unused_since)}

    @app.get("/v1/scopes")
    async def scopes(s: Org) -> dict[str, list[str]]:
        return {"scopes": await run_in_threadpool(s.scopes)}

    @app.post("/v1/scopes/copy")
    async def copy_scope(request: Request, s: Org) -> dict[str, int]:
        body = await read_model(request, CopyIn)
        return {"copied": await run_in_threadpool(s.copy_scope, body.src, body.dst,
                                                  body.overwrite)}

    @app.delete("/v1/scope")
    async def delete_scope(s: Org, scope: QName) -> dict[str, int]:
        return {"removed": await run_in_threadpool(s.delete_scope, scope)}

    @app.get("/v1/meta")
    async def list_meta(s: Org, prefix: Annotated[str, Query(max_length=MAX_NAME)] = ""
                        ) -> dict[str, dict[str, str]]:
        return {"meta": await run_in_threadpool(s.list_meta, prefix)}

    @app.get("/v1/meta/value")
    async def get_meta(s: Org, name: QName) -> dict[str, str | None]:
        return {"value": await run_in_threadpool(s.get_meta, name)}

    @app.put("/v1/meta", status_code=204)
    async def set_meta(request: Request, s: Org) -> Response:
        body = await read_model(request, MetaIn)
        await run_in_threadpool(s.set_meta, body.name, body.value)
        return Response(status_code=204)

    for mount in parts:
        mount(app, org_store)
    return app
