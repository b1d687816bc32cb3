"""`replaywright codegen FLOW`: show, diff, pin and unpin a flow's generated script."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from replaywright.codegen.store import DEFAULT_FOLDER, ScriptStore

codegen_app = typer.Typer(help="Generated Python scripts of flows: show, diff, pin.",
                          pretty_exceptions_enable=False)


def flow_name(flow: str) -> str:
    """A flow file's `name:`, or the argument itself when it is a name."""
    path = Path(flow)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        from replaywright.errors import FlowError
        from replaywright.flow.loader import load_flow

        try:
            return load_flow(path).name
        except FlowError as exc:
            typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from None
    return flow


@codegen_app.command("codegen")
def codegen(
    flow: Annotated[str, typer.Argument(help="Flow file (YAML) or flow name.")],
    scripts: Annotated[Path, typer.Option("--scripts", envvar="REPLAYWRIGHT_SCRIPTS",
                                          help="Folder of generated scripts.")] = DEFAULT_FOLDER,
    diff: Annotated[bool, typer.Option("--diff", help="Show what the last regeneration "
                                       "changed (unified diff).")] = False,
    pin: Annotated[bool, typer.Option("--pin", help="Freeze the current version: no "
                                      "automatic regeneration.")] = False,
    unpin: Annotated[bool, typer.Option("--unpin", help="Allow regeneration again.")] = False,
) -> None:
    """Print the current generated script of FLOW (written after passing runs)."""
    if pin and unpin:
        typer.secho("error: --pin and --unpin together", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    name = flow_name(flow)
    store = ScriptStore(scripts)
    text = store.current(name)
    if text is None:
        typer.secho(f"error: no generated script for flow '{name}' in {scripts}: a passing "
                    "run writes one", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    manifest = store.manifest(name)
    if pin or unpin:
        store.pin(name, pinned=pin)
        state = "pinned: regeneration is off" if pin else "unpinned: passing runs regenerate it"
        typer.echo(f"{store.current_path(name)} v{manifest.get('current', '?')} {state}")
        return
    if diff:
        changes = store.diff(name)
        typer.echo(changes if changes else f"no earlier version of {store.current_path(name)}",
                   nl=not changes)
        return
    typer.echo(text, nl=False)
