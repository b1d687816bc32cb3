"""What a run is given (`RunOptions`) and what it accumulates (`RunState`): the two
records every part of the engine reads, kept apart so that no part imports the runner."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Page

from replaywright.engine.caching import Pending
from replaywright.engine.results import BlockResult, StepResult
from replaywright.flow.intent import Intent
from replaywright.flow.template import Context
from replaywright.model import Usage

DEFAULT_TIMEOUT = 10.0
MODES = ("auto", "code", "ai")
#: auto: a heal rewrites the entry; review: it is proposed for a person to accept; off: a
#: step that would heal fails, saying what it would have picked.
HEAL_MODES = ("auto", "review", "off")


@dataclass
class RunOptions:
    mode: str = "auto"  # auto | code | ai
    base_url: str | None = None
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    step_timeout: float = DEFAULT_TIMEOUT
    screenshots: bool = False
    heal: str = "auto"  # auto | review | off
    #: The page's context is being traced: each step becomes a named group in the trace.
    trace_steps: bool = False
    on_step: Callable[[StepResult], None] | None = None
    #: Benchmarks only: carries out a failed step with `expect:` on that element (page,
    #: locator, intent, timeout, base folder), raising when it cannot.
    stand_in: Callable[[Page, str, Intent, float, Path], Awaitable[None]] | None = None


@dataclass
class RunState:
    """Everything one run accumulates."""

    flow: str
    ctx: Context
    base_dir: Path
    path: Path | None = None
    workflow: bool = False
    steps: list[StepResult] = field(default_factory=list)
    blocks: list[BlockResult] = field(default_factory=list)
    pending: dict[str, Pending] = field(default_factory=dict)
    error: str | None = None
    overhead: Usage = field(default_factory=Usage)  # resolver spending outside any step
    overhead_avoided: Usage = field(default_factory=Usage)

    def where(self, line: int) -> str:
        return f"{self.path}:{line}" if self.path else f"line {line}"
