"""Description-dependent weights."""

from replaywright.match import weights_for
from replaywright.match.describe import cues


def test_plain_description_gives_the_fitted_defaults():
    assert weights_for("") == weights_for("   ")
    assert weights_for("")["text_idf"] > 0


def test_colour_words_raise_colour_signals():
    base, red = weights_for(""), weights_for("the red Cancel button")
    assert red["color_eq"] > base["color_eq"]
    assert red["bg_eq"] > base["bg_eq"]


def test_position_words_raise_position_signals():
    base = weights_for("")
    for d in ("the link at the top right", "the field below the header", "the second result"):
        w = weights_for(d)
        assert w["pos_rel"] > base["pos_rel"], d
        assert w["pos_abs"] > base["pos_abs"], d


def test_plain_names_raise_role_name_and_text():
    base, w = weights_for(""), weights_for("the Sign in button")
    for name in ("role_eq", "acc_name_sim", "text_idf", "text_tokset"):
        assert w[name] > base[name], name
    assert w["pos_rel"] < base["pos_rel"]


def test_cues():
    assert cues("the red Cancel button below the Order Summary header") >= {"visual", "position"}
    assert cues('click "Checkout"') == {"semantic"}
    assert cues("") == set()
