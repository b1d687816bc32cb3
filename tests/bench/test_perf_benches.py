"""`bench scale` and `bench replay` on a small scale (`make bench` runs the full ones): the
JSON the issue promises, and steps that really resolved, replayed and healed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _bench(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "replaywright.cli", "bench", *args, "--json"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.browser
def test_bench_scale_resolves_replays_and_heals_on_a_generated_table() -> None:
    [row] = _bench("scale", "--sizes", "1000")["rows"]
    # the redesigned page (a row on top, the Edit button now a ✎ icon): relocated by its
    # fingerprint ("cached") or healed from the description, never failed
    assert row["statuses"][:2] == ["resolved", "cached"]
    assert row["statuses"][2] in {"cached", "healed"}
    assert row["elements"] >= 1000
    assert row["snapshot_bytes"] > 0 and row["snapshot_ms"] > 0
    assert min(row["replay_s"], row["resolve_s"], row["heal_s"]) > 0


@pytest.mark.browser
def test_bench_replay_times_replay_hand_written_and_first_run_in_pairs() -> None:
    report = _bench("replay", "--pairs", "1")
    assert report["pairs"] == 1
    [row] = report["rows"]
    assert row["replay_s"] > 0 and row["hand_s"] > 0 and row["first_s"] > 0
    assert report["replay_vs_hand"] == pytest.approx(row["replay_s"] / row["hand_s"], abs=0.01)
