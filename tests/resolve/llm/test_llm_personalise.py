"""Replaying a cached task with other parameter values."""

from __future__ import annotations

from replaywright.flow.intent import parse_step
from replaywright.flow.personalise import PersonalisedSteps, personalise

STEPS = ['Type "alice" into the Username field',
         'Type "secret" into the Password field',
         "Click the Sign in button",
         'Type "Blue Mug" into the Search field',
         'Click the Add to cart button in the row with "Blue Mug"',
         'Select "Canada" from the Country dropdown',
         'The cart contains "Blue Mug"',
         "done"]
OLD = {"user": "alice", "password": "secret", "product": "Blue Mug", "country": "Canada"}


def test_typed_values_follow_the_parameters_and_choices_are_re_resolved() -> None:
    new = {**OLD, "user": "bob", "product": "Red Mug", "country": "Mexico"}
    steps = personalise(STEPS, OLD, new)
    assert isinstance(steps, PersonalisedSteps) and isinstance(steps, list)
    assert list(steps) == ['Type "bob" into the Username field',
                           'Type "secret" into the Password field',
                           "Click the Sign in button",
                           'Type "Red Mug" into the Search field',
                           'Click the Add to cart button in the row with "Red Mug"',
                           'Select "Mexico" from the Country dropdown',
                           'The cart contains "Red Mug"']
    assert steps.reresolve == [4]  # the row was picked by the old product name
    for step in steps:
        parse_step(step)


def test_same_values_replay_unchanged_without_done() -> None:
    steps = personalise(STEPS, OLD, dict(OLD))
    assert list(steps) == STEPS[:-1] and steps.reresolve == []


def test_whole_words_only_and_no_chained_substitution() -> None:
    steps = personalise(['Type "a" into the Name field', 'Type "ab" into the Code field',
                         "Click the Save button", "Finished."],
                        {"x": "a", "y": "ab"}, {"x": "ab", "y": "c"})
    assert list(steps) == ['Type "ab" into the Name field', 'Type "c" into the Code field',
                           "Click the Save button"]
    assert steps.reresolve == []


def test_an_element_named_by_the_value_is_re_resolved() -> None:
    steps = personalise(["Click the Blue Mug link", 'Go to /search?q=blue'],
                        {"p": "Blue Mug", "q": "blue"}, {"p": "Travel Mug", "q": "travel"})
    assert list(steps) == ["Click the Travel Mug link", "Go to /search?q=travel"]
    assert steps.reresolve == [0]
