"""Replay and heal on the demo shop, in a real Chromium."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from replaywright.browser.launch import BrowserSession
from replaywright.cache.sqlite import SQLiteStore
from replaywright.demo.server import demo_flow_path, serve_demo
from replaywright.flow.loader import load_flow
from replaywright.match import Matcher
from tests.engine.helpers import flow_from, run, statuses

LOGIN = """
name: login
url: index.html
steps:
  - Type "alice" into the Username field
  - Type "secret" into the Password field
  - Click the Sign in button
  - The Products heading is visible
"""


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "cache.db")


async def test_second_run_replays_from_cache_without_resolver(
        browser: BrowserSession, demo_site: str, store: SQLiteStore) -> None:
    flow = load_flow(demo_flow_path())
    first = await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)
    assert first.passed, first.error
    assert set(statuses(first)) == {"resolved"} and first.resolver_calls == len(flow.steps)
    second = await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)
    assert second.passed, second.error
    assert set(statuses(second)) == {"cached"}
    assert second.resolver_calls == 0
    assert second.avoided.calls == len(flow.steps)


async def test_a_cache_recorded_on_one_server_replays_by_selector_on_another(
        browser: BrowserSession, demo_site: str, store: SQLiteStore) -> None:
    """The app served elsewhere (a CI server's port): the stored selectors still find every
    element, the one in the gift-message iframe too, with no snapshot or matcher."""
    flow = load_flow(demo_flow_path())
    assert (await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)).passed
    with serve_demo() as elsewhere:
        assert elsewhere != demo_site
        replay = await run(await browser.new_page(), flow, f"{elsewhere}/v1/", store)
    assert replay.passed, replay.error
    assert [s.note.split(":")[0] for s in replay.steps] == ["fast path"] * len(flow.steps), \
        [s.note for s in replay.steps]


async def test_redesign_heals_and_never_clicks_the_decoy(
        browser: BrowserSession, demo_site: str, store: SQLiteStore) -> None:
    flow = flow_from(LOGIN)
    assert (await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)).passed
    page = await browser.new_page()
    result = await run(page, flow, f"{demo_site}/v2/", store)
    assert result.passed, result.error
    sign_in = result.steps[2]
    assert "Log in" in sign_in.element, sign_in.element  # not the Subscribe decoy on #signin
    assert await page.get_by_text("Subscribed").count() == 0
    assert page.url.endswith("products.html")


async def test_heal_updates_the_entry_in_place_and_keeps_history(
        browser: BrowserSession, demo_site: str, store: SQLiteStore) -> None:
    flow = flow_from(LOGIN)
    assert (await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)).passed
    unsure = Matcher(threshold=1.01)  # nothing is ever confident: every replay must heal
    healed = await run(await browser.new_page(), flow, f"{demo_site}/v2/", store, unsure)
    assert healed.passed, healed.error
    assert statuses(healed)[:3] == ["healed"] * 3
    assert healed.resolver_calls == 3
    assert all("not confident" in s.note for s in healed.steps[:3])
    entry = next(e for e in store.entries() if e.step == "Click the Sign in button")
    assert entry.heals == 1 and entry.version == 2
    assert entry.fingerprint.accessible_name == "Log in"
    assert entry.history[0].fingerprint.accessible_name == "Sign in"
    assert len(list(store.entries())) == 4  # updated in place, not duplicated


async def test_failed_run_stores_nothing(
        browser: BrowserSession, demo_site: str, store: SQLiteStore) -> None:
    flow = flow_from(LOGIN.replace("The Products heading is visible",
                                   "The Nonexistent banner is visible"))
    result = await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)
    assert not result.passed
    assert result.steps[-1].status == "failed"
    assert "Nonexistent banner" in result.error
    assert list(store.entries()) == []
    assert result.cache_note == "not saved: the run failed"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_unreachable_url_is_a_clear_error(browser: BrowserSession, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/"
    flow = flow_from(f"url: {url}\nsteps:\n  - Click the Go button\n", tmp_path)
    result = await run(await browser.new_page(), flow, url)
    assert not result.passed
    assert "cannot open the start page" in result.error
    assert url in result.error and "ERR_CONNECTION_REFUSED" in result.error
    assert str(tmp_path / "flow.yaml") in result.error


async def test_corrupt_cache_row_is_reported_and_left_alone(
        browser: BrowserSession, demo_site: str, store: SQLiteStore) -> None:
    flow = flow_from(LOGIN)
    assert (await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)).passed
    victim = next(e for e in store.entries() if e.step == "Click the Sign in button")
    with sqlite3.connect(store.path) as db:  # as a bad disk or a buggy tool would
        db.execute("UPDATE entries SET body = '{not json' WHERE key = ?", (victim.key,))
    result = await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)
    assert result.passed, result.error
    step = result.steps[2]
    assert step.status == "resolved" and "is corrupt" in step.note and victim.key in step.note
    assert [s.status for s in result.steps].count("cached") == 3
    with sqlite3.connect(store.path) as db:
        row = db.execute("SELECT body FROM entries WHERE key = ?", (victim.key,)).fetchone()
    assert row[0] == "{not json"  # not overwritten


async def test_entries_keyed_the_old_way_are_resolved_once(
        browser: BrowserSession, demo_site: str, tmp_path: Path) -> None:
    """Issue 14, item 1 (upgrading): an entry stored under an old, unkeyed SHA-256 key is not
    found; its step is resolved once and stored under the new key; the old row stays
    untouched until it expires."""
    import hashlib
    import json

    from replaywright.cache.entry import CacheEntry

    material = {"flow": "signin", "step": "Click the Sign in button", "kind": "click",
                "values": {}, "n": 0}
    old_key = hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:32]
    store = SQLiteStore(tmp_path / "cache.db")
    store.put(CacheEntry(key=old_key, flow="signin", step="Click the Sign in button"))
    flow = flow_from("name: signin\nurl: index.html\nsteps:\n  - Click the Sign in button\n")
    result = await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)
    assert [s.status for s in result.steps] == ["resolved"] and result.cache_saved
    assert result.steps[0].cache_key != old_key
    assert {e.key for e in store.entries()} == {old_key, result.steps[0].cache_key}
