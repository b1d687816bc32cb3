"""`step_key`: description, kind and the values of the variables the step uses — secrets by
name only, and the whole key an HMAC under the store's secret."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from replaywright.cache.keys import step_key
from replaywright.cache.sqlite import SQLiteStore
from replaywright.engine.secrecy import key_inputs
from replaywright.flow.intent import parse_step
from replaywright.flow.template import Context, render

SECRET = b"k" * 32
STEP = "Type {{ params.user }} into the Email field"


def key_for(text: str = STEP, *, params: dict | None = None, env: dict | None = None,
            secret_params: frozenset[str] = frozenset(), secret: bytes = SECRET) -> str:
    """The key the engine gives a step: the variables it used, as the renderer reports them."""
    ctx = Context(params=params or {}, env=env or {}, secret_params=secret_params)
    template = parse_step(text)
    target = render(template.target, ctx)
    value = render(template.value, ctx) if template.value is not None else None
    intent = template.with_text(target.text, value.text if value else None)
    used, hidden = key_inputs(intent, template.value, target, value, ctx)
    return step_key("login", text, intent.action.value, used, secret=secret, hidden=hidden)


def test_same_inputs_same_key() -> None:
    assert key_for(params={"user": "alice"}) == key_for(params={"user": "alice"})


def test_used_variable_rekeys() -> None:
    assert key_for(params={"user": "alice"}) != key_for(params={"user": "bob"})


def test_unrelated_variable_does_not_rekey() -> None:
    assert key_for(params={"user": "alice"}) == key_for(params={"user": "alice", "x": "1"})


def test_description_kind_flow_and_occurrence_rekey() -> None:
    base = step_key("f", "Click the Sign in button", "click", {}, secret=SECRET)
    assert step_key("f", "Click the Sign up button", "click", {}, secret=SECRET) != base
    assert step_key("f", "Click the Sign in button", "dblclick", {}, secret=SECRET) != base
    assert step_key("g", "Click the Sign in button", "click", {}, secret=SECRET) != base
    assert step_key("f", "Click the Sign in button", "click", {}, occurrence=1,
                    secret=SECRET) != base
    # whitespace-only edits are cosmetic
    assert step_key("f", "Click  the Sign in\tbutton ", "click", {}, secret=SECRET) == base
    # value order does not matter
    assert step_key("f", "x", "fill", {"a": "1", "b": "2"}, secret=SECRET) == step_key(
        "f", "x", "fill", {"b": "2", "a": "1"}, secret=SECRET)


# -- issue 14, item 1: a password could be recovered from its key -----------------------------

GUESSES = ["123456", "password", "hunter2", "correct-horse", "letmein"]


def offline_guess(key: str, text: str, name: str) -> str | None:
    """The attack of the issue: rebuild the old key material for each guess, hash, compare."""
    intent = parse_step(text)
    for guess in GUESSES:
        material = {"flow": "login", "step": " ".join(text.split()), "kind": intent.action.value,
                    "values": {name: guess}, "n": 0}
        if hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()[:32] == key:
            return guess
    return None


@pytest.mark.parametrize(("text", "ctx", "name"), [
    ('Type "{{ env.SECRET }}" into the Password field', {"env": {"SECRET": "hunter2"}},
     "env.SECRET"),
    ('Type "{{ params.pin }}" into the Code field',
     {"params": {"pin": "hunter2"}, "secret_params": frozenset({"pin"})}, "params.pin"),
    ('Type "{{ params.pw }}" into the Password field', {"params": {"pw": "hunter2"}}, "params.pw"),
])
def test_secrets_are_keyed_by_name_never_by_value(text: str, ctx: dict, name: str) -> None:
    key = key_for(text, **ctx)
    assert offline_guess(key, text, name) is None
    # by name: another value of the secret keeps the key (and its cached element)
    other = {**ctx, **({"env": {"SECRET": "other-one"}} if "env" in ctx
                       else {"params": {k: "other-one" for k in ctx["params"]}})}
    assert key_for(text, **other) == key


def test_ordinary_values_are_keyed_with_the_store_secret() -> None:
    """A user name still re-keys, but its key cannot be tested offline without the store's
    secret: the same inputs give another key under another store."""
    text = 'Type "{{ params.user }}" into the Username field'
    key = key_for(text, params={"user": "hunter2"})
    assert offline_guess(key, text, "params.user") is None
    assert key_for(text, params={"user": "hunter2"}, secret=b"s" * 32) != key
    with pytest.raises(ValueError, match="16 bytes"):
        step_key("f", "x", "click", {}, secret=b"")


def test_store_secret_is_made_once_and_never_listed(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "cache.db")
    secret = store.key_secret()
    assert len(secret) == 32
    store.close()
    again = SQLiteStore(tmp_path / "cache.db")
    assert again.key_secret() == secret  # the same keys next run
    assert again.list_meta() == {} and again.get_meta("secret:keys") is None
    with pytest.raises(Exception, match="reserved"):
        again.set_meta("secret:keys", "00")
    assert again.for_org("acme").key_secret() != secret  # per organisation
    again.close()
