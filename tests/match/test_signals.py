"""Signal normalisation and per-signal comparisons."""

import numpy as np
import pytest

from replaywright.match import normalize as nz
from replaywright.match.features import FIDX, PageIndex, features
from replaywright.model import Fingerprint


@pytest.mark.parametrize(
    "token", ["css-1x2y3z", "sc-abc123", "_3xK9a", "Header__logo___2xk9s", "jsx-123456", "kZ1aB"]
)
def test_generated_class_names_are_detected(token):
    assert nz.is_generated(token)


@pytest.mark.parametrize("token", ["nav-link", "btn-primary", "col-md-6", "fa-2x", "header", "h1"])
def test_readable_class_names_are_kept(token):
    assert not nz.is_generated(token)


def test_class_tokens_drop_generated_names():
    assert nz.class_tokens(["nav-link css-1x2y3z", "sc-abc123", "active"]) == {"nav-link", "active"}


def test_url_ignores_archive_prefix_tracking_params_scheme_and_www():
    a = nz.url("https://web.archive.org/web/20170402if_/http://www.amazon.com/gp/help/?utm_source=x&ie=UTF8")
    b = nz.url("https://amazon.com/gp/help?ie=UTF8&ref_=nav_cs")
    assert a == b == ("amazon.com/gp/help?ie=utf8", "/gp/help?ie=utf8")


def test_url_keeps_meaningful_query_params():
    assert nz.url("https://x.com/s?q=shoes")[0] != nz.url("https://x.com/s?q=boots")[0]


def test_xpath_steps_and_ordinal():
    full, tags = nz.xpath_steps("/html[1]/body[1]/div[2]/ul[1]/li[3]/a[1]")
    assert tags == ["html", "body", "div", "ul", "li", "a"]
    assert full[-2] == "li[3]"
    assert nz.ordinal("/html[1]/body[1]/div[2]/ul[1]/li[3]/a[1]") == 3


def test_context_words_use_landmarks_and_anchor_id():
    w = nz.context_words("/html[1]/body[1]/footer[1]/div[1]/a[1]", "//*[@id='mainNav']/a[1]")
    assert {"footer", "main", "nav"} <= w


def _page():
    return PageIndex(
        [
            Fingerprint(
                tag="a",
                text="Sign in",
                href="https://example.com/login",
                x=900,
                y=10,
                width=60,
                height=20,
                neighbor_text="Register Help",
            ),
            Fingerprint(
                tag="a",
                text="Sign up now",
                href="https://example.com/register",
                x=10,
                y=500,
                width=80,
                height=20,
                neighbor_text="Pricing",
            ),
            Fingerprint(tag="button", text="Search", x=500, y=10, width=40, height=20),
        ]
    )


def test_text_similarity_tolerates_rewording():
    X = features(Fingerprint(tag="a", text="Sign In!"), _page())
    assert X[0, FIDX["text_tokset"]] > 0.9
    assert X[0, FIDX["text_tokset"]] > X[1, FIDX["text_tokset"]]


def test_href_comparison_is_url_aware():
    t = Fingerprint(href="https://web.archive.org/web/2016/http://www.example.com/login/?utm_medium=x")
    X = features(t, _page())
    assert X[0, FIDX["href_eq"]] == 1.0 and X[1, FIDX["href_eq"]] == 0.0


def test_missing_target_signal_is_neutral():
    X = features(Fingerprint(tag="a"), _page())
    for name in ("text_eq", "href_eq", "neigh_idf", "class_jacc", "id_eq"):
        assert np.all(X[:, FIDX[name]] == 0.0)


def test_rare_neighbour_words_weigh_more():
    page = PageIndex(
        [
            Fingerprint(neighbor_text="menu checkout"),
            Fingerprint(neighbor_text="menu home"),
            Fingerprint(neighbor_text="menu about"),
        ]
    )
    X = features(Fingerprint(neighbor_text="menu checkout"), page)
    # plain Jaccard is the same for "checkout" and "home"; rarity-weighted is not
    assert X[0, FIDX["neigh_idf"]] > X[1, FIDX["neigh_idf"]] > 0


def test_relative_position_survives_page_resize():
    page = PageIndex(
        [Fingerprint(x=1800, y=10, width=100, height=20), Fingerprint(x=900, y=10, width=100, height=20)]
    )
    t = Fingerprint(x=900, y=10, width=100, height=20, page_width=950, page_height=600)
    X = features(t, page)
    assert X[0, FIDX["pos_rel"]] > X[1, FIDX["pos_rel"]]


