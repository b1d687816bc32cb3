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


async def test_a_region_word_before_a_plural_kind_says_where_they_are(
        browser: BrowserSession) -> None:
    """"There are 3 navigation tabs": the tabs in the navigation, not elements named
    "navigation" (none is) nor every link of the navigation's other menus."""
    page = await browser.new_page()
    await page.set_content(
        "<header><nav aria-label='Site'><a href='/'>Home</a><label>Switch theme<input "
        "type='checkbox'></label></nav><nav class='md-tabs' aria-label='Tabs'><ul>"
        "<li><a href='/a'>Guide</a></li><li><a href='/b'>API</a></li>"
        "<li><a href='/c'>Blog</a></li></ul></nav></header>"
        "<main><nav aria-label='Pages'><a href='/x'>Install</a><a href='/y'>Usage</a></nav>"
        "<p>Text</p></main>")
    snap = await take_snapshot(page)
    tabs = LocalResolver().matches(parse_step("There are 3 navigation tabs"), snap)
    assert [t.fingerprint.accessible_name for t in tabs] == ["Guide", "API", "Blog"]


_SWAGGER_OP = (  # Swagger UI 5: a summary bar and an icon-only arrow that expand one operation
    '<div class="opblock"><div class="opblock-summary">'
    '<button id="summary" aria-expanded="false"><span>GET</span> <span>/pet/{petId}</span> '
    '<span>Find pet by ID</span></button>'
    '<button id="arrow" aria-label="get /pet/{petId}" aria-expanded="false" tabindex="-1">'
    '<svg width="20" height="20"><rect width="20" height="20"/></svg></button></div></div>')
_MODELS = (  # a titled section holding parts that are named by its words
    '<section id="models"><h4><button id="models-toggle" aria-expanded="true">Schemas</button>'
    '</h4><div><button id="order-toggle" aria-expanded="true">Order</button><table><tr><td>status</td>'
    '<td>placed, delivered</td></tr></table></div><div><button aria-expanded="false">Pet'
    '</button></div>' + "<p>filler</p>" * 40 + '</section>')
_RESULTS = (  # search results: list items, each holding one or more articles
    '<ol class="md-search-result__list">' + "".join(
        f'<li class="md-search-result__item" id="result-{i}"><a href="/{i}" tabindex="-1">'
        f'<article class="md-search-result__article"><h1>{title}</h1><p>{text}</p></article>'
        f'{extra}</a></li>' for i, (title, text, extra) in enumerate([
            ("Lifespan State", "state of the app", ""),
            ("Release notes", "0.41.3", '<article class="md-search-result__article">'
             '<h2>0.9.0</h2><p>TestClient as a context manager</p></article>'),
            ("Applications", "class Starlette", "")], 1)) + "</ol>")
_QUASAR_SELECT = (  # QSelect: a 1-px combobox inside the field a person clicks
    '<label class="q-field" for="country"><div class="q-field__native"><span>France</span>'
    '<input id="country" role="combobox" aria-label="Country" aria-expanded="false" readonly '
    'style="position:absolute;width:1px;height:1px;opacity:0;border:0;padding:0"></div>'
    '<div class="q-field__label">Country</div><i aria-hidden="true">arrow_drop_down</i></label>'
    '<div class="q-field__native">' + "".join(
        f'<div class="q-chip"><span>{lang}</span><i role="button" tabindex="-1" '
        f'aria-label="Remove" id="rm-{lang}">cancel</i></div>' for lang in ("English", "French"))
    + "</div>")
_DOCS = (  # a docs page: a logo link, highlighted search terms, code blocks with copy buttons
    '<header><a id="logo" class="md-header__button md-logo" aria-label="Starlette" href="/">'
    '<svg width="24" height="24"><rect width="24" height="24"/></svg></a>'
    '<button><svg width="24" height="24"><rect width="24" height="24"/></svg></button></header>'
    '<article><p>Use <code>.env</code> files and <mark id="hit-1">CORSMiddleware</mark> or '
    '<mark>CORSMiddleware</mark>.</p>' + "".join(
        f'<div class="highlight"><pre><button id="copy-{i}" class="md-clipboard" '
        f'title="Copy to clipboard"></button><code><span class="n">print</span><span '
        f'class="p">({i})</span></code></pre></div>'  # highlighted: no text of its own
        for i in (1, 2)) + "</article>")


