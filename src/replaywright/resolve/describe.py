"""Reading a description the way a tester writes it.

"the Delete button in the row with "Milk"", "carol's checkbox", "the Users link in the
breadcrumbs", "the second Save button below the Advanced heading": a description is taken
apart into target words, a kind, an ordinal, a colour, a container anchor, a region and a
spatial relation. Where the words allow several readings they are all kept, most literal
first — "the First name field" is a field named "First name" before it is the first of
the "name" fields — and the page decides which one it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from replaywright.resolve.kinds import KIND_WORDS, REGION_WORDS

ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
            "4th": 4, "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7,
            "eighth": 8, "8th": 8, "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "last": -1}
COLOURS = ("red", "orange", "yellow", "green", "blue", "purple", "pink", "black", "white",
           "gray", "grey")

_Q = r"(?:\"[^\"]+\"|'[^']+'|“[^”]+”|‘[^’]+’)"
_CONTAINER_WORDS = (r"row|line|card|item|list item|entry|tile|record|product|result|post|"
                    r"comment|message|task|todo|to-do|article|box|panel|block|section|"
                    r"column header|header cell|cell|facet|group|fieldset|chip|tag|pill|badge")
_WITH = (r"with|containing|that (?:has|have|contains|says|shows|mentions)|which (?:has|contains)|"
         r"about|named|called|labell?ed|titled|saying|showing|mentioning|for|of")
_IN = r"in|inside|within|on|of|for|from|at|under"
_CONTAINER_WITH = re.compile(
    rf"^(?P<main>.+?)\s+(?:{_IN})\s+(?:the|a|an)\s+(?P<kind>{_CONTAINER_WORDS})\s+(?:{_WITH})\s+"
    rf"(?:the\s+)?(?:(?:text|name|value|word|label)\s+)?(?P<anchor>.+)$", re.I)
_CONTAINER_NAMED = re.compile(
    rf"^(?P<main>.+?)\s+(?:{_IN})\s+(?:the\s+|a\s+|an\s+)?(?P<anchor>{_Q}|.+?)\s+"
    rf"(?P<kind>{_CONTAINER_WORDS})$", re.I)
_FOR_ANCHOR = re.compile(
    rf"^(?P<main>.+?)\s+(?:for|of|belonging to|next to|beside|alongside|by)\s+(?:the\s+)?"
    rf"(?P<anchor>{_Q}|[^\s].*)$", re.I)
_CONTAINER_TAIL = re.compile(rf"\s+(?:{_CONTAINER_WORDS})$", re.I)
_POSSESSIVE = re.compile(rf"^(?:the\s+)?(?P<anchor>{_Q}|[\w .@-]+?)['’]s\s+(?P<main>.+)$", re.I)
_ITEM_WITH = re.compile(
    rf"^(?:the\s+|a\s+|an\s+)?(?P<kind>row|line|record|entry|item|list item|card|tile)\s+"
    rf"(?:{_WITH})\s+(?:the\s+)?(?:(?:text|name|value|word)\s+)?(?P<anchor>.+)$", re.I)
_RELATION = re.compile(
    r"^(?P<main>.+?)\s+(?P<rel>directly below|directly above|right below|right above|just below|"
    r"just above|below|under|underneath|beneath|above|over|to the left of|left of|"
    r"to the right of|right of|next to|beside|near|after|before|following|preceding)\s+"
    r"(?P<anchor>.+)$", re.I)
_REGION = re.compile(
    rf"^(?P<main>.+?)\s+(?:in|inside|within|on|at|from|of)\s+(?:the\s+|a\s+|an\s+)?"
    rf"(?:(?P<name>{_Q}|.+?)\s+)?(?P<kind>{'|'.join(sorted(REGION_WORDS, key=len, reverse=True))})"
    r"(?:\s+(?:section|area|bar|menu|panel))?$", re.I)
_REGION_PLAIN = re.compile(
    r"^(?P<main>.+?)\s+(?:in|inside|within|under)\s+(?:the\s+)?(?P<name>.+)$", re.I)
_LABELLED = re.compile(
    r"^(?P<kind>.+?)\s+(?:labell?ed|called|named|titled|saying|that says|which says|reading|"
    r"with (?:the )?(?:text|label|title|name|caption|placeholder|hint))\s+(?P<name>.+)$", re.I)
_ORDINAL = re.compile(r"^(?P<word>" + "|".join(ORDINALS) + r")\s+(?P<rest>.+)$", re.I)
_ORDINAL_TAIL = re.compile(r"^(?P<rest>.+?)\s+(?:number\s+|no\.?\s*|#)(?P<n>\d+)$", re.I)
_COLOUR = re.compile(r"^(?P<colour>" + "|".join(COLOURS) + r")\s+(?P<rest>.+)$", re.I)
_ARTICLE = re.compile(r"^(?:the|a|an|that|this|one)\s+", re.I)
_KIND_SUFFIX = re.compile(
    r"^(?P<name>.*?)\s*\b(?P<kind>" + "|".join(sorted(map(re.escape, KIND_WORDS), key=len,
                                                          reverse=True)) + r")(?P<plural>es|s)?$",
    re.I)
_KIND_PREFIX = re.compile(
    r"^(?P<kind>" + "|".join(sorted(map(re.escape, KIND_WORDS), key=len, reverse=True))
    + r")\s+(?P<name>" + _Q + r"|.+)$", re.I)


@dataclass(frozen=True)
class Reading:
    """One way of reading a description."""

    name: str = ""
    quoted: bool = False
    kind: str = ""
    ordinal: int = 0
    colour: str = ""
    container: str = ""  # anchor text of a repeated container: "the row with X"
    container_kind: str = ""  # the container's own kind word, when given: "row", "card"
    region: str = ""  # a landmark or region kind: header, sidebar, breadcrumbs, dialog ...
    region_name: str = ""  # a named region or section: "the Filters section"
    relation: str = ""  # below, above, left of, right of, near
    anchor: str = ""  # what the relation is relative to (itself a description)
    strict: bool = False  # a name kept in case relation words belong to it: exact only
    holds: bool = False  # the element holds the words somewhere ("the row with X")
    plural: bool = False  # the kind word is plural: "the footer links"

    def describe(self) -> str:
        parts = [f"{self.kind or 'element'} {self.name!r}" if self.name else self.kind or
                 "element"]
        if self.ordinal:
            parts.insert(0, "last" if self.ordinal == -1 else f"#{self.ordinal}")
        if self.container:
            parts.append(f"in the item with {self.container!r}")
        if self.region or self.region_name:
            parts.append(f"in {self.region_name + ' ' if self.region_name else ''}"
                         f"{self.region}".rstrip())
        if self.relation:
            parts.append(f"{self.relation} {self.anchor!r}")
        return " ".join(parts)


def unquote(text: str) -> tuple[str, bool]:
    text = text.strip()
    if len(text) >= 2 and (text[0], text[-1]) in {('"', '"'), ("'", "'"), ("“", "”"),
                                                  ("‘", "’")}:
        return text[1:-1].strip(), True
    return text, False


def strip_article(text: str) -> str:
    return _ARTICLE.sub("", text.strip())


def read(description: str) -> list[Reading]:
    """Every plausible reading of a description, most literal first, without duplicates."""
    text = " ".join(description.split()).rstrip(".").strip()
    readings: list[Reading] = []
    for reading in _readings(text):
        for one in (reading, _region_named(reading)):
            if one is not None and one not in readings:
                readings.append(one)
    return readings


def _region_named(reading: Reading) -> Reading | None:
    """"the navigation tabs", "the footer links": before a plural kind, a name that is
    only a region's word may say where the elements are rather than what they are called."""
    region = REGION_WORDS.get(reading.name.lower())
    if (region is None or not reading.plural or reading.quoted or reading.strict
            or reading.region or reading.region_name):
        return None
    return replace(reading, name="", region=region)


