"""Stored selectors: Playwright idioms first; a structural fallback anchored at a stable id
before an absolute XPath."""

from __future__ import annotations

import pytest

from replaywright.browser.selectors import stable_selectors
from replaywright.model import Fingerprint

XPATH = "/html[1]/body[1]/form[1]/p[1]/div[1]/textarea[1]"


@pytest.mark.parametrize(("css_path", "in_shadow", "kind"), [
    ("#sql-form > p > div > textarea", False, "css"),  # from the nearest stable id
    ("#ember1234 > p > textarea", False, "xpath"),  # a generated id is no anchor
    ("p > div > textarea", False, "xpath"),  # no id within reach
    ("#host > div > textarea", True, "xpath"),  # a CSS path does not cross a shadow root
])
def test_the_structural_fallback(css_path: str, in_shadow: bool, kind: str) -> None:
    fp = Fingerprint(tag="textarea", xpath=XPATH, css_path=css_path, in_shadow=in_shadow)
    assert [s.kind for s in stable_selectors(fp)] == [kind]


def test_idioms_come_before_any_structural_path() -> None:
    fp = Fingerprint(tag="button", role="button", accessible_name="Save", xpath=XPATH,
                     css_path="#f > button")
    assert [s.kind for s in stable_selectors(fp)] == ["role", "css"]