_QUASAR_PAGE = (  # NiceGUI: a header, icon-font buttons, a captioned slider, a plain message
    '<header id="top" class="q-header"><button id="drawer"><i class="material-icons">menu</i>'
    '</button><div>Acme Console</div><div>Grace Hopper</div></header><main>'
    '<div>Quiet hours</div><div id="quiet" role="slider" aria-valuemin="0" aria-valuemax="24" '
    'aria-valuenow="7" tabindex="0" style="width:200px;height:20px">7</div>'
    '<div>Records per page: 6</div><div>1-6 of 9</div>'
    '<button disabled><i class="q-icon material-icons" aria-hidden="true">chevron_left</i>'
    '</button><button id="next-page"><span class="q-focus-helper"></span><span '
    'class="q-btn__content text-center col items-center q-anchor--skip justify-center row">'
    '<i class="q-icon notranslate material-icons" aria-hidden="true">chevron_right</i></span>'
    '</button><div>Change password</div><div>Current password</div>'
    '<div id="too-short">The new password must have at least 8 characters.</div>'
    '<div>Last saved just now</div></main><div role="menu" class="q-menu"><div class="q-list">'
    + "".join(f'<div class="q-item" role="listitem" tabindex="0" style="cursor: pointer">'
              f'<div class="q-item__section" id="item-{n}">{words}</div></div>'
              for n, words in enumerate(["Keyboard shortcuts", "Sign out"])) + "</div></div>")


_SCHEMA_PAGE = (  # sqlite-web: Bootstrap tabs, a form's Query button, tables under headings
    '<ul class="nav nav-tabs"><li class="nav-item"><a class="nav-link" href="#s">Structure</a>'
    '</li><li class="nav-item"><a id="query-tab" class="nav-link" href="#q">Query</a></li></ul>'
    '<form><input name="q"><a class="btn btn-secondary" href="#run">Query</a>'
    '<label for="site">From site</label><select id="site"><option>All</option>'
    '<option>Main</option></select></form><div class="nav-tabs-content"><div role="tabpanel" '
    'class="tab-pane"><ul class="fields"><li><a href="#q">Query</a></li></ul></div></div>'
    '<h4>Columns</h4><table id="columns" class="table"><tr><th>Column</th><th>Data type</th>'
    '</tr><tr><td>species</td><td>TEXT</td></tr></table><h4>Indexes</h4><table class="table">'
    '<tr><th>Name</th><th>Columns</th><th>Unique</th></tr><tr><td>ix_species</td>'
    '<td>species</td><td>no</td></tr></table>')


_RESPONSE = (  # Swagger UI's live response: blocks titled by the heading right before them
    '<h4>Server response</h4><table><tr class="response"><td>200</td><td class="response-col">'
    '<div><h5>Response body</h5><div id="body" class="highlight-code"><div>Download</div><pre>'
    '<span>{"name": </span><span>"doggie"</span>}</pre></div></div><div><h5>Response headers'
    '</h5><pre id="headers"><span>x-rate-limit: 10</span></pre></div></td></tr></table>'
    '<div id="url" class="request-url"><h4>Request URL</h4><pre>http://127.0.0.1/v2/pet/7</pre>'
    '</div>')


@pytest.mark.parametrize(("html", "step", "meant"), [
    (_RESPONSE, 'The Response body contains "doggie"', "body"),
    (_RESPONSE, 'The Response headers contain "x-rate-limit"', "headers"),
    (_RESPONSE, 'The Request URL contains "/v2/pet/7"', "url"),  # titled by its own heading
    (_SCHEMA_PAGE, "Click the Query tab", "query-tab"),  # a link in a bar of tabs
    (_SCHEMA_PAGE, "Select 'Main' from the From site dropdown", "site"),  # "From" is a name
    (_SCHEMA_PAGE, 'The Columns table contains "species"', "columns"),  # not the one saying it
    (_QUASAR_PAGE, "Click the Next page button", "next-page"),  # an icon font's chevron
    (_QUASAR_PAGE, "Click Keyboard shortcuts in the menu", "item-0"),  # where a click lands
    (_QUASAR_PAGE, "The Quiet hours slider is visible", "quiet"),  # the caption before it
    (_QUASAR_PAGE, 'The header contains "Grace"', "top"),  # the page's header
    (_QUASAR_PAGE, 'The error message contains "at least 8 characters"', "too-short"),
    (_SWAGGER_OP, "Click the GET /pet/{petId} operation", "summary"),  # the one you can read
    (_MODELS, "Scroll to the Schemas section", "models-toggle"),  # where it starts
    (_MODELS, "Click the Order schema", "order-toggle"),  # "Order" under the Schemas heading
    (_RESULTS, 'The first search result contains "Lifespan"', "result-1"),  # a list's item
    (_QUASAR_SELECT, "Click the Country dropdown", "country"),
    (_QUASAR_SELECT, "Click the remove icon on the French chip", "rm-French"),
    (_DOCS, "Click the Starlette logo in the header", "logo"),
    (_DOCS, 'The first highlighted match contains "CORSMiddleware"', "hit-1"),
    (_DOCS, "Click the copy button of the first code block", "copy-1"),
    (_DOCS, "Click the copy button of the second code block", "copy-2"),
])
async def test_real_app_widgets_resolve_to_what_a_person_means(
        browser: BrowserSession, html: str, step: str, meant: str) -> None:
    page = await browser.new_page()
    await page.set_content(html)
    assert _pick(await take_snapshot(page), step) == meant


