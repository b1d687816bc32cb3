"""Workflows on the demo shop in a real Chromium: per-block and progressive caching,
invalidation on edits, live blocks, modes, concurrency."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from replaywright.browser.launch import BrowserSession
from replaywright.cache.sqlite import SQLiteStore
from replaywright.engine.results import RunResult
from replaywright.engine.runner import CachePlan, Runner, RunOptions
from replaywright.flow.loader import parse_flow

LOGIN = """
  - label: login
    steps:
      - Type "{{ params.user }}" into the Username field
      - Type "secret" into the Password field
      - Click the Sign in button
"""
HEADER = """
name: wf
url: index.html
params:
  user: alice
  express: "true"
  products: Blue Mug, Red Mug, Travel Mug
blocks:
"""
TO_CHECKOUT = """
  - label: add
    steps:
      - Type "Blue Mug" into the Search field
      - Press Enter in the Search field
      - Click the first Add to cart button
  - label: to_checkout
    steps:
      - Click the Cart link
      - Click the Checkout button
"""
SHIPPING = """
  - label: shipping
    if: params.express
    then:
      - label: express
        steps:
          - Check the Express shipping radio button
    else:
      - label: standard
        steps:
          - Check the Standard shipping radio button
"""


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "cache.db")


async def go(browser: BrowserSession, demo_site: str, text: str, store: SQLiteStore,
             mode: str = "auto", **params: str) -> RunResult:
    runner = Runner(await browser.new_page(), CachePlan(store=store),
                    options=RunOptions(base_url=f"{demo_site}/v1/", env={}, mode=mode,
                                       step_timeout=5))
    result = await runner.run(parse_flow(text), params)
    assert result.passed, result.error
    return result


def blocks(result: RunResult) -> dict[str, str]:
    return {b.label: b.status for b in result.blocks}


def keys(store: SQLiteStore) -> set[str]:
    return {e.key for e in store.entries()}


async def test_same_blocks_twice_second_run_writes_nothing(browser, demo_site, store) -> None:
    text = HEADER + LOGIN + TO_CHECKOUT
    first = await go(browser, demo_site, text, store)
    assert blocks(first) == {"login": "resolved", "add": "resolved", "to_checkout": "resolved"}
    before = {(e.key, e.version) for e in store.entries()}
    second = await go(browser, demo_site, text, store)
    assert blocks(second) == {"login": "cached", "add": "cached", "to_checkout": "cached"}
    assert second.resolver_calls == 0 and not second.cache_saved
    assert {(e.key, e.version) for e in store.entries()} == before


async def test_new_block_resolves_only_itself_and_what_follows(browser, demo_site, store) -> None:
    await go(browser, demo_site, HEADER + LOGIN + TO_CHECKOUT, store)
    old = keys(store)
    extra = """
  - label: search
    steps:
      - Type "mug" into the Search field
"""
    edited = HEADER + LOGIN + extra + TO_CHECKOUT
    result = await go(browser, demo_site, edited, store)
    assert blocks(result) == {"login": "cached", "search": "resolved", "add": "resolved",
                              "to_checkout": "resolved"}
    assert old <= keys(store)  # nothing dropped
    assert len(keys(store) - old) == 1 + 3 + 2


async def test_branches_cache_progressively(browser, demo_site, store) -> None:
    text = HEADER + LOGIN + TO_CHECKOUT + SHIPPING
    run1 = await go(browser, demo_site, text, store, express="true")
    assert blocks(run1)["express"] == "resolved" and "standard" not in blocks(run1)
    assert blocks(run1)["shipping"] == "live"
    run2 = await go(browser, demo_site, text, store, express="false")
    assert blocks(run2)["standard"] == "resolved" and blocks(run2)["login"] == "cached"
    assert run2.resolver_calls == 1
    run3 = await go(browser, demo_site, text, store, express="true")
    assert run3.resolver_calls == 0
    assert blocks(run3)["express"] == "cached"
    assert {s.status for s in run3.steps} == {"cached"}


async def test_loop_items_replay_from_the_first_items_entry(browser, demo_site, store) -> None:
    loop = """
  - label: add_products
    for_each: params.products
    as: product
    blocks:
      - label: add_one
        steps:
          - Type "{{ product }}" into the Search field
          - Press Enter in the Search field
          - Click the first Add to cart button
  - label: cart
    steps:
      - Click the Cart link
