"""Selector hints read back into the selectors the engine recorded them from."""

from __future__ import annotations

import pytest

from replaywright.browser.code import parse_locator
from replaywright.browser.selectors import locator_code
from replaywright.codegen.generate import selector_hint
from replaywright.model import Fingerprint, Selector


@pytest.mark.parametrize("selector", [
    Selector(kind="role", role="button", value="Sign in"),
    Selector(kind="label", value="Email"),
    Selector(kind="placeholder", value="Search mugs"),
    Selector(kind="test_id", value="add-blue"),
    Selector(kind="alt", value="Logo"),
    Selector(kind="title", value="Help"),
    Selector(kind="text", value="It's \"here\""),
    Selector(kind="id", value='odd"id'),
    Selector(kind="css", value="form > button.primary"),
    Selector(kind="xpath", value="/html/body/div[2]/button"),
    Selector(kind="label", value="Gift message", frame="http://127.0.0.1:9/v1/gift.html"),
])
def test_round_trip(selector: Selector) -> None:
    code = locator_code(selector, Fingerprint(tag="button"))
    assert parse_locator(code) == selector
    hint = selector_hint(code, [])
    parsed = parse_locator(hint or "")
    assert parsed is not None and parsed.kind == selector.kind and parsed.value == selector.value


def test_a_chain_is_kept_as_written() -> None:
    code = "get_by_role('row').filter(has_text='x').get_by_role('button')"
    assert parse_locator("page." + code) == Selector(kind="chain", value=code)


def test_not_a_locator() -> None:
    assert parse_locator("get_by_label(name)") is None
    assert parse_locator("not python(") is None
