"""`replaywright bench workers` on a small scale (`make bench` runs the full one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


@pytest.mark.browser
def test_bench_workers_reports_the_promised_json(redis_url: str) -> None:
    done = subprocess.run([sys.executable, "-m", "replaywright.cli", "bench", "workers",
                           "--workers", "1", "--runs", "2", "--json"],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "REPLAYWRIGHT_BROKER": redis_url})
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["lost"] == 0 and report["duplicated"] == 0
    [row] = report["rows"]
    assert set(row) == {"workers", "runs", "runs_per_min", "queue_p50_ms", "queue_p95_ms"}
    assert row["workers"] == 1 and row["runs"] == 2
    assert row["runs_per_min"] > 0 and 0 <= row["queue_p50_ms"] <= row["queue_p95_ms"]
    assert report["cpu_s_per_run"] > 0
    assert "cache built: 17 resolver calls" in done.stderr
