"""`replaywright cache doctor`: find what is wrong with a cache, and rescue a damaged SQLite
file row by row.

A damaged SQLite file (truncated, garbage in its pages) is never written to. Reading it goes
through a copy whose header is made to agree with the file's real length (SQLite refuses a
file shorter than its header says, even the pages that are still there); each row is then
read on its own, so a lost page costs only the rows on it. `repair` writes every readable
row — entries, the key secret and other metadata, organisations and tokens — into a new
file and keeps the damaged one beside it, renamed.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from replaywright.cache.entry import CacheEntry
from replaywright.cache.sqlite import SQLiteStore
from replaywright.cache.store import CorruptEntry, Store

#: Tables copied by a repair, with their columns, in an order that satisfies references.
TABLES = {
    "entries": "org, scope, key, flow, step, body, version, last_used_at, hits",
    "meta": "org, name, value",
    "orgs": "name, created_at",
    "tokens": "id, org, hash, label, created_at, revoked_at",
}


class RescuedCopy(SQLiteStore):
    """A damaged cache file, read (never written) through a repaired copy of its header."""

    def __init__(self, damaged: Path) -> None:
        self.damaged = damaged
        self._tmp = Path(tempfile.mkdtemp(prefix="replaywright-rescue-"))
        copy = self._tmp / damaged.name
        shutil.copyfile(damaged, copy)
        wal = damaged.with_name(damaged.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        _fit_header(copy)
        super().__init__(copy, read_only=True)
        self.label = damaged

    def _close(self) -> None:
        super()._close()
        shutil.rmtree(self._tmp, ignore_errors=True)


def _fit_header(path: Path) -> None:
    """Make the page count in the SQLite header agree with the file's length."""
    with path.open("r+b") as f:
        header = bytearray(f.read(100))
        if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
            return
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = path.stat().st_size // page_size
        if int.from_bytes(header[28:32], "big") > pages:
            f.seek(28)
            f.write(pages.to_bytes(4, "big"))


@dataclass
class Diagnosis:
    """What `cache doctor` found."""

    readable: int = 0
    corrupt: list[str] = field(default_factory=list)  # one line per bad row
    damage: str | None = None  # the file itself (SQLite only)

    @property
    def healthy(self) -> bool:
        return not self.corrupt and self.damage is None


def diagnose(store: Store) -> Diagnosis:
    """Read every entry; note each that cannot be decoded, and damage to the file."""
    found = Diagnosis()
    problems: list[CorruptEntry] = []
    for _ in store.entries(on_corrupt=problems.append):
        found.readable += 1
    found.corrupt = [str(p) for p in problems]
    if isinstance(store, SQLiteStore):
        found.damage = store.damage()
    return found


@dataclass
class Repair:
    rescued: int
    left_behind: list[str]
    kept_as: Path


def repair(path: Path) -> Repair:
    """Rescue every readable row of the SQLite cache at `path` into a new file there; the
    damaged file is kept as `<name>.damaged-<time>` (nothing stored is thrown away)."""
    source = RescuedCopy(path)
    fresh_path = path.with_name(path.name + ".rescued")
    fresh_path.unlink(missing_ok=True)
    fresh = SQLiteStore(fresh_path)
    rescued, left_behind = 0, []
    try:
        with source._lock:
            tables = {r[0] for r in source._db.execute(
                "SELECT name FROM sqlite_master WHERE type='table'").fetchall()}
        for table, columns in TABLES.items():
            if table not in tables:
                continue
            rows = source.readable_rows(table, columns)
            marks = ",".join("?" * len(columns.split(",")))
            with fresh._tx() as cur:
                for row in rows:
                    if table == "entries":
                        try:
                            CacheEntry.model_validate_json(row[5])
                        except (ValidationError, ValueError) as exc:
                            left_behind.append(f"entry {row[2]!r} in scope {row[1]!r}: "
                                               f"{str(exc).splitlines()[0]}")
                            continue
                        rescued += 1
                    cur.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})"
                                " ON CONFLICT DO NOTHING", row)
    finally:
        source.close()
        fresh.close()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept_as = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        old = path.with_name(path.name + suffix)
        if old.exists():
            old.rename(kept_as.with_name(kept_as.name + suffix))
    fresh_path.rename(path)
    for suffix in ("-wal", "-shm"):
        fresh_path.with_name(fresh_path.name + suffix).unlink(missing_ok=True)
    return Repair(rescued, left_behind, kept_as)
