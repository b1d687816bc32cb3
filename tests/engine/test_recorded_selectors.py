"""What a resolved step stores to find its element again: Playwright idioms first (a
button named like its neighbours in other rows by its row, a unique one by role and name),
then the element's own classes, and a path through its ancestors only when nothing else is
unique. Each replays from the cache."""

from __future__ import annotations

from pathlib import Path

from replaywright.browser.launch import BrowserSession
from replaywright.cache.sqlite import SQLiteStore
from replaywright.demo.server import serve_directory
from replaywright.engine.results import RunResult
from replaywright.flow.model import Flow
from tests.engine.helpers import flow_from, run, statuses

ROWS = "".join(f"<tr><td>item {i}</td><td><button>Edit</button></td></tr>" for i in range(40))
PAGE = f"<!DOCTYPE html><html><body><table>{ROWS}</table><button>Save all</button></body></html>"
RESPONSE = ("<main><p>Server response</p><div><h5>Response body</h5><div class='highlight-code "
            "copyable'><pre><span>{\"name\": </span><span>\"doggie\"</span>, \"photoUrls\": "
            "[\"https://example.com/photo.png\"]}</pre></div></div><div><h5>Example</h5>"
            "<div class='example copyable'><pre>{}</pre></div></div></main>")


async def _record(browser: BrowserSession, tmp_path: Path, html: str,
                  steps: str) -> tuple[Flow, SQLiteStore, RunResult]:
    """A first run of `steps` on a page of `html`, which must pass."""
    (tmp_path / "page.html").write_text(html)
    flow = flow_from(f"url: {(tmp_path / 'page.html').as_uri()}\nsteps:\n{steps}")
    store = SQLiteStore(tmp_path / "cache.db")
    first = await run(await browser.new_page(), flow, "", store)
    assert first.passed, first.error
    return flow, store, first


async def _primary_selectors_replayed(browser: BrowserSession, tmp_path: Path, html: str,
                                      steps: str) -> dict[str, str]:
    """Each recorded step's first stored selector, once a replay has taken every element
    step from the cache."""
    flow, store, _ = await _record(browser, tmp_path, html, steps)
    second = await run(await browser.new_page(), flow, "", store)
    assert second.passed, second.error
    assert all(s.status in {"cached", "live"} for s in second.steps), statuses(second)
    assert "cached" in statuses(second)
    return {e.step: e.selectors[0].value for e in store.entries()}


async def test_shared_names_are_recorded_by_row_and_unique_ones_by_role(
        browser: BrowserSession, tmp_path: Path) -> None:
    flow, store, first = await _record(browser, tmp_path, PAGE, (
        '  - Click the Edit button in the row with "item 31"\n'
        '  - Click the Save all button\n'
    ))
    edit, save = first.steps
    assert edit.selector == ('page.get_by_role("row").filter(has_text="item 31")'
                             '.get_by_role("button", name="Edit", exact=True)')
    assert save.selector == "page.get_by_role('button', name='Save all', exact=True)"
    second = await run(await browser.new_page(), flow, "", store)
    assert second.passed, second.error
    assert statuses(second) == ["cached", "cached"]


async def test_a_block_without_a_name_is_stored_by_its_own_classes(
        browser: BrowserSession, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "response.html").write_text(RESPONSE)
    flow = flow_from('url: response.html\nsteps:\n  - The Response body contains "doggie"\n')
    store = SQLiteStore(tmp_path / "cache.db")
    with serve_directory(site) as base:
        first = await run(await browser.new_page(), flow, f"{base}/", store)
        assert first.passed, first.error
        (entry,) = store.entries()
        assert entry.selectors[0].kind == "css"
        assert entry.selectors[0].value == "div.highlight-code.copyable"
        again = await run(await browser.new_page(), flow, f"{base}/", store)
    assert again.passed and again.steps[0].status == "cached"
    assert "fast path: css" in again.steps[0].note


HEADERS = ("<table><thead><tr>" + "".join(
    f"<th scope='col'><a href='#{c}'>{c}</a> <svg class='dropdown-menu-icon' width='12' "
    f"height='12' onclick=\"document.title='{c} menu'\"><rect width='12' height='12'/></svg>"
    "</th>" for c in ("Name", "Year"))
    + "</tr></thead><tbody><tr><td>ford</td><td>1970</td></tr></tbody></table>"
    "<form><select name='_filter_column'><option>- column -</option><option>Name</option>"
    "</select><select name='_filter_op'><option>=</option><option>&gt;</option></select></form>")


async def test_icons_in_header_cells_and_unnamed_controls_get_no_absolute_path(
        browser: BrowserSession, tmp_path: Path) -> None:
    flow, store, _ = await _record(browser, tmp_path, HEADERS, (
        '  - Click the cog icon in the Year column header\n'
        '  - The page title contains "Year menu"\n'
        '  - Select "Name" from the column dropdown\n'
    ))
    primary = {e.step: e.selectors[0] for e in store.entries()}
    cog = primary["Click the cog icon in the Year column header"]
    assert cog.kind == "chain" and 'filter(has_text="Year")' in cog.value
    column = primary['Select "Name" from the column dropdown']
    assert (column.kind, column.value) == ("css", 'select[name="_filter_column"]')
    second = await run(await browser.new_page(), flow, "", store)
    assert second.passed, second.error
    assert statuses(second) == ["cached", "live", "cached"]


