"""Turning a plain-English step into an intent: what to do, to which element, with what value.

Parsing works on the template text (before `{{ }}` substitution) so a bad phrasing is caught
when the file is loaded, not halfway through a run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from replaywright.errors import FlowError


class Action(StrEnum):
    GOTO = "goto"
    CLICK = "click"
    DBLCLICK = "dblclick"
    RIGHTCLICK = "rightclick"
    HOVER = "hover"
    FILL = "fill"
    CLEAR = "clear"
    PRESS = "press"
    SELECT = "select"
    CHECK = "check"
    UNCHECK = "uncheck"
    UPLOAD = "upload"
    SCROLL = "scroll"
    WAIT = "wait"
    EXPECT_VISIBLE = "expect_visible"
    EXPECT_HIDDEN = "expect_hidden"
    EXPECT_TEXT = "expect_text"
    EXPECT_TITLE = "expect_title"
    EXPECT_URL = "expect_url"
    EXPECT_ENABLED = "expect_enabled"
    EXPECT_DISABLED = "expect_disabled"
    EXPECT_CHECKED = "expect_checked"
    EXPECT_UNCHECKED = "expect_unchecked"
    EXPECT_COUNT = "expect_count"


CHECKS = {Action.EXPECT_VISIBLE, Action.EXPECT_HIDDEN, Action.EXPECT_TEXT,
          Action.EXPECT_TITLE, Action.EXPECT_URL, Action.EXPECT_ENABLED,
          Action.EXPECT_DISABLED, Action.EXPECT_CHECKED, Action.EXPECT_UNCHECKED,
          Action.EXPECT_COUNT}
#: Checks that find one element and test a condition on it, polling until their timeout.
ELEMENT_CHECKS = {Action.EXPECT_VISIBLE, Action.EXPECT_TEXT, Action.EXPECT_ENABLED,
                  Action.EXPECT_DISABLED, Action.EXPECT_CHECKED, Action.EXPECT_UNCHECKED}
PAGE_TARGETS = {"page", "the page", "this page", "the current page"}

ACCEPTED_PHRASINGS = """accepted phrasings, for example:
  Go to https://example.com/login          Open /cart.html
  Click the Sign in button                 Double-click Row 1 / Right-click Item A
  Hover over the Help icon                 Scroll to the Footer note
  Type "alice" into the Username field     Fill the Email field with "a@b.c"
  Clear the Notes field                    Press Enter (in the Search field)
  Select "Canada" from the Country dropdown
  Check the I agree checkbox               Uncheck the Subscribe checkbox
  Upload notes.txt to the Attachment field Wait 2 seconds
  The Welcome banner is visible            The error message is not visible
  The cart contains "Blue Mug"             The page title contains "Checkout"
  The URL contains "/confirm"              The Save button is enabled / disabled
  The Subscribe checkbox is checked        There are 3 Delete buttons
  The Users table has 3 rows
  The Order confirmed banner is visible within 30 s"""

KEYS = {
    "enter", "return", "tab", "escape", "esc", "backspace", "delete", "space", "arrowup",
    "arrowdown", "arrowleft", "arrowright", "up", "down", "left", "right", "home", "end",
    "pageup", "pagedown", "insert", *(f"f{i}" for i in range(1, 13)),
}
KEY_NAMES = {"esc": "Escape", "return": "Enter", "up": "ArrowUp", "down": "ArrowDown",
             "left": "ArrowLeft", "right": "ArrowRight", "pageup": "PageUp",
             "pagedown": "PageDown", "arrowup": "ArrowUp", "arrowdown": "ArrowDown",
             "arrowleft": "ArrowLeft", "arrowright": "ArrowRight", "space": "Space"}
MODIFIERS = {"ctrl": "Control", "control": "Control", "shift": "Shift", "alt": "Alt",
             "meta": "Meta", "cmd": "Meta", "controlormeta": "ControlOrMeta"}


@dataclass(frozen=True)
class Intent:
    """What a step asks for. `target` describes an element; `value` is typed/selected/etc."""

    action: Action
    target: str = ""
    value: str | None = None
    timeout: float | None = None  # "... within 30 s"

    @property
    def needs_element(self) -> bool:
        if self.action in {Action.GOTO, Action.WAIT, Action.EXPECT_TITLE, Action.EXPECT_URL}:
            return False
        if self.action is Action.EXPECT_TEXT and self.target.lower() in PAGE_TARGETS:
            return False
        return bool(self.target)

    @property
    def is_check(self) -> bool:
        return self.action in CHECKS

    def with_text(self, target: str, value: str | None) -> Intent:
        return replace(self, target=target, value=value)


_QUOTED = r"(?:\"(?P<q1>[^\"]*)\"|'(?P<q2>[^']*)'|“(?P<q3>[^”]*)”)"
_PREFIX = re.compile(
    r"^(?:(?:and|then|now|next|finally|please)\s+)*", re.IGNORECASE)
_CHECK_PREFIX = re.compile(
    r"^(?:check|verify|assert|expect|ensure|confirm|make sure)(?:\s+that)?\s+", re.IGNORECASE)


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + pattern + "$", re.IGNORECASE | re.DOTALL)


_WITHIN = re.compile(r"\s+(?:within|in under|in)\s+(?P<n>\d+(?:\.\d+)?)\s*"
                     r"(?P<unit>ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)$", re.IGNORECASE)
_CHECK_PATTERNS: list[tuple[Action, re.Pattern[str]]] = [
    (Action.EXPECT_COUNT, _p(r"there\s+(?:are|is|should be)\s+(?P<v>\d+)\s+(?P<t>.+)")),
    (Action.EXPECT_COUNT, _p(r"(?P<t>.+?)\s+count\s+(?:is|should be)\s+(?P<v>\d+)")),
    # "The Users table has 3 rows", "The todo list shows 2 items": parts of a whole
    (Action.EXPECT_COUNT, _p(r"(?P<whole>.+?)\s+(?:has|have|contains|shows|lists|should have|"
                             r"should contain|should show)\s+(?P<v>\d+)\s+(?P<t>.+)")),
    (Action.EXPECT_ENABLED, _p(r"(?P<t>.+?)\s+(?:is|should be)\s+enabled")),
    (Action.EXPECT_DISABLED, _p(r"(?P<t>.+?)\s+(?:is|should be)\s+disabled")),
    (Action.EXPECT_UNCHECKED, _p(r"(?P<t>.+?)\s+(?:is not|should not be|isn't)\s+"
                                 r"(?:checked|selected|ticked)|(?P<t2>.+?)\s+is unchecked")),
    (Action.EXPECT_CHECKED, _p(r"(?P<t>.+?)\s+(?:is|should be)\s+(?:checked|selected|ticked)")),
    (Action.EXPECT_TITLE, _p(r"(?:the\s+)?(?:page\s+)?title\s+(?:contains|includes|is|has|"
                             r"should contain|should be)\s+(?P<v>.+)")),
    (Action.EXPECT_URL, _p(r"(?:the\s+)?(?:page\s+|current\s+)?url\s+(?:contains|includes|is|"
                           r"has|should contain|should be)\s+(?P<v>.+)")),
    (Action.EXPECT_TEXT, _p(r"(?P<t>.+?)\s+(?:contains?|includes?|shows?|displays?|has|have|"
                            r"reads?|says?|should contain|should show|should include)"
                            r"(?:\s+the)?(?:\s+text)?\s+" + _QUOTED)),
    (Action.EXPECT_HIDDEN, _p(r"(?P<t>.+?)\s+(?:is not visible|is not shown|is not displayed|"
                              r"is hidden|is invisible|should not be visible|should be hidden|"
                              r"is gone|disappears|does not appear|is not present)")),
    (Action.EXPECT_VISIBLE, _p(r"(?P<t>.+?)\s+(?:is visible|is shown|is displayed|appears|"
                               r"should be visible|should appear|is present|exists)")),
]

_ACTION_PATTERNS: list[tuple[Action, re.Pattern[str]]] = [
    (Action.WAIT, _p(r"wait(?:\s+for)?\s+(?P<v>\d+(?:\.\d+)?\s*(?:ms|milliseconds?|s|secs?|"
                     r"seconds?|m|mins?|minutes?)?)")),
    (Action.DBLCLICK, _p(r"double[-\s]?click(?:\s+on)?\s+(?P<t>.+)")),
    (Action.RIGHTCLICK, _p(r"right[-\s]?click(?:\s+on)?\s+(?P<t>.+)")),
    (Action.HOVER, _p(r"(?:hover|mouse over|move the mouse over)(?:\s+over|\s+on)?\s+(?P<t>.+)")),
    (Action.SCROLL, _p(r"scroll(?:\s+down|\s+up)?\s+to\s+(?P<t>.+)")),
    (Action.SCROLL, _p(r"scroll\s+(?P<t>.+?)\s+into view")),
    # a quoted value at the end is the value: "Fill the Rows to show field with "5""
    (Action.FILL, _p(r"(?:fill(?:\s+in)?|set|populate)\s+(?P<t>.+)\s+(?:with|to)\s+"
                     r"(?P<v>\"[^\"]*\"|'[^']*'|“[^”]*”)")),
    (Action.FILL, _p(r"(?:fill(?:\s+in)?|set|populate)\s+(?P<t>.+?)\s+(?:with|to)\s+(?P<v>.+)")),
    (Action.FILL, _p(r"(?:type|enter|input|write|fill in|fill)\s+(?P<v>.+?)\s+into\s+(?P<t>.+)")),
    (Action.FILL, _p(r"(?:type|enter|input|write|fill in|fill)\s+(?P<v>.+)\s+in\s+(?P<t>.+)")),
    (Action.CLEAR, _p(r"(?:clear|empty)\s+(?P<t>.+)")),
    (Action.SELECT, _p(r"(?:select|choose|pick)\s+(?P<v>.+?)\s+(?:from|in)\s+(?P<t>.+)")),
    (Action.UNCHECK, _p(r"(?:uncheck|untick|deselect|disable)\s+(?P<t>.+)")),
    (Action.CHECK, _p(r"(?:check|tick|select|choose|enable)\s+(?P<t>.+)")),
    (Action.UPLOAD, _p(r"(?:upload|attach)\s+(?P<v>.+?)\s+(?:to|into|in|using|with)\s+(?P<t>.+)")),
    (Action.CLICK, _p(r"(?:click|tap|press|hit|push|open|follow)(?:\s+on)?\s+(?P<t>.+)")),
]

_GOTO = _p(r"(?:go to|open|navigate to|visit|load|browse to)\s+(?P<v>\S+)")
_PRESS = _p(r"press\s+(?:the\s+)?(?P<v>[\w+]+?)(?:\s+key)?(?:\s+(?:in|on|into|inside)\s+(?P<t>.+))?")


def _unquote(value: str) -> str:
    value = value.strip()
    for left, right in (('"', '"'), ("'", "'"), ("“", "”")):
        if len(value) >= 2 and value.startswith(left) and value.endswith(right):
            return value[1:-1]
    return value


def _looks_like_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "/", "file:", "about:", "\x00")) or (
        "." in value and " " not in value)


def _key(raw: str) -> str | None:
    parts = raw.split("+")
    names = []
    for i, part in enumerate(parts):
        low = part.lower()
        if i < len(parts) - 1:
            if low not in MODIFIERS:
                return None
            names.append(MODIFIERS[low])
        elif low in KEYS:
            names.append(KEY_NAMES.get(low, part[:1].upper() + part[1:]))
        elif len(part) == 1 and len(parts) > 1:
            names.append(part)
        else:
            return None
    return "+".join(names)


_TEMPLATE = re.compile(r"\{\{.*?\}\}")


def parse_step(text: str) -> Intent:
    """Parse one step; raise FlowError with the accepted phrasings when nothing fits.

    Templates are grammar-free: `Go to {{ params.base }}/admin` is a URL however the
    template is spaced, so each `{{ ... }}` is read as one word and put back afterwards."""
    holes: list[str] = []

    def hole(match: re.Match[str]) -> str:
        holes.append(match.group(0))
        return f"\x00{len(holes) - 1}\x00"

    intent = _parse(_TEMPLATE.sub(hole, text))
    if not holes:
        return intent

    def restore(value: str | None) -> str | None:
        if value is None:
            return None
        return re.sub(r"\x00(\d+)\x00", lambda m: holes[int(m.group(1))], value)

    return replace(intent, target=restore(intent.target) or "", value=restore(intent.value))


def _parse(text: str) -> Intent:
    cleaned = _PREFIX.sub("", " ".join(text.split())).rstrip(".").strip()
    if not cleaned:
        raise FlowError("empty step", hint=ACCEPTED_PHRASINGS)
    checked = _CHECK_PREFIX.sub("", cleaned)
    timeout = None
    if within := _WITHIN.search(checked):
        from replaywright.flow.duration import parse_duration

        timeout = parse_duration(within.group("n") + within.group("unit"))
        checked = checked[:within.start()]
    for action, pattern in _CHECK_PATTERNS:
        match = pattern.match(checked)
        if match:
            return replace(_intent(action, match), timeout=timeout)
    goto = _GOTO.match(cleaned)
    if goto and _looks_like_url(goto.group("v")):
        return Intent(Action.GOTO, value=goto.group("v"))
    press = _PRESS.match(cleaned)
    if press:
        key = _key(press.group("v"))
        if key:
            return Intent(Action.PRESS, target=(press.group("t") or "").strip(), value=key)
    for action, pattern in _ACTION_PATTERNS:
        match = pattern.match(cleaned)
        if match:
            return _intent(action, match)
    raise FlowError("could not understand this step", hint=ACCEPTED_PHRASINGS)


def _intent(action: Action, match: re.Match[str]) -> Intent:
    groups = match.groupdict()
    quoted = next((groups[g] for g in ("q1", "q2", "q3") if groups.get(g) is not None), None)
    value = quoted if quoted is not None else groups.get("v")
    if value is not None and quoted is None:
        value = _unquote(value)
    if action is Action.WAIT and value is not None:
        value = value.strip()
    target = (groups.get("t") or groups.get("t2") or "").strip()
    whole = (groups.get("whole") or "").strip()
    if whole and not re.fullmatch(r"(?:the\s+)?page", whole, re.IGNORECASE):
        target = f"{target} in {whole}"
    return Intent(action, target=target, value=value)
