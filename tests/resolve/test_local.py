"""The local resolver on a real page: names, kinds, ordinals, relations, colours, ties."""

from __future__ import annotations

import re

import pytest

from replaywright.browser.launch import BrowserSession
from replaywright.browser.snapshot import take_snapshot
from replaywright.errors import AmbiguousTarget, StepFailed
from replaywright.flow.intent import parse_step
from replaywright.resolve.describe import read
from replaywright.resolve.local import LocalResolver
from replaywright.resolve.text import machine_words, phrase_score


@pytest.mark.parametrize(("description", "name", "kind", "ordinal", "colour", "container",
                          "relation", "anchor"), [
    ("the Sign in button", "Sign in", "button", 0, "", "", "", ""),
    ("the second Save button", "Save", "button", 2, "", "", "", ""),
    ("the red Delete button", "Delete", "button", 0, "red", "", "", ""),
    ('the Delete button in the row with "Milk"', "Delete", "button", 0, "", "Milk", "", ""),
    ("the Save button below the Advanced heading", "Save", "button", 0, "", "", "below", "Advanced heading"),
    ("the Country dropdown", "Country", "dropdown", 0, "", "", "", ""),
    ("the last Delete button", "Delete", "button", -1, "", "", "", ""),
    ("carol's checkbox", "", "checkbox", 0, "", "carol", "", ""),
    ('the checkbox of the "Buy milk" item', "", "checkbox", 0, "", "Buy milk", "", ""),
    ("the Add link in the Users row", "Add", "link", 0, "", "Users", "", ""),
    ("the delete button for carol", "delete", "button", 0, "", "carol", "", ""),
])
def test_description_readings(description, name, kind, ordinal, colour, container, relation,
                              anchor) -> None:
    wanted = (name, kind, ordinal, colour, container, relation, anchor)
    readings = [(r.name, r.kind, r.ordinal, r.colour, r.container, r.relation, r.anchor)
                for r in read(description)]
    assert wanted in readings


@pytest.mark.parametrize(("names", "words"), [
    ("searchBar btn-delete user_name", "search Bar btn delete user name"),
    ("s2id_autogen1_search", "search"),  # a widget's generated id still says what it is
    ("css-1x2y3 sc-abc123 a1b2c3d4", ""),  # generated class names say nothing
])
def test_machine_words_keep_what_a_name_says_and_drop_what_a_tool_made(names: str,
                                                                       words: str) -> None:
    assert machine_words(names) == words


def test_a_glyph_after_a_word_is_punctuation_and_a_glyph_alone_is_an_icon() -> None:
    assert phrase_score("search", "Search…") == 1.0  # a placeholder, not a "more" menu
    assert phrase_score("menu", "…") == 1.0


def test_words_inside_a_name_are_read_as_a_name_first() -> None:
    first, *others = read("the First name field")
    assert (first.name, first.kind, first.ordinal) == ("First name", "field", 0)
    assert any(r.ordinal == 1 and r.name == "name" for r in others)


def test_regions_are_read_from_landmark_and_class_words() -> None:
    assert read("the Users link in the breadcrumbs")[0].region == "breadcrumbs"
    assert read("the search box in the header")[0].region == "header"
    filters = read("the Apply button in the Filters section")[0]
    assert (filters.region, filters.region_name) == ("section", "Filters")


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
    suggestions = re.findall(r"say '([^']+)'", message)
    assert len(suggestions) == 2 and suggestions[0] != suggestions[1]
    # each candidate's suggested phrasing picks exactly that candidate
    snapshot = await take_snapshot(page)
    picked = [LocalResolver().rank(parse_step(f"Click {s}"), snapshot).element.fingerprint.id
              for s in suggestions]
    assert picked == ["save-1", "save-2"]


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
