"""The one verb table: how each action is written as a plain-English step.

`compose(intent)` writes the canonical step for an intent and `flow.intent.parse_step` reads
it back, `parse_step(compose(intent)) == intent` (tests/flow/test_phrasing.py). `Script`'s
verbs, the pytest plugin's `AI` and the script generator all compose through here, so one
action reads the same everywhere and lands on the same cache key.

The round trip holds for what the grammar can tell apart: single-spaced text, a target that
does not end in "." or start with a filler word ("then", "next", ...), and a target or value
that does not itself read as another phrasing (a selected value holding " from ", a typed one
holding " into ").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from replaywright.flow.intent import Action, Intent

_QUOTES = (('"', '"'), ("'", "'"), ("“", "”"))


class Shape(StrEnum):
    """The arguments a verb's method takes, in order."""

    TARGET = "target"  # click("the Sign in button")
    TARGET_VALUE = "target_value"  # fill("the Email field", "alice")
    VALUE = "value"  # goto("/cart"), expect_title("Checkout")
    KEY = "key"  # press("Enter", on="the Search field"): the element is optional
    SECONDS = "seconds"  # wait(2)


@dataclass(frozen=True)
class Verb:
    """One action's phrasing: `text` with `{target}` and `{value}` holes."""

    action: Action
    #: The `Script` method (and `AI`'s, where it has one); None: code calls `rw.step(text)`.
    method: str | None
    shape: Shape
    text: str
    #: The value is written quoted (`quote`), as parse_step reads it.
    quoted: bool = False
    #: The text when there is no target (press without an element).
    untargeted: str | None = None


VERBS: dict[Action, Verb] = {verb.action: verb for verb in (
    Verb(Action.GOTO, "goto", Shape.VALUE, "Go to {value}"),
    Verb(Action.CLICK, "click", Shape.TARGET, "Click {target}"),
    Verb(Action.DBLCLICK, "dblclick", Shape.TARGET, "Double-click {target}"),
    Verb(Action.RIGHTCLICK, "right_click", Shape.TARGET, "Right-click {target}"),
    Verb(Action.HOVER, "hover", Shape.TARGET, "Hover over {target}"),
    Verb(Action.SCROLL, "scroll_to", Shape.TARGET, "Scroll to {target}"),
    Verb(Action.FILL, "fill", Shape.TARGET_VALUE, "Type {value} into {target}", quoted=True),
    Verb(Action.CLEAR, "clear", Shape.TARGET, "Clear {target}"),
    Verb(Action.PRESS, "press", Shape.KEY, "Press {value} in {target}",
         untargeted="Press {value}"),
    Verb(Action.SELECT, "select", Shape.TARGET_VALUE, "Select {value} from {target}",
         quoted=True),
    Verb(Action.CHECK, "check", Shape.TARGET, "Check {target}"),
    Verb(Action.UNCHECK, "uncheck", Shape.TARGET, "Uncheck {target}"),
    Verb(Action.UPLOAD, "upload", Shape.TARGET_VALUE, "Upload {value} to {target}", quoted=True),
    Verb(Action.WAIT, "wait", Shape.SECONDS, "Wait {value}"),
    Verb(Action.EXPECT_VISIBLE, "expect_visible", Shape.TARGET, "{target} is visible"),
    Verb(Action.EXPECT_HIDDEN, "expect_hidden", Shape.TARGET, "{target} is not visible"),
    Verb(Action.EXPECT_TEXT, "expect_text", Shape.TARGET_VALUE, "{target} contains {value}",
         quoted=True),
    Verb(Action.EXPECT_TITLE, "expect_title", Shape.VALUE, "The page title contains {value}",
         quoted=True),
    Verb(Action.EXPECT_URL, "expect_url", Shape.VALUE, "The URL contains {value}", quoted=True),
    Verb(Action.EXPECT_ENABLED, None, Shape.TARGET, "{target} is enabled"),
    Verb(Action.EXPECT_DISABLED, None, Shape.TARGET, "{target} is disabled"),
    Verb(Action.EXPECT_CHECKED, None, Shape.TARGET, "{target} is checked"),
    Verb(Action.EXPECT_UNCHECKED, None, Shape.TARGET, "{target} is not checked"),
    Verb(Action.EXPECT_COUNT, None, Shape.TARGET_VALUE, "There are {value} {target}"),
)}


def quote(value: str) -> str:
    """`"value"`, else `'value'`, else `“value”`: the first quote the value does not contain."""
    for left, right in _QUOTES:
        if left not in value and right not in value:
            return f"{left}{value}{right}"
    raise ValueError(f"cannot quote {value!r}: it contains \", ' and “/” quotes")


def compose(intent: Intent) -> str:
    """The canonical step for `intent`; a check's timeout is written as `within N s` (an
    action's timeout is not part of its text, so it is left out)."""
    verb = VERBS[intent.action]
    text = verb.untargeted if verb.untargeted and not intent.target else verb.text
    value = intent.value or ""
    step = text.format(target=intent.target, value=quote(value) if verb.quoted else value)
    if intent.timeout is not None and intent.is_check:
        step += f" within {intent.timeout:g} s"
    return step
