"""Kinds of element a tester names ("button", "field", "checkbox" ...) and what each may be
on a page. A named kind is a hard constraint: a checkbox step acts on a checkbox, or on the
control a label belongs to; never on a link or a text. Buttons and links are one family —
testers call a link styled as a button a button — but an exact role ranks first."""

from __future__ import annotations

import re

from replaywright.browser.snapshot import Element
from replaywright.flow.intent import Action
from replaywright.model import Fingerprint

KIND_WORDS: dict[str, str] = {
    # clickables
    "button": "button", "btn": "button", "push button": "button", "icon button": "button",
    "cta": "button",
    "link": "link", "hyperlink": "link", "nav link": "link", "url": "link",
    # fields
    "field": "field", "input": "field", "input field": "field", "text field": "field",
    "textfield": "field", "textbox": "field", "text box": "field", "text input": "field",
    "box": "field", "input box": "field", "entry field": "field", "text area": "field",
    "textarea": "field", "editor": "field",
    "dropdown": "dropdown", "drop-down": "dropdown", "drop down": "dropdown",
    "dropdown menu": "dropdown", "dropdown list": "dropdown", "select": "dropdown",
    "select box": "dropdown", "selector": "dropdown", "select menu": "dropdown",
    "combobox": "dropdown", "combo box": "dropdown", "picker": "dropdown",
    "listbox": "dropdown", "list box": "dropdown", "chooser": "dropdown",
    "checkbox": "checkbox", "check box": "checkbox", "tickbox": "checkbox",
    "tick box": "checkbox",
    "radio": "radio", "radio button": "radio", "radio option": "radio",
    "switch": "switch", "toggle": "switch", "toggle switch": "switch",
    "toggle button": "switch",
    "slider": "slider", "range": "slider",
    "option": "option", "choice": "option",
    # navigation
    "tab": "tab",
    "menu": "menu", "menu button": "menu", "context menu": "menu", "hamburger": "menu",
    "menu item": "menuitem", "menu option": "menuitem", "menu entry": "menuitem",
    # content
    "heading": "heading", "header": "heading", "title": "heading", "headline": "heading",
    "subheading": "heading", "subtitle": "heading", "page title": "heading",
    "image": "image", "img": "image", "picture": "image", "photo": "image", "logo": "image",
    "avatar": "image", "thumbnail": "image", "illustration": "image",
    "icon": "icon", "glyph": "icon",
    "text": "text", "message": "text", "label": "text", "banner": "text", "notice": "text",
    "alert": "text", "error": "text", "error message": "text", "warning": "text",
    "notification": "text", "toast": "text", "paragraph": "text", "caption": "text",
    "hint": "text", "tooltip": "text", "badge": "text", "status": "text", "note": "text",
    "description": "text", "snackbar": "text", "chip": "text", "tag": "text", "pill": "text",
    "row": "row", "line": "row", "record": "row", "entry": "row", "result": "row",
    "item": "item", "list item": "item", "card": "item", "tile": "item",
    "column": "column", "column header": "column", "header cell": "column",
    "cell": "cell",
    "table": "table", "grid": "table", "data table": "table", "spreadsheet": "table",
    "list": "list",
    "dialog": "dialog", "modal": "dialog", "popup": "dialog", "pop-up": "dialog",
    "dialog box": "dialog", "overlay": "dialog", "window": "dialog",
    "section": "section", "panel": "section", "pane": "section", "area": "section",
    "region": "section", "form": "section", "fieldset": "section", "group": "section",
    "element": "any", "control": "any", "widget": "any", "thing": "any",
    "code block": "code", "code sample": "code", "code snippet": "code", "snippet": "code",
    "highlight": "mark", "highlighted match": "mark", "highlighted text": "mark",
    "highlighted word": "mark", "highlighted term": "mark", "search match": "mark",
}

