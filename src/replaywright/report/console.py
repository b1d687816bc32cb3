"""Console progress and summaries, written as a run goes."""

from __future__ import annotations

import typer

from replaywright.engine.results import RunResult, StepResult

STATUS_STYLE = {
    "cached": ("✓", typer.colors.GREEN), "resolved": ("●", typer.colors.CYAN),
    "healed": ("✚", typer.colors.YELLOW), "failed": ("✗", typer.colors.RED),
    "live": ("·", typer.colors.WHITE), "skipped": ("-", typer.colors.BRIGHT_BLACK),
}


def step_line(step: StepResult) -> None:
    mark, colour = STATUS_STYLE[step.status]
    typer.secho(f"  {mark} {step.status:<8}", fg=colour, nl=False, err=True)
    typer.echo(f" {step.duration_s:6.2f}s  {step.index:>2}. {step.text}", err=True)
    if step.status == "healed" and step.note:
        typer.secho(f"               {step.note}", fg=typer.colors.YELLOW, err=True)
    if step.error:
        typer.secho(f"               {step.error}", fg=typer.colors.RED, err=True)


BLOCK_COLOURS = {"cached": typer.colors.GREEN, "resolved": typer.colors.CYAN,
                 "healed": typer.colors.YELLOW, "fell back": typer.colors.MAGENTA,
                 "failed": typer.colors.RED, "live": typer.colors.WHITE,
                 "skipped": typer.colors.BRIGHT_BLACK}


def block_table(result: RunResult) -> None:
    """Per-block status of a workflow run."""
    for block in result.blocks:
        steps = block.last_step - block.first_step
        detail = f"{steps} step{'s' if steps != 1 else ''}" if steps else ""
        if block.iterations is not None:
            detail += f", {block.iterations} iteration{'s' if block.iterations != 1 else ''}"
        indent = "  " * block.depth
        typer.secho(f"  {indent}{block.label:<{24 - len(indent)}} {block.status:<10}",
                    fg=BLOCK_COLOURS[block.status], nl=False, err=True)
        note = block.note or (f"→ {block.output!r}"[:80] if block.output is not None else "")
        typer.echo(f" {block.kind:<9} {detail}{'  — ' + note if note else ''}", err=True)


def run_summary(result: RunResult) -> None:
    if result.blocks:
        block_table(result)
    s = result.summary()
    verdict = ("PASSED", typer.colors.GREEN) if result.passed else ("FAILED", typer.colors.RED)
    typer.secho(f"{result.flow}: {verdict[0]}", fg=verdict[1], bold=True, nl=False, err=True)
    typer.echo(
        f" in {s['seconds']:.2f}s — {s['cached']} cached, {s['resolved']} resolved, "
        f"{s['healed']} healed"
        + (f" ({s['pending_review']} pending review: `replaywright heals ls`)"
           if s["pending_review"] else "")
        + f", {s['failed']} failed, {s['live']} live; "
        f"resolver calls: {s['resolver_calls']}", err=True)
    usage, avoided = result.usage, result.avoided
    if usage.input_tokens or avoided.input_tokens:
        typer.echo(f"  LLM: {usage.calls} calls, {usage.input_tokens}+{usage.output_tokens} "
                   f"tokens, ${usage.cost_usd:.4f}; avoided by the cache: {avoided.calls} calls, "
                   f"{avoided.input_tokens}+{avoided.output_tokens} tokens, "
                   f"${avoided.cost_usd:.4f}", err=True)
    elif avoided.calls:
        typer.echo(f"  resolver calls avoided by the cache: {avoided.calls}", err=True)
    typer.echo(f"  cache: {result.cache_note}", err=True)
    if result.trace:
        typer.echo(f"  trace: {result.trace}  (open: playwright show-trace {result.trace})",
                   err=True)
    if result.error and not any(st.error for st in result.steps):
        typer.secho(f"  {result.error}", fg=typer.colors.RED, err=True)
