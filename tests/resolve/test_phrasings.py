"""The way testers describe elements, on a page with the patterns real apps use: custom
checkboxes, hover-only delete buttons, rows with the same links, regions by name, labels
made of images, icon-only buttons — each resolves to the element a person means, or the
step is refused with candidates; never another element."""

from __future__ import annotations

import pytest
import pytest_asyncio

from replaywright.browser.launch import BrowserSession
from replaywright.browser.snapshot import Snapshot, take_snapshot
from replaywright.errors import AmbiguousTarget, StepFailed
from replaywright.flow.intent import parse_step
from replaywright.resolve.local import LocalResolver

pytestmark = pytest.mark.browser

MEANT = {
    # kinds and names from the page's own words
    "Type 'x' into the search box": "searchbar",  # labelled by an image's alt
    "Type 'x' into the Search field": "searchbar",
    "Click the menu button": "menu",  # icon-only: an svg title
    "Click the Go button": "search-go",
    # icons by their glyph, also with a title; a landmark says the rest of the words
    'Click the eye icon in the row with "carol"': "view-carol",
    "Click the clear search icon": "search-clear",
    # words inside a name are not grammar
    "Type 'Carol' into the First name field": "first",
    "Type 'Lee' into the Last name field": "last",
    # custom-styled controls: transparent or undisplayed inputs behind labels
    "Check the Staff status checkbox": "staff",
    "Check the Dark mode switch": "dark",
    # containers, whatever their tag
    'Check the checkbox in the row with "carol"': "pick-carol",
    "Check carol's checkbox": "pick-carol",
    "Click the Edit link for carol": "edit-carol",
    'Click the Edit link next to "alice"': "edit-alice",
    'Click the toggle checkbox in the "Bake bread" item': "toggle-bread",
    'Check the checkbox of the "Buy milk" item': "toggle-milk",
    'Click the delete button of the "Buy milk" item': "destroy-milk",  # shown on hover
    'Click the delete button for "Bake bread"': "destroy-bread",
    'Click the Buy button in the "Volvo" card': "buy-volvo",
    'The price in the "Mazda" card contains "21"': "price-mazda",
    # regions by landmark, aria-label or class words
    "Click the Users link in the breadcrumbs": "crumb-users",
    "Click the Users link in the sidebar": "side-users",
    "Click the Users link in the footer": "foot-users",
    "Click the close button of the dialog": "notice-close",
    "Click the Learn more link in the dialog": "notice-more",
    # icon fonts: the ligature word is the icon, not the text
    'Click the trash icon in the row with "Carol Diaz"': "team-rm-carol",
    "Click the Security tab": "tab-security",
    # a dialog by the words it holds
    'The confirmation dialog contains "Cookies are used here"': "notice",  # not the words
    # a message named by a word or two of a nearby text is the one saying the words
    'The results summary contains "Found 2 cars"': "found",
    # a text box with a dropdown arrow is a dropdown
    "Click the Origin dropdown": "origin",
    # what a person can see: not a transparent copy
    'The Specs table contains "5 seats"': "specs",
    # a dropdown widget drawn in place of a hidden <select> is named by that select
    "Click the Role dropdown": "role-widget",
    # a section a click opens: the header that expands it
    "Click the Advanced section": "advanced-toggle",
    # ordinals
    "Click the second Edit link": "edit-carol",
}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def snapshot(browser: BrowserSession, fixture_site: str) -> Snapshot:
    page = await browser.new_page()
    await page.goto(f"{fixture_site}/phrasings.html")
    return await take_snapshot(page)


def _pick(snapshot: Snapshot, step: str) -> str:
    return LocalResolver().rank(parse_step(step), snapshot).element.fingerprint.id


@pytest.mark.parametrize("step", list(MEANT))
async def test_each_phrasing_picks_the_element_a_person_means(snapshot: Snapshot,
                                                              step: str) -> None:
    assert _pick(snapshot, step) == MEANT[step]


@pytest.mark.parametrize("step", ["Click the Users link", "Click the Edit link",
                                  "Click the Buy button"])
async def test_equal_candidates_are_refused_with_phrasings_that_pick_each(
        snapshot: Snapshot, step: str) -> None:
    with pytest.raises(AmbiguousTarget) as refused:
        _pick(snapshot, step)
    suggestions = [line.split("say '")[1].rstrip("'") for line in str(refused.value).splitlines()
                   if "say '" in line]
    assert len(suggestions) >= 2
    picked = [_pick(snapshot, f"Click {s}") for s in suggestions]
    assert len(set(picked)) == len(picked)