#: Region phrases ("in the sidebar") and the region kind each names.
REGION_WORDS: dict[str, str] = {
    "header": "header", "page header": "header", "top bar": "header", "topbar": "header",
    "navbar": "header", "nav bar": "header", "app bar": "header", "masthead": "header",
    "banner": "header",
    "footer": "footer", "page footer": "footer",
    "navigation": "navigation", "nav": "navigation", "main navigation": "navigation",
    "menu bar": "navigation", "main menu": "navigation", "top menu": "navigation",
    "sidebar": "sidebar", "side bar": "sidebar", "side menu": "sidebar", "side nav": "sidebar",
    "sidenav": "sidebar", "left panel": "sidebar", "left menu": "sidebar",
    "left sidebar": "sidebar", "right sidebar": "sidebar", "drawer": "sidebar",
    "breadcrumbs": "breadcrumbs", "breadcrumb": "breadcrumbs",
    "breadcrumb trail": "breadcrumbs", "breadcrumb bar": "breadcrumbs",
    "toolbar": "toolbar", "tool bar": "toolbar", "action bar": "toolbar",
    "actions bar": "toolbar", "button bar": "toolbar",
    "dialog": "dialog", "modal": "dialog", "popup": "dialog", "pop-up": "dialog",
    "dialog box": "dialog", "modal dialog": "dialog", "overlay": "dialog",
    "form": "form", "table": "table", "grid": "table", "list": "list",
    "menu": "menu", "dropdown": "menu", "dropdown menu": "menu", "context menu": "menu",
    "tab bar": "tabs", "tabs": "tabs", "tab list": "tabs",
    "filters": "filters", "filter": "filters", "filter panel": "filters",
    "filter sidebar": "filters", "filters panel": "filters",
    "pagination": "pagination", "pager": "pagination", "pagination bar": "pagination",
    "main content": "main", "content": "main", "main area": "main", "page content": "main",
    "main": "main", "listing": "main", "list view": "main",
    "section": "section", "panel": "section", "card": "section", "area": "section",
    "pane": "section", "box": "section", "fieldset": "section", "group": "section",
    "table of contents": "toc", "toc": "toc", "on this page": "toc", "contents": "toc",
}

#: How a region kind shows in the page: landmark roles/tags, and words of class, id or name.
_REGION_SIGNS: dict[str, tuple[set[str], re.Pattern[str]]] = {
    "header": ({"banner", "header"}, re.compile(r"header|top-?bar|navbar|masthead|app-?bar")),
    "footer": ({"contentinfo", "footer"}, re.compile(r"footer")),
    "navigation": ({"navigation", "nav", "menubar"}, re.compile(r"\bnav|navigation|menu")),
    "sidebar": ({"complementary", "aside"},
                re.compile(r"side-?bar|side-?nav|side-?menu|drawer|\baside")),
    "breadcrumbs": (set(), re.compile(r"breadcrumb|crumbs")),
    "toolbar": ({"toolbar"}, re.compile(r"toolbar|tool-bar|action|button-?bar|btn-group")),
    "dialog": ({"dialog", "alertdialog"}, re.compile(r"modal|dialog|popup|popover|overlay")),
    "form": ({"form", "search"}, re.compile(r"\bform")),
    "table": ({"table", "grid"}, re.compile(r"\btable|\bgrid")),
    "list": ({"list", "ul", "ol"}, re.compile(r"\blist")),
    "menu": ({"menu", "menubar", "listbox"}, re.compile(r"menu|dropdown|popover|\bdrop\b")),
    "tabs": ({"tablist", "tabpanel"}, re.compile(r"\btabs?\b|tab-?list|nav-tabs")),
    "filters": (set(), re.compile(r"filter|facet")),
    "pagination": (set(), re.compile(r"paginat|pager")),
    "main": ({"main"}, re.compile(r"\bmain|content")),
    "toc": (set(), re.compile(r"\btoc\b|table.of.contents|on this page|contents")),
    "section": ({"section", "region", "article", "fieldset", "group", "form", "dialog",
                 "aside", "complementary"}, re.compile(r"section|panel|card|box|pane")),
}

EDITABLE_TYPES = {"", "text", "email", "password", "search", "tel", "url", "number", "date",
                  "datetime-local", "month", "time", "week"}
