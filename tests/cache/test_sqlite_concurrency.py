"""Processes that open one new cache file at the same moment (a worker and `submit`, two
pytest-xdist workers) all get it: none is told "database is locked"."""

from __future__ import annotations

import threading
from pathlib import Path

from replaywright.cache.sqlite import SQLiteStore


def test_many_openers_of_one_new_cache_file_all_succeed(tmp_path: Path) -> None:
    errors: list[str] = []

    def open_and_write(path: Path) -> None:
        try:
            SQLiteStore(path).close()
        except Exception as exc:  # the failure under test, whatever its class
            errors.append(str(exc))

    for round_ in range(40):
        path = tmp_path / f"cache-{round_}.db"
        openers = [threading.Thread(target=open_and_write, args=(path,)) for _ in range(8)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join()
    assert errors == []
