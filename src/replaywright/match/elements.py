"""What kind of element a fingerprint is, as the matcher compares kinds: tag groups,
controls, buttons by their words, links by their address, the centre of its box."""

from __future__ import annotations

from replaywright.match import normalize as nz
from replaywright.model import Fingerprint

_TAG_GROUPS = (
    {"a", "button", "summary"},
    {"input", "textarea", "select"},
    {"img", "svg", "picture", "image", "i"},
    {"h1", "h2", "h3", "h4", "h5", "h6"},
    {"span", "div", "p", "li", "label", "strong", "b", "em", "small", "font", "td", "th"},
    {"ul", "ol", "nav", "menu"},
)
_TAG_GROUP = {t: g for g, tags in enumerate(_TAG_GROUPS) for t in tags}


_BUTTON_INPUTS = frozenset({"submit", "button", "reset", "image"})


_OTHER_TAGS: dict[str, int] = {}


def tag_group(tag: str, input_type: str = "", is_button: bool = False) -> int:
    """Family of a tag; an ``<input type=submit>`` (or a button-like input) is a button.
    Tags outside the known families each get a family of their own."""
    if tag == "input" and (input_type.lower() in _BUTTON_INPUTS or is_button):
        tag = "button"
    g = _TAG_GROUP.get(tag)
    if g is None:
        g = _OTHER_TAGS.setdefault(tag, len(_TAG_GROUPS) + len(_OTHER_TAGS))
    return g


_INTERACTIVE = frozenset({"a", "button", "input", "select", "textarea", "summary", "option"})


def is_interactive(f: Fingerprint) -> bool:
    """Something a user clicks or types into (not a wrapper around it)."""
    return f.is_button or f.tag.lower() in _INTERACTIVE or f.role.lower() in ("button", "link", "textbox")


def label_of(f: Fingerprint) -> str:
    """All the human-readable naming of an element, for cross-field comparison."""
    parts = [f.text, f.accessible_name, f.alt, f.title, f.label, f.placeholder, f.value]
    aria = f.attributes.get("aria-label", "") if f.attributes else ""
    parts.append(aria)
    return nz.text(" ".join(p for p in parts if p))


_CONTROLS = frozenset({"input", "select", "textarea"})


def is_control(f: Fingerprint) -> bool:
    """A named form control (its ``name`` is what the form submits: a stable identity)."""
    return f.tag.lower() in _CONTROLS and bool(f.name.strip())


_BUTTON_WORDS = frozenset({"button", "btn", "hamburger", "toggle", "toggler"})


def named_button(f: Fingerprint) -> bool:
    """A text-less wrapper whose own id or class says it is a button (``div#search-button``)."""
    if f.tag.lower() not in ("div", "span", "li", "i") or nz.text(f.text):
        return False
    return bool(_BUTTON_WORDS & nz.attr_words(f.id, "", f.classes))


def href_key(full: str, path: str) -> str:
    """Link identity without the host (archive rewrites, mirrors), except for a site root,
    where the host is all there is (``support.example.com/``)."""
    if path not in ("", "/") and not path.startswith("?"):
        return path
    return "//" + full if full else ""


def centre(f: Fingerprint) -> tuple[float, float]:
    return f.x + f.width / 2, f.y + f.height / 2
