"""``replaywright bench …`` commands (mounted by the main CLI as ``bench``)."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Annotated

import typer

from replaywright.bench import relocate as relocate_mod
from replaywright.cache.loadtest import bench_cache
from replaywright.errors import ReplaywrightError

app = typer.Typer(help="Benchmarks: the resolver on real apps, the matcher on recorded "
                  "datasets, replay speed, page scale, the cache server, run workers.",
                  no_args_is_help=True)


@app.callback()
def _bench() -> None:
    """Benchmarks: the resolver on real apps, the matcher on recorded datasets, replay
    speed, page scale, the cache server, run workers."""


app.command("cache")(bench_cache)


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


@app.command()
def replay(
    pairs: Annotated[int, typer.Option(min=1, help="Alternating pairs to time.")] = 9,
    as_json: Annotated[bool, typer.Option("--json", help="Print the machine-readable "
                                          "report.")] = False,
) -> None:
    """A cached replay of the demo journey vs the same journey hand-written in Playwright,
    and the first run vs the replay: whole processes, alternating pairs, medians."""
    from replaywright.bench import replay as replay_mod

    report = replay_mod.run_pairs(pairs, echo=typer.echo)
    typer.echo(json.dumps(report) if as_json else replay_mod.format_report(report))


@app.command()
def scale(
    sizes: Annotated[str, typer.Option(help="Page sizes in elements, comma-separated.")] =
    "1000,5000,20000,50000",
    as_json: Annotated[bool, typer.Option("--json", help="Print the machine-readable "
                                          "report.")] = False,
) -> None:
    """Seconds per resolve, replay and heal step, and the snapshot's cost, on generated
    pages of growing size."""
    import asyncio

    from replaywright.bench import scale as scale_mod

    chosen = tuple(int(s) for s in sizes.split(",") if s.strip())
    report = asyncio.run(scale_mod.measure(chosen, echo=typer.echo))
    typer.echo(json.dumps(report) if as_json else scale_mod.format_report(report))


@app.command()
def workers(
    counts: Annotated[str, typer.Option("--workers", help="Worker process counts to measure, "
                                        "comma-separated.")] = "1,2,4",
    runs: Annotated[int, typer.Option(min=1, help="Measured runs per worker count.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the machine-readable "
                                          "report.")] = False,
) -> None:
    """Runs per minute of the cached demo flow with 1, 2 and 4 worker processes on the
    local Redis, queue latency p50/p95, lost and duplicated runs, CPU per run."""
    from replaywright.bench import workers as workers_mod

    chosen = tuple(int(c) for c in counts.split(",") if c.strip())
    try:
        report = workers_mod.measure(chosen, runs, echo=typer.echo)
    except (TimeoutError, RuntimeError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(report) if as_json else workers_mod.format_report(report))


@app.command()
def apps(
    directory: Annotated[Path, typer.Argument(help="Folder of apps (each with app.yaml and "
                                              "flows/).")] = Path("benchmarks/apps"),
    app_name: Annotated[list[str], typer.Option("--app", help="Only this app (repeatable).")] = [],  # noqa: B006
    version: Annotated[str | None, typer.Option(help="With --serve/--oracle: this version "
                                                "(default: the first).")] = None,
    flow: Annotated[list[str], typer.Option("--flow", help="Only this flow (file stem, "
                                            "repeatable).")] = [],  # noqa: B006
    oracle: Annotated[bool, typer.Option("--oracle", help="Check the ground truth: run every "
                                         "flow with its expect: locators only.")] = False,
    serve: Annotated[bool, typer.Option("--serve", help="Install and start one app, print its "
                                        "URL and wait (for writing flows).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the machine-readable "
                                          "report.")] = False,
    first_only: Annotated[bool, typer.Option("--first-only", help="Only the first pass of "
                                             "each version (no replay, no upgrade).")] = False,
    keep: Annotated[Path | None, typer.Option("--keep", help="Keep each pass's cache "
                                              "(SQLite) in this folder, to inspect with "
                                              "`replaywright cache`.")] = None,
) -> None:
    """Real open-source apps: first-run resolution and replay against each step's expect:."""
    import asyncio

    from replaywright.bench.apps.spec import load_apps

    try:
        chosen = load_apps(directory, app_name or None)
    except ReplaywrightError as exc:
        raise typer.BadParameter(str(exc)) from None
    if serve:
        from replaywright.bench.apps.serve import AppInstall

        if len(chosen) != 1:
            raise typer.BadParameter("--serve needs exactly one --app")
        install = AppInstall(chosen[0], chosen[0].version(version))
        signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl-C, cleanly
        with install.serve() as base:
            typer.echo(f"{chosen[0].name} {install.version.version}: {base}  (Ctrl-C stops it)")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                return
    if oracle:
        from replaywright.bench.apps.ground import check_ground_truth

        ok = asyncio.run(check_ground_truth(chosen, version, flow or None, echo=typer.echo))
        raise typer.Exit(0 if ok else 1)
    from replaywright.bench.apps.measure import format_report, run_bench

    report = asyncio.run(run_bench(chosen, flows=flow or None, first_only=first_only,
                                   echo=typer.echo, keep=keep))  # progress on stderr, even with --json
    typer.echo(json.dumps(report) if as_json else format_report(report))


if __name__ == "__main__":
    app()