DONE_THROUGH = ("<main><ul>" + "".join(
    f"<li><a href='#{n}'><img alt='{n}' width='40' height='30' src='data:image/gif;base64,"
    f"R0lGODlhAQABAAAAACw='></a></li>" for n in ("Red tulips", "Sunflowers"))
    + "</ul><div style='height: 1500px'></div><section class='models'><h4><button "
    "aria-expanded='true'>Schemas</button></h4><div>" + "<p>Order</p>" * 20
    + "</div></section></main>")


async def test_steps_done_through_another_element_replay_from_the_cache(
        browser: BrowserSession, tmp_path: Path) -> None:
    """A click on an image is done on the link around it, a scroll to a section on the
    header that starts it; the replay still takes that element for the step's words."""
    flow, store, first = await _record(browser, tmp_path, DONE_THROUGH, (
        '  - Scroll to the Schemas section\n'
        '  - Click the Red tulips image\n'
    ))
    assert [s.element.split(">")[0] for s in first.steps] == ["<button role=button", "<a role=link"]
    second = await run(await browser.new_page(), flow, "", store)
    assert second.passed, second.error
    assert statuses(second) == ["cached", "cached"]


MENUS = ("<header><nav aria-label='Main'><a href='#a'>Docs</a> <a href='#b'>Blog</a></nav>"
         "</header><main><h1>Welcome</h1><div class='sidebar'><h2>More</h2><ul>"
         "<li><a href='#c' onclick=\"document.title='sidebar docs'\">Docs</a></li>"
         "<li><a href='#d'>Blog</a></li></ul></div></main>")


async def test_a_link_repeated_in_two_menus_is_stored_by_the_menu_it_is_in(
        browser: BrowserSession, tmp_path: Path) -> None:
    """Nothing of the link's own tells the two apart: its nearest scope does, not an
    absolute path, and the replay takes it from the cache."""
    flow, store, first = await _record(browser, tmp_path, MENUS, (
        '  - Click the Docs link in the sidebar\n'
        '  - The page title is "sidebar docs"\n'
    ))
    (entry,) = store.entries()
    assert (entry.selectors[0].kind, entry.selectors[0].value) == (
        "chain", 'locator("div.sidebar").get_by_role("link", name="Docs", exact=True)')
    assert first.steps[0].selector == ('page.locator("div.sidebar")'
                                       '.get_by_role("link", name="Docs", exact=True)')
    second = await run(await browser.new_page(), flow, "", store)
    assert second.passed, second.error
    assert statuses(second) == ["cached", "live"]


ICON_ROWS = "<style>.pencil::before { content: '\\270E'; }</style><table>" + "".join(
    f"<tr><td>{n}</td><td>{n}@example.org</td><td><a href='#{n}' title='Edit Record' "
    f"onclick=\"document.title='edit {n}'\"><span class='pencil'></span></a></td></tr>"
    for n in ("alice", "carol", "dave")) + "</table>"


async def test_rows_and_font_icons_in_rows_are_stored_by_the_row_s_words(
        browser: BrowserSession, tmp_path: Path) -> None:
    """A font icon's glyph is part of the name Playwright computes, so the icon is named
    by its title within its row; a row checked by its words is found by them — no path."""
    primary = await _primary_selectors_replayed(browser, tmp_path, ICON_ROWS, (
        '  - The row with "carol" contains "carol@example.org"\n'
        '  - Click the edit icon in the row with "carol"\n'
        '  - The page title is "edit carol"\n'
    ))
    assert primary['The row with "carol" contains "carol@example.org"'] == (
        'get_by_role("row").filter(has_text="carol")')
    assert primary['Click the edit icon in the row with "carol"'] == (
        'get_by_role("row").filter(has_text="carol").get_by_title("Edit Record", exact=True)')


async def test_a_row_picked_by_position_is_not_stored_by_its_words(
        browser: BrowserSession, tmp_path: Path) -> None:
    """"The first row" must be the first row on replay, not the row that was first."""
    _, store, _ = await _record(browser, tmp_path, ICON_ROWS, (
        '  - The first row contains "alice"\n'
    ))
    (entry,) = store.entries()
    assert "has_text" not in entry.selectors[0].value


BUTTON_ROWS = "<table>" + "".join(
    f"<tr><td>{n}</td><td><button class='q-btn' aria-label='' onclick=\"document.title="
    f"'edit {n}'\"><i class='material-icons'>edit</i></button><button class='q-btn' "
    f"onclick=\"document.title='delete {n}'\"><i class='material-icons'>delete</i></button>"
    f"</td></tr>" for n in ("Grace Okafor", "Carol Diaz")) + "</table>"
AUTH = "".join(
    f"<div class='auth-container'><h4>{scheme}</h4><form><input aria-label='Value'>"
    f"<button class='btn auth' type='button' onclick=\"document.title='{scheme} authorized'\">"
    f"Authorize</button></form></div>" for scheme in ("api_key", "petstore_auth"))


async def test_alike_buttons_in_a_row_or_in_alike_blocks_are_stored_by_place_or_title(
        browser: BrowserSession, tmp_path: Path) -> None:
    primary = await _primary_selectors_replayed(browser, tmp_path, BUTTON_ROWS + AUTH, (
        '  - Click the delete button in the row with "Carol Diaz"\n'
        '  - The page title is "delete Carol Diaz"\n'
        '  - Click the Authorize button in the api_key section\n'
        '  - The page title is "api_key authorized"\n'
    ))
    assert primary['Click the delete button in the row with "Carol Diaz"'] == (
        'get_by_role("row").filter(has_text="Carol Diaz").get_by_role("button").nth(1)')
    assert primary['Click the Authorize button in the api_key section'] == (
        'locator("div.auth-container").filter(has_text="api_key")'
        '.get_by_role("button", name="Authorize", exact=True)')
