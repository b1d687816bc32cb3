"""Heal policies on the demo shop's redesign (v1 → v2: "Sign in" is now "Log in", every id
renamed): `auto` rewrites the cache, `review` acts but only proposes, `off` refuses; a
proposal is accepted with compare-and-set, and a stale one is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Route
from typer.testing import CliRunner

from replaywright.browser.launch import BrowserSession
from replaywright.cache import proposals
from replaywright.cache.cli import heals_app
from replaywright.cache.sqlite import SQLiteStore
from replaywright.demo.server import demo_flow_path
from replaywright.flow.loader import load_flow
from tests.engine.helpers import flow_from, run, statuses

cli = CliRunner()


def _snapshot(store: SQLiteStore) -> dict[str, tuple[int, str]]:
    """Each live entry's version and element, to see that nothing moved."""
    return {e.key: (e.version, e.fingerprint.model_dump_json() if e.fingerprint else "")
            for e in store.entries("default")}


async def test_review_proposes_heals_and_accepting_them_makes_the_next_run_cached(
        browser: BrowserSession, demo_site: str, tmp_path: Path) -> None:
    flow = load_flow(demo_flow_path("checkout"))
    db = tmp_path / "cache.db"
    store = SQLiteStore(db)
    try:
        first = await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)
        assert first.passed and statuses(first).count("resolved") == 17
        recorded = _snapshot(store)

        reviewed = await run(await browser.new_page(), flow, f"{demo_site}/v2/", store,
                             heal="review")
        assert reviewed.passed, reviewed.error
        healed = [s for s in reviewed.steps if s.status == "healed"]
        assert healed and all(s.review and "pending review" in s.note for s in healed)
        assert reviewed.summary()["pending_review"] == len(healed)
        assert _snapshot(store) == recorded  # the cache was left as it was
        assert sorted(p.id for p in proposals.pending(store)) == sorted(
            s.review for s in healed)

        again = await run(await browser.new_page(), flow, f"{demo_site}/v2/", store,
                          heal="review")  # the same heals, proposed again: still one each
        assert len(proposals.pending(store)) == len(healed)
        assert again.summary()["healed"] == len(healed)
    finally:
        store.close()

    listed = cli.invoke(heals_app, ["ls", "--cache", str(db)])
    assert listed.exit_code == 0 and "Log in" in listed.stdout, listed.output
    accepted = cli.invoke(heals_app, ["accept", "--all", "--cache", str(db)])
    assert accepted.exit_code == 0, accepted.output
    assert accepted.stdout.count("accepted ") == len(healed)

    store = SQLiteStore(db)
    try:
        assert proposals.pending(store) == []
        replay = await run(await browser.new_page(), flow, f"{demo_site}/v2/", store)
        assert replay.passed and statuses(replay).count("cached") == 17, statuses(replay)
        entry = next(e for e in store.entries("default") if e.step == "Click the Sign in button")
        assert entry.history and "accepted in review" in entry.history[-1].reason
    finally:
        store.close()


async def test_heal_off_fails_the_step_and_says_what_a_heal_would_pick(
        browser: BrowserSession, demo_site: str, tmp_path: Path) -> None:
    flow = flow_from("url: index.html\nsteps:\n  - Click the Sign in button\n", tmp_path)
    store = SQLiteStore(tmp_path / "cache.db")
    try:
        assert (await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)).passed
        recorded = _snapshot(store)
        refused = await run(await browser.new_page(), flow, f"{demo_site}/v2/", store,
                            heal="off")
        [step] = refused.steps  # the run stops at the first refusal
        assert step.status == "failed" and "healing is off" in (step.error or "")
        assert "a heal would pick <input" in (step.error or "")
        # `heal: false` on a step refuses whatever the run's policy
        page = await browser.new_page()
        one = flow_from("url: index.html\nsteps:\n  - step: Click the Sign in button\n"
                        "    heal: false\n", tmp_path)
        assert (await run(page, one, f"{demo_site}/v1/", store)).passed
        again = await run(await browser.new_page(), one, f"{demo_site}/v2/", store)
        assert again.steps[0].status == "failed" and "healing is off" in (again.steps[0].error
                                                                           or "")
        assert proposals.pending(store) == [] and _snapshot(store) == recorded
    finally:
        store.close()


async def test_a_proposal_made_stale_by_another_accepted_one_is_refused(
        browser: BrowserSession, demo_site: str, tmp_path: Path) -> None:
    flow = flow_from("url: index.html\nsteps:\n  - Click the Sign in button\n", tmp_path)
    db = tmp_path / "cache.db"
    store = SQLiteStore(db)
    try:
        assert (await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)).passed
        first = await run(await browser.new_page(), flow, f"{demo_site}/v2/", store,
                          heal="review")
        # a second redesign of the same button (another id): a different heal of one step
        page = await browser.new_page()

        async def renamed(route: Route) -> None:
            response = await route.fetch()
            body = (await response.text()).replace('id="btn-auth"', 'id="btn-login"')
            await route.fulfill(response=response, body=body)

        await page.route("**/v2/index.html", renamed)
        second = await run(page, flow, f"{demo_site}/v2/", store, heal="review")
        ids = [first.steps[0].review, second.steps[0].review]
        assert all(ids) and ids[0] != ids[1]
    finally:
        store.close()
    assert cli.invoke(heals_app, ["accept", str(ids[0]), "--cache", str(db)]).exit_code == 0
    stale = cli.invoke(heals_app, ["accept", str(ids[1]), "--cache", str(db)])
    assert stale.exit_code == 1 and "is stale" in stale.output
    store = SQLiteStore(db)
    try:
        [left] = proposals.pending(store)  # kept for the reviewer to reject
        assert left.id == ids[1]
    finally:
        store.close()
    assert cli.invoke(heals_app, ["reject", str(ids[1]), "--cache", str(db)]).exit_code == 0


@pytest.mark.parametrize("value", ["sometimes"])
def test_an_unknown_heal_policy_is_a_clear_error(value: str) -> None:
    from replaywright.cli import app

    result = CliRunner().invoke(app, ["run", "flow.yaml", "--heal", value])
    assert result.exit_code == 2 and "--heal must be auto, review or off" in result.output


async def test_the_sign_in_button_removed_fails_in_every_heal_mode(
        browser: BrowserSession, demo_site: str, tmp_path: Path) -> None:
    """Canary: with the button gone, no mode heals onto the heading, a link or a field."""
    flow = flow_from("url: index.html\nsteps:\n  - Type \"alice\" into the Username field\n"
                     "  - Click the Sign in button\n", tmp_path)
    store = SQLiteStore(tmp_path / "cache.db")
    try:
        assert (await run(await browser.new_page(), flow, f"{demo_site}/v1/", store)).passed
        recorded = _snapshot(store)
        for heal in ("auto", "review", "off"):
            page = await browser.new_page()

            async def without_button(route: Route) -> None:
                response = await route.fetch()
                body = (await response.text()).replace(
                    '<button id="signin" class="btn btn-primary" type="submit">Sign in</button>',
                    "")
                assert "Sign in</button>" not in body
                await route.fulfill(response=response, body=body)

            await page.route("**/v1/index.html", without_button)
            await page.evaluate("1")  # the route is in place before the run opens the page
            result = await run(page, flow, f"{demo_site}/v1/", store, heal=heal)
            assert statuses(result) == ["cached", "failed"], (heal, result.steps[-1].note)
            assert page.url.endswith("/v1/index.html")  # nothing was clicked that navigates
        assert _snapshot(store) == recorded and proposals.pending(store) == []
    finally:
        store.close()