CLICKABLE_ROLES = {"button", "link", "menuitem", "menuitemcheckbox", "menuitemradio", "tab",
                   "option", "treeitem", "switch", "checkbox", "radio"}
ITEM_ROLES = {"listitem", "row", "article", "option", "treeitem", "menuitem"}
TEXT_TAGS = {"p", "span", "div", "li", "td", "th", "label", "small", "strong", "em", "b", "i",
             "dd", "dt", "pre", "code", "blockquote", "figcaption", "output", "time", "mark"}


def region_matches(kind: str, landmark: str, words: str, name: str) -> bool:
    """Does a region (its landmark kind, class/id words, name) look like a `kind` region?"""
    roles, pattern = _REGION_SIGNS.get(kind, (set(), re.compile(re.escape(kind))))
    return landmark in roles or bool(pattern.search(words.lower())) or bool(
        pattern.search(name.lower()))


def is_editable(fp: Fingerprint, editable: bool = False) -> bool:
    if fp.tag == "textarea" or editable or fp.attributes.get("contenteditable") in {"true", ""}:
        return True
    if fp.tag == "input":
        return fp.input_type in EDITABLE_TYPES
    return fp.role in {"textbox", "searchbox", "spinbutton"} or (
        fp.role == "combobox" and fp.tag == "input")


_DROPDOWN_CLASS = re.compile(r"select|dropdown|combo|picker|choice|chooser", re.I)


def is_dropdown(el: Element) -> bool:
    """A native select, a combobox or listbox, or a control that opens a list: one with
    aria-haspopup, or whose classes say so (`select2-choice`, `dropdown-toggle`)."""
    fp = el.fingerprint
    return fp.tag == "select" or fp.role in {"combobox", "listbox"} or bool(
        el.haspopup and el.haspopup != "false" and el.interactive) or (
        el.interactive and not is_editable(fp, el.editable) and fp.role not in {
            "checkbox", "radio", "option", "menuitem"}
        and any(_DROPDOWN_CLASS.search(c) for c in fp.classes))


def is_toggle(el: Element) -> bool:
    fp = el.fingerprint
    return fp.role in {"checkbox", "switch", "menuitemcheckbox"} or (
        fp.tag == "input" and fp.input_type == "checkbox") or (
        "aria-pressed" in fp.attributes and el.interactive)


def is_clickable(el: Element) -> bool:
    """Clicking it does something: not a field, and a label only when it stands in for a
    hidden control (a styled label over a hidden radio is a tab, a toggle, a button)."""
    fp = el.fingerprint
    if fp.tag == "label":
        return el.stands_in
    return el.interactive and not is_editable(fp, el.editable)


def _has_image(el: Element) -> bool:
    return el.fingerprint.tag in {"img", "svg"} or el.fingerprint.role == "img"


_IMAGE_CLASS = re.compile(r"(^|[\s_-])(logo|avatar|thumbnail|brand-image)([\s_-]|$)", re.I)


