"""Cache policy: which steps are cached, which runs may save, and when entries expire.

Pure functions over plain values, so the engine and the CLI decide the same way and tests
need no browser. The rules are the "Cache rules" of DESIGN.md:

- never cached: AI checks, AI extraction, steps with `cache: false`, steps whose rendered
  values change every run (a template using the current time or a random value), and
  everything when caching is switched off globally (`--no-cache`);
- saved only when the run passed and is eligible: `CI=true`, or a git branch that is not
  main/protected, or `--save-cache`; ineligible runs still read;
- entries unused for 90 days (configurable) expire.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from replaywright.cache.entry import CacheEntry
from replaywright.model import utcnow

if TYPE_CHECKING:
    from replaywright.cache.store import Store

# -- never-cached steps --------------------------------------------------------------------

#: Step kinds that are never cached: an AI check judges the live page every run, and an
#: extraction reads live data; replaying yesterday's answer would be wrong.
AI_CHECK = "ai_check"
EXTRACT = "extract"
NEVER_CACHED_KINDS: frozenset[str] = frozenset({
    AI_CHECK, "ai_assert", "ai_expect", "check_ai", EXTRACT, "extraction", "ai_extract",
})

#: Template names whose value changes every run, as variables, calls or filters.
VOLATILE_NAMES: frozenset[str] = frozenset({
    "now", "today", "utcnow", "timestamp", "random", "randint", "uuid", "uuid4",
})

_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def volatile(template_text: str) -> bool:
    """True when the template uses a value that changes every run.

    Detects `{{ now }}`, `{{ today }}`, `{{ random }}`, `{{ uuid }}`, `{{ timestamp }}`,
    calls (`{{ now() }}`, `{{ uuid4() }}`) and filters (`{{ now | date('%Y') }}`,
    `{{ items | random }}`) in `{{ }}` and `{% %}` tags. Attribute lookups such as
    `{{ env.now }}` or `{{ params.today }}` are ordinary variables, and names inside string
    literals or outside tags are plain text.
    """
    for match in _TAG.finditer(template_text):
        expression = _STRING.sub(" ", match.group(1) if match.group(1) is not None
                                 else match.group(2))
        for name in re.finditer(r"(\.\s*)?\b([A-Za-z_]\w*)", expression):
            if name.group(1) is None and name.group(2) in VOLATILE_NAMES:
                return True
    return False


@dataclass(frozen=True)
class CacheDecision:
    """Whether a step's resolution is read from and written to the cache, and why not."""

    cache: bool
    reason: str

    def __bool__(self) -> bool:
        return self.cache


def cacheable(kind: str, *, step_cache: bool = True, templates: Iterable[str] = (),
              values_volatile: bool = False, no_cache: bool = False,
              never: Iterable[str] = NEVER_CACHED_KINDS) -> CacheDecision:
    """Decide whether one step is cached.

    `kind` is the step's kind/action (e.g. "click", "ai_check", "extract"); `step_cache` is
    the step's own `cache:` setting; `templates` are the step's template texts (before
    rendering); `values_volatile` is what the renderer reported; `no_cache` is the global
    `--no-cache` switch.
    """
    if no_cache:
        return CacheDecision(False, "caching is off (--no-cache)")
    if not step_cache:
        return CacheDecision(False, "the step has cache: false")
    if kind.lower() in set(never):
        what = "extraction" if "extract" in kind.lower() else "an AI check"
        return CacheDecision(False, f"{what} runs live every time")
    if values_volatile or any(volatile(t) for t in templates):
        return CacheDecision(False, "the step's values change every run (time or random)")
    return CacheDecision(True, "cacheable")


# -- eligibility to save -------------------------------------------------------------------

PROTECTED_BRANCHES: tuple[str, ...] = ("main", "master")


@dataclass(frozen=True)
class SaveDecision:
    """Whether a finished run writes its new and healed entries, as a sentence for humans."""

    save: bool
    reason: str

    def __bool__(self) -> bool:
        return self.save


def is_ci(env: Mapping[str, str] | None = None) -> bool:
    """`CI=true` (also `1`/`yes`, any case), as set by GitHub Actions, GitLab and most CIs."""
    value = (os.environ if env is None else env).get("CI", "")
    return value.strip().lower() in {"true", "1", "yes"}


def save_decision(run_passed: bool, ci: bool, branch: str | None,
                  protected: Sequence[str] = PROTECTED_BRANCHES, save_flag: bool = False,
                  no_cache: bool = False) -> SaveDecision:
    """May this run save? Only a passing run, and only in CI, off a protected branch, or
    with `--save-cache`. `branch` is None outside git (then local saving is allowed: there
    is no shared main cache to protect). Ineligible runs still read the cache."""
    if no_cache:
        return SaveDecision(False, "not saved: caching is off (--no-cache)")
    if not run_passed:
        return SaveDecision(False, "not saved: the run failed")
    if save_flag:
        return SaveDecision(True, "saved: --save-cache given")
    if ci:
        return SaveDecision(True, "saved: running in CI")
    if branch is None:
        return SaveDecision(True, "saved: not in a git repository")
    if branch in protected:
        return SaveDecision(
            False, f"not saved: on protected branch '{branch}' (use --save-cache or run in CI)"
        )
    return SaveDecision(True, f"saved: on branch '{branch}'")


# -- expiry --------------------------------------------------------------------------------

DEFAULT_TTL_DAYS = 90


def ttl_days(env: Mapping[str, str] | None = None) -> int:
    """Days without use before an entry expires: `REPLAYWRIGHT_CACHE_TTL_DAYS` or 90."""
    raw = (os.environ if env is None else env).get("REPLAYWRIGHT_CACHE_TTL_DAYS", "")
    try:
        days = int(raw)
    except ValueError:
        return DEFAULT_TTL_DAYS
    return days if days > 0 else DEFAULT_TTL_DAYS


def expiry_cutoff(days: int = DEFAULT_TTL_DAYS, now: datetime | None = None) -> datetime:
    """Entries last used before this instant are expired."""
    return (now or utcnow()) - timedelta(days=days)


def is_expired(entry: CacheEntry, days: int = DEFAULT_TTL_DAYS,
               now: datetime | None = None) -> bool:
    last = entry.last_used_at
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return last < expiry_cutoff(days, now)


def purge_expired(store: Store, days: int = DEFAULT_TTL_DAYS, now: datetime | None = None) -> int:
    """Remove entries unused for `days`; returns how many were removed."""
    return store.purge(expiry_cutoff(days, now))