def _readings(text: str) -> list[Reading]:
    """Readings with a relation peeled off the end; the literal reading is kept after them
    where the relation words could belong to a name ("the Terms of Service link")."""
    strong: list[Reading] = []  # relation words that are rarely part of a name
    weak: list[Reading] = []  # "for", "of", possessives, "next to": names use them too
    if m := _CONTAINER_WITH.match(text):
        anchor = unquote(strip_article(m.group("anchor")))[0]  # text, whatever its words
        strong += [replace(r, container=anchor) for r in _main(m.group("main"))]
    if m := _CONTAINER_NAMED.match(text):
        anchor, quoted = unquote(strip_article(m.group("anchor")))
        kind = m.group("kind").lower()
        if quoted or not _is_region_word(anchor):
            strong += [replace(r, container=anchor, container_kind=kind)
                       for r in _main(m.group("main"))]
    if m := _REGION.match(text):
        name = unquote(strip_article(m.group("name") or ""))[0]
        kind = REGION_WORDS[m.group("kind").lower()]
        if name and f"{name} {m.group('kind')}".lower() in REGION_WORDS:  # "table of contents"
            name, kind = "", REGION_WORDS[f"{name} {m.group('kind')}".lower()]
        strong += [replace(r, region=kind, region_name=name) for r in _main(m.group("main"))]
    if m := _RELATION.match(text):
        rel = _relation(m.group("rel"))
        anchor = strip_article(m.group("anchor"))
        main = _main(m.group("main"))
        if rel == "near":  # "the Edit button next to carol": same row first, else nearest
            weak += [replace(r, container=unquote(anchor)[0]) for r in main]
            weak += [replace(r, relation=rel, anchor=anchor) for r in main]
        else:
            if rel == "below" and re.search(r"\b(heading|title|header|section)$", anchor, re.I):
                heading = unquote(_KIND_SUFFIX.sub(r"\g<name>", anchor))[0]
                strong += [replace(r, region_name=heading) for r in main]
            strong += [replace(r, relation=rel, anchor=anchor) for r in main]
    if m := _FOR_ANCHOR.match(text):
        anchor = strip_article(m.group("anchor"))
        tailless, quoted = unquote(_CONTAINER_TAIL.sub("", anchor))
        anchor = tailless if quoted else unquote(anchor)[0]  # '"Buy milk" item' -> Buy milk
        weak += [replace(r, container=anchor) for r in _main(m.group("main"))]
    if m := _POSSESSIVE.match(text):
        anchor = unquote(strip_article(m.group("anchor")))[0]
        main = _main(m.group("main"))
        if anchor.lower() in REGION_WORDS:  # "the dialog's close button"
            strong += [replace(r, region=REGION_WORDS[anchor.lower()]) for r in main]
        else:
            weak += [replace(r, container=anchor) for r in main]
    if m := _ITEM_WITH.match(text):  # "the row with "Milk"": the row itself
        anchor = unquote(strip_article(m.group("anchor")))[0]
        strong.append(Reading(name=anchor, kind=KIND_WORDS[m.group("kind").lower()],
                              holds=True))
    literal = _main(text)
    plain: list[Reading] = []  # "the X link in the Y": a region, or a block, named by Y
    if ((m := _REGION_PLAIN.match(text)) and _kind(m.group("name")) is None
            and not _ITEM_WITH.match(m.group("name"))):  # "in the row with X": an item
        name = unquote(strip_article(m.group("name")))[0]
        main = _main(m.group("main"))
        plain = [replace(r, region_name=name) for r in main]
        plain += [replace(r, container=name) for r in main]
    if strong or weak or plain:
        # the whole text as one name only if it is that name, word for word
        literal = [replace(r, strict=True) for r in literal]
    if strong:
        return strong + weak + plain
    if weak:
        return weak + plain + literal
    return literal + plain