def kind_fit(kind: str, el: Element) -> float:
    """How well the element is what the kind word names: 1 exact, less for a near kind,
    0 for another kind (never acted on)."""
    fp = el.fingerprint
    role, tag = fp.role, fp.tag
    if kind in {"", "any"}:
        return 1.0
    if kind == "button":
        if role == "button" or (tag == "input" and fp.input_type in {"submit", "button",
                                                                    "reset", "image"}):
            return 1.0
        if role == "link":
            return 0.85
        if role in {"menuitem", "tab", "option", "treeitem"}:
            return 0.75
        if role in {"switch"} or "aria-pressed" in fp.attributes:
            return 0.75
        return 0.7 if is_clickable(el) and role not in {"checkbox", "radio", "combobox",
                                                        "listbox", "slider"} else 0.0
    if kind == "link":
        if role == "link":
            return 1.0
        if fp.tag == "label":
            return 0.0
        if role == "button":
            return 0.8
        if role in {"menuitem", "tab", "option", "treeitem"}:
            return 0.8
        return 0.65 if is_clickable(el) and role not in {"checkbox", "radio", "combobox",
                                                         "listbox", "slider"} else 0.0
    if kind == "field":
        if is_editable(fp, el.editable):
            return 1.0
        if tag == "select" or role in {"combobox", "listbox"}:
            return 0.75
        if fp.input_type == "file":
            return 0.8
        return 0.0
    if kind == "dropdown":
        if tag == "select" or role in {"combobox", "listbox"}:
            return 1.0
        if is_dropdown(el):
            return 0.9
        return 0.0
    if kind in {"checkbox", "switch"}:
        if role in {"checkbox", "switch", "menuitemcheckbox"} or fp.input_type == "checkbox":
            return 1.0 if kind == "checkbox" or role == "switch" else 0.95
        if "aria-pressed" in fp.attributes and el.interactive:
            return 0.85
        return 0.0
    if kind == "radio":
        if role in {"radio", "menuitemradio"} or fp.input_type == "radio":
            return 1.0
        return 0.0
    if kind == "option":
        if role in {"radio", "option", "menuitemradio", "menuitem"} or fp.input_type == "radio":
            return 1.0
        if role in {"checkbox", "tab", "treeitem"}:
            return 0.8
        return 0.6 if is_clickable(el) else 0.0
    if kind == "slider":
        return 1.0 if role == "slider" or fp.input_type == "range" else 0.0
    if kind == "tab":
        if role == "tab":
            return 1.0
        return 0.85 if is_clickable(el) and role in {"link", "button", ""} else 0.0
    if kind == "menu":
        if role in {"menu", "menubar"}:
            return 1.0
        if is_editable(fp, el.editable):
            return 0.0  # a text box that opens a list is a combobox, not a menu
        if el.haspopup == "listbox":  # a dropdown of values (a select, or a widget for one)
            return 0.6 if is_clickable(el) else 0.0
        if el.interactive and el.haspopup and el.haspopup != "false":
            return 1.0
        if el.interactive and el.expanded is not None:
            return 0.85  # it opens something: a menu, or a section of the page
        return 0.75 if is_clickable(el) and role in {"button", "link", ""} else 0.0
    if kind == "menuitem":
        if role in {"menuitem", "menuitemcheckbox", "menuitemradio", "option"}:
            return 1.0
        return 0.85 if is_clickable(el) else 0.0
    if kind == "heading":
        if role == "heading":
            return 1.0
        if role == "banner":  # "the header contains 'Grace'": the page's header
            return 0.85
        if el.interactive or el.structure:
            return 0.0
        return 0.6 if tag in TEXT_TAGS | {"legend", "caption", "header"} else 0.0
    if kind == "image":
        if fp.attributes.get("aria-hidden") == "true":
            return 0.0  # decoration: an icon hidden from assistive tech is no image meant
        if _has_image(el):
            return 1.0
        if fp.role == "figure":  # an image with its caption: a gallery's or listing's item
            return 0.95
        if el.interactive and _IMAGE_CLASS.search(" ".join(fp.classes)):
            return 0.9  # the site's logo: a link drawn as one (`<a class="md-logo">`)
        return 0.8 if el.interactive and el.icon else 0.0
    if kind == "icon":
        if is_editable(fp, el.editable):
            return 0.0
        if el.interactive and (el.icon or not (fp.text or "").strip()):
            return 1.0
        if _has_image(el) or tag == "i":
            return 0.9
        return 0.6 if el.interactive and len(fp.text.strip()) <= 2 else 0.0
    if kind == "text":
        if role in {"alert", "status", "note", "tooltip", "paragraph"}:
            return 1.0
        if el.structure and role not in ITEM_ROLES:
            return 0.0
        if is_editable(fp, el.editable) or role in {"checkbox", "radio"}:
            return 0.0
        return 1.0 if not el.interactive else 0.7
    if kind == "row":
        if role == "row" and "/thead[" in fp.xpath:
            return 0.5  # a header row is not what "the first row" means
        if role == "row":
            return 1.0
        if role in {"listitem", "treeitem"}:  # a table's rows come first; a list's items
            return 0.9  # are its rows ("the first search result")
        if role == "article":
            return 0.85
        return 0.6 if role in {"option", "menuitem"} else 0.0
    if kind == "item":
        if role in ITEM_ROLES:
            return 1.0
        if el.interactive and not is_editable(fp, el.editable):
            return 0.8
        return 0.6 if not el.structure else 0.0
    if kind == "column":
        return 1.0 if role in {"columnheader"} else 0.7 if tag == "th" else 0.0
    if kind == "cell":
        return 1.0 if role in {"cell", "gridcell", "rowheader", "columnheader"} else 0.0
    if kind == "table":
        return 1.0 if role in {"table", "grid", "treegrid"} else 0.0
    if kind == "list":
        return 1.0 if role in {"list", "listbox", "menu", "tree"} else 0.0
    if kind == "dialog":
        if role in {"dialog", "alertdialog"}:
            return 1.0
        words = " ".join(fp.classes).lower()
        return 0.8 if el.structure and re.search(r"modal|dialog|popup", words) else 0.0
    if kind == "mark":  # a search term highlighted in the text
        return 1.0 if tag == "mark" else 0.0
    if kind == "code":
        if tag == "pre" or "highlight" in " ".join(fp.classes):
            return 1.0
        # a block's own <code> before a word of code inside a sentence
        return (0.95 if "/pre[" in fp.xpath else 0.7) if tag == "code" else 0.0
    if kind == "section":
        if role in {"region", "form", "group", "dialog", "complementary", "navigation",
                    "article", "tabpanel"} or tag in {"section", "form", "fieldset"}:
            return 1.0
        return 0.0
    return 1.0


