"""The cache as files a team reviews in git: one small YAML file per flow.

`replaywright cache export --format yaml DIR` writes, per flow, its steps in order of their
text: the element (a one-line summary and its full fingerprint), the selectors, the
Playwright code. Nothing that changes on every run is written (hit counts, timestamps,
versions, history, element images), so a file changes only when what a step acts on
changes: a heal shows up as a readable diff. `cache import DIR` reads the files back; an
entry whose element is unchanged is left alone, a changed one replaces the stored element
and keeps the old one in its history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from replaywright.cache.entry import CacheEntry
from replaywright.cache.store import CorruptEntry, Store
from replaywright.errors import ReplaywrightError
from replaywright.model import Fingerprint

#: Fields of an entry that say what the step acts on; the rest is bookkeeping.
REVIEWED = ("key", "scope", "step", "action", "selectors", "code", "resolver", "fingerprint")
SUFFIX = ".yaml"


class ReviewFileError(ReplaywrightError):
    """A review file that cannot be read back; the message names the file and entry."""


@dataclass
class ImportCounts:
    changed: int = 0
    unchanged: int = 0


def fingerprint_summary(fp: Fingerprint | None) -> str:
    """One line a reviewer reads: `<button> 'Log in'`."""
    if fp is None:
        return ""
    name = fp.accessible_name or fp.text or fp.label or fp.placeholder or fp.title or fp.alt
    role = f" role={fp.role}" if fp.role and fp.role != fp.tag else ""
    return f"<{fp.tag}{role}> {name[:60]!r}"


def _entry_document(entry: CacheEntry) -> dict[str, Any]:
    data = {k: v for k, v in entry.data.items() if k != "image"}
    doc: dict[str, Any] = {
        "step": entry.step,
        "key": entry.key,
        "scope": entry.scope,
        "action": entry.action,
        "element": fingerprint_summary(entry.fingerprint),
        "selectors": [s.model_dump(exclude_defaults=True) for s in entry.selectors],
        "code": entry.code,
        "resolver": entry.resolver,
    }
    if data:
        doc["data"] = data
    if entry.fingerprint is not None:
        doc["fingerprint"] = entry.fingerprint.model_dump(exclude_defaults=True)
    return doc


def file_name(flow: str) -> str:
    """A flow's file: its name made safe for every file system."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", flow).strip("-.") or "unnamed"
    return slug + SUFFIX


def export_files(store: Store, directory: Path, scope: str | None = None,
                 on_corrupt: Any = None) -> dict[Path, int]:
    """Write one file per flow into `directory`; returns each file and its entry count.
    Files of flows no longer in the cache are left for git (and the reviewer) to see."""
    by_flow: dict[str, list[CacheEntry]] = {}
    for entry in store.entries(scope, on_corrupt=on_corrupt):
        if scope is None and entry.is_proposal:
            continue  # heals waiting for review are not the cache yet (`heals ls`)
        by_flow.setdefault(entry.flow, []).append(entry)
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[Path, int] = {}
    for flow, entries in sorted(by_flow.items()):
        entries.sort(key=lambda e: (e.step, e.scope, e.key))
        document = {"flow": flow, "entries": [_entry_document(e) for e in entries]}
        path = directory / file_name(flow)
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
        tmp = path.with_suffix(".yaml.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        written[path] = len(entries)
    return written


def read_file(path: Path) -> list[CacheEntry]:
    """The entries of one review file, or a `ReviewFileError` naming where it is wrong."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ReviewFileError(f"{where}: not valid YAML: {exc.problem}") from None
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise ReviewFileError(f"{path}: not a cache review file (no 'flow' and 'entries')")
    flow = str(document.get("flow") or "")
    entries = []
    for number, item in enumerate(document["entries"], 1):
        if not isinstance(item, dict):
            raise ReviewFileError(f"{path}: entry {number} is not a mapping")
        fields = {k: item[k] for k in REVIEWED if k in item}
        fields["data"] = item.get("data") or {}
        try:
            entries.append(CacheEntry.model_validate({**fields, "flow": flow}))
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(p) for p in problem["loc"])
            raise ReviewFileError(f"{path}: entry {number} ({item.get('step', '?')!r}): "
                                  f"{where}: {problem['msg']}") from None
    return entries


def _same_element(a: CacheEntry, b: CacheEntry) -> bool:
    return (a.fingerprint == b.fingerprint and a.selectors == b.selectors
            and a.code == b.code and a.action == b.action)


def import_files(store: Store, directory: Path, scope: str | None = None) -> ImportCounts:
    """Read every review file in `directory` (or one file) into the store, into `scope`
    when given. All files are read and checked before anything is written: one bad file
    changes nothing."""
    paths = sorted(directory.glob("*" + SUFFIX)) if directory.is_dir() else [directory]
    if not paths:
        raise ReviewFileError(f"{directory}: no {SUFFIX} files to import")
    incoming = [entry if scope is None else entry.model_copy(update={"scope": scope})
                for path in paths for entry in read_file(path)]
    counts = ImportCounts()
    for entry in incoming:
        try:
            current = store.get(entry.scope, entry.key)
        except CorruptEntry:
            current = None  # a damaged row is replaced by the reviewed one
        if current is not None and _same_element(current, entry):
            counts.unchanged += 1
            continue
        if current is not None and current.fingerprint is not None \
                and entry.fingerprint is not None:
            record = current.healed(entry.fingerprint, entry.selectors, "imported from a "
                                    "review file", entry.code, current.usage)
            record = record.model_copy(update={"data": {**current.data, **entry.data},
                                               "action": entry.action,
                                               "heals": current.heals})
        else:
            record = entry
        store.put(record)
        counts.changed += 1
    return counts