_OPERATION = (  # Swagger UI 4: an operation's bar; icons a person tells apart by their look
    '<div class="opblock-summary"><button class="opblock-summary-control" aria-expanded="true" '
    'aria-label="get /pet/{{petId}}">'
    '<span>GET</span><span>/pet/{{petId}}</span><div>Find pet by ID</div><svg class="arrow" '
    'width="20" height="20"><rect width="20" height="20"/></svg></button><div class="copy" '
    'title="Copy to clipboard"><svg width="16" height="16"><rect width="16" height="16"/>'
    '</svg></div><button aria-label="{label}" id="auth"><svg width="20" height="20">'
    '<use href="#{icon}"></use></svg></button></div>')


async def test_an_icon_told_by_its_look_among_other_icons_is_refused(
        browser: BrowserSession) -> None:
    """The lock among an operation's icons: by its name when it has one ("authorization
    button unlocked"), else refused, never the other word-less icon beside it."""
    step = "Click the lock icon of the GET /pet/{petId} operation"
    page = await browser.new_page()
    await page.set_content(_OPERATION.format(label="authorization button unlocked",
                                             icon="unlocked"))
    assert _pick(await take_snapshot(page), step) == "auth"
    await page.set_content(_OPERATION.format(label="authorize", icon="key"))
    with pytest.raises(StepFailed):
        _pick(await take_snapshot(page), step)


async def test_the_main_contents_control_is_meant_over_the_sidebars(
        browser: BrowserSession) -> None:
    """Wagtail: the sidebar's site-wide *Search* and the listing's own *Search term* box: on
    the listing, "the search box" is the listing's; two in the main content still tie."""
    sidebar = ('<aside aria-label="Sidebar"><form role="search"><input aria-label="Search" '
               'placeholder="Search"></form></aside>')
    listing = ('<form role="search"><label for="q">Search term</label><input id="{id}" '
               'placeholder="Search…"></form>')
    page = await browser.new_page()
    await page.set_content(f"{sidebar}<main>{listing.format(id='q')}<ul><li>Tulips</li></ul>"
                           "</main>")
    assert _pick(await take_snapshot(page), "Type 'tulips' into the search box") == "q"
    await page.set_content(f"{sidebar}<main>{listing.format(id='q')}{listing.format(id='q2')}"
                           "</main>")
    with pytest.raises(AmbiguousTarget):
        _pick(await take_snapshot(page), "Type 'tulips' into the search box")


async def test_a_block_named_by_a_heading_is_not_any_element_saying_the_words(
        browser: BrowserSession) -> None:
    """"The Response body contains "placed"" before the response is shown: not the schema's
    example that happens to say "placed"."""
    page = await browser.new_page()
    await page.set_content('<h4>Responses</h4><div class="responses"><table><tr><td>200</td>'
                           '<td><div><h5>Example Value</h5><pre><span>"status"</span>: '
                           '<span>"placed"</span></pre></div></td></tr></table></div>'
                           '<button>Execute</button>')
    with pytest.raises(StepFailed):
        _pick(await take_snapshot(page), 'The Response body contains "placed"')


async def test_a_part_named_by_words_its_section_holds_is_not_the_section(
        browser: BrowserSession) -> None:
    """"The Order schema" in a section named Schemas: the section holds it, it is not it;
    refused with candidates rather than checking the whole section."""
    page = await browser.new_page()
    await page.set_content(_MODELS)
    with pytest.raises(StepFailed) as refused:
        _pick(await take_snapshot(page), 'The Order schema contains "delivered"')
    assert "Order" in str(refused.value)