def test_control_name_counts_only_between_named_form_controls():
    t = Fingerprint(tag="input", name="session_key", id="login-email")
    page = PageIndex([
        Fingerprint(tag="input", name="session_key", id="session_key"),
        Fingerprint(tag="label", text="Email"),
        Fingerprint(tag="a", name="session_key"),
    ])
    assert list(features(t, page)[:, FIDX["control_name_eq"]]) == [1.0, 0.0, 0.0]
    label = Fingerprint(tag="label", text="Password", name="session_key")
    assert not features(label, page)[:, FIDX["control_name_eq"]].any()


def test_site_root_links_compare_by_host():
    t = Fingerprint(tag="a", href="https://support.spotify.com/?utm_source=www.spotify.com&utm_medium=footer")
    page = PageIndex([
        Fingerprint(tag="a", href="https://support.spotify.com/"),
        Fingerprint(tag="a", href="https://www.spotify.com/"),
        Fingerprint(tag="a", href="https://www.spotify.com/us/legal/"),
    ])
    assert list(features(t, page)[:, FIDX["href_path_eq"]]) == [1.0, 0.0, 0.0]


def test_form_context_and_innermost_landmark():
    t = Fingerprint(tag="input", xpath="/html[1]/body[1]/div[1]/main[1]/div[1]/form[1]/input[3]")
    page = PageIndex([
        Fingerprint(tag="button", xpath="/html[1]/body[1]/main[1]/section[1]/div[2]/form[1]/button[1]"),
        Fingerprint(tag="a", xpath="/html[1]/body[1]/nav[1]/div[1]/a[2]"),
    ])
    X = features(t, page)
    assert list(X[:, FIDX["in_form"]]) == [1.0, 0.0]
    assert list(X[:, FIDX["landmark_near_eq"]]) == [1.0, 0.0]
    assert nz.nearest_landmark("/html[1]/body[1]/footer[1]/nav[1]/div[1]/a[1]") == "nav"


def test_textless_wrapper_named_button_counts_as_a_button():
    t = Fingerprint(tag="div", id="search-button", classes=["search__button"])
    page = PageIndex(
        [Fingerprint(tag="button", is_button=True), Fingerprint(tag="div"), Fingerprint(tag="a")]
    )
    X = features(t, page)
    assert list(X[:, FIDX["tag_eq"]]) == [1.0, 1.0, 0.0]
    assert list(X[:, FIDX["tag_compat"]]) == [1.0, 0.0, 1.0]
    assert list(X[:, FIDX["interactive_eq"]]) == [1.0, 0.0, 1.0]
    plain = features(Fingerprint(tag="div", id="search-box"), page)
    assert list(plain[:, FIDX["tag_eq"]]) == [0.0, 1.0, 0.0]


SOCIAL = "https://example.com/offsite/?page-action=fol_{}&token=BCYia6VISjwuSI2T2Dxc56WrnAOiCFG%0D%0A4XxVHf"


def test_query_pairs_keep_what_a_link_points_at_not_tokens_or_tracking():
    assert nz.query_pairs(SOCIAL.format("tw") + "&utm_source=mail") == {"page-action=fol_tw"}
    assert nz.query_pairs("https://x.com/s?q=Red%20Shoes#top") == {"q=red shoes"}
    assert nz.query_pairs("https://x.com/s") == set()


def test_href_words_drop_session_tokens():
    words = nz.href_words(SOCIAL.format("tw"))
    assert {"offsite", "fol", "tw"} <= words
    assert not any(len(w) >= 20 for w in words)


def test_links_that_differ_only_in_a_query_parameter_are_told_apart():
    # Old links carried a session token; the redesign routes them through another path.
    new = "https://example.com/whitelist-offsite?url=https%3A%2F%2F{}.com&page-action=fol_{}&ref=ft"
    sites = (("facebook", "fb"), ("twitter", "tw"))
    page = PageIndex([Fingerprint(tag="a", href=new.format(n, k)) for n, k in sites])
    X = features(Fingerprint(tag="a", href=SOCIAL.format("tw")), page)
    assert list(X[:, FIDX["href_query"]]) == [0.0, 1.0]


def test_dotted_acronyms_read_as_words():
    assert nz.stem_join("U.S.") == nz.stem_join("US") == "us"
    assert nz.canonical("www.example.com") == "www.example.com"
