"""`replaywright bench replay`: a cached replay of the demo journey against the same
journey written by hand in Playwright (`bench/hand_checkout.py`), as whole processes —
browser start, imports and all — in alternating pairs, so the machine's drift hits both."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from replaywright.browser.launch import DEFAULT_ARGS, default_executable
from replaywright.demo.server import demo_flow_path, serve_demo


def _timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.monotonic()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{' '.join(argv[:4])} failed:\n  " + "\n  ".join(tail))
    return seconds


def run_pairs(pairs: int = 9, echo: Any = print) -> dict[str, Any]:
    """Median ratios over `pairs` alternating pairs: replay / hand-written, and first run
    (an empty cache each time) / replay."""
    exe = [sys.executable, "-m", "replaywright.cli"]
    env = {**os.environ, "CI": "true", "PYTHONUNBUFFERED": "1"}
    with tempfile.TemporaryDirectory(prefix="rw-bench-replay-") as tmp, serve_demo() as base:
        site = f"{base}/v1/"
        flow = str(demo_flow_path())
        warm = str(Path(tmp) / "warm.db")
        run = [*exe, "run", flow, "--base-url", site, "--scripts", str(Path(tmp) / "scripts")]
        hand = [sys.executable, "-m", "replaywright.bench.hand_checkout", site,
                default_executable() or "chromium", *DEFAULT_ARGS]
        _timed([*run, "--cache", warm], env)  # record once: every replay reads this cache
        rows = []
        for number in range(1, pairs + 1):
            fresh = str(Path(tmp) / f"fresh-{number}.db")
            replay_s = _timed([*run, "--cache", warm], env)
            hand_s = _timed(hand, env)
            first_s = _timed([*run, "--cache", fresh], env)
            rows.append({"replay_s": round(replay_s, 3), "hand_s": round(hand_s, 3),
                         "first_s": round(first_s, 3)})
            echo(f"pair {number}: replay {replay_s:.2f} s, hand-written {hand_s:.2f} s, "
                 f"first run {first_s:.2f} s", err=True)
    return {
        "replay_vs_hand": round(statistics.median(r["replay_s"] / r["hand_s"] for r in rows), 3),
        "first_vs_replay": round(statistics.median(r["first_s"] / r["replay_s"] for r in rows),
                                 3),
        "pairs": len(rows),
        "median_s": {k: round(statistics.median(r[k] for r in rows), 3)
                     for k in ("replay_s", "hand_s", "first_s")},
        "rows": rows,
    }


def format_report(report: dict[str, Any]) -> str:
    m = report["median_s"]
    return (f"{report['pairs']} pairs, whole processes, medians:\n"
            f"  cached replay   {m['replay_s']:.2f} s\n"
            f"  hand-written    {m['hand_s']:.2f} s\n"
            f"  first run       {m['first_s']:.2f} s\n"
            f"replay / hand-written: {report['replay_vs_hand']:.2f}x   "
            f"first run / replay: {report['first_vs_replay']:.2f}x")