@pytest.mark.parametrize("step", [
    "Check the Email checkbox",  # a column named Email is no checkbox
    "Type 'x' into the Save field",  # a button is no field
    "Click the Staff status link",  # a checkbox's label is no link
    'Click the delete button of the "Walk dog" item',  # no such item
    "Check the Remember me checkbox",  # not on the page
])
async def test_a_named_kind_or_anchor_is_never_met_by_another_element(
        snapshot: Snapshot, step: str) -> None:
    with pytest.raises(StepFailed):
        _pick(snapshot, step)


@pytest.mark.parametrize(("step", "widget"), [
    ("Type 'x' into the query editor", "query-widget"),  # a word-less <textarea>
    ("Type 'x' into the notes editor", "notes-widget"),  # an editable block of content
    ("Type 'x' into the Story editor", "story-widget"),  # over a hidden input a label names
])
async def test_a_script_editor_takes_the_words_of_the_control_it_replaces(
        snapshot: Snapshot, step: str, widget: str) -> None:
    """CodeMirror hides the <textarea id="query-editor"> and types into its own box."""
    picked = LocalResolver().rank(parse_step(step), snapshot)
    assert picked.element.fingerprint.idxpath.startswith(f"//*[@id='{widget}']")


@pytest.mark.parametrize(("step", "meant"), [
    ("Click the Edit link in the last row", "edit-carol"),
    ("Check the checkbox in the first row", "pick-alice"),  # a header row is no row
    ("Click the Buy button in the second card", "buy-volvo"),
    ("Click the CommaSeparatedStrings link in the table of contents", None),
])
async def test_containers_picked_by_position(snapshot: Snapshot, step: str,
                                             meant: str | None) -> None:
    if meant is None:  # no table of contents on this page: refused, not guessed
        with pytest.raises(StepFailed):
            _pick(snapshot, step)
    else:
        assert _pick(snapshot, step) == meant


@pytest.mark.parametrize(("step", "rows"), [
    ("There are 2 rows in the users table", {"alice", "carol"}),  # not the other tables' rows
    ("There are 2 users in the table", {"alice", "carol"}),  # the Users table's rows
    ("The Users table has 2 rows", {"alice", "carol"}),
    ("The todo list has 2 items", {"Buy milk", "Bake bread"}),
])
async def test_a_count_in_a_named_table_or_list_counts_its_own_rows(
        snapshot: Snapshot, step: str, rows: set[str]) -> None:
    counted = LocalResolver().matches(parse_step(step), snapshot)
    assert {el.fingerprint.text.split()[0] if "@" in el.fingerprint.text
            else el.fingerprint.text for el in counted} == rows


async def test_rows_of_a_table_named_by_words_that_are_not_on_the_page(
        browser: BrowserSession) -> None:
    """'the first row of the results': no row says "results"; the page's one table does."""
    page = await browser.new_page()
    await page.set_content("<h3>3 rows</h3><table><thead><tr><th>state</th><th>n</th></tr>"
                           "</thead><tbody><tr><td>AK</td><td>263</td></tr><tr><td>TX</td>"
                           "<td>209</td></tr></tbody></table><p>Query took 3 ms</p>")
    step = parse_step('The first row of the results contains "AK"')
    row = LocalResolver().rank(step, await take_snapshot(page)).element.fingerprint
    assert row.role == "row" and row.text.startswith("AK")


async def test_images_are_figures_and_pictures_not_decorative_icons(
        browser: BrowserSession) -> None:
    page = await browser.new_page()
    icon = '<svg aria-hidden="true" width="12" height="12"><rect width="12" height="12"/></svg>'
    tile = ('<figure style="width: 90px"><img alt="" width="80" height="60" src="data:image/gif;'
            'base64,R0lGODlhAQABAAAAACw="><figcaption>{}</figcaption></figure>')
    await page.set_content(f"<main><p>{icon} Images</p><button>{icon} Upload</button>"
                           f"<div>{tile.format('Sunset')}{tile.format('Harbour')}</div></main>")
    snap = await take_snapshot(page)
    assert len(LocalResolver().matches(parse_step("There are 2 images"), snap)) == 2
    first = LocalResolver().rank(parse_step('The first image contains "Sunset"'), snap)
    assert first.element.fingerprint.role == "figure" and "Sunset" in first.element.fingerprint.text
