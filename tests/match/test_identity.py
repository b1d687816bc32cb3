"""The replay fast path's cheap check: an element found by a stored selector is taken as
the recorded one without the matcher only when nothing but its place has changed."""

from __future__ import annotations

from replaywright.match import unchanged
from replaywright.model import Fingerprint

RECORDED = Fingerprint(tag="button", role="button", accessible_name="Add to cart",
                       text="Add to cart", classes=["btn", "primary"],
                       xpath="/html[1]/body[1]/main[1]/button[2]", x=10, y=200,
                       heading="Products", neighbor_text="Milk 2.49")


def test_a_moved_element_with_the_same_signals_is_unchanged() -> None:
    live = RECORDED.model_copy(update={"x": 40, "y": 900, "width": 120, "heading": "",
                                       "neighbor_text": ""})
    assert unchanged(RECORDED, live)


def test_any_identity_attribute_or_structure_change_goes_to_the_matcher() -> None:
    for change in ({"accessible_name": "Add to basket"}, {"classes": ["btn"]},
                   {"xpath": "/html[1]/body[1]/main[1]/button[3]"}, {"role": "link"},
                   {"attributes": {"aria-pressed": "true"}}, {"frame": "https://x/f"}):
        assert not unchanged(RECORDED, RECORDED.model_copy(update=change)), change


def test_the_same_frame_served_from_another_origin_is_unchanged() -> None:
    framed = RECORDED.model_copy(update={"frame": "http://127.0.0.1:8000/v1/gift.html"})
    elsewhere = framed.model_copy(update={"frame": "http://127.0.0.1:9123/v1/gift.html"})
    assert unchanged(framed, elsewhere)
    assert not unchanged(framed, framed.model_copy(
        update={"frame": "http://127.0.0.1:8000/v1/other.html"}))
