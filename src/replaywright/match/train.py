"""Fit the matcher's weights and confidence calibration across sites; leave-one-site-out CV.

    python -m replaywright.match.train /work/shared/datasets/element-relocation [--write]

Scoring is linear in the per-signal similarities (`features.FEATURES`); weights are fitted
with a listwise softmax loss (the truth should out-score every other candidate of its page)
pooled over all sites, with an L2 prior towards zero. Confidence is a logistic model on the
winner's (log) margin over the runner-up and its score relative to the target's self score,
fitted on out-of-fold (leave-one-site-out) rankings so that it reflects unseen sites. ``--write`` regenerates
`weights.py`. No per-site weights: every site contributes to one global fit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from replaywright.match.features import FEATURES, FIDX, PageIndex, features
from replaywright.match.matcher import confidence_inputs, confidence_of, identity_of, is_replica, opposition
from replaywright.model import Fingerprint

#: Features not present in the dataset get fixed priors (see weights.py); only these are fitted.
DATASET_FEATURES = tuple(FEATURES[: FIDX["role_eq"]])

#: The fit sees, per target, the truth and the PRUNE candidates with the highest unweighted
#: feature sum (the rest are far from the decision boundary and only cost time). Evaluation
#: always ranks the full candidate list.
PRUNE = 60


def load(directory: str | Path) -> list[dict]:
    """[{site, X: [(n, F) per target], y: [truth per target]}] for every dataset file."""
    out = []
    for path in sorted(Path(directory).glob("*.json")):
        data = json.loads(path.read_text())
        cands = [Fingerprint(**e) for e in data["candidates"]]
        page = PageIndex(cands)
        xs, ys, selfs = [], [], []
        for t in data["targets"]:
            target = Fingerprint(**t["element"])
            xs.append(features(target, page))
            selfs.append(self_features(target))
            ys.append(int(t["truth"]))
        out.append({"site": data.get("site", path.stem), "X": xs, "y": ys, "S": selfs})
    return out


def _prune(X: np.ndarray, y: int, k: int = PRUNE) -> tuple[np.ndarray, int]:
    sc = X[:, : len(DATASET_FEATURES)].sum(1)
    if len(sc) <= k:
        return X, y
    idx = np.argpartition(-sc, k)[:k]
    if y not in idx:
        idx = np.r_[idx, y]
    return X[idx], int(np.flatnonzero(idx == y)[0])


def _flatten(sites: list[dict]) -> tuple[list[np.ndarray], list[int]]:
    xs, ys = [], []
    for s in sites:
        for X, y in zip(s["X"], s["y"], strict=True):
            px, py = _prune(X, y)
            xs.append(px)
            ys.append(py)
    return xs, ys


def fit(xs: list[np.ndarray], ys: list[int], l2: float = 0.02, iters: int = 600) -> np.ndarray:
    """Listwise softmax fit (Adam), returns weights over `DATASET_FEATURES`."""
    k = len(DATASET_FEATURES)
    X = np.concatenate([x[:, :k] for x in xs])
    offs = np.cumsum([0] + [len(x) for x in xs])
    seg = np.repeat(np.arange(len(xs)), [len(x) for x in xs])
    truth = np.array([o + y for o, y in zip(offs[:-1], ys, strict=True)])
    m = len(xs)
    w = np.ones(k) * 0.5
    mom = np.zeros(k)
    vel = np.zeros(k)
    lr = 0.05
    for it in range(1, iters + 1):
        s = X @ w
        mx = np.full(m, -np.inf)
        np.maximum.at(mx, seg, s)
        e = np.exp(s - mx[seg])
        z = np.bincount(seg, e, m)
        p = e / z[seg]
        p[truth] -= 1.0
        g = (X.T @ p) / m + l2 * w
        mom = 0.9 * mom + 0.1 * g
        vel = 0.999 * vel + 0.001 * g * g
        w -= lr * (mom / (1 - 0.9**it)) / (np.sqrt(vel / (1 - 0.999**it)) + 1e-8)
    return w


def rank_stats(w: np.ndarray, X: np.ndarray, y: int, S: np.ndarray) -> dict:
    """Top-1 correctness and the confidence inputs of one ranking (see `matcher.match`)."""
    k = len(w)
    s = X[:, :k] @ w
    order = np.argsort(-s, kind="stable")
    best = int(order[0])
    own = max(float(S[:k] @ w), 1e-6)
    if len(s) > 1:
        r = int(order[1])
        wf = np.zeros(X.shape[1])
        wf[:k] = w
        margin, rratio, opp = float(s[best] - s[r]), float(s[r]) / own, opposition(X[best], X[r], wf)
    else:
        margin, rratio, opp = 10.0, 0.0, 0.0
    return {
        "ok": best == y,
        "margin": margin,
        "ratio": float(s[best]) / own,
        "rratio": rratio,
        "opp": opp,
        "ident": identity_of(S, X[best]),
        "replica": is_replica(S, X[best]),
    }


def _conf_args(r: dict) -> tuple[float, float, float, float, float]:
    return r["margin"], r["ratio"], r["rratio"], r["opp"], r["ident"]


def self_features(target: Fingerprint) -> np.ndarray:
    """Features of the target against itself: the most any candidate could score."""
    return features(target, PageIndex([target]))[0]


def fit_logistic(F: np.ndarray, t: np.ndarray, l2: float = 0.01, iters: int = 3000) -> np.ndarray:
    c = np.zeros(F.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(F @ c)))
        g = F.T @ (p - t) / len(t) + l2 * np.r_[0, c[1:]]
        c -= 0.5 * g
    return c


def loso(sites: list[dict], **kw: Any) -> tuple[list[dict], np.ndarray]:
    """Out-of-fold rank stats of every target, each fold fitted without its site."""
    rows = []
    for i, s in enumerate(sites):
        xs, ys = _flatten(sites[:i] + sites[i + 1 :])
        w = fit(xs, ys, **kw)
        for i_t, (X, y, S) in enumerate(zip(s["X"], s["y"], s["S"], strict=True)):
            rows.append({"site": s["site"], "target": i_t, **rank_stats(w, X, y, S)})
    F = np.array([confidence_inputs(*_conf_args(r)) for r in rows])
    t = np.array([r["ok"] for r in rows], float)
    return rows, fit_logistic(F, t)


def summarize(rows: list[dict], conf: np.ndarray, threshold: float) -> dict:
    n = len(rows)
    c = w = a = top1 = 0
    for r in rows:
        p = confidence_of(*_conf_args(r), conf, replica=r["replica"])
        top1 += r["ok"]
        if p >= threshold:
            c += r["ok"]
            w += not r["ok"]
        else:
            a += 1
    return {"total": n, "top1": top1, "correct": c, "wrong": w, "abstained": a}


def main(argv: list[str]) -> None:
    directory = argv[0]
    sites = load(directory)
    xs, ys = _flatten(sites)
    rows, conf = loso(sites)
    print("LOSO top-1:", sum(r["ok"] for r in rows), "/", len(rows))
    for th in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95):
        print(th, summarize(rows, conf, th))
    for r in rows:
        if not r["ok"]:
            p = confidence_of(*_conf_args(r), conf, replica=r["replica"])
            print("  miss", r["site"], r["target"], f"confidence {p:.3f}")
    w = fit(xs, ys)
    n_ok = sum(
        rank_stats(w, X, y, S)["ok"] for s in sites for X, y, S in zip(s["X"], s["y"], s["S"], strict=True)
    )
    print("in-sample top-1:", n_ok)
    for name, v in zip(DATASET_FEATURES, w, strict=True):
        print(f"  {name:16s} {v:+.3f}")
    print("conf", conf)
    if "--write" in argv:
        _write(w, conf)


def _write(w: np.ndarray, conf: np.ndarray) -> None:
    path = Path(__file__).with_name("weights.py")
    lines = [
        '"""Fitted weights. Generated by `python -m replaywright.match.train DIR --write`.',
        "",
        "Dataset-signal weights come from one listwise fit pooled over all development sites;",
        "live-page-only signals (role, accessible name, colours, …) have hand-set priors in",
        "`LIVE_PRIORS` because the dataset does not record them.",
        '"""',
        "",
        "FITTED: dict[str, float] = {",
        *[f'    "{k}": {v:.4f},' for k, v in zip(DATASET_FEATURES, w, strict=True)],
        "}",
        "",
        "#: logistic calibration over `matcher.confidence_inputs`:",
        "#: (1, log(margin + 0.05), winner / self, runner-up / self, opposition, identity)",
        "CONFIDENCE: tuple[float, ...] = (" + ", ".join(f"{c:.4f}" for c in conf) + ")",
        "",
    ]
    old = path.read_text() if path.exists() else ""
    marker = "# --- hand-set priors below ---"
    tail = old[old.index(marker) :] if marker in old else marker + "\n"
    path.write_text("\n".join(lines) + "\n" + tail)


if __name__ == "__main__":
    main(sys.argv[1:])
