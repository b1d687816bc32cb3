"""Matcher ranking, confidence/abstention and the strict verify fast path."""

import time

from replaywright.match import DEFAULT_THRESHOLD, Matcher, MatchResult
from replaywright.model import Fingerprint


def _fp(**kw):
    base = dict(tag="a", xpath="/html[1]/body[1]/div[1]/a[1]", x=10, y=10, width=80, height=20)
    base.update(kw)
    return Fingerprint(**base)


TARGET = _fp(
    id="signin",
    text="Sign in",
    href="https://example.com/login",
    classes=["nav-link", "css-1ab2c3"],
    neighbor_text="Register Help",
    xpath="/html[1]/body[1]/header[1]/nav[1]/a[2]",
    x=900,
    y=12,
)


def _page():
    return [
        _fp(text="Home", href="https://example.com/", xpath="/html[1]/body[1]/header[1]/nav[1]/a[1]"),
        _fp(
            text="Sign up",
            href="https://example.com/register",
            x=800,
            y=14,
            xpath="/html[1]/body[1]/header[1]/nav[1]/a[3]",
        ),
        # the same element after a redesign: reworded, moved, generated classes renamed
        _fp(
            text="Sign In",
            href="https://www.example.com/login/?utm_source=nav",
            classes=["nav-link", "css-9zz8yy"],
            neighbor_text="Register Help",
            xpath="/html[1]/body[1]/div[1]/header[1]/nav[1]/a[2]",
            x=1100,
            y=30,
        ),
        _fp(tag="button", text="Search", x=600, y=12),
    ]


def test_match_finds_the_redesigned_element_confidently():
    res = Matcher().match(TARGET, _page())
    assert isinstance(res, MatchResult)
    assert res.index == 2
    assert res.confident and res.confidence >= DEFAULT_THRESHOLD
    assert res.ranking[0][0] == 2 and res.runner_up == res.ranking[1][0]
    assert res.ranking[0][1] >= res.ranking[1][1]


def test_no_candidates():
    res = Matcher().match(TARGET, [])
    assert res.index is None and not res.confident and res.ranking == []


def test_abstains_between_indistinguishable_candidates():
    twin = _fp(text="Read more", xpath="/html[1]/body[1]/div[1]/a[1]")
    page = [_fp(text="Read more", xpath="/html[1]/body[1]/div[1]/a[1]") for _ in range(2)]
    res = Matcher().match(twin, page)
    assert not res.confident
    assert res.confidence < 0.6


def test_abstains_when_nothing_resembles_the_target():
    page = [_fp(tag="img", text="", alt="logo", x=5, y=900), _fp(tag="input", text="", x=700, y=800)]
    res = Matcher().match(TARGET, page)
    assert not res.confident


def test_threshold_controls_confident():
    res = Matcher(threshold=1.01).match(TARGET, _page())
    assert res.index == 2 and not res.confident


def test_verify_rejects_a_decoy_that_took_the_old_id():
    decoy = TARGET.model_copy(
        update={"tag": "button", "text": "Delete account", "role": "button", "x": 10, "y": 700, "href": ""}
    )
    assert not Matcher().verify(TARGET, decoy)
    decoy2 = TARGET.model_copy(update={"text": "Delete account", "x": 10, "y": 700})
    assert not Matcher().verify(TARGET, decoy2)


def test_verify_accepts_moved_element_with_renamed_classes():
    moved = TARGET.model_copy(
        update={
            "x": 40,
            "y": 300,
            "classes": ["nav-link", "css-77xx11"],
            "xpath": "/html[1]/body[1]/div[2]/header[1]/nav[1]/a[2]",
        }
    )
    assert Matcher().verify(TARGET, moved)


def test_verify_uses_live_signals_when_both_sides_have_them():
    t = TARGET.model_copy(update={"role": "link", "accessible_name": "Sign in", "test_id": "nav-signin"})
    assert Matcher().verify(t, t.model_copy(update={"x": 5}))
    assert not Matcher().verify(t, t.model_copy(update={"test_id": "nav-delete"}))
    assert not Matcher().verify(t, t.model_copy(update={"role": "button"}))


def test_many_candidates_are_scored_together():
    """Sanity (not a timing assertion): a 3,000-element page is one vectorised pass."""
    page = [_fp(text=f"item {i}", x=i % 1000, y=i, href=f"https://e.com/p/{i}") for i in range(3000)]
    page.append(_page()[2])
    m = Matcher()
    t0 = time.perf_counter()
    res = m.match(TARGET, page)
    res2 = m.match(TARGET, page)  # page features are reused
    assert res.index == res2.index == 3000
    assert time.perf_counter() - t0 < 60  # generous: guards against accidental O(n²) only
