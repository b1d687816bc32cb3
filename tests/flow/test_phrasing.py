"""`compose` is the exact inverse of `parse_step` over every verb of the table."""

from __future__ import annotations

import inspect
from itertools import product

import pytest

from replaywright.flow.intent import Action, Intent, parse_step
from replaywright.flow.phrasing import VERBS, Shape, compose, quote

A = Action
EXAMPLES = [
    Intent(A.GOTO, value="https://shop.example/login"),
    Intent(A.GOTO, value="{{ params.base }}/admin"),
    Intent(A.CLICK, "the Sign in button"),
    Intent(A.DBLCLICK, "Row 1"),
    Intent(A.RIGHTCLICK, "Item A"),
    Intent(A.HOVER, "the Help icon"),
    Intent(A.SCROLL, "the Footer note"),
    Intent(A.FILL, "the Email field", "a@b.c"),
    Intent(A.CLEAR, "the Notes field"),
    Intent(A.PRESS, "", "Enter"),
    Intent(A.PRESS, "the Search field", "Control+a"),
    Intent(A.SELECT, "the Country dropdown", "Canada"),
    Intent(A.CHECK, "the I agree checkbox"),
    Intent(A.UNCHECK, "the Subscribe checkbox"),
    Intent(A.UPLOAD, "the Attachment field", "notes.txt"),
    Intent(A.WAIT, value="2 seconds"),
    Intent(A.EXPECT_VISIBLE, "the Welcome banner"),
    Intent(A.EXPECT_VISIBLE, "the Order confirmed banner", timeout=30.0),
    Intent(A.EXPECT_HIDDEN, "the error message"),
    Intent(A.EXPECT_TEXT, "the cart", "Blue Mug"),
    Intent(A.EXPECT_TEXT, "the page", "Thank you", timeout=2.5),
    Intent(A.EXPECT_TITLE, value="Checkout"),
    Intent(A.EXPECT_URL, value="/confirm"),
    Intent(A.EXPECT_ENABLED, "the Save button"),
    Intent(A.EXPECT_DISABLED, "the Save button"),
    Intent(A.EXPECT_CHECKED, "the Subscribe checkbox"),
    Intent(A.EXPECT_UNCHECKED, "the Subscribe checkbox"),
    Intent(A.EXPECT_COUNT, "Delete buttons", "3"),
]

TARGETS = ["the Sign in button", "the Baker's Dozen link", 'the "Save" button',
           "the {{ params.product }} link", "the row with “Blue Mug”", "Item {{ item.name }}"]
VALUES = ["alice", "O'Brien", 'say "hi"', """it's "x\"""", "{{ params.user }}",
          "{{ env.PASSWORD }}", "Blue Mug XL", "a@b.c", ""]


def test_the_table_covers_every_action() -> None:
    assert set(VERBS) == set(Action)
    assert {intent.action for intent in EXAMPLES} == set(Action)


@pytest.mark.parametrize("intent", EXAMPLES, ids=lambda i: compose(i))
def test_every_phrasing_reads_back(intent: Intent) -> None:
    assert parse_step(compose(intent)) == intent


def test_targets_and_values_with_quotes_apostrophes_and_templates_read_back() -> None:
    for verb, target, value in product(VERBS.values(), TARGETS, VALUES):
        if verb.shape is Shape.TARGET:
            intent = Intent(verb.action, target)
        elif verb.shape is Shape.TARGET_VALUE and verb.quoted:
            intent = Intent(verb.action, target, value)
        elif verb.shape is Shape.VALUE and verb.quoted:
            intent = Intent(verb.action, value=value)
        else:  # urls, keys, durations and counts are not free text: EXAMPLES covers them
            continue
        assert parse_step(compose(intent)) == intent, compose(intent)


def test_quote_picks_a_quote_the_value_lacks() -> None:
    assert quote("a@b.c") == '"a@b.c"'
    assert quote("O'Brien") == '"O\'Brien"'
    assert quote('say "hi"') == "'say \"hi\"'"
    assert quote("""it's "x\"""") == "“it's \"x\"”"
    with pytest.raises(ValueError, match="cannot quote"):
        quote("""'"“""")


def _positional(method: object) -> int:
    params = list(inspect.signature(method).parameters.values())[1:]  # self
    return sum(p.kind is p.POSITIONAL_OR_KEYWORD for p in params)


def test_script_and_ai_have_the_table_s_verbs() -> None:
    """Each verb's method exists on `Script` with its argument shape; `AI`'s verbs (a subset:
    its `check` asserts) take the same positional arguments."""
    from replaywright.pytest_plugin.ai import AI
    from replaywright.script import Script

    arity = {Shape.TARGET: 1, Shape.TARGET_VALUE: 2, Shape.VALUE: 1, Shape.KEY: 2,
             Shape.SECONDS: 1}
    by_method = {verb.method: verb for verb in VERBS.values() if verb.method}
    for name, verb in by_method.items():
        assert _positional(getattr(Script, name)) == arity[verb.shape], name
    for name in ("goto", "click", "hover", "fill", "select", "press"):
        assert _positional(getattr(AI, name)) == arity[by_method[name].shape], name