def action_fit(action: Action, el: Element) -> float:
    """Can the step's verb be done to the element? 0 when it cannot."""
    fp = el.fingerprint
    if el.hidden and action in {Action.FILL, Action.CLEAR, Action.PRESS, Action.SELECT}:
        return 0.0  # no label or hover makes a hidden field typable
    if el.hidden and (fp.tag in {"select", "textarea"} or is_editable(fp, el.editable)) \
            and action in {Action.CLICK, Action.DBLCLICK, Action.RIGHTCLICK, Action.HOVER} \
            and not (fp.attributes.get("role") == "combobox" and "aria-expanded" in fp.attributes):
        # a hidden dropdown, text area or text box (a widget drawn in its place, select2's
        # off-screen focus catcher) is not what a person clicks; a widget's own 1-px
        # combobox (Quasar's QSelect) is, through the field that wraps it
        return 0.0
    if action in {Action.FILL, Action.CLEAR}:
        if is_editable(fp, el.editable):
            return 1.0
        return 0.0
    if action is Action.SELECT:
        if fp.tag == "select" or fp.role == "listbox":
            return 1.0
        if is_dropdown(el):
            return 0.9
        return 0.0
    if action in {Action.CHECK, Action.UNCHECK, Action.EXPECT_CHECKED, Action.EXPECT_UNCHECKED}:
        if is_toggle(el) or fp.role in {"radio", "menuitemradio"} or fp.input_type == "radio":
            return 1.0
        if fp.role in {"option", "tab", "treeitem"} and action in {Action.CHECK,
                                                                  Action.EXPECT_CHECKED}:
            return 0.8
        return 0.0
    if action is Action.UPLOAD:
        return 1.0 if fp.input_type == "file" else 0.0
    if action in {Action.CLICK, Action.DBLCLICK, Action.RIGHTCLICK}:
        if el.interactive:
            return 1.0
        return 0.0 if el.structure and fp.role in {"table", "list", "grid"} else 0.85
    if action is Action.PRESS:
        return 1.0 if el.interactive or is_editable(fp, el.editable) else 0.5
    if action in {Action.EXPECT_ENABLED, Action.EXPECT_DISABLED}:
        return 1.0 if el.interactive else 0.0
    if action is Action.HOVER:
        return 1.0 if not el.structure or fp.role in ITEM_ROLES else 0.6
    return 1.0
