"""The team server as it is served: the cache API with the runs API mounted on it, and the
`replaywright serve …` commands (the server, its API tokens).

The composition lives here, above both parts, so the cache server never imports the runs
package that builds on the cache. FastAPI and uvicorn load only when a server starts.
"""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING, Annotated

import typer

from replaywright.exits import ErrorsToExits

if TYPE_CHECKING:
    from fastapi import FastAPI

    from replaywright.cache.sql import SQLStore

serve_app = typer.Typer(cls=ErrorsToExits,
                        help="Run the team cache server, manage its API tokens.")
token_app = typer.Typer(help="API tokens of the cache server.", no_args_is_help=True)
serve_app.add_typer(token_app, name="token")

DbOpt = Annotated[str | None, typer.Option(
    "--db", envvar="REPLAYWRIGHT_SERVER_DB", show_envvar=True,
    help="Server database: postgresql://… (or an SQLite path).")]


def create_app(backend: SQLStore | str) -> FastAPI:
    """The served application over `backend` (a store or a database URL): cache and runs."""
    from replaywright.cache.server import create_app as cache_app
    from replaywright.runs.api import add_run_routes

    return cache_app(backend, parts=[add_run_routes])


def run_server(db: str, host: str = "127.0.0.1", port: int = 8377,
               log_level: str = "warning") -> None:
    """Run the server in the foreground (blocking)."""
    import uvicorn

    uvicorn.run(create_app(db), host=host, port=port, log_level=log_level)


def _need_db(ctx: typer.Context, db: str | None) -> str:
    db = db or (ctx.obj or {}).get("db")
    if not db:
        typer.echo("error: give --db postgresql://… (or set REPLAYWRIGHT_SERVER_DB)", err=True)
        raise typer.Exit(2)
    return db


def _admin(ctx: typer.Context, db: str | None) -> SQLStore:
    from replaywright.cache.server import open_backend

    return open_backend(_need_db(ctx, db))


@serve_app.callback(invoke_without_command=True)
def serve(ctx: typer.Context, db: DbOpt = None,
          host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="TCP port.")] = 8377,
          log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
          ) -> None:
    """Run the team cache server (FastAPI; OpenAPI spec at /openapi.json)."""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is not None:
        return
    db = _need_db(ctx, db)
    typer.echo(f"replaywright cache server on http://{host}:{port}", err=True)
    run_server(db, host=host, port=port, log_level=log_level)


@token_app.command("create")
def token_create(ctx: typer.Context,
                 org: Annotated[str, typer.Option("--org", help="Organisation.")],
                 label: Annotated[str, typer.Option(help="A note, e.g. 'CI'.")] = "",
                 db: DbOpt = None) -> None:
    """Create a token for ORG (creating the organisation if new); prints it once."""
    if not org.strip() or len(org) > 200:
        typer.echo("error: --org must be 1-200 characters", err=True)
        raise typer.Exit(2)
    with closing(_admin(ctx, db)) as store:
        token_id, secret = store.create_token(org, label)
    typer.echo(f"token id {token_id} for organisation {org!r} (shown once, store it now):",
               err=True)
    typer.echo(secret)


@token_app.command("revoke")
def token_revoke(ctx: typer.Context,
                 token: Annotated[str, typer.Argument(help="Token id (or the token).")],
                 db: DbOpt = None) -> None:
    """Revoke a token; it is refused from the next request on."""
    with closing(_admin(ctx, db)) as store:
        done = store.revoke_token(token)
    if not done:
        typer.echo("error: no such active token", err=True)
        raise typer.Exit(1)
    typer.echo("revoked")


@token_app.command("ls")
def token_ls(ctx: typer.Context,
             org: Annotated[str | None, typer.Option("--org", help="Only this org.")] = None,
             db: DbOpt = None) -> None:
    """List tokens (ids, orgs, labels; never the secrets)."""
    with closing(_admin(ctx, db)) as store:
        rows = store.list_tokens(org)
    for r in rows:
        state = "revoked" if r["revoked"] else "active"
        typer.echo(f"{r['id']}\t{r['org']}\t{state}\t{r['created_at']}\t{r['label']}")
