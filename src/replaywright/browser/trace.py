"""Playwright traces of runs (`--trace on|off|retain-on-failure`, the values of
pytest-playwright's `--tracing`): screenshots and DOM snapshots of every action, each step a
named group, in a zip that `playwright show-trace FILE` opens.

A trace records what the page showed and what was typed, secrets included: keep traces
where the runs' reports are kept, or use `retain-on-failure`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import BrowserContext
from playwright.async_api import Error as PlaywrightError

from replaywright.model import utcnow

TRACE_MODES = ("off", "on", "retain-on-failure")
DEFAULT_FOLDER = Path(".replaywright/traces")


@dataclass
class Trace:
    """One run's trace: set `passed` before it closes; `path` is where it was written."""

    mode: str = "off"
    passed: bool = True
    path: Path | None = None

    @property
    def recording(self) -> bool:
        return self.mode != "off"


def trace_file(folder: Path, name: str) -> Path:
    """`<flow>-<UTC time>.zip`: one file per run, sortable by time."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "run"
    return folder / f"{slug}-{utcnow().strftime('%Y%m%dT%H%M%S%fZ')}.zip"


@asynccontextmanager
async def tracing(context: BrowserContext, mode: str, name: str,
                  folder: Path | None = None) -> AsyncIterator[Trace]:
    """Record a trace of what runs inside; keep it as `mode` says."""
    if mode not in TRACE_MODES:
        raise ValueError(f"trace mode must be one of {', '.join(TRACE_MODES)}, not {mode!r}")
    trace = Trace(mode=mode)
    if not trace.recording:
        yield trace
        return
    await context.tracing.start(screenshots=True, snapshots=True, title=name)
    try:
        yield trace
    finally:
        keep = mode == "on" or not trace.passed
        try:
            if keep:
                path = trace_file(folder or DEFAULT_FOLDER, name)
                path.parent.mkdir(parents=True, exist_ok=True)
                await context.tracing.stop(path=path)
                trace.path = path
            else:
                await context.tracing.stop()
        except PlaywrightError:
            trace.path = None  # the browser went away with the run: nothing to keep
