"""Killing a process in the middle of cache writes leaves the database readable, with every
entry written before intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from replaywright.cache.entry import CacheEntry
from replaywright.cache.sqlite import SQLiteStore

WRITER = """
import sys
from replaywright.cache.entry import CacheEntry
from replaywright.cache.sqlite import SQLiteStore
store = SQLiteStore(sys.argv[1])
big = "x" * 20000  # large rows make each write take a while
i = 0
while True:
    store.put(CacheEntry(key=f"k{i}", step=f"step {i}", code=big))
    print(i, flush=True)
    i += 1
"""


def test_kill_mid_write_keeps_earlier_entries(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    store = SQLiteStore(db)
    before = store.put(CacheEntry(key="before", step="written before the crash"))
    store.close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    acknowledged = -1
    deadline = time.monotonic() + 20
    assert proc.stdout is not None
    while acknowledged < 200 and time.monotonic() < deadline:
        acknowledged = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)  # mid-write, no cleanup of any kind
    proc.wait()
    assert acknowledged >= 200

    reopened = SQLiteStore(db)
    entries = {e.key: e for e in reopened.entries()}  # every row decodes
    assert entries["before"].step == before.step
    for i in range(acknowledged + 1):  # every acknowledged write survived
        assert entries[f"k{i}"].step == f"step {i}"
    assert reopened.get("default", "before") is not None