def _relation(word: str) -> str:
    word = word.lower().removeprefix("directly ").removeprefix("right ").removeprefix("just ")
    word = word.removeprefix("to the ")
    return {"under": "below", "underneath": "below", "beneath": "below", "after": "below",
            "following": "below", "over": "above", "before": "above", "preceding": "above",
            "next to": "near", "beside": "near"}.get(word, word)


def _is_region_word(text: str) -> bool:
    return text.lower() in REGION_WORDS


def _main(text: str) -> list[Reading]:
    """The target phrase: `[article] [ordinal] [colour] name [kind]` or `kind labelled name`.
    Returns the literal reading first, then one with the leading word read as an ordinal."""
    text = strip_article(text)
    if not text or _ARTICLE.match(text + " "):
        return []  # "the From site dropdown" is no "the" in a "site dropdown"
    readings = []
    literal = _plain(text)
    readings.append(literal)
    if literal.kind and not literal.quoted and len(text.split()) > 1:
        # "Hide this column" is a link's name before it is a column named "Hide this"
        readings.append(Reading(name=unquote(text)[0], strict=True))
    if m := _ORDINAL.match(text):
        rest = _plain(strip_article(m.group("rest")))
        if rest.name or rest.kind:
            readings.append(replace(rest, ordinal=ORDINALS[m.group("word").lower()]))
    if m := _ORDINAL_TAIL.match(text):
        rest = _plain(strip_article(m.group("rest")))
        readings.append(replace(rest, ordinal=int(m.group("n"))))
    if m := _COLOUR.match(text):
        rest = _plain(m.group("rest"))
        readings.append(replace(rest, colour=m.group("colour").lower()))
        if m2 := _ORDINAL.match(m.group("rest")):
            inner = _plain(strip_article(m2.group("rest")))
            readings.append(replace(inner, colour=m.group("colour").lower(),
                                    ordinal=ORDINALS[m2.group("word").lower()]))
    if (m := _ORDINAL.match(text)) and (m2 := _COLOUR.match(m.group("rest"))):
        inner = _plain(m2.group("rest"))
        readings.append(replace(inner, colour=m2.group("colour").lower(),
                                ordinal=ORDINALS[m.group("word").lower()]))
    # an ordinal or colour reading wins only when it leaves a name or a kind
    return readings


def _plain(text: str) -> Reading:
    """`Sign in button`, `"Save"`, `button labelled Save`, `checkbox "Remember me"`."""
    text = text.strip()
    if m := _LABELLED.match(text):
        kind = _kind(m.group("kind"))
        if kind is not None:
            name, quoted = unquote(m.group("name"))
            return Reading(name=name, quoted=quoted, kind=kind)
    name, quoted = unquote(text)
    if quoted:
        return Reading(name=name, quoted=True)
    if m := _KIND_SUFFIX.match(text):
        kind = KIND_WORDS[m.group("kind").lower()]
        inner, quoted = unquote(m.group("name").strip())
        return Reading(name=inner, quoted=quoted, kind=kind, plural=bool(m.group("plural")))
    if m := _KIND_PREFIX.match(text):  # `checkbox "Remember me"`
        inner, quoted = unquote(m.group("name"))
        if quoted:
            return Reading(name=inner, quoted=True, kind=KIND_WORDS[m.group("kind").lower()])
    return Reading(name=name)


def _kind(text: str) -> str | None:
    text = strip_article(text).lower()
    for plural in ("es", "s"):
        if text.endswith(plural) and text[:-len(plural)] in KIND_WORDS:
            text = text[:-len(plural)]
            break
    return KIND_WORDS.get(text)
