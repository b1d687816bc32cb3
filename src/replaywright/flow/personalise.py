"""Replaying a cached task with other parameter values: its step texts rewritten.

A `task:` block's agent wrote plain-English steps recorded with the run's parameters; a
later run with other values replays the same steps with the values swapped in. This only
rewrites text (no LLM, no page), so it lives with the step grammar rather than the agent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from replaywright.errors import FlowError
from replaywright.flow.intent import Intent, parse_step

DONE_WORDS = {"done", "finish", "finished", "stop", "complete", "goal achieved"}


class PersonalisedSteps(list[str]):
    """The replayable steps (a plain list of strings) plus which of them must be resolved
    again rather than replayed from their cached element: `reresolve` holds indices into
    this list."""

    reresolve: list[int]

    def __init__(self, steps: list[str], reresolve: list[int] | None = None) -> None:
        super().__init__(steps)
        self.reresolve = reresolve or []


@dataclass
class _Sub:
    pattern: re.Pattern[str] | None
    table: dict[str, str] = field(default_factory=dict)

    def apply(self, text: str) -> str:
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda m: self.table[m.group(0).casefold()], text)


def _substitution(old: dict[str, Any], new: dict[str, Any]) -> _Sub:
    table: dict[str, str] = {}
    for name, before in old.items():
        if name not in new or before is None:
            continue
        b, a = str(before), str(new[name])
        if b and b != a:
            table[b.casefold()] = a
    if not table:
        return _Sub(None)
    words = sorted(table, key=len, reverse=True)  # longest first: "Blue Mug XL" before "Blue"
    alternatives = "|".join(
        (r"(?<!\w)" if w[0].isalnum() or w[0] == "_" else "") + re.escape(w)
        + (r"(?!\w)" if w[-1].isalnum() or w[-1] == "_" else "") for w in words)
    return _Sub(re.compile(alternatives, re.IGNORECASE), table)


def _is_done(step: str) -> bool:
    return step.strip().rstrip(".!").strip().casefold() in DONE_WORDS


def personalise(steps: list[str], old_params: dict[str, Any],
                new_params: dict[str, Any]) -> PersonalisedSteps:
    """Adapt a cached action list recorded with `old_params` to `new_params`.

    - values typed, selected or uploaded take the new parameter values (old value → new
      value, whole words, case-insensitive) and replay from the cached element;
    - a step whose element was chosen by an old value (`Click the Add to cart button in the
      row with "Blue Mug"`) gets the new value in its description and its index in
      `.reresolve`: the engine must resolve it afresh instead of replaying the cached element;
    - other steps (navigation, checks) take the new values and replay;
    - "done" markers are dropped: they are never replayed.
    Returns a list of strings (`PersonalisedSteps`) with `.reresolve` attached.
    """
    sub = _substitution(old_params, new_params)
    out: list[str] = []
    reresolve: list[int] = []
    for step in steps:
        if _is_done(step):
            continue
        new_step = sub.apply(step)
        if new_step != step:
            before: Intent | None
            after: Intent | None
            try:
                before, after = parse_step(step), parse_step(new_step)
            except FlowError:
                before = after = None
            if before is None or after is None or before.action != after.action:
                reresolve.append(len(out))  # the new value changed how the step reads
            elif after.target != before.target and after.needs_element:
                reresolve.append(len(out))
        out.append(new_step)
    return PersonalisedSteps(out, reresolve)
