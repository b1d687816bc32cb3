"""Live-page behaviour: fingerprints as the engine's snapshot fills them (role, accessible name,
directional neighbours, heading, landmark, colours, page size), which the dataset never has."""

from replaywright.match import Matcher
from replaywright.model import Fingerprint

PAGE = {"page_width": 1280.0, "page_height": 900.0}


def _el(**kw) -> Fingerprint:
    base = dict(landmark="main", heading="Shopping list", color="rgb(0, 0, 0)", background_color="", **PAGE)
    base.update(kw)
    return Fingerprint(**base)


def _table_page() -> list[Fingerprint]:
    """A shopping list: a heading, an add form, and a table with one Delete button per row."""
    page = [
        _el(tag="h1", text="Shopping list", role="heading", accessible_name="Shopping list",
            xpath="/html[1]/body[1]/main[1]/h1[1]", x=40, y=20, width=400, height=40, heading=""),
        _el(tag="input", input_type="text", role="textbox", placeholder="New item",
            accessible_name="New item",
            xpath="/html[1]/body[1]/main[1]/form[1]/input[1]", x=40, y=80, width=300, height=32,
            neighbors={"right": "Add", "below": "Milk"}),
        _el(tag="button", text="Add", role="button", accessible_name="Add", is_button=True,
            classes=["btn", "btn-primary"], xpath="/html[1]/body[1]/main[1]/form[1]/button[1]",
            x=350, y=80, width=60, height=32, neighbors={"left": "New item", "below": "Delete"},
            background_color="rgb(0, 90, 200)", color="rgb(255, 255, 255)"),
    ]
    items = ["Milk", "Bread", "Eggs", "Butter"]
    for i, item in enumerate(items, start=1):
        y = 140 + 40 * (i - 1)
        row = f"/html[1]/body[1]/main[1]/table[1]/tbody[1]/tr[{i}]"
        above = items[i - 2] if i > 1 else "Add"
        below = items[i] if i < len(items) else ""
        page.append(_el(tag="td", text=item, xpath=f"{row}/td[1]", x=40, y=y, width=200, height=32,
                        neighbors={"right": "Delete", "above": above, "below": below}, neighbor_text=item))
        page.append(_el(tag="button", text="Delete", role="button", accessible_name="Delete", is_button=True,
                        classes=["btn", "btn-danger"], xpath=f"{row}/td[2]/button[1]",
                        x=260, y=y + 2, width=70, height=28, neighbor_text=f"{item} {above} {below}".strip(),
                        neighbors={"left": item, "above": "Delete" if i > 1 else "Add",
                                   "below": "Delete" if i < len(items) else ""},
                        background_color="rgb(200, 30, 30)", color="rgb(255, 255, 255)"))
    return page


def test_identical_page_is_confident_among_lookalike_rows():
    page = _table_page()
    m = Matcher()
    for i, f in enumerate(page):
        if f.text != "Delete":
            continue
        res = m.match(f, page, "the Delete button")
        assert res.index == i
        assert res.confident, (f.neighbors, res.confidence)
        assert res.confidence >= 0.95


def test_identical_page_without_description_is_confident():
    page = _table_page()
    bread = next(i for i, f in enumerate(page) if f.text == "Delete" and f.neighbors.get("left") == "Bread")
    res = Matcher().match(page[bread], page)
    assert res.index == bread and res.confident


def test_identical_page_is_confident_even_without_recorded_context():
    """A target recorded without neighbours or heading: rows differ only by xpath and y."""
    page = _table_page()
    m = Matcher()
    for i, f in enumerate(page):
        if f.text == "Delete":
            bare = f.model_copy(update={"neighbors": {}, "neighbor_text": "", "heading": ""})
            res = m.match(bare, page)
            assert res.index == i and res.confident and res.confidence >= 0.95


def test_two_exact_replicas_are_never_confident():
    page = _table_page()
    twin = page[4].model_copy()
    res = Matcher().match(page[4], [page[4], twin, *page[5:]])
    assert res.index in (0, 1) and not res.confident


def test_row_moved_keeps_its_delete_button():
    """Rows re-sorted (Bread first): the Bread row's button is still found by its row text."""
    page = _table_page()
    bread = next(f for f in page if f.text == "Delete" and f.neighbors.get("left") == "Bread")
    new = _table_page()
    # swap the row contents of rows 1 and 2: Bread is now first
    for f in new:
        if f.tag == "td" and f.text in ("Milk", "Bread"):
            f.text = "Bread" if f.text == "Milk" else "Milk"
            f.neighbor_text = f.text
        if f.text == "Delete" and f.neighbors.get("left") in ("Milk", "Bread"):
            item = "Bread" if f.neighbors["left"] == "Milk" else "Milk"
            f.neighbors = {**f.neighbors, "left": item}
            f.neighbor_text = item
    res = Matcher().match(bread, new)
    assert new[res.index].neighbors.get("left") == "Bread" or not res.confident


