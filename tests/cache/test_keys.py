"""`step_key`: description, kind and the values of the variables the step uses."""

from __future__ import annotations

from replaywright.cache.keys import step_key
from replaywright.flow.template import Context, render

STEP = "Type {{ env.USERNAME }} into the Email field"


def key_for(env: dict[str, str], text: str = STEP) -> str:
    # the engine passes only the variables the step used, as the renderer reports them
    used = render(text, Context(env=env)).used
    return step_key("login", text, "fill", used)


def test_same_inputs_same_key() -> None:
    assert key_for({"USERNAME": "alice"}) == key_for({"USERNAME": "alice"})


def test_used_variable_rekeys() -> None:
    assert key_for({"USERNAME": "alice"}) != key_for({"USERNAME": "bob"})


def test_unrelated_variable_does_not_rekey() -> None:
    assert key_for({"USERNAME": "alice"}) == key_for({"USERNAME": "alice", "OTHER": "x"})


def test_description_kind_flow_and_occurrence_rekey() -> None:
    base = step_key("f", "Click the Sign in button", "click", {})
    assert step_key("f", "Click the Sign up button", "click", {}) != base
    assert step_key("f", "Click the Sign in button", "dblclick", {}) != base
    assert step_key("g", "Click the Sign in button", "click", {}) != base
    assert step_key("f", "Click the Sign in button", "click", {}, occurrence=1) != base
    # whitespace-only edits are cosmetic
    assert step_key("f", "Click  the Sign in\tbutton ", "click", {}) == base
    # value order does not matter
    assert step_key("f", "x", "fill", {"a": "1", "b": "2"}) == step_key(
        "f", "x", "fill", {"b": "2", "a": "1"})
