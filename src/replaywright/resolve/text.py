"""Comparing what people write ("the Sign in button") with what pages say ("Log in")."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

STOPWORDS = {"the", "a", "an", "to", "your", "our", "my", "of", "on", "for", "this", "that",
             "please", "here", "now"}
# Phrases that mean the same on a web page, folded to one token.
SYNONYMS = [
    (r"\b(sign[\s-]?in|log[\s-]?in|log[\s-]?on)\b", "signin"),
    (r"\b(sign[\s-]?up|register|create (an )?account)\b", "signup"),
    (r"\b(sign[\s-]?out|log[\s-]?out|log[\s-]?off)\b", "signout"),
    (r"\b(shopping )?(cart|basket|bag)\b", "cart"),
    (r"\be[\s-]?mail( address)?\b", "email"),
    (r"\b(user[\s-]?name|user id|login name)\b", "username"),
    (r"\b(check[\s-]?out)\b", "checkout"),
    (r"\b(remove|delete|trash)\b", "delete"),
    (r"\b(search|find|look up)\b", "search"),
    (r"\b(zip( code)?|postal code|post ?code)\b", "zip"),
    (r"\b(phone|telephone|mobile)( number)?\b", "phone"),
    (r"\b(submit|send)\b", "submit"),
    (r"\b(close|dismiss)\b", "close"),
    (r"\b(next|continue)\b", "next"),
    (r"\b(buy|purchase)\b", "buy"),
    (r"\b(colour|color)\b", "color"),
]
_SYNONYMS = [(re.compile(p), t) for p, t in SYNONYMS]
_NON_WORD = re.compile(r"[^\w\s]+")


def normalize(text: str) -> str:
    text = _NON_WORD.sub(" ", text.lower().replace("&", " and "))
    return " ".join(text.split())


@lru_cache(maxsize=8192)
def tokens(text: str) -> frozenset[str]:
    folded = normalize(text)
    for pattern, token in _SYNONYMS:
        folded = pattern.sub(token, folded)
    return frozenset(t for t in folded.split() if t not in STOPWORDS)


def phrase_score(query: str, field: str) -> float:
    """How well a field's text names what the query describes, 0..1."""
    if not query or not field:
        return 0.0
    q, f = normalize(query), normalize(field)
    if not q or not f:
        return 0.0
    if q == f:
        return 1.0
    qt, ft = tokens(query), tokens(field)
    if qt and qt == ft:
        return 0.97
    common = len(qt & ft)
    if not common:
        similar = fuzz.ratio(q, f) / 100
        return 0.6 * similar if similar >= 0.8 else 0.0
    recall, precision = common / len(qt), common / len(ft)
    return 0.9 * (0.7 * recall + 0.3 * precision)


def contains_phrase(haystack: str, needle: str) -> bool:
    n, h = normalize(needle), normalize(haystack)
    return bool(n) and re.search(r"(^|\s)" + re.escape(n) + r"($|\s)", h) is not None
