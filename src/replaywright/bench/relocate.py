"""Element-relocation benchmark: the project's matcher against a reference Similo.

For every dataset file (one site: an old-page target list and a new-page candidate list with
ground truth), every target is relocated with `Matcher.match` (the replay code path, fed
Fingerprints built 1:1 from the dataset fields) and with `similo.Similo`.

* ``correct``: top-1 is the truth and the method is confident (Similo always is);
* ``wrong``: confident on another element (a silent wrong click on replay);
* ``abstained``: not confident, the step would heal through the resolver;
* ``top1``: the best-scored candidate is the truth, whatever the confidence.

Timings are per target and include the per-page precomputation in the first target of a page.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from replaywright.bench.similo import Similo
from replaywright.match import Matcher
from replaywright.model import Fingerprint

KEYS = ("total", "correct", "wrong", "abstained", "top1", "ms_median", "ms_p95")


def _p95(values: list[float]) -> float:
    if not values:
        return 0.0
    v = sorted(values)
    return v[min(len(v) - 1, round(0.95 * (len(v) - 1)))]


def _counts(rows: list[dict]) -> dict:
    return {
        "total": len(rows),
        "correct": sum(r["top1"] and r["confident"] for r in rows),
        "wrong": sum((not r["top1"]) and r["confident"] for r in rows),
        "abstained": sum(not r["confident"] for r in rows),
        "top1": sum(r["top1"] for r in rows),
    }


def _summary(rows: list[dict]) -> dict:
    ms = [r["ms"] for r in rows]
    return {
        **_counts(rows),
        "ms_median": round(statistics.median(ms), 3) if ms else 0.0,
        "ms_p95": round(_p95(ms), 3),
    }


def run_file(path: str | Path, matcher: Matcher | None = None) -> tuple[str, list[dict], list[dict]]:
    """(site, matcher rows, similo rows) for one dataset file."""
    data = json.loads(Path(path).read_text())
    site = data.get("site") or Path(path).stem
    candidates = [Fingerprint(**e) for e in data["candidates"]]
    matcher = matcher or Matcher()
    matcher_fresh = Matcher(matcher.threshold)  # fresh page cache per file
    similo = Similo()
    mrows, srows = [], []
    for t in data["targets"]:
        target = Fingerprint(**t["element"])
        truth = int(t["truth"])
        t0 = time.perf_counter()
        res = matcher_fresh.match(target, candidates)
        t1 = time.perf_counter()
        best, _ = similo.match(target, candidates)
        t2 = time.perf_counter()
        mrows.append({"top1": res.index == truth, "confident": res.confident, "ms": (t1 - t0) * 1e3})
        srows.append({"top1": best == truth, "confident": True, "ms": (t2 - t1) * 1e3})
    return site, mrows, srows


def run(directory: str | Path, threshold: float | None = None) -> dict:
    """Score every ``*.json`` file of `directory`; returns the ``--json`` report."""
    files = sorted(Path(directory).glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no *.json dataset files in {directory}")
    matcher = Matcher() if threshold is None else Matcher(threshold)
    all_m: list[dict] = []
    all_s: list[dict] = []
    sites = []
    for f in files:
        site, mrows, srows = run_file(f, matcher)
        all_m += mrows
        all_s += srows
        sites.append({"site": site, "matcher": _summary(mrows), "similo": _summary(srows)})
    return {"matcher": _summary(all_m), "similo": _summary(all_s), "sites": sites}


def _pct(a: int, n: int) -> str:
    return f"{100.0 * a / n:5.1f}%" if n else "  n/a"


def format_table(report: dict) -> str:
    """Human-readable table, one row per site and a total row, both methods side by side."""
    head = (
        f"{'site':14s} {'n':>4s} | {'correct':>7s} {'wrong':>5s} {'abst':>4s} {'top1':>4s} "
        f"{'med ms':>6s} {'p95 ms':>6s} | {'similo':>6s} {'s.ms med':>8s} {'s.ms p95':>8s}"
    )
    lines = [
        "matcher (correct = top-1 right and confident; wrong = confident but wrong)  |  "
        "Similo (never abstains: correct = top-1)",
        head,
        "-" * len(head),
    ]

    def row(name: str, m: dict, s: dict) -> str:
        return (
            f"{name:14s} {m['total']:4d} | {m['correct']:7d} {m['wrong']:5d} {m['abstained']:4d} "
            f"{m['top1']:4d} {m['ms_median']:6.2f} {m['ms_p95']:6.2f} | {s['top1']:6d} "
            f"{s['ms_median']:8.2f} {s['ms_p95']:8.2f}"
        )

    for s in report["sites"]:
        lines.append(row(s["site"], s["matcher"], s["similo"]))
    lines.append("-" * len(head))
    m, s = report["matcher"], report["similo"]
    lines.append(row("TOTAL", m, s))
    n = m["total"]
    lines.append(
        f"matcher: top-1 {_pct(m['top1'], n)}, correct {_pct(m['correct'], n)}, "
        f"wrong {_pct(m['wrong'], n)}, abstained {_pct(m['abstained'], n)}   "
        f"similo: top-1 {_pct(s['top1'], n)}"
    )
    return "\n".join(lines)


def loso(directory: str | Path, threshold: float | None = None) -> dict:
    """Leave-one-site-out figures: each site ranked with weights fitted without it, confidence
    calibrated on those out-of-fold rankings (`replaywright.match.train`). Same keys as `run`
    (no timings); the honest estimate for sites the weights never saw."""
    from replaywright.match import train
    from replaywright.match.matcher import DEFAULT_THRESHOLD, confidence_of

    th = DEFAULT_THRESHOLD if threshold is None else threshold
    sites = train.load(directory)
    rows, conf = train.loso(sites)
    for r in rows:
        r["confident"] = confidence_of(*train._conf_args(r), conf, replica=r["replica"]) >= th
        r["top1"] = r["ok"]

    names = [s["site"] for s in sites]
    return {
        "threshold": th,
        "matcher": _counts(rows),
        "sites": [{"site": n, "matcher": _counts([r for r in rows if r["site"] == n])} for n in names],
    }


def format_loso(report: dict) -> str:
    head = f"{'site':14s} {'n':>4s} | {'correct':>7s} {'wrong':>5s} {'abst':>4s} {'top1':>4s}"
    lines = [f"leave-one-site-out (threshold {report['threshold']})", head, "-" * len(head)]

    def row(name: str, m: dict) -> str:
        counts = f"{m['correct']:7d} {m['wrong']:5d} {m['abstained']:4d} {m['top1']:4d}"
        return f"{name:14s} {m['total']:4d} | {counts}"

    lines += [row(s["site"], s["matcher"]) for s in report["sites"]]
    lines.append("-" * len(head))
    m = report["matcher"]
    lines.append(row("TOTAL", m))
    n = m["total"]
    lines.append(
        f"LOSO: top-1 {_pct(m['top1'], n)}, correct {_pct(m['correct'], n)}, wrong {_pct(m['wrong'], n)}, "
        f"abstained {_pct(m['abstained'], n)}"
    )
    return "\n".join(lines)
