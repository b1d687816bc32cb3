"""What a run reports: per step, and in total. The report package renders these."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from replaywright.model import Usage, utcnow

Status = Literal["cached", "resolved", "healed", "failed", "live", "skipped"]


BlockStatus = Literal["cached", "resolved", "healed", "fell back", "live", "failed", "skipped"]


class StepResult(BaseModel):
    index: int
    text: str
    line: int = 0
    block: str = ""
    action: str = ""
    status: Status = "skipped"
    duration_s: float = 0.0
    resolver_calls: int = 0
    usage: Usage = Field(default_factory=Usage)
    avoided: Usage = Field(default_factory=Usage)
    element: str = ""
    selector: str = ""
    code: str = ""
    confidence: float | None = None
    note: str = ""
    error: str | None = None
    screenshot: str | None = None  # base64 JPEG of the page after the step
    old_image: str | None = None  # healed steps: the element as cached ...
    new_image: str | None = None  # ... and as found now
    cache_key: str | None = None
    #: With `expect:`: whether the element found was the one it names.
    expect: Literal["matched", "wrong"] | None = None
    #: Milliseconds spent finding the element (fast path, snapshot, matcher, resolver).
    locate_ms: float | None = None
    #: The step failed and a benchmark carried it out on its `expect:` element instead.
    stood_in: bool = False
    #: Healed under `--heal review`: the proposal's id; the cache entry was left as it was.
    review: str | None = None


def block_status(steps: list[StepResult], *, from_code: bool = False) -> BlockStatus:
    """A block's status from its steps. Running from code (`--with code` or a generated
    script), a block that needed the resolver `fell back`."""
    statuses = {s.status for s in steps}
    if "failed" in statuses:
        return "failed"
    if from_code and statuses & {"resolved", "healed"}:
        return "fell back"
    for status in ("healed", "resolved", "cached"):
        if status in statuses:
            return status
    return "live"


class BlockResult(BaseModel):
    """One workflow block: its status and the steps it ran (`steps[first_step:last_step]`)."""

    label: str
    kind: str
    status: BlockStatus = "skipped"
    depth: int = 0
    first_step: int = 0
    last_step: int = 0
    iterations: int | None = None
    output: Any = None
    note: str = ""
    duration_s: float = 0.0


class RunResult(BaseModel):
    flow: str
    passed: bool = False
    steps: list[StepResult] = Field(default_factory=list)
    blocks: list[BlockResult] = Field(default_factory=list)
    seconds: float = 0.0
    started_at: datetime = Field(default_factory=utcnow)
    cache_saved: bool = False
    cache_note: str = ""
    error: str | None = None
    overhead: Usage = Field(default_factory=Usage)  # e.g. an agent's final "done" call
    overhead_avoided: Usage = Field(default_factory=Usage)
    #: The Playwright trace of the run (`--trace`), when one was kept.
    trace: str | None = None


    def count(self, status: Status) -> int:
        return sum(1 for s in self.steps if s.status == status)

    @property
    def resolver_calls(self) -> int:
        return sum(s.resolver_calls for s in self.steps) + self.overhead.calls

    @property
    def usage(self) -> Usage:
        return sum((s.usage for s in self.steps), self.overhead)

    @property
    def avoided(self) -> Usage:
        return sum((s.avoided for s in self.steps), self.overhead_avoided)

    def summary(self) -> dict:
        return {
            "flow": self.flow, "passed": self.passed, "steps": len(self.steps),
            "cached": self.count("cached"), "resolved": self.count("resolved"),
            "healed": self.count("healed"),
            "pending_review": sum(1 for s in self.steps if s.review),
            "failed": self.count("failed"),
            "live": self.count("live"), "resolver_calls": self.resolver_calls,
            "seconds": round(self.seconds, 2), "cache_saved": self.cache_saved,
            "cache_note": self.cache_note, "trace": self.trace,
            "usage": self.usage.model_dump(), "avoided": self.avoided.model_dump(),
            "blocks": {b.label: b.status for b in self.blocks},
        }

    def to_json(self, *, screenshots: bool = False) -> dict:
        exclude = None if screenshots else {"steps": {"__all__": {
            "screenshot", "old_image", "new_image"}}}
        data = self.model_dump(mode="json", exclude=exclude)
        data["summary"] = self.summary()
        return data
