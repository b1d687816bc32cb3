"""Stable selectors: derived from a fingerprint when a step is recorded, turned back into
Playwright locators (and readable code) on replay. Preference follows Playwright's advice:
test id, role + name, label, placeholder, alt/title, text, then a `filter(has_text=...)`
chain scoped to the element's repeated container, then a non-generated id; a CSS path or
absolute XPath only as the last resort."""

from __future__ import annotations

import re
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


def own_selector(fp: Fingerprint) -> Selector | None:
    """CSS from the element's own attributes: a form control's `name`
    (`select[name="_filter_column"]`), else its tag and up to two non-generated classes
    (`div.highlight-code`), else a form control's bare tag. Unique or not is the page's to
    say."""
    if fp.in_shadow or not re.fullmatch(r"[a-z][a-z0-9-]*", fp.tag):
        return None
    control = fp.tag in {"input", "select", "textarea"}
    classes = [c for c in fp.classes if not _GENERATED_ID.search(c)
               and re.fullmatch(r"[A-Za-z][\w-]*", c)][:2]
    if control and fp.name and not _GENERATED_ID.search(fp.name):
        value = f"{fp.tag}[name={_css_string(fp.name)}]"
    elif classes:
        value = fp.tag + "".join("." + c for c in classes)
    elif control:
        value = fp.tag
    else:
        return None
    return Selector(kind="css", value=value, frame=fp.frame)


def _frame(page: Page, frame_url: str) -> Frame | None:
    if not frame_url:
        return page.main_frame
    for frame in page.frames:
        parts = urlsplit(frame.url)
        if f"{parts.scheme}://{parts.netloc}{parts.path}" == frame_url:
            return frame
    return None


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


#: Roles Playwright finds containers by; other containers are found by tag and class.
_ITEM_ROLES = {"row", "listitem", "article", "option", "treeitem"}


async def scoped_selector(frame: Frame, handle: ElementHandle, fp: Fingerprint,
                          item: Fingerprint, words: str) -> Selector | None:
    """`get_by_role("listitem").filter(has_text="Milk").get_by_role("checkbox")`: the
    element inside the repeated container that holds `words`, kept only when it names
    exactly this element on the page now."""
    if not words or len(words) > 60:
        return None
    if item.role in _ITEM_ROLES:
        outer = f"get_by_role({_q(item.role)})"
    else:
        classes = [c for c in item.classes if not _GENERATED_ID.search(c) and re.fullmatch(
            r"[A-Za-z][\w-]*", c)]
        outer = f"locator({_q(item.tag + ''.join('.' + c for c in classes[:2]))})"
    outer += f".filter(has_text={_q(words)})"
    inner = []
    name = fp.accessible_name
    if fp.role in ROLES and name and len(name) <= 60:
        inner.append(f"get_by_role({_q(fp.role)}, name={_q(name)}, exact=True)")
    if fp.role in ROLES:
        inner.append(f"get_by_role({_q(fp.role)})")
    classes = [c for c in fp.classes if not _GENERATED_ID.search(c) and re.fullmatch(
        r"[A-Za-z][\w-]*", c)]
    if classes:
        inner.append(f"locator({_q(fp.tag + '.' + classes[0])})")
    for code in (f"{outer}.{i}" for i in inner):
        try:
            found = await locator_expr.handles(frame, code)
        except (PlaywrightError, locator_expr.LocatorSyntaxError):
            continue
        if len(found) == 1 and await locator_expr.same_node(found[0], handle):
            return Selector(kind="chain", value=code, frame=fp.frame)
    return None
