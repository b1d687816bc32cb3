"""The local resolver on a real page: names, kinds, ordinals, relations, colours, ties."""

from __future__ import annotations

import pytest

from replaywright.browser.launch import BrowserSession
from replaywright.browser.snapshot import take_snapshot
from replaywright.errors import AmbiguousTarget, StepFailed
from replaywright.flow.intent import parse_step
from replaywright.resolve.local import LocalResolver, parse_target


@pytest.mark.parametrize(("description", "name", "role", "ordinal", "colour", "relation", "anchor"), [
    ("the Sign in button", "Sign in", "button", 0, "", "", ""),
    ("the second Save button", "Save", "button", 2, "", "", ""),
    ("the red Delete button", "Delete", "button", 0, "red", "", ""),
    ('the Delete button in the row with "Milk"', "Delete", "button", 0, "", "container", "Milk"),
    ("the Save button below the Advanced heading", "Save", "button", 0, "", "below", "Advanced heading"),
    ("the Country dropdown", "Country", "dropdown", 0, "", "", ""),
    ("the last Delete button", "Delete", "button", -1, "", "", ""),
])
def test_description_parsing(description, name, role, ordinal, colour, relation, anchor) -> None:
    q = parse_target(description)
    assert (q.name, q.role, q.ordinal, q.colour, q.relation, q.anchor) == (
        name, role, ordinal, colour, relation, anchor)


async def _resolve(page, step: str):
    return await LocalResolver().resolve(parse_step(step), await take_snapshot(page))


async def test_resolves_by_ordinal_relation_colour_and_kind(
        browser: BrowserSession, fixture_site: str) -> None:
    page = await browser.new_page()
    await page.goto(f"{fixture_site}/kinds.html")
    cases = {
        "Click the second Save button": "save-2",
        "Click the Save button below the Advanced heading": "save-2",
        "Click the first Save button": "save-1",
        "Click the red Delete button": "delete-1",
        "Type 'x' into the Notes field": "notes",
        "Select 'Blue' from the Colour dropdown": "colour",
        "Check the Subscribe checkbox": "subscribe",
        "Check the Large radio button": "size-large",
        "Click the Shadow button": "shadow-btn",
    }
    for step, element_id in cases.items():
        resolution = await _resolve(page, step)
        assert resolution.element.fingerprint.id == element_id, step
    row = await _resolve(page, 'Click the Delete button in the row with "Milk"')
    assert "Milk" in row.element.container
    shadow = await _resolve(page, "Click the Shadow button")
    assert shadow.element.fingerprint.in_shadow
    nickname = await _resolve(page, "Type 'Ann' into the Nickname field")
    assert nickname.element.fingerprint.frame.endswith("/other.html")


async def test_equally_good_candidates_are_an_error_not_a_guess(
        browser: BrowserSession, fixture_site: str) -> None:
    page = await browser.new_page()
    await page.goto(f"{fixture_site}/kinds.html")
    with pytest.raises(AmbiguousTarget) as err:
        await _resolve(page, "Click the Save button")
    message = str(err.value)
    assert "match 'the Save button' equally well" in message
    assert message.count("<button") >= 2 and "the second" in message


async def test_nothing_matching_is_an_error(browser: BrowserSession, fixture_site: str) -> None:
    page = await browser.new_page()
    await page.goto(f"{fixture_site}/kinds.html")
    with pytest.raises(StepFailed, match="no element on the page matches 'the Teleport button'"):
        await _resolve(page, "Click the Teleport button")


async def test_a_heading_check_does_not_pass_on_a_link_with_the_same_words(
        browser: BrowserSession, fixture_site: str) -> None:
    # tabs.html links to "the other page"; the Other page heading is only on other.html.
    page = await browser.new_page()
    await page.goto(f"{fixture_site}/tabs.html")
    with pytest.raises(StepFailed, match="no element on the page matches 'The Other page heading'"):
        await _resolve(page, "The Other page heading is visible")
    await page.goto(f"{fixture_site}/other.html")
    assert (await _resolve(page, "The Other page heading is visible")).element.fingerprint.tag == "h1"
