"""A self-contained HTML report: one section per run, a screenshot per step, and for healed
steps the element as cached next to the element as found."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, select_autoescape

from replaywright.engine.results import RunResult
from replaywright.report.files import write_atomic

_ENV = Environment(autoescape=select_autoescape(default=True), trim_blocks=True,
                   lstrip_blocks=True)
_ENV.filters["file_uri"] = lambda path: Path(path).resolve().as_uri()
_TEMPLATE = _ENV.from_string(
    files("replaywright.report").joinpath("templates/report.html").read_text(encoding="utf-8"))


def render_html(runs: list[tuple[str, RunResult]], title: str = "replaywright") -> str:
    """The report as one self-contained HTML page."""
    return _TEMPLATE.render(title=title, runs=[
        {"label": label, "result": result, "summary": result.summary()} for label, result in runs])


def write_html(path: str | Path, runs: list[tuple[str, RunResult]], title: str = "replaywright") -> Path:
    """Write the report atomically (a half-written report never replaces a good one)."""
    return write_atomic(path, render_html(runs, title).encode("utf-8"))