def _toolbar_page(with_target: bool) -> list[Fingerprint]:
    def btn(text: str, x: float, n: int) -> Fingerprint:
        return _el(tag="button", text=text, role="button", accessible_name=text, is_button=True,
                   classes=["btn"], xpath=f"/html[1]/body[1]/main[1]/div[1]/button[{n}]",
                   x=x, y=200, width=100, height=32, heading="Demo", neighbor_text="Demo")

    page = [
        _el(tag="h2", text="Demo", role="heading", accessible_name="Demo",
            xpath="/html[1]/body[1]/main[1]/h2[1]",
            x=40, y=150, width=300, height=30, heading=""),
        btn("Hide me", 40, 1),
        btn("Save", 160, 2),
    ]
    if with_target:
        page.append(btn("Loaded late", 280, 3))
    return page


def test_target_absent_is_never_confident():
    target = _toolbar_page(True)[-1]
    assert target.text == "Loaded late"
    live = _toolbar_page(False)
    m = Matcher()
    for desc in ("", "the Loaded late button", "click Loaded late"):
        res = m.match(target, live, desc)
        assert not res.confident, (desc, res)
    # and present: found at once
    res = m.match(target, _toolbar_page(True))
    assert res.index == 3 and res.confident


SIGNIN = _el(tag="button", id="signin", text="Sign in", role="button", accessible_name="Sign in",
             is_button=True,
             classes=["btn", "signin-btn"], xpath="/html[1]/body[1]/header[1]/div[1]/button[1]",
             x=1100, y=20, width=90, height=36, landmark="banner", heading="",
             neighbors={"left": "Pricing", "below": "Welcome back"}, neighbor_text="Pricing Welcome back")


def _signin_page() -> list[Fingerprint]:
    return [
        _el(tag="a", text="Pricing", role="link", accessible_name="Pricing", href="/pricing",
            xpath="/html[1]/body[1]/header[1]/nav[1]/a[1]", x=980, y=24, width=60, height=24,
            landmark="banner",
            heading=""),
        # the decoy: a different control that took over the old id
        _el(tag="a", id="signin", text="Forgot your password?", role="link",
            accessible_name="Forgot your password?",
            href="/reset", classes=["link"], xpath="/html[1]/body[1]/main[1]/form[1]/a[1]",
            x=520, y=420, width=180, height=20, heading="Welcome back",
            neighbors={"above": "Password", "below": "Log in"}),
        _el(tag="input", input_type="email", role="textbox", accessible_name="Email", label="Email",
            xpath="/html[1]/body[1]/main[1]/form[1]/input[1]", x=520, y=300, width=260, height=36,
            heading="Welcome back"),
        _el(tag="input", input_type="password", role="textbox", accessible_name="Password", label="Password",
            xpath="/html[1]/body[1]/main[1]/form[1]/input[2]", x=520, y=360, width=260, height=36,
            heading="Welcome back"),
        # the real element: reworded, now an <input type=submit>, moved into the form
        _el(tag="input", input_type="submit", value="Log in", text="Log in", role="button",
            accessible_name="Log in", is_button=True, classes=["btn", "btn-primary"],
            xpath="/html[1]/body[1]/main[1]/form[1]/input[3]", x=520, y=460, width=260, height=40,
            heading="Welcome back", neighbors={"above": "Forgot your password?"}),
    ]


def test_decoy_with_the_old_id_is_not_chosen():
    page = _signin_page()
    m = Matcher()
    for desc in ("", "the Sign in button", "click Sign in"):
        res = m.match(SIGNIN, page, desc)
        assert not (res.confident and res.index == 1), (desc, res)
        assert res.index == 4, (desc, res)  # reworded, re-tagged and moved, still ranked first


def test_decoy_alone_is_not_confident():
    page = [f for i, f in enumerate(_signin_page()) if i != 4]
    res = Matcher().match(SIGNIN, page)
    assert not res.confident


def test_verify_rejects_the_decoy_and_accepts_a_small_move():
    m = Matcher()
    assert not m.verify(SIGNIN, _signin_page()[1])
    moved = SIGNIN.model_copy(update={"x": 1080, "y": 26, "classes": ["Button_root__x8k2p", "signin-btn"],
                                      "xpath": "/html[1]/body[1]/header[1]/div[2]/button[1]"})
    assert m.verify(SIGNIN, moved)
    assert m.verify(SIGNIN, SIGNIN)