"""
    page_runs = await go(browser, demo_site, HEADER + LOGIN + loop, store)
    loop_steps = [s for s in page_runs.steps if s.block == "add_one"]
    assert len(loop_steps) == 9
    assert [s.status for s in loop_steps[:3]] == ["resolved"] * 3
    assert [s.status for s in loop_steps[3:]] == ["cached"] * 6
    assert blocks(page_runs)["add_products"] == "resolved"
    assert next(b for b in page_runs.blocks if b.label == "add_products").iterations == 3
    assert len([e for e in store.entries() if "product" in e.step]) == 1  # one shared entry


async def test_live_blocks_are_never_cached(browser, demo_site, store) -> None:
    live = """
  - label: greeting
    extract: the Welcome text
  - label: pause
    wait: 0.1s
  - label: twice
    code: |
      result = outputs["greeting"].upper()
  - label: maybe
    if: The Products heading is visible
    then:
      - label: noted
        code: |
          result = "seen"
"""
    first = await go(browser, demo_site, HEADER + LOGIN + live, store)
    statuses = blocks(first)
    assert [statuses[k] for k in ("greeting", "pause", "twice", "maybe", "noted")] == ["live"] * 5
    greeting = next(b for b in first.blocks if b.label == "greeting").output
    assert greeting == "Welcome, alice"
    assert next(b for b in first.blocks if b.label == "twice").output == "WELCOME, ALICE"
    assert {e.step for e in store.entries()} == {s.text for s in first.steps}  # login only
    second = await go(browser, demo_site, HEADER + LOGIN + live, store)
    assert blocks(second)["greeting"] == "live" and second.resolver_calls == 0


async def test_code_mode_reports_blocks_that_fell_back(browser, demo_site, store) -> None:
    await go(browser, demo_site, HEADER + LOGIN, store)
    result = await go(browser, demo_site, HEADER + LOGIN + TO_CHECKOUT, store, mode="code")
    assert blocks(result) == {"login": "cached", "add": "fell back", "to_checkout": "fell back"}


async def test_ai_mode_ignores_and_refreshes_the_cache(browser, demo_site, store) -> None:
    await go(browser, demo_site, HEADER + LOGIN, store)
    result = await go(browser, demo_site, HEADER + LOGIN, store, mode="ai")
    assert blocks(result) == {"login": "resolved"} and result.resolver_calls == 3
    assert {e.version for e in store.entries()} == {2}


async def test_parameter_rename_invalidates_comment_does_not(browser, demo_site, store) -> None:
    await go(browser, demo_site, HEADER + LOGIN, store)
    commented = HEADER.replace("blocks:", "# a comment\nblocks:  # more\n") + LOGIN.replace(
        "    steps:", "    steps:   # the login steps")
    same = await go(browser, demo_site, commented, store)
    assert same.resolver_calls == 0
    renamed = HEADER.replace("  express:", "  fast:").replace("params.express", "params.fast")
    fresh = await go(browser, demo_site, renamed + LOGIN, store)
    assert fresh.resolver_calls == 3


async def test_concurrent_runs_leave_one_consistent_entry_per_step(
        browser, demo_site, store) -> None:
    text = HEADER + LOGIN + TO_CHECKOUT
    a, b = await asyncio.gather(go(browser, demo_site, text, store),
                                go(browser, demo_site, text, store))
    entries = list(store.entries())
    assert len(entries) == 8 == len({e.key for e in entries})  # 3 + 3 + 2 steps
    assert all(e.version == 1 and e.fingerprint is not None for e in entries)
    assert a.cache_saved or b.cache_saved
