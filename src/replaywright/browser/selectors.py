"""Stable selectors: derived from a fingerprint when a step is recorded, turned back into
Playwright locators (and readable code) on replay. Preference follows Playwright's advice:
test id, role + name, label, placeholder, alt/title, text, then a `filter(has_text=...)`
chain scoped to the element's repeated container, then a non-generated id; a CSS path or
absolute XPath only as the last resort."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from playwright.async_api import ElementHandle, Frame, Locator, Page
from playwright.async_api import Error as PlaywrightError

from replaywright.browser import locator_expr
from replaywright.model import Fingerprint, Selector

ROLES = {"button", "link", "checkbox", "radio", "textbox", "combobox", "listbox", "option",
         "menuitem", "tab", "switch", "searchbox", "slider", "spinbutton", "heading", "img",
         "cell", "row", "treeitem", "menuitemcheckbox", "menuitemradio"}
INTERACTIVE_ROLES = ROLES - {"heading", "img", "cell", "row"}
#: Selector kinds Playwright recommends: a step recorded with one reads like hand-written code.
IDIOMATIC = {"test_id", "role", "label", "placeholder", "alt", "title", "text", "chain"}
_GENERATED_ID = re.compile(r"(\d{3,}|[0-9a-f]{8,}|^:r|^ember|^react|^ext-|__)", re.IGNORECASE)


def stable_selectors(fp: Fingerprint, peers: Sequence[Fingerprint] = (),
                     limit: int = 3) -> list[Selector]:
    """The best few ways to find this element again without a snapshot.

    `peers` are the other elements of the page: a selector that would also match one of
    them is left out, since replay only uses a selector that returns exactly one element.
    """
    def unique(same: Callable[[Fingerprint], bool]) -> bool:
        return not any(same(p) for p in peers if p is not fp and p.frame == fp.frame)

    found: list[Selector] = []
    name = fp.accessible_name
    if fp.test_id and unique(lambda p: p.test_id == fp.test_id):
        found.append(Selector(kind="test_id", value=fp.test_id))
    if fp.role in ROLES and name and len(name) <= 80 and unique(
            lambda p: p.role == fp.role and p.accessible_name == name):
        found.append(Selector(kind="role", value=name, role=fp.role))
    if fp.label and fp.tag in {"input", "select", "textarea"} and len(fp.label) <= 80 and unique(
            lambda p: p.label == fp.label):
        found.append(Selector(kind="label", value=fp.label))
    if fp.placeholder and unique(lambda p: p.placeholder == fp.placeholder):
        found.append(Selector(kind="placeholder", value=fp.placeholder))
    if fp.alt and unique(lambda p: p.alt == fp.alt):
        found.append(Selector(kind="alt", value=fp.alt))
    if fp.title and len(fp.title) <= 80 and unique(lambda p: p.title == fp.title):
        found.append(Selector(kind="title", value=fp.title))
    text = fp.text.strip()
    if (not found and text and len(text) <= 60 and fp.role not in INTERACTIVE_ROLES
            and unique(lambda p: p.text.strip() == text)):
        found.append(Selector(kind="text", value=text))
    if fp.id and not _GENERATED_ID.search(fp.id):
        found.append(Selector(kind="id", value=fp.id))
    found = found[:limit]
    # A structural fallback: brittle on its own, but replay only trusts the element it
    # returns after the fingerprint check, and on an unchanged page it is exact. A CSS path
    # from the nearest stable id (`#sql-form > p > div > textarea`) outlives changes above
    # that id; an absolute XPath only when there is none.
    anchor = re.match(r"#((?:\\.|[^\s>:.\\])+)", fp.css_path)
    if anchor and not fp.in_shadow and not _GENERATED_ID.search(anchor.group(1)):
        if not any(s.kind == "id" and f"#{s.value}" == fp.css_path for s in found):
            found.append(Selector(kind="css", value=fp.css_path))
    elif fp.xpath and "#shadow" not in fp.xpath:
        found.append(Selector(kind="xpath", value=fp.xpath))
    elif fp.css_path:
        found.append(Selector(kind="css", value=fp.css_path))
    for selector in found:
        selector.frame = fp.frame
    return found


def _classes(fp_classes: Sequence[str]) -> list[str]:
    """Class names a person could have written (not generated hashes)."""
    return [c for c in fp_classes if not _GENERATED_ID.search(c)
            and re.fullmatch(r"[A-Za-z][\w-]*", c)]


def _plain_tag(tag: str) -> bool:
    """An HTML tag name a CSS selector can use as written (not `svg:rect`, not empty)."""
    return re.fullmatch(r"[a-z][a-z0-9-]*", tag) is not None


def _tag_classes(tag: str, classes: Sequence[str]) -> str:
    """`div.highlight-code.copyable`: a tag and up to two of its written class names."""
    return tag + "".join("." + c for c in _classes(classes)[:2])


def own_selector(fp: Fingerprint) -> Selector | None:
    """CSS from the element's own attributes: a form control's `name`
    (`select[name="_filter_column"]`), else its tag and up to two non-generated classes
    (`div.highlight-code`), else a form control's bare tag. Unique or not is the page's to
    say."""
    if fp.in_shadow or not _plain_tag(fp.tag):
        return None
    control = fp.tag in {"input", "select", "textarea"}
    if control and fp.name and not _GENERATED_ID.search(fp.name):
        value = f"{fp.tag}[name={_css_string(fp.name)}]"
    elif _classes(fp.classes):
        value = _tag_classes(fp.tag, fp.classes)
    elif control:
        value = fp.tag
    else:
        return None
    return Selector(kind="css", value=value, frame=fp.frame)


def _frame(page: Page, frame_url: str) -> Frame | None:
    """The frame a selector was recorded in: the same URL, else the one frame at the same
    path on another origin (the app served elsewhere: a test server's port, CI, staging)."""
    if not frame_url:
        return page.main_frame
    path = urlsplit(frame_url).path
    elsewhere = []
    for frame in page.frames:
        parts = urlsplit(frame.url)
        if f"{parts.scheme}://{parts.netloc}{parts.path}" == frame_url:
            return frame
        if parts.path == path and frame.parent_frame is not None:
            elsewhere.append(frame)
    return elsewhere[0] if len(elsewhere) == 1 else None


def locate(page: Page, selector: Selector) -> tuple[Frame, Locator] | None:
    """A locator for the selector in its frame; None when the frame is not on the page."""
    frame = _frame(page, selector.frame)
    if frame is None:
        return None
    value = selector.value
    locators = {
        "test_id": lambda: frame.get_by_test_id(value),
        "role": lambda: frame.get_by_role(selector.role, name=value, exact=True),  # type: ignore[arg-type]
        "label": lambda: frame.get_by_label(value, exact=True),
        "placeholder": lambda: frame.get_by_placeholder(value, exact=True),
        "alt": lambda: frame.get_by_alt_text(value, exact=True),
        "title": lambda: frame.get_by_title(value, exact=True),
        "id": lambda: frame.locator(f"[id={_css_string(value)}]"),
        "text": lambda: frame.get_by_text(value, exact=True),
        "css": lambda: frame.locator(value),
        "xpath": lambda: frame.locator(f"xpath={value}"),
        "chain": lambda: locator_expr.build(frame, value),
    }
    return frame, locators[selector.kind]()


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def locator_code(selector: Selector | None, fp: Fingerprint) -> str:
    """Readable Playwright Python for the element, e.g. `page.get_by_label("Email")`."""
    root = f"page.frame(url={selector.frame!r})" if selector and selector.frame else "page"
    if selector is None:
        return f"{root}.locator({fp.css_path or fp.xpath!r})"
    v = repr(selector.value)
    return root + {
        "test_id": f".get_by_test_id({v})",
        "role": f".get_by_role({selector.role!r}, name={v}, exact=True)",
        "label": f".get_by_label({v}, exact=True)",
        "placeholder": f".get_by_placeholder({v}, exact=True)",
        "alt": f".get_by_alt_text({v}, exact=True)",
        "title": f".get_by_title({v}, exact=True)",
        "id": f".locator({'[id=' + _css_string(selector.value) + ']'!r})",
        "text": f".get_by_text({v}, exact=True)",
        "css": f".locator({v})",
        "xpath": f".locator({'xpath=' + selector.value!r})",
        "chain": f".{selector.value}",
    }[selector.kind]


def _q(text: str) -> str:
    """A Python string literal in double quotes, as Playwright's docs write them."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


#: Seconds a recorded step spends looking for a scoped chain before it settles for a path.
SEARCH_BUDGET = 1.5
#: Roles Playwright finds containers by; other containers are found by tag and class.
_ITEM_ROLES = {"row", "listitem", "article", "option", "treeitem"}


def _inner(fp: Fingerprint) -> list[str]:
    """Ways to name the element inside a scope, most specific first."""
    inner = []
    name = fp.accessible_name
    if fp.role in ROLES and name and len(name) <= 60:
        inner.append(f"get_by_role({_q(fp.role)}, name={_q(name)}, exact=True)")
    # a font icon's glyph can make Playwright's name differ from the one read: its title
    for method, value in (("get_by_title", fp.title), ("get_by_alt_text", fp.alt),
                          ("get_by_placeholder", fp.placeholder)):
        if value and len(value) <= 60:
            inner.append(f"{method}({_q(value)}, exact=True)")
    text = fp.text.strip()
    if fp.role not in INTERACTIVE_ROLES and text and len(text) <= 60 and "\n" not in text:
        inner.append(f"get_by_text({_q(text)}, exact=True)")
    if fp.role in ROLES:
        inner.append(f"get_by_role({_q(fp.role)})")
    classes = _classes(fp.classes)
    if classes:
        inner.append(f"locator({_q(fp.tag + '.' + classes[0])})")
    if _plain_tag(fp.tag):
        inner.append(f"locator({_q(fp.tag)})")
    return inner


async def _first_unique(frame: Frame, handle: ElementHandle, fp: Fingerprint,
                        codes: Sequence[str], counted: int = 1) -> Selector | None:
    """The first chain that names exactly this element on the page now; failing all,
    with `counted` > 1, the first that names it among at most that many, by its place
    (`….get_by_role("button").nth(1)`: the second button of the row). Each try is a
    query of the page: on a big page the tries stop after `SEARCH_BUDGET` seconds."""
    by_place = None
    give_up = time.monotonic() + SEARCH_BUDGET
    for code in codes:
        if time.monotonic() > give_up:
            break
        try:
            found = await locator_expr.handles(frame, code)
        except (PlaywrightError, locator_expr.LocatorSyntaxError):
            continue
        if len(found) == 1 and await locator_expr.same_node(found[0], handle):
            return Selector(kind="chain", value=code, frame=fp.frame)
        if by_place is None and 1 < len(found) <= counted:
            for index, other in enumerate(found):
                if await locator_expr.same_node(other, handle):
                    by_place = f"{code}.nth({index})"
                    break
    return Selector(kind="chain", value=by_place, frame=fp.frame) if by_place else None


async def scoped_selector(frame: Frame, handle: ElementHandle, fp: Fingerprint,
                          item: Fingerprint | None, words: str) -> Selector | None:
    """`get_by_role("listitem").filter(has_text="Milk").get_by_role("checkbox")`: the
    element inside the repeated container that holds `words` (`item` None: the element is
    that container, `get_by_role("row").filter(has_text="Milk")`), kept only when it names
    exactly this element on the page now."""
    if not words or len(words) > 60:
        return None
    box = item or fp
    if box.role in _ITEM_ROLES:
        outer = f"get_by_role({_q(box.role)})"
    else:
        outer = f"locator({_q(_tag_classes(box.tag, box.classes))})"
    outer += f".filter(has_text={_q(words)})"
    if item is None:
        return await _first_unique(frame, handle, fp, [outer])
    # within one row, an icon-only button may be told apart only by its place among few
    return await _first_unique(frame, handle, fp, [f"{outer}.{i}" for i in _inner(fp)],
                               counted=4)


#: What each ancestor offers as a scope: its role and name (a landmark or named region),
#: its id and its classes. Nearest first, up to the body.
_ANCESTORS_JS = r"""(el) => {
  const implicit = {nav: "navigation", main: "main", aside: "complementary",
                    dialog: "dialog", form: "form", section: "region"};
  const out = [];
  for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    let name = (a.getAttribute("aria-label") || "").trim();
    const by = a.getAttribute("aria-labelledby");
    if (!name && by) name = by.split(/\s+/).map((id) => {
      const t = document.getElementById(id); return t ? t.textContent.trim() : "";
    }).join(" ").trim();
    const role = a.getAttribute("role") || implicit[a.localName] || "";
    const title = a.querySelector("h1, h2, h3, h4, h5, h6, legend");
    out.push({tag: a.localName, id: a.id || "", role, name, classes: [...a.classList],
              title: title ? title.textContent.trim().replace(/\s+/g, " ") : ""});
  }
  return out;
}"""
#: Roles Playwright finds without a name (one per page, as a rule).
_UNNAMED_SCOPES = {"main", "navigation", "banner", "contentinfo", "complementary", "search",
                   "toolbar", "tablist", "menu", "menubar", "dialog"}
_SCOPE_TAGS = {"nav", "header", "footer", "aside", "main", "form", "table", "ul", "ol"}


def _scopes(ancestors: Sequence[dict[str, object]]) -> list[str]:
    """Locators for the element's ancestors, nearest first: a named landmark or region, an
    id, tag and classes; a bare landmark tag (`nav`, `ul`) only after all of those."""
    named: list[str] = []
    bare: list[str] = []
    for a in ancestors:
        tag, role, name = str(a["tag"]), str(a["role"]), str(a["name"])
        if not _plain_tag(tag):
            continue
        if role and name and len(name) <= 60:
            named.append(f"get_by_role({_q(role)}, name={_q(name)}, exact=True)")
        elif role in _UNNAMED_SCOPES:
            bare.append(f"get_by_role({_q(role)})")
        ident = str(a["id"])
        if ident and not _GENERATED_ID.search(ident):
            named.append(f"locator({_q('[id=' + _css_string(ident) + ']')})")
        classes = [str(c) for c in a["classes"]]  # type: ignore[attr-defined]
        if _classes(classes):
            scope = f"locator({_q(_tag_classes(tag, classes))})"
            named.append(scope)
            title = str(a["title"])
            if title and len(title) <= 40:
                # one of several alike blocks, by the heading it starts with
                named.append(f"{scope}.filter(has_text={_q(title)})")
        elif tag in _SCOPE_TAGS:
            bare.append(f"locator({_q(tag)})")
    return list(dict.fromkeys([*named[:8], *bare[:3]]))


async def region_selector(frame: Frame, handle: ElementHandle,
                          fp: Fingerprint) -> Selector | None:
    """`locator("div.facets").get_by_role("link", name="Origin")`: the element named
    within its nearest ancestor that scopes it to one, for an element whose own words
    repeat elsewhere on the page (a link in two menus). Tried only where no selector of
    its own is unique; at most a few dozen counts."""
    if fp.in_shadow:
        return None
    try:
        ancestors = await handle.evaluate(_ANCESTORS_JS)
    except PlaywrightError:
        return None
    inner = _inner(fp)
    codes = [f"{scope}.{i}" for scope in _scopes(ancestors) for i in inner]
    return await _first_unique(frame, handle, fp, codes[:40])
