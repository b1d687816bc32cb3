"""The matcher: which element of the live page is the element a cached step touched before.

Scoring
    Every candidate gets ``score = Σ weight_i · similarity_i`` over the per-signal
    similarities of `features.features` (text, href, classes, xpath structure, relative
    position, neighbour text weighted by rarity, …). Weights are fitted across sites with a
    listwise loss (`train.py`) and scaled by cues in the step's description (`describe.py`).

Confidence
    ``confidence = (1 - exp(-margin / TIE_MARGIN)) · sigmoid(c · (1, log(margin + 0.05), ratio,
    runner_ratio, opposition, identity))``: the winner's lead over the runner-up, the winner's
    and the runner-up's score over the target's score against itself, how strongly the evidence
    families that prefer the runner-up disagree (`opposition`), and whether the winner keeps one
    of the target's names (`identity_of`). ``c`` is fitted on *leave-one-site-out* rankings, so
    it describes how often the winner is right on a site whose data the weights never saw.
    Near ties are never confident. Three hand-set safety rules sit on top (the dataset has no
    live-page fields to fit them on): a nameless look-alike that keeps under half of the
    target's evidence is capped at 0.5 (never act on a neighbour because of its place); a
    winner that another top-5 candidate beats clearly on the recorded directional neighbours is
    capped at 0.5 (a re-sorted row's button); and a winner that reproduces every recorded
    signal, clear of the runner-up, gets at least 0.97 (an unchanged page is acted on).

Default threshold: 0.915
    Chosen on the out-of-fold rankings of the 19 development sites (304 targets). A wrong click
    is far costlier than a heal. The seventh most confident wrong answer scores 0.903 in the
    LOSO rankings and 0.904 in-sample (Walmart 4, a label-noise target), so a threshold above
    0.904 keeps wrong at 6 (2.0 %); 0.915 leaves a cushion of about 0.01 for sites the weights
    never saw. At 0.915: LOSO 263 correct / 6 wrong / 35 heals, dev set (in-sample) 274 / 6 /
    24. 0.9 gives 269 / 7 (LOSO) and 277 / 8 (dev), 0.92 gives 258 / 6 and 268 / 6, 0.95 gives
    224 / 6 and 233 / 6. Every remaining confident error is a label-noise target (Wikipedia
    language boxes whose ground truth is another language two slots away; a CNN "Search"
    button whose ground truth is an unrelated "Edition" label): see README.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from replaywright.match import normalize as nz
from replaywright.match.describe import weights_for
from replaywright.match.features import CONF_GROUPS, FEATURES, FIDX, PageIndex, features
from replaywright.match.weights import CONFIDENCE
from replaywright.model import Fingerprint

DEFAULT_THRESHOLD: float = 0.915

RANKING_SIZE = 5

_GROUP_IDX = [np.array([FIDX[f] for f in names]) for names in CONF_GROUPS.values()]


@dataclass
class MatchResult:
    index: int | None
    score: float
    confidence: float
    confident: bool
    runner_up: int | None = None
    ranking: list[tuple[int, float]] = field(default_factory=list)


#: Margins below this (in score units, where one fully agreeing strong signal is worth about
#: 1.0) count as a near tie: confidence is scaled by ``1 - exp(-margin / TIE_MARGIN)``, so two
#: indistinguishable candidates can never be acted on, whatever else the calibration says.
TIE_MARGIN = 0.15


def confidence_inputs(
    margin: float, ratio: float, runner_ratio: float, opposition: float, identity: float
) -> np.ndarray:
    """Inputs of the confidence model.

    ``(1, log(margin + 0.05), ratio, runner_ratio, opposition, identity)``: the winner's lead
    over the runner-up; the winner's and the runner-up's scores over the target's score against
    itself (how much of the recorded element survived in each); how strongly the families of
    evidence that prefer the runner-up disagree with the verdict (`opposition`); and how well
    the winner keeps the target's naming (`identity`, see `identity_of`).
    """
    return np.array([1.0, math.log(max(margin, 0.0) + 0.05), ratio, runner_ratio, opposition, identity])


#: Signals that name an element (what a person would read or a test would select it by):
#: word-level ones count as they are; character-level ones only when nearly equal (≥ 0.8),
#: because short different names share letters ("Sign in" / "Pricing" is 0.43).
IDENTITY_WORDS = ("text_idf", "text_words_eq", "href_sim", "href_query", "name_eq", "test_id_eq")
IDENTITY_CHARS = ("label_cross", "acc_name_sim", "alt_sim", "id_sim")
_IDENTITY_IDX = np.array([FIDX[f] for f in IDENTITY_WORDS + IDENTITY_CHARS])
_IDENTITY_CHAR = np.arange(len(_IDENTITY_IDX)) >= len(IDENTITY_WORDS)


def identity_of(target_self: np.ndarray, winner: np.ndarray) -> float:
    """Best agreement of the winner on a naming signal the target has (1.0 if it has none)."""
    has = target_self[_IDENTITY_IDX] > 0
    if not has.any():
        return 1.0
    v = winner[_IDENTITY_IDX]
    v = np.where(_IDENTITY_CHAR & (v < 0.8), 0.0, v)
    return float(v[has].max())


def opposition(best: np.ndarray, runner: np.ndarray, w: np.ndarray) -> float:
    """Σ over evidence families (`features.CONF_GROUPS`) of how much each one prefers the
    runner-up: 0 when every family agrees with the winner (or is indifferent)."""
    d = (best - runner) * w
    return float(sum(max(0.0, -float(d[idx].sum())) for idx in _GROUP_IDX))


#: Safety rule (hand-set, not fitted): a winner that shares none of the target's names
#: (identity below NAMELESS_IDENTITY) and keeps less than NAMELESS_RATIO of the target's
#: self score is a look-alike by place and shape only; its confidence is capped below any
#: sensible threshold. On the development set no correct answer above 0.9 is in that corner.
NAMELESS_IDENTITY = 0.4
NAMELESS_RATIO = 0.5
NAMELESS_CAP = 0.5

#: Safety rule the other way (hand-set): a winner that reproduces the recorded element signal
#: for signal (`is_replica`) while the runner-up is at least REPLICA_GAP of the target's self
#: score behind is the unchanged element on an unchanged page region: it gets at least
#: REPLICA_FLOOR. Two exact replicas never qualify (the gap rule). On the development set all
#: 15 rankings whose winner reaches ≥ 0.97 of the self score are right.
REPLICA_GAP = 0.03
REPLICA_FLOOR = 0.97
#: Safety rule (hand-set; the dataset has no directional neighbours to fit it on): when the
#: target was recorded with its directional neighbours (the row text beside a "Delete" button)
#: and another candidate of the top ranking keeps them clearly better than the winner
#: (by NEIGHBOUR_GAP of similarity), the winner is where the element was, not what it was next
#: to: its confidence is capped at NEIGHBOUR_CAP (rows re-sorted, the old slot's button now
#: deletes another row).
NEIGHBOUR_GAP = 0.15
NEIGHBOUR_CAP = 0.5
_NEIGHBOURS = FIDX["neighbors_dir"]

#: Page-relative signals (rarity on the page) that differ for the same element between a page
#: of one and a page with look-alikes; ignored when testing for a replica.
_PAGE_RELATIVE = np.array([FIDX["text_eq_rare"], FIDX["href_eq_rare"]])


def is_replica(target_self: np.ndarray, x: np.ndarray) -> bool:
    """Does candidate row `x` agree with the target on every signal the target has?"""
    has = target_self > 0
    has[_PAGE_RELATIVE] = False
    return bool(has.any() and np.all(x[has] >= target_self[has] - 1e-6))


def confidence_of(
    margin: float,
    ratio: float,
    runner_ratio: float,
    opp: float,
    identity: float = 1.0,
    coefs: npt.ArrayLike = CONFIDENCE,
    replica: bool = False,
) -> float:
    """Calibrated probability that the winner is the recorded element (`replica`: the winner
    reproduces every recorded signal, see `is_replica`)."""
    z = float(confidence_inputs(margin, ratio, runner_ratio, opp, identity) @ np.asarray(coefs))
    tie = 1.0 - math.exp(-max(margin, 0.0) / TIE_MARGIN)
    p = tie / (1.0 + math.exp(-z))
    if identity < NAMELESS_IDENTITY and ratio < NAMELESS_RATIO:
        p = min(p, NAMELESS_CAP)
    if replica and ratio - runner_ratio >= REPLICA_GAP:
        p = max(p, REPLICA_FLOOR)
    return p


def _vector(description: str) -> np.ndarray:
    w = weights_for(description)
    return np.array([w[name] for name in FEATURES])


class Matcher:
    """Relocates a recorded element among the candidates of a live page, or says it is unsure."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD):
        self.threshold = threshold
        self._page: PageIndex | None = None
        self._page_src: Sequence[Fingerprint] | None = None
        self._own: tuple[Fingerprint, np.ndarray] | None = None

    def _self_features(self, target: Fingerprint) -> np.ndarray:
        """The target's features against itself (its best possible score), cached for the last
        target: a replay polls the same step's target until the element renders."""
        if self._own is None or self._own[0] is not target:
            self._own = (target, features(target, PageIndex([target]))[0])
        return self._own[1]

    def index(self, candidates: Sequence[Fingerprint]) -> PageIndex:
        """Per-page precomputation, reused while the same candidate list is passed."""
        if self._page is None or self._page_src is not candidates or self._page.n != len(candidates):
            self._page = PageIndex(candidates)
            self._page_src = candidates
        return self._page

    def scores(
        self, target: Fingerprint, candidates: Sequence[Fingerprint], description: str = ""
    ) -> np.ndarray:
        page = self.index(candidates)
        return features(target, page) @ _vector(description)

    def match(
        self, target: Fingerprint, candidates: Sequence[Fingerprint], description: str = ""
    ) -> MatchResult:
        if not candidates:
            return MatchResult(None, 0.0, 0.0, False, None, [])
        page = self.index(candidates)
        w = _vector(description)
        X = features(target, page)
        s = X @ w
        k = min(RANKING_SIZE, len(s))
        top = np.argpartition(-s, k - 1)[:k] if len(s) > k else np.arange(len(s))
        top = top[np.argsort(-s[top], kind="stable")]
        best = int(top[0])
        runner = int(top[1]) if len(top) > 1 else None
        own_x = self._self_features(target)
        own = max(float(own_x @ w), 1e-6)
        if runner is not None:
            margin = float(s[best] - s[runner])
            rratio = float(s[runner]) / own
            opp = opposition(X[best], X[runner], w)
        else:
            margin, rratio, opp = 10.0, 0.0, 0.0
        conf = confidence_of(
            margin, float(s[best]) / own, rratio, opp, identity_of(own_x, X[best]),
            replica=is_replica(own_x, X[best]),
        )
        nb = X[top, _NEIGHBOURS]
        if own_x[_NEIGHBOURS] > 0 and float(nb.max() - X[best, _NEIGHBOURS]) >= NEIGHBOUR_GAP:
            conf = min(conf, NEIGHBOUR_CAP)
        return MatchResult(
            index=best,
            score=float(s[best]),
            confidence=conf,
            confident=conf >= self.threshold,
            runner_up=runner,
            ranking=[(int(i), float(s[i])) for i in top],
        )

    def verify(self, target: Fingerprint, candidate: Fingerprint, description: str = "") -> bool:
        """Is `candidate` (the one element a stored selector returned) still the recorded element?

        Strict: identity signals that both sides carry must agree (tag family, role, test id,
        input type, visible text / accessible name, link target), and the overall similarity
        must reach most of what the target scores against itself. Position and class names may
        change (layout moves, rebuilt CSS), so they are not required.
        """
        t, c = target, candidate
        if t.tag and c.tag and t.tag.lower() != c.tag.lower():
            return False
        for a, b in ((t.role, c.role), (t.test_id, c.test_id), (t.input_type, c.input_type)):
            if a and b and a.lower() != b.lower():
                return False
        if t.name and c.name and t.name != c.name:
            return False
        for a, b in ((t.text, c.text), (t.accessible_name, c.accessible_name), (t.alt, c.alt)):
            na, nb = nz.text(a), nz.text(b)
            if (na or nb) and (not na or not nb or fuzz.token_sort_ratio(na, nb) < 85):
                return False
        if t.href or c.href:
            ha, hb = nz.url(t.href)[1], nz.url(c.href)[1]
            if ha != hb and fuzz.ratio(ha, hb) < 90:
                return False
        w = _vector(description)
        own = self._self_features(t) @ w
        got = features(t, PageIndex([c]))[0] @ w
        return own > 0 and got >= 0.6 * own
