"""Step phrasing: the ways people write test steps map to the right intent."""

from __future__ import annotations

import pytest

from replaywright.errors import FlowError
from replaywright.flow.intent import Action, parse_step


@pytest.mark.parametrize(("step", "action", "target", "value"), [
    ("Go to https://example.com/login", Action.GOTO, "", "https://example.com/login"),
    ("Open /cart.html", Action.GOTO, "", "/cart.html"),
    ("Open the Settings menu", Action.CLICK, "the Settings menu", None),
    ("Click the Sign in button", Action.CLICK, "the Sign in button", None),
    ("Then click the second Save button.", Action.CLICK, "the second Save button", None),
    ("Press the Submit button", Action.CLICK, "the Submit button", None),
    ("Double-click Row 1", Action.DBLCLICK, "Row 1", None),
    ("Right click on Item A", Action.RIGHTCLICK, "Item A", None),
    ("Hover over the Help icon", Action.HOVER, "the Help icon", None),
    ('Type "alice" into the Username field', Action.FILL, "the Username field", "alice"),
    ("Type {{ env.USER }} into the Email field", Action.FILL, "the Email field", "{{ env.USER }}"),
    ('Fill the Email field with "a@b.c"', Action.FILL, "the Email field", "a@b.c"),
    ('Fill the Rows to show field with "5"', Action.FILL, "the Rows to show field", "5"),
    ("Set the Quantity field to 3", Action.FILL, "the Quantity field", "3"),
    ('Enter "Sign in now" in the Notes field', Action.FILL, "the Notes field", "Sign in now"),
    ("Clear the Notes field", Action.CLEAR, "the Notes field", None),
    ("Press Enter", Action.PRESS, "", "Enter"),
    ("Press Enter in the Search field", Action.PRESS, "the Search field", "Enter"),
    ("Press ctrl+a in Notes", Action.PRESS, "Notes", "Control+a"),
    ('Select "Canada" from the Country dropdown', Action.SELECT, "the Country dropdown", "Canada"),
    ("Check the I agree checkbox", Action.CHECK, "the I agree checkbox", None),
    ("Uncheck the Subscribe checkbox", Action.UNCHECK, "the Subscribe checkbox", None),
    ("Choose the Express shipping option", Action.CHECK, "the Express shipping option", None),
    ("Upload notes.txt to the Attachment field", Action.UPLOAD, "the Attachment field", "notes.txt"),
    ("Scroll to the Footer note", Action.SCROLL, "the Footer note", None),
    ("Wait 2 seconds", Action.WAIT, "", "2 seconds"),
    ("The Welcome banner is visible", Action.EXPECT_VISIBLE, "The Welcome banner", None),
    ("Verify that the error message is not visible", Action.EXPECT_HIDDEN, "the error message", None),
    ('The cart contains "Blue Mug"', Action.EXPECT_TEXT, "The cart", "Blue Mug"),
    ("The Users table has 3 rows", Action.EXPECT_COUNT, "rows in The Users table", "3"),
    ("The todo list shows 2 items", Action.EXPECT_COUNT, "items in The todo list", "2"),
    ("The page has 3 Delete buttons", Action.EXPECT_COUNT, "Delete buttons", "3"),
    ('The page title contains "Checkout"', Action.EXPECT_TITLE, "", "Checkout"),
    ('The URL contains "/confirm"', Action.EXPECT_URL, "", "/confirm"),
    # a template is one word to the grammar, however it is spaced
    ("Go to {{ params.base }}/admin/auth/user/", Action.GOTO, "", "{{ params.base }}/admin/auth/user/"),
    ("Open {{params.base}}/x", Action.GOTO, "", "{{params.base}}/x"),
    ("Click the {{ params.name }} link", Action.CLICK, "the {{ params.name }} link", None),
])
def test_phrasings(step: str, action: Action, target: str, value: str | None) -> None:
    intent = parse_step(step)
    assert (intent.action, intent.target, intent.value) == (action, target, value)


def test_page_level_checks_need_no_element() -> None:
    assert not parse_step('The page contains "Thanks"').needs_element
    assert not parse_step('The title contains "Shop"').needs_element
    assert parse_step('The banner contains "Thanks"').needs_element


@pytest.mark.parametrize("step", ["Frobnicate the widget", "", "Type into the field"])
def test_unparseable_steps_list_accepted_phrasings(step: str) -> None:
    with pytest.raises(FlowError) as err:
        parse_step(step)
    assert "accepted phrasings" in str(err.value)
