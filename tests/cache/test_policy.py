"""Every cache policy rule: never-cached steps, eligibility to save, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from replaywright.cache.entry import CacheEntry
from replaywright.cache.policy import (
    cacheable,
    expiry_cutoff,
    is_ci,
    is_expired,
    purge_expired,
    save_decision,
    ttl_days,
    volatile,
)
from replaywright.cache.sqlite import SQLiteStore
from replaywright.model import utcnow


@pytest.mark.parametrize("text", [
    "Type {{ now }} into the Date field",
    "Type {{today}} into the Date field",
    "Type {{ random }} into the Code field",
    "Type {{ uuid }} into the Id field",
    "Type {{ timestamp }} into the Id field",
    "Type {{ now | date('%Y-%m-%d') }} into the Date field",
    "Type {{ now() }} into the Date field",
    "Type {{ uuid4() }} into the Id field",
    "Type {{ params.names | random }} into the Name field",
    "Type {{ 'x' ~ random }} into the Name field",
    "{% if today %}x{% endif %}",
])
def test_volatile_templates(text: str) -> None:
    assert volatile(text)


@pytest.mark.parametrize("text", [
    "Click the Sign in button",
    "Type {{ env.USERNAME }} into the Email field",
    "Type {{ params.today }} into the Date field",  # a parameter that happens to be so named
    "Type {{ env.NOW }} into the Date field",
    "Type {{ 'now' }} into the Date field",  # a string literal
    "Click the button labelled now",  # plain text outside tags
    "Type {{ nowhere }} into the field",
    "Type {{ params.x | upper }} into the field",
])
def test_stable_templates(text: str) -> None:
    assert not volatile(text)


def test_cacheable_rules() -> None:
    assert cacheable("click")
    assert cacheable("fill", templates=["Type {{ env.USER }} into Email"])
    assert not cacheable("click", no_cache=True)
    assert "--no-cache" in cacheable("click", no_cache=True).reason
    assert not cacheable("click", step_cache=False)
    assert "cache: false" in cacheable("click", step_cache=False).reason
    assert not cacheable("ai_check")
    assert "AI check" in cacheable("ai_check").reason
    assert not cacheable("extract")
    assert "extraction" in cacheable("extract").reason
    assert not cacheable("fill", templates=["Type {{ now }} into Date"])
    assert not cacheable("fill", values_volatile=True)
    assert not cacheable("custom_ai", never={"custom_ai"})


def test_save_only_passing_runs() -> None:
    d = save_decision(run_passed=False, ci=True, branch="feature", save_flag=True)
    assert not d and d.reason == "not saved: the run failed"


def test_save_on_protected_branch_refused_with_reason() -> None:
    d = save_decision(run_passed=True, ci=False, branch="main")
    assert not d.save
    assert d.reason == "not saved: on protected branch 'main' (use --save-cache or run in CI)"
    assert not save_decision(True, False, "master")
    assert not save_decision(True, False, "release", protected=("main", "release"))
    assert save_decision(True, False, "master", protected=("main",))


def test_save_eligible_runs() -> None:
    assert save_decision(True, ci=True, branch="main").reason == "saved: running in CI"
    assert save_decision(True, ci=False, branch="main", save_flag=True).reason == (
        "saved: --save-cache given")
    assert save_decision(True, ci=False, branch="feature/x").reason == (
        "saved: on branch 'feature/x'")
    assert save_decision(True, ci=False, branch=None)


def test_no_cache_never_saves() -> None:
    d = save_decision(True, ci=True, branch="feature", save_flag=True, no_cache=True)
    assert not d and "--no-cache" in d.reason


@pytest.mark.parametrize(("value", "expected"), [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("", False), ("false", False),
    ("0", False),
])
def test_is_ci(value: str, expected: bool) -> None:
    assert is_ci({"CI": value}) is expected
    assert is_ci({}) is False


def test_expiry(tmp_path) -> None:
    now = utcnow()
    assert expiry_cutoff(90, now) == now - timedelta(days=90)
    old = CacheEntry(key="old", last_used_at=now - timedelta(days=91))
    fresh = CacheEntry(key="fresh", last_used_at=now - timedelta(days=89))
    assert is_expired(old, now=now) and not is_expired(fresh, now=now)
    assert is_expired(fresh, days=30, now=now)
    assert ttl_days({"REPLAYWRIGHT_CACHE_TTL_DAYS": "30"}) == 30
    assert ttl_days({"REPLAYWRIGHT_CACHE_TTL_DAYS": "x"}) == 90
    assert ttl_days({}) == 90

    store = SQLiteStore(tmp_path / "c.db")
    store.put(old)
    store.put(fresh)
    assert purge_expired(store, now=now) == 1
    assert store.get("default", "old") is None
    assert store.get("default", "fresh") is not None
    # a read refreshes last-used, so a touched entry survives the next purge
    store.touch("default", "fresh", now)
    assert purge_expired(store, days=1, now=now + timedelta(hours=1)) == 0
    assert store.get("default", "fresh").hits == 1
    store.close()
