"""Comparing what people write ("the Sign in button") with what pages say ("Log in"), and
with what icon-only controls carry in their machine words (`class="destroy"`, `fa-trash`)."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

#: Words that carry nothing in a name. Prepositions stay: "Sign in" is not "Sign up".
STOPWORDS = {"the", "an", "your", "our", "my", "this", "that", "please", "here", "now", "and"}
#: Phrases that mean the same on a web page, folded to one token (a space matches a space,
#: a hyphen or nothing: "sign in" = "sign-in" = "signin"). Icons' glyphs and the class
#: words of icon fonts count: a trash can is a delete button, a pencil is edit.
SYNONYM_GROUPS: dict[str, tuple[str, ...]] = {
    "signin": ("sign in", "log in", "log on"),
    "signup": ("sign up", "register", "create an account", "create account"),
    "signout": ("sign out", "log out", "log off"),
    "cart": ("shopping cart", "shopping basket", "shopping bag", "cart", "basket", "bag"),
    "email": ("e mail address", "e mail"),
    "username": ("user name", "user id", "login name"),
    "password": ("pass word", "passwd", "pwd"),
    "checkout": ("check out",),
    "delete": ("remove", "delete", "destroy", "trash can", "trashcan", "trash", "bin", "erase",
               "discard", "garbage", "clear"),
    "search": ("search", "find", "look up", "magnifying glass", "magnifier", "magnifying"),
    "zip": ("zip code", "zip", "postal code", "post code"),
    "phone": ("telephone number", "phone number", "mobile number", "telephone", "phone",
              "mobile"),
    "submit": ("submit", "send"),
    "close": ("close", "dismiss", "times", "xmark", "x mark", "cross"),
    "next": ("next page", "next", "continue", "forward", "chevron right", "arrow right",
             "navigate next", "keyboard arrow right"),
    "previous": ("previous page", "prev page", "previous", "prev", "back", "chevron left",
                 "arrow left", "navigate before", "keyboard arrow left"),
    "buy": ("buy", "purchase"),
    "color": ("colour", "color"),
    "edit": ("edit", "pencil", "modify"),
    "setting": ("setting", "gear", "cog", "preference", "configuration", "config"),
    "menu": ("more options", "more actions", "menu", "hamburger", "burger", "kebab",
             "ellipsis", "dots"),
    "add": ("add", "plus", "create", "new"),
    "home": ("home", "house"),
    "copy": ("copy", "clipboard"),
    "lock": ("unlocked", "locked", "unlock", "lock", "padlock"),  # an icon, shut or open
    "refresh": ("refresh", "reload"),
    "filter": ("filter", "funnel"),
    "notification": ("notification", "bell", "alert"),
    "expand": ("expand", "chevron", "caret"),
    "help": ("help", "question"),
    "info": ("information", "info"),
    "theme": ("dark mode", "light mode", "theme", "palette", "brightness"),
}
_SYNONYMS = [(re.compile(r"\b(" + "|".join(p.replace(" ", r"[\s-]?") for p in phrases) + r")\b"),
              token) for token, phrases in SYNONYM_GROUPS.items()]


#: Glyphs icon-only controls show, as words.
GLYPHS = {"×": "close delete clear", "✕": "close delete clear", "✖": "close delete clear",
          "✗": "close delete clear", "⨯": "close delete clear", "+": "add", "＋": "add",
          "☰": "menu", "≡": "menu", "⋮": "menu", "⋯": "menu", "…": "menu", "›": "next",
          "→": "next", "❯": "next", "»": "last", "‹": "previous", "←": "previous",
          "❮": "previous", "«": "first", "↻": "refresh", "⟳": "refresh", "✎": "edit",
          "✏": "edit", "🗑": "delete", "🔍": "search", "⚙": "setting", "▾": "expand",
          "▼": "expand", "⌄": "expand", "🔔": "notification", "?": "help", "ⓘ": "info",
          "🏠": "home", "⧉": "copy", "📋": "copy", "☀": "theme", "🌙": "theme", "☾": "theme"}
#: Text that is nothing but these signs reads as words (pagination, sorting, close).
LONE_SIGNS = {">": "next", "<": "previous", ">>": "last", "<<": "first", "x": "close",
              "X": "close", "-": "remove", "^": "up", "v": "down"}
_NON_WORD = re.compile(r"[^\w\s]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_GENERATED = re.compile(r"^(?:[0-9a-f]{6,}|css-\w+|sc-\w+|jsx-\d+|svelte-\w+|"
                        r"ng-\w+|v-\w+|q-\w+__\w+|mui\w*-\w+)$", re.I)
#: One generated word inside a name: `s2id` and `autogen1` in `s2id_autogen1_search`.
_GENERATED_WORD = re.compile(r"^(?:[a-z]{0,3}\d\w*|[a-z]+\d+|[0-9a-f]{6,})$", re.I)


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalize(text: str) -> str:
    text = _NON_WORD.sub(" ", text.translate(_INVISIBLE).lower().replace("&", " and "))
    return " ".join(text.split())


_NOT_PLURAL = {"news", "series", "species", "its", "this", "has", "was", "yes", "less", "plus",
               "bus", "gas", "process", "access", "address", "canvas", "alias", "status",
               "atlas", "class", "glass", "pass", "does", "always", "perhaps", "analysis",
               "basis", "axis", "ios", "macos", "https", "sms", "dns", "aws", "css"}
#: A match that holds only through a synonym counts for this much of an exact one.
SYNONYM_FACTOR = 0.85


def _stem(word: str) -> str:
    if word in _NOT_PLURAL:
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def plain_tokens(text: str) -> frozenset[str]:
    """Content words with plurals stemmed, glyphs read as words."""
    return frozenset(_stem(t) for t in normalize(_glyphs(text)).split() if t not in STOPWORDS)


@lru_cache(maxsize=65536)
def tokens(text: str) -> frozenset[str]:
    """Content words, plurals stemmed, synonyms folded ("remove" = "trash" = "delete")."""
    folded = " ".join(_stem(t) for t in normalize(_glyphs(text)).split())
    for pattern, token in _SYNONYMS:
        folded = pattern.sub(token, folded)
    return frozenset(t for t in folded.split() if t not in STOPWORDS)


def _glyphs(text: str) -> str:
    lone = LONE_SIGNS.get(text.strip())
    if lone:
        return lone
    if not any(g in text for g in GLYPHS):
        return text
    # a glyph right after a word is punctuation ("Search…", "2×"), not an icon
    return "".join(f" {GLYPHS[ch]} " if ch in GLYPHS and not (i and text[i - 1].isalnum())
                   else ch for i, ch in enumerate(text))


def related_words(text: str) -> set[str]:
    """The words a page might use for the text's words: the words themselves (plurals
    stemmed), every phrase of their synonym groups, and the glyphs that stand for them."""
    out = set(plain_tokens(text))
    folded = tokens(text)
    for token, phrases in SYNONYM_GROUPS.items():
        if token in folded:
            out.update(phrases)
    out.update(glyph for glyph, words in GLYPHS.items() if folded & set(words.split()))
    return {w for w in out if w}


@lru_cache(maxsize=65536)
def machine_words(text: str) -> str:
    """`searchBar`, `btn-delete`, `user_name`, `fa-trash-can` → plain words, with generated
    names (`css-1x2y3`, `sc-abc123`, hashes) and generated words (`s2id_autogen1_search`
    → `search`) left out."""
    words: list[str] = []
    for part in re.split(r"[\s/#?=&.:]+", text):
        part = part.strip("_")
        if not part or _GENERATED.match(part):
            continue
        part = _CAMEL.sub(" ", part)
        words.extend(w for w in re.split(r"[-_\s]+", part)
                     if len(w) > 1 and not _GENERATED_WORD.match(w))
    return " ".join(words)


@lru_cache(maxsize=131072)
def phrase_score(query: str, field: str) -> float:
    """How well a field's text names what the query describes, 0..1: 1 for the same words,
    less for some of them, less again when only a synonym makes them meet."""
    if not query or not field:
        return 0.0
    q, f = normalize(_glyphs(query)), normalize(_glyphs(field))
    if q and q == f:
        return 1.0
    plain_q, plain_f = plain_tokens(query), plain_tokens(field)
    fold_q, fold_f = tokens(query), tokens(field)
    if plain_q and plain_q == plain_f:
        best = 0.97
    elif fold_q != plain_q or fold_f != plain_f:
        # synonyms were involved: compare what the phrases mean ("Sign in" and "Sign up"
        # share a word but mean opposite things; "Remove" and "Delete" share none)
        best = _overlap(fold_q, fold_f, 0.97) * SYNONYM_FACTOR
    else:
        best = _overlap(plain_q, plain_f, 0.97)
    if best or not q or not f or len(q) < 4 or len(f) > 3 * len(q) + 10:
        return best
    similar = fuzz.ratio(q, f) / 100  # a typo: "Sumbit"
    return 0.6 * similar if similar >= 0.85 else 0.0


def _overlap(qt: frozenset[str], ft: frozenset[str], same: float) -> float:
    if not qt or not ft:
        return 0.0
    if qt == ft:
        return same
    common = len(qt & ft)
    if not common:
        return 0.0
    return 0.9 * (0.75 * common / len(qt) + 0.25 * common / len(ft))


def recall(query: str, field: str, abbreviations: bool = False) -> float:
    """Share of the query's words found in the field (for long or machine-made fields);
    a word found only through a synonym, or (with `abbreviations`, for machine words) as
    an abbreviation ("op" for operator, "qty" for quantity), counts for less."""
    qt = plain_tokens(query)
    if not qt or not field:
        return 0.0
    ft = plain_tokens(field)
    folded_q, folded_f = tokens(query), tokens(field)
    if (folded_q != qt or folded_f != ft) and folded_q:
        return len(folded_q & folded_f) / len(folded_q) * SYNONYM_FACTOR if qt - ft else 1.0
    found = len(qt & ft) / len(qt)
    if abbreviations and found < 1:
        short = sum(1 for q in qt - ft if any(_abbreviates(f, q) for f in ft))
        found += short * SYNONYM_FACTOR / len(qt)
    return found


def _abbreviates(short: str, word: str) -> bool:
    """`op` for operator, `desc` for description, `qty` for quantity (its consonants)."""
    if len(short) < 2 or len(short) >= len(word) or not short.isalpha():
        return False
    if word.startswith(short) and (len(short) >= 3 or len(word) <= 8):
        return True
    consonants = "".join(ch for ch in word if ch not in "aeiou")
    return len(short) >= 3 and consonants.startswith(short)


def contains_phrase(haystack: str, needle: str) -> bool:
    n, h = normalize(needle), normalize(haystack)
    return bool(n) and re.search(r"(^|\s)" + re.escape(n) + r"($|\s)", h) is not None
