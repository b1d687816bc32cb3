"""How an error ends a command, in one place: one line on stderr (and, for `--json`, one JSON
object on stdout) and the error's exit code — 2 for bad input or configuration, 1 for a run
that failed (see README, "When things go wrong")."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

from replaywright.errors import ReplaywrightError

if TYPE_CHECKING:
    # recent typer vendors click: `click` itself may not be installed, and is not its type
    from typer._click import Context


def fail(message: str, code: int, json_out: bool = False,
         extra: dict[str, Any] | None = None) -> typer.Exit:
    """Print the error (and, for --json, one JSON object on stdout); the Exit to raise."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    if json_out:
        typer.echo(json.dumps({**(extra or {}), "passed": False, "error": message,
                               "exit_code": code}, indent=2))
    return typer.Exit(code)


def error_exit(exc: ReplaywrightError, json_out: bool = False,
               extra: dict[str, Any] | None = None) -> typer.Exit:
    """The Exit for an error that ends a command."""
    return fail(str(exc), exc.exit_code, json_out, extra)


class ErrorsToExits(TyperGroup):
    """A command group whose commands end on a `ReplaywrightError` with its one-line message
    and exit code, never with a traceback."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReplaywrightError as exc:
            raise error_exit(exc) from None
