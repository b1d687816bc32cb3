"""``replaywright bench …`` commands (mounted by the main CLI as ``bench``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from replaywright.bench import relocate as relocate_mod

app = typer.Typer(help="Benchmarks of the matcher on recorded datasets.", no_args_is_help=True)


@app.callback()
def _bench() -> None:
    """Benchmarks of the matcher on recorded datasets."""


@app.command()
def relocate(
    directory: Annotated[Path, typer.Argument(help="Folder of element-relocation *.json files.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the machine-readable report.")] = False,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", help="Confidence threshold (default: the matcher's default)."),
    ] = None,
    loso: Annotated[
        bool,
        typer.Option("--loso", help="Also print leave-one-site-out figures (refits per site, ~15 s)."),
    ] = False,
) -> None:
    """Relocate every target of every site with the matcher and with reference Similo."""
    if not directory.is_dir():
        raise typer.BadParameter(f"{directory} is not a directory", param_hint="DIRECTORY")
    report = relocate_mod.run(directory, threshold=threshold)
    if loso:
        report["loso"] = relocate_mod.loso(directory, threshold=threshold)
    if as_json:
        typer.echo(json.dumps(report))
    else:
        typer.echo(relocate_mod.format_table(report))
        if loso:
            typer.echo("")
            typer.echo(relocate_mod.format_loso(report["loso"]))


if __name__ == "__main__":
    app()
