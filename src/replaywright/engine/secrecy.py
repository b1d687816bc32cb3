"""Secrets in a run (which values are secret: `flow.secrets`): the inputs of a step's key,
masking everything a run reports or records, and an agent's recorded steps written back as
the templates their secret values came from."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from replaywright.cache.entry import CacheEntry
from replaywright.engine.results import BlockResult, RunResult, StepResult
from replaywright.flow.intent import Action, Intent
from replaywright.flow.secrets import password_field
from replaywright.flow.template import PLACEHOLDER, Context, Rendered
from replaywright.model import Fingerprint, Selector

#: What a step reports in words; each may echo a value.
STEP_TEXTS = ("text", "error", "note", "element", "selector", "code")


def secret_context(params: Mapping[str, Any], env: Mapping[str, str],
                   secret_params: Collection[str] = ()) -> Context:
    """A run's template context; secret parameters are masked from the start (a page may
    show one before any step types it)."""
    ctx = Context(params=params, env=env, secret_params=frozenset(secret_params))
    for name in ctx.secret_params:
        if params.get(name) is not None:
            ctx.reveal(str(params[name]), f"params.{name}")
    return ctx


def key_inputs(intent: Intent, template_value: str | None, target: Rendered,
               value: Rendered | None, ctx: Context) -> tuple[dict[str, str], set[str]]:
    """The variables a step's key depends on, and which of them enter it by name only.

    The element depends on every variable of the target; of the typed value, loop variables
    are left out so a loop's items share one entry. Whatever is typed into a password field
    is secret, whatever variable it came from."""
    loop = set(ctx.loop)
    used = {**{k: v for k, v in (value.used if value else {}).items()
               if k.split(".")[0] not in loop}, **target.used}
    hidden = set(target.secret) | (value.secret if value else set())
    if value is not None and intent.action is Action.FILL and password_field(intent.target):
        hidden |= set(value.used)
        whole = PLACEHOLDER.fullmatch((template_value or "").strip())
        ctx.reveal(value.text, whole.group(1) if whole else None)
    return used, hidden


def mask_step(step: StepResult, ctx: Context) -> None:
    if ctx.revealed:
        for name in STEP_TEXTS:
            setattr(step, name, ctx.mask(getattr(step, name)))


def mask_block(block: BlockResult, ctx: Context) -> None:
    if ctx.revealed:
        block.note, block.output = ctx.mask(block.note), ctx.mask(block.output)


def mask_run(result: RunResult, ctx: Context) -> None:
    """The last pass over a finished run: a secret revealed late (a password field found
    on step 9) is masked in what earlier steps said too."""
    if not ctx.revealed:
        return
    result.error = ctx.mask(result.error)
    for step in result.steps:
        mask_step(step, ctx)
    for block in result.blocks:
        mask_block(block, ctx)


def mask_entry(entry: CacheEntry, ctx: Context) -> CacheEntry:
    """A cache entry with secret values out of what `cache ls/show` shows: its step text (a
    password typed literally) and its element record (a field's value, text echoing it)."""
    if not ctx.revealed:
        return entry
    fingerprint = entry.fingerprint and Fingerprint.model_validate(
        ctx.mask(entry.fingerprint.model_dump()))
    selectors = [Selector.model_validate(ctx.mask(s.model_dump())) for s in entry.selectors]
    return entry.model_copy(update={"fingerprint": fingerprint, "selectors": selectors,
                                    "step": ctx.mask(entry.step)})


def public_params(ctx: Context) -> dict[str, Any]:
    """The parameters a cache entry may record (an agent's, to personalise a replay)."""
    return {k: v for k, v in ctx.params.items() if k not in ctx.secret_params}
