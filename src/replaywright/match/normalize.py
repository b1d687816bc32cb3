"""Normalisation of the raw signals before comparison: text, URLs, class lists, xpaths."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

_WS = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ARCHIVE = re.compile(r"^(?:https?:)?//web\.archive\.org/web/\d+[a-z_]*/", re.I)
_TRACKING = re.compile(
    r"^(utm_.*|ref|ref_|ref_src|referrer|_ga|_gl|gclid|fbclid|msclkid|mc_cid|mc_eid|spm|scm|"
    r"pd_rd_.*|pf_rd_.*|qid|sr|icid|cmpid|cid|sid|sessionid|session_id|trk|trkinfo|"
    r"tracking.*|source|src|from|via|igshid|yclid|_hsenc|_hsmi|mkt_tok|clickid|"
    r"s_kwcid|ef_id|campaign.*|_)$",
    re.I,
)


def text(s: str) -> str:
    """Lower-case, collapse whitespace."""
    return _WS.sub(" ", s).strip().lower()


def words(s: str) -> list[str]:
    """Word tokens (letters and digits), lower case."""
    return _WORD.findall(s.lower())


#: Interchangeable wordings of common controls (generic UI vocabulary, not site-specific).
_SYNONYMS = tuple(
    (re.compile(rf"\b(?:{pattern})\b"), canon)
    for pattern, canon in (
        (r"sign\s?in|log\s?in|log\s?on", "signin"),
        (r"sign\s?up|register|create (?:an )?account", "signup"),
        (r"sign\s?out|log\s?out|log\s?off", "signout"),
        (r"remove", "delete"),
        (r"basket|shopping bag", "cart"),
    )
)


_ACRONYM = re.compile(r"\b(?:[a-z]\.){1,}[a-z]\b\.?")


def canonical(s: str) -> str:
    """Lower-cased text with dotted acronyms joined ("U.S." → "us") and interchangeable
    control wordings unified ("Log in" → "signin")."""
    s = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), s.lower())
    for rx, canon in _SYNONYMS:
        s = rx.sub(canon, s)
    return s


def stem_join(s: str) -> str:
    """Words of `s` without punctuation, plural ``s`` dropped, synonyms unified:
    "Videos »" → "video", "Log in" → "signin"."""
    return " ".join(_singular(w) for w in words(canonical(s)))


def _singular(w: str) -> str:
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


_READABLE = r"[a-z]+|[a-z]*\d{1,3}[a-z]{0,2}|[a-z]{2,}\d{1,3}"


def is_generated(token: str) -> bool:
    """True for build-generated names such as ``css-1x2y3z``, ``sc-abc123``, ``_3xK9a``.

    A token counts as generated when it matches a known CSS-in-JS prefix, looks like a hash,
    or mixes letters and digits in a short random-looking run (``a1b2c3``).
    """
    if len(token) <= 2:
        return False
    if re.match(r"^(css|sc|jsx|emotion|styled|svelte|astro|jss|tw)-[A-Za-z0-9_-]+$", token):
        return True
    if re.match(r"^[a-f0-9]{8,}$", token, re.I):
        return True
    # CSS modules: Name__element___hash / Name_hash_123
    if re.search(r"(__|_)[A-Za-z0-9-]{5}$", token) and re.search(r"\d", token[-6:]):
        return True
    # short random runs mixing letters and digits: "xY3kQ", "_3xK9a", "a1b2c3"; but not
    # readable compounds such as "col-md-6", "fa-2x", "icon24", "h1"
    core = token.lstrip("_-")
    parts = [p for p in re.split(r"[-_]", core) if p]
    readable = all(re.fullmatch(_READABLE, p, re.I) for p in parts)
    camel_digits = any(re.search(r"[a-z][A-Z]|[A-Z]{2}[a-z]", p) and re.search(r"\d", p) for p in parts)
    if readable and not camel_digits:
        return False
    digits = sum(ch.isdigit() for ch in core)
    return bool(digits) and 4 <= len(core) <= 12


def class_tokens(classes: list[str]) -> set[str]:
    """Class names minus generated ones, lower case; compound names also split on - and _."""
    out: set[str] = set()
    for c in classes:
        for tok in c.split():
            if not tok or is_generated(tok):
                continue
            out.add(tok.lower())
    return out


def strip_digits(s: str) -> str:
    return re.sub(r"\d+", "#", s.lower())


def _strip_archive(h: str) -> str:
    """Remove (nested) ``web.archive.org/web/<timestamp>/`` prefixes."""
    for _ in range(3):
        h2 = _ARCHIVE.sub("", h)
        if h2 == h:
            break
        h = h2
    return h


def url(href: str) -> tuple[str, str]:
    """(host+path+query, path+query) of a URL with archive prefixes, scheme, ``www.``,
    tracking parameters, fragments and trailing slashes removed. Empty for javascript: links."""
    h = _strip_archive(href.strip())
    if not h:
        return "", ""
    low = h.lower()
    if low.startswith(("javascript:", "mailto:", "tel:", "data:")):
        return low.split("?")[0], low.split("?")[0]
    if low.startswith("#"):
        return low, low
    if "//" not in h[:8] and not h.startswith("/") and "." in h.split("/")[0]:
        h = "//" + h
    try:
        parts = urlsplit(h if "//" in h[:8] or h.startswith("/") else "/" + h)
    except ValueError:
        return low, low
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    path = parts.path.rstrip("/").lower() or ""
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    q = urlencode(sorted(query)) if query else ""
    pq = path + ("?" + q if q else "")
    return (host + pq).lower(), pq.lower()


_STEP = re.compile(r"([^/\[]+)(?:\[(\d+)\])?")


def xpath_steps(xpath: str) -> tuple[list[str], list[str]]:
    """(steps with index, steps without index) of an absolute xpath, lower case."""
    full: list[str] = []
    tags: list[str] = []
    for part in xpath.strip("/").split("/"):
        if not part:
            continue
        m = _STEP.match(part)
        if not m:
            continue
        tag = m.group(1).lower()
        full.append(f"{tag}[{m.group(2) or '1'}]")
        tags.append(tag)
    return full, tags


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_LANDMARKS = frozenset(
    {"header", "footer", "nav", "main", "aside", "form", "section", "article", "dialog"}
    | {"table", "menu", "search"}
)
_ANCHOR = re.compile(r"@id=['\"]([^'\"]+)['\"]")


def ident_words(s: str) -> set[str]:
    """Words of an identifier: ``menuButton`` / ``header-Cart`` → {menu, button} / {header, cart}."""
    return {w for w in words(_CAMEL.sub(" ", s)) if len(w) > 1 and not w.isdigit()}


def attr_words(id_: str, name: str, classes: list[str]) -> set[str]:
    """Readable words of id, name and non-generated class names."""
    out = set()
    if id_ and not is_generated(id_):
        out |= ident_words(id_)
    if name:
        out |= ident_words(name)
    for c in classes:
        for tok in c.split():
            if tok and not is_generated(tok):
                out |= ident_words(tok)
    return out


def context_words(xpath: str, idxpath: str) -> set[str]:
    """Where the element lives: landmark tags on its xpath and words of its idxpath anchor."""
    out = {t for t in xpath_steps(xpath)[1] if t in _LANDMARKS}
    out |= {t for t in xpath_steps(idxpath.split("']", 1)[-1])[1] if t in _LANDMARKS}
    m = _ANCHOR.search(idxpath)
    if m and not is_generated(m.group(1)):
        out |= ident_words(m.group(1))
    return out


def nearest_landmark(xpath: str) -> str:
    """Tag of the innermost landmark ancestor (form, nav, footer, …) on an xpath, or ""."""
    for t in reversed(xpath_steps(xpath)[1][:-1]):
        if t in _LANDMARKS:
            return t
    return ""


def _random_word(w: str) -> bool:
    """A session token or hash fragment rather than a word (``bcyia6visjwusi2t2dxc56``)."""
    return len(w) >= 20 or (len(w) >= 8 and sum(ch.isdigit() for ch in w) >= 2)


def href_words(href: str) -> set[str]:
    """Words of a link target, including URL-encoded query values (``?url=https%3A…``), without
    tracking parameters and session tokens (which differ on every capture)."""
    full = unquote(unquote(url(href)[0]))
    return {w for w in words(full) if len(w) > 1 and not w.isdigit() and not _random_word(w)} - _URL_NOISE


def query_pairs(href: str) -> set[str]:
    """``key=value`` pairs of a link's query that identify what it points at: no tracking
    parameters, no session tokens (``?page-action=fol_tw&token=BCYia6…`` → {page-action=fol_tw})."""
    h = _strip_archive(href.strip())
    if "?" not in h:
        return set()
    query = h.split("?", 1)[1].split("#", 1)[0]
    out = set()
    for k, v in parse_qsl(query, keep_blank_values=True):
        v = unquote(v).strip().lower()
        if _TRACKING.match(k) or not v or any(_random_word(w) for w in words(v)):
            continue
        out.add(f"{k.lower()}={v}")
    return out


_URL_NOISE = frozenset({"http", "https", "www"})


def ordinal(xpath: str) -> int:
    """Position among siblings of the nearest repeated step in the last three (1 if none)."""
    full, _ = xpath_steps(xpath)
    for step in reversed(full[-3:]):
        i = int(step[step.index("[") + 1 : -1])
        if i > 1:
            return i
    return 1
