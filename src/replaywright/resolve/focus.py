"""What a focused snapshot keeps for a step: the words and kinds the description can
name, so the page sends only the elements that could fit (`browser.snapshot.Focus`)."""

from __future__ import annotations

from replaywright.browser.snapshot import Focus
from replaywright.flow.intent import Action, Intent
from replaywright.resolve.describe import ORDINALS, Reading, read
from replaywright.resolve.text import (
    normalize,
    related_words,
)

#: Roles and tags a snapshot keeps for a kind named without words ("the checkbox in the row
#: with carol"); `input:TYPE` names an input type, `*iconic` word-less controls.
KIND_SIGNS: dict[str, tuple[str, ...]] = {
    "button": ("button", "input:submit", "input:button", "input:reset", "input:image",
               "*iconic"),
    "link": ("link",), "checkbox": ("checkbox", "switch", "menuitemcheckbox", "input:checkbox"),
    "switch": ("checkbox", "switch", "input:checkbox"), "radio": ("radio", "input:radio"),
    "option": ("radio", "option", "menuitem", "menuitemradio", "input:radio"),
    "field": ("textbox", "searchbox", "spinbutton", "combobox", "textarea", "input:text",
              "input:email", "input:password", "input:search", "input:number", "input:tel",
              "input:url", "input:date", "input:file"),
    "dropdown": ("combobox", "listbox", "select"), "slider": ("slider", "input:range"),
    "tab": ("tab",), "menu": ("menu", "menubar", "button", "*iconic"),
    "menuitem": ("menuitem", "menuitemcheckbox", "menuitemradio", "option"),
    "heading": ("heading", "banner"), "image": ("img", "svg", "*iconic"), "icon": ("*iconic", "img", "svg"),
    "row": ("row", "listitem", "article", "treeitem"), "item": ("listitem", "row", "article",
                                                             "option", "treeitem"),
    "column": ("columnheader",), "cell": ("cell", "gridcell", "columnheader", "rowheader"),
    "table": ("table", "grid"), "list": ("list", "listbox", "menu"),
    "dialog": ("dialog", "alertdialog"), "code": ("pre", "code"), "mark": ("mark",),
    "section": ("region", "form", "group", "dialog", "complementary", "navigation", "article",
                "tabpanel", "section", "form", "fieldset"),
}

#: Kinds of few, large blocks, often named by a heading outside them: always kept.
_WHOLES = {"table", "list", "dialog"}


def focus_for(intent: Intent) -> Focus | None:
    """What a snapshot for this step needs to describe: elements sharing a word (or a
    synonym, or a glyph) with any reading's target words or anchors, elements of a kind
    named without words, and word-less controls. None when a reading needs every element
    (a kind like "text" named without words)."""
    words: set[str] = set()
    phrases: set[str] = set()
    kinds: set[str] = {"*iconic"}
    readings = read(intent.target)
    # the page around the anchor is enough when every reading that could match names one
    scoped = all(r.container for r in readings if r.kind or could_name(r.name))
    for reading in readings:
        anchors = read(reading.anchor) if reading.anchor else []
        if not all(_note_words(r, words, kinds) for r in [reading, *anchors]):
            return None
        if reading.container:
            phrases.add(normalize(reading.container))
            if reading.container.split()[0].lower() in ORDINALS:
                # "the copy button of the first code block": the container is described
                scoped = False  # no such words on the page to scope it by
                described = read(f"{reading.container} {reading.container_kind}".strip())
                if not all(_note_words(r, words, kinds) for r in described if r.kind):
                    return None
    if intent.action is Action.EXPECT_TEXT and intent.value and normalize(intent.value):
        phrases.add(normalize(intent.value))  # the element saying it, when named by role
    words = {w for w in words if len(w) >= 2 or not w.isascii()}
    if not words and not phrases and kinds == {"*iconic"}:
        return None
    return Focus(words=tuple(sorted(words)), phrases=tuple(sorted(phrases)),
                 kinds=tuple(sorted(kinds)), scoped=scoped and bool(phrases))


def _note_words(reading: Reading, words: set[str], kinds: set[str]) -> bool:
    """Add what a reading leads the page to (its words, or its kind's signs); False when it
    names a kind no sign finds, so every element is needed."""
    if reading.name:
        words.update(related_words(reading.name))
        if reading.kind in _WHOLES:  # "the Columns table": named by the heading above it
            kinds.update(KIND_SIGNS[reading.kind])
    elif reading.kind in KIND_SIGNS:
        kinds.update(KIND_SIGNS[reading.kind])
    else:
        return False
    return True


def could_name(name: str) -> bool:
    """A literal reading kept only in case the relation words belong to a name ("the Terms
    of Service link") is long; a short one could be a real name."""
    return 0 < len(name.split()) <= 3
