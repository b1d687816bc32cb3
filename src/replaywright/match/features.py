"""Per-signal similarities between one target and every candidate of a page, vectorised.

`PageIndex` precomputes everything about the candidates once per page (normalised strings,
token postings with page-level rarity, xpath step encodings, geometry arrays); `features`
then returns an ``(n_candidates, n_features)`` matrix of similarities in [0, 1] for one
target. Every feature is 0 when the target lacks the signal, so a signal the target does not
have never changes the ranking; live-page-only signals (role, accessible name, colours, …) are
0 on datasets that do not record them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from replaywright.match import normalize as nz
from replaywright.match.elements import (
    centre,
    href_key,
    is_control,
    is_interactive,
    label_of,
    named_button,
    tag_group,
)
from replaywright.model import Fingerprint

#: Feature names, in column order. Groups (see `GROUPS`) are what description cues scale.
FEATURES: tuple[str, ...] = (
    "tag_eq",
    "tag_compat",
    "id_eq",
    "id_sim",
    "name_eq",
    "text_eq",
    "text_eq_rare",
    "text_ratio",
    "text_tokset",
    "text_idf",
    "text_both_empty",
    "label_cross",
    "href_eq",
    "href_eq_rare",
    "href_path_eq",
    "href_sim",
    "alt_sim",
    "class_jacc",
    "xpath_lev",
    "xpath_steps",
    "xpath_tags",
    "idxpath_eq",
    "idxpath_lev",
    "is_button_eq",
    "pos_abs",
    "pos_rel",
    "pos_x",
    "area_ratio",
    "shape_ratio",
    "neigh_jacc",
    "neigh_idf",
    "attr_words",
    "context_words",
    "href_words",
    "ordinal_eq",
    "pos_coarse",
    "pos_y",
    "text_words_eq",
    "interactive_eq",
    "ordinal_first",
    "control_name_eq",
    "in_form",
    "landmark_near_eq",
    "href_query",
    # live-page signals (empty in the element-relocation dataset)
    "role_eq",
    "acc_name_sim",
    "label_sim",
    "placeholder_sim",
    "test_id_eq",
    "title_sim",
    "input_type_eq",
    "heading_sim",
    "landmark_eq",
    "neighbors_dir",
    "color_eq",
    "bg_eq",
    "phash_sim",
)
FIDX = {name: i for i, name in enumerate(FEATURES)}

GROUPS: dict[str, tuple[str, ...]] = {
    "semantic": (
        "tag_eq",
        "tag_compat",
        "text_eq",
        "text_eq_rare",
        "text_ratio",
        "text_tokset",
        "text_idf",
        "label_cross",
        "alt_sim",
        "is_button_eq",
        "role_eq",
        "acc_name_sim",
        "label_sim",
        "placeholder_sim",
        "title_sim",
        "input_type_eq",
    ),
    "position": (
        "pos_abs", "pos_rel", "pos_x", "pos_coarse", "pos_y", "neighbors_dir", "heading_sim", "landmark_eq",
    ),
    "visual": ("color_eq", "bg_eq", "phash_sim", "area_ratio", "shape_ratio"),
}

#: Independent families of evidence, for the confidence model: how strongly do the families
#: that prefer the runner-up over the winner disagree (`matcher.opposition`)?
CONF_GROUPS: dict[str, tuple[str, ...]] = {
    "text": (
        "text_eq", "text_eq_rare", "text_ratio", "text_tokset", "text_idf", "text_both_empty",
        "label_cross", "alt_sim", "text_words_eq", "acc_name_sim", "label_sim", "placeholder_sim",
        "title_sim",
    ),
    "link": ("href_eq", "href_eq_rare", "href_path_eq", "href_sim", "href_words", "href_query"),
    "attr": ("id_eq", "id_sim", "name_eq", "control_name_eq", "class_jacc", "attr_words", "test_id_eq"),
    "kind": ("tag_eq", "tag_compat", "is_button_eq", "interactive_eq", "role_eq", "input_type_eq"),
    "struct": ("xpath_lev", "xpath_steps", "xpath_tags", "idxpath_eq", "idxpath_lev", "context_words",
               "ordinal_eq", "ordinal_first", "landmark_eq", "in_form", "landmark_near_eq"),
    "pos": ("pos_abs", "pos_rel", "pos_x", "pos_coarse", "pos_y", "area_ratio", "shape_ratio"),
    "context": ("neigh_jacc", "neigh_idf", "neighbors_dir", "heading_sim"),
    "look": ("color_eq", "bg_eq", "phash_sim"),
}

class _Tokens:
    """Token sets of one field over all candidates, with an inverted index and IDF weights."""

    def __init__(self, sets: list[set[str]]):
        self.n = len(sets)
        self.size = np.array([len(s) for s in sets], float)
        post: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(sets):
            for t in s:
                post[t].append(i)
        self.post = {t: np.asarray(v, np.intp) for t, v in post.items()}
        self.max_idf = math.log(1 + self.n)
        self.idf = {t: math.log(1 + self.n / len(v)) for t, v in post.items()}
        self.wsize = np.array([sum(self.idf[t] for t in s) for s in sets], float)

    def _hits(self, query: set[str]) -> tuple[np.ndarray, np.ndarray, float]:
        """(shared tokens, their IDF weight) per candidate, and the query's total IDF weight;
        a token the page never uses weighs as the rarest."""
        inter = np.zeros(self.n)
        winter = np.zeros(self.n)
        wq = 0.0
        for t in query:
            w = self.idf.get(t, self.max_idf)
            wq += w
            p = self.post.get(t)
            if p is not None:
                inter[p] += 1.0
                winter[p] += w
        return inter, winter, wq

    def overlap(self, query: set[str]) -> tuple[np.ndarray, np.ndarray]:
        """(plain Jaccard, IDF-weighted Jaccard) of `query` with every candidate's set."""
        inter, winter, wq = self._hits(query)
        if not query:
            return inter, winter
        union = len(query) + self.size - inter
        wunion = wq + self.wsize - winter
        with np.errstate(invalid="ignore", divide="ignore"):
            j = np.where(union > 0, inter / union, 0.0)
            wj = np.where(wunion > 0, winter / wunion, 0.0)
        return j, wj

    def containment(self, query: set[str]) -> np.ndarray:
        """IDF-weighted share of `query` that every candidate's set contains."""
        _, winter, wq = self._hits(query)
        return winter / wq if wq > 0 else winter


def _encode(seqs: list[list[str]], vocab: dict[str, str]) -> list[str]:
    out = []
    for seq in seqs:
        chars = []
        for s in seq:
            if s not in vocab:
                vocab[s] = chr(0x4E00 + len(vocab))
            chars.append(vocab[s])
        out.append("".join(chars))
    return out


class PageIndex:
    """Everything about the candidates of one page that does not depend on the target."""

    def __init__(self, candidates: Sequence[Fingerprint]):
        c = list(candidates)
        self.candidates = c
        self.n = n = len(c)
        self.tag = [f.tag.lower() for f in c]
        self.tag_group = np.array(
            [tag_group(t, f.input_type, f.is_button) for t, f in zip(self.tag, c, strict=True)]
        )
        self.id = [f.id.strip().lower() for f in c]
        self.id_digitless = [nz.strip_digits(i) for i in self.id]
        self.name = [f.name.strip().lower() for f in c]
        self.text = [nz.text(f.text) for f in c]
        self.text_empty = np.array([not t for t in self.text])
        self.text_tok = _Tokens([set(nz.words(nz.canonical(t))) for t in self.text])
        self.text_words = [nz.stem_join(t) for t in self.text]
        self.interactive = np.array([is_interactive(f) for f in c], bool)
        self.label = [label_of(f) for f in c]
        urls = [nz.url(f.href) for f in c]
        self.href = [u[0] for u in urls]
        self.href_path = [u[1] for u in urls]
        self.href_key = [href_key(*u) for u in urls]
        self.alt = [nz.text(f.alt) for f in c]
        self.cls = _Tokens([nz.class_tokens(f.classes) for f in c])
        self.xpath = [f.xpath for f in c]
        steps = [nz.xpath_steps(f.xpath) for f in c]
        self.vocab: dict[str, str] = {}
        self.xsteps = _encode([s[0] for s in steps], self.vocab)
        self.xtags = _encode([s[1] for s in steps], self.vocab)
        self.idxpath = [f.idxpath for f in c]
        self.is_button = np.array([f.is_button for f in c], bool)
        cx, cy = zip(*(centre(f) for f in c), strict=True) if c else ((), ())
        self.cx = np.array(cx, float)
        self.cy = np.array(cy, float)
        self.w = np.array([f.width for f in c], float)
        self.h = np.array([f.height for f in c], float)
        self.area = self.w * self.h
        with np.errstate(invalid="ignore", divide="ignore"):
            self.shape = np.where(self.h > 0, self.w / np.maximum(self.h, 1e-9), 0.0)
        pw = max((f.page_width for f in c), default=0.0)
        ph = max((f.page_height for f in c), default=0.0)
        if pw <= 0 and n:
            pw = float(np.max(self.cx + self.w / 2))
        if ph <= 0 and n:
            ph = float(np.max(self.cy + self.h / 2))
        self.page_w = max(pw, 1.0)
        self.page_h = max(ph, 1.0)
        self.neigh = _Tokens([set(nz.words(f.neighbor_text)) for f in c])
        self.attrw = _Tokens([nz.attr_words(f.id, f.name, f.classes) for f in c])
        self.ctxw = _Tokens([nz.context_words(f.xpath, f.idxpath) for f in c])
        self.hrefw = _Tokens([nz.href_words(f.href) for f in c])
        self.hrefq = _Tokens([nz.query_pairs(f.href) for f in c])
        self.ordinal = np.array([nz.ordinal(f.xpath) for f in c])
        self.control_name = [nm if is_control(f) else "" for nm, f in zip(self.name, c, strict=True)]
        self.in_form = np.array(["form" in nz.xpath_steps(f.xpath)[1] for f in c], bool)
        self.landmark_near = [nz.nearest_landmark(f.xpath) for f in c]
        # live-page signals
        self.role = [f.role.lower() for f in c]
        self.acc = [nz.text(f.accessible_name) for f in c]
        self.lab = [nz.text(f.label) for f in c]
        self.placeholder = [nz.text(f.placeholder) for f in c]
        self.test_id = [f.test_id for f in c]
        self.title = [nz.text(f.title) for f in c]
        self.input_type = [f.input_type.lower() for f in c]
        self.heading = [nz.text(f.heading) for f in c]
        self.landmark = [f.landmark.lower() for f in c]
        self.neighbors_dir = [
            " | ".join(nz.text(f.neighbors.get(k, "")) for k in ("above", "below", "left", "right"))
            if f.neighbors
            else ""
            for f in c
        ]
        self.color = [f.color.replace(" ", "").lower() for f in c]
        self.bg = [f.background_color.replace(" ", "").lower() for f in c]
        self.phash = [f.phash for f in c]
        self.has_live = any(self.role) or any(self.acc) or any(self.test_id) or any(self.color)


def _eq(q: str, choices: list[str]) -> np.ndarray:
    if not q:
        return np.zeros(len(choices))
    return np.fromiter((c == q for c in choices), float, len(choices))


def _sim(q: str, choices: list[str], scorer: Callable[..., float] = fuzz.ratio) -> np.ndarray:
    """Similarity in [0, 1]; 0 where either side is empty."""
    n = len(choices)
    if not q or not n:
        return np.zeros(n)
    s = process.cdist([q], choices, scorer=scorer, dtype=np.float32, workers=1)[0].astype(float)
    if scorer is not Levenshtein.normalized_similarity:
        s /= 100.0
    s[np.fromiter((not c for c in choices), bool, n)] = 0.0
    return s


def _ratio(a: float, b: np.ndarray) -> np.ndarray:
    if a <= 0:
        return np.zeros_like(b)
    hi = np.maximum(a, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(b > 0, np.minimum(a, b) / hi, 0.0)
    return r


def _rare(eq: np.ndarray) -> np.ndarray:
    """Equality weighted by how rare the matching value is on the page (1/k for k matches)."""
    k = eq.sum()
    return eq / k if k > 0 else eq


def features(target: Fingerprint, page: PageIndex) -> np.ndarray:
    """``(page.n, len(FEATURES))`` similarity matrix of `target` against every candidate."""
    n = page.n
    X = np.zeros((n, len(FEATURES)))
    if n == 0:
        return X
    col = FIDX
    t = target

    tag = t.tag.lower()
    if tag:
        X[:, col["tag_eq"]] = _eq(tag, page.tag)
        if named_button(t):
            X[:, col["tag_eq"]] = np.maximum(X[:, col["tag_eq"]], _eq("button", page.tag))
        kind = "button" if named_button(t) else tag
        X[:, col["tag_compat"]] = page.tag_group == tag_group(kind, t.input_type, t.is_button)
    tid = t.id.strip().lower()
    if tid:
        X[:, col["id_eq"]] = _eq(tid, page.id)
        if not nz.is_generated(t.id.strip()):
            X[:, col["id_sim"]] = _sim(nz.strip_digits(tid), page.id_digitless)
    X[:, col["name_eq"]] = _eq(t.name.strip().lower(), page.name)

    text = nz.text(t.text)
    if text:
        eq = _eq(text, page.text)
        X[:, col["text_eq"]] = eq
        X[:, col["text_eq_rare"]] = _rare(eq)
        X[:, col["text_ratio"]] = _sim(text, page.text)
        X[:, col["text_tokset"]] = _sim(text, page.text, fuzz.token_set_ratio)
        X[:, col["text_idf"]] = page.text_tok.overlap(set(nz.words(nz.canonical(text))))[1]
        tw = nz.stem_join(text)
        if tw:
            X[:, col["text_words_eq"]] = _eq(tw, page.text_words)
    else:
        X[:, col["text_both_empty"]] = page.text_empty
    X[:, col["label_cross"]] = _sim(label_of(t), page.label, fuzz.token_set_ratio)

    href, path = nz.url(t.href)
    if href:
        eq = _eq(href, page.href)
        X[:, col["href_eq"]] = eq
        X[:, col["href_eq_rare"]] = _rare(eq)
        X[:, col["href_path_eq"]] = _eq(href_key(href, path), page.href_key)
        X[:, col["href_sim"]] = _sim(href, page.href)
        qp = nz.query_pairs(t.href)
        if qp:
            X[:, col["href_query"]] = page.hrefq.containment(qp)
    X[:, col["alt_sim"]] = _sim(nz.text(t.alt), page.alt)

    cls = nz.class_tokens(t.classes)
    if cls:
        X[:, col["class_jacc"]] = page.cls.overlap(cls)[1]

    if t.xpath:
        X[:, col["xpath_lev"]] = _sim(t.xpath, page.xpath, Levenshtein.normalized_similarity)
        full, tags = nz.xpath_steps(t.xpath)
        vocab = page.vocab
        unk = "\uffff"
        qs = "".join(vocab.get(s, unk) for s in full)
        qt = "".join(vocab.get(s, unk) for s in tags)
        X[:, col["xpath_steps"]] = _sim(qs, page.xsteps, Levenshtein.normalized_similarity)
        X[:, col["xpath_tags"]] = _sim(qt, page.xtags, Levenshtein.normalized_similarity)
    if t.idxpath:
        X[:, col["idxpath_eq"]] = _eq(t.idxpath, page.idxpath)
        X[:, col["idxpath_lev"]] = _sim(t.idxpath, page.idxpath, Levenshtein.normalized_similarity)
    X[:, col["is_button_eq"]] = page.is_button == bool(t.is_button)
    if is_interactive(t) or named_button(t):
        X[:, col["interactive_eq"]] = page.interactive

    if t.width > 0 or t.height > 0 or t.x or t.y:
        tx, ty = centre(t)
        d = np.hypot(page.cx - tx, page.cy - ty)
        X[:, col["pos_abs"]] = np.maximum(100.0 - d, 0.0) / 100.0
        target_w = t.page_width if t.page_width > 0 else page.page_w
        target_h = t.page_height if t.page_height > 0 else page.page_h
        rx = page.cx / page.page_w - tx / target_w
        ry = page.cy / page.page_h - ty / target_h
        X[:, col["pos_rel"]] = np.exp(-np.hypot(rx, ry) / 0.05)
        X[:, col["pos_x"]] = np.exp(-np.abs(page.cx - tx) / 30.0)
        X[:, col["pos_coarse"]] = np.exp(-np.hypot(rx, ry) / 0.25)
        X[:, col["pos_y"]] = np.exp(-np.abs(ry) / 0.1)
        X[:, col["area_ratio"]] = _ratio(t.width * t.height, page.area)
        X[:, col["shape_ratio"]] = _ratio(t.width / t.height if t.height > 0 else 0.0, page.shape)

    nw = set(nz.words(t.neighbor_text))
    if nw:
        j, wj = page.neigh.overlap(nw)
        X[:, col["neigh_jacc"]] = j
        X[:, col["neigh_idf"]] = wj

    aw = nz.attr_words(t.id, t.name, t.classes)
    if aw:
        X[:, col["attr_words"]] = page.attrw.overlap(aw)[1]
    cw = nz.context_words(t.xpath, t.idxpath)
    if cw:
        X[:, col["context_words"]] = page.ctxw.overlap(cw)[1]
    hw = nz.href_words(t.href)
    if hw:
        X[:, col["href_words"]] = page.hrefw.overlap(hw)[1]
    if t.xpath:
        o = nz.ordinal(t.xpath)
        X[:, col["ordinal_eq" if o > 1 else "ordinal_first"]] = page.ordinal == o

    if is_control(t):
        X[:, col["control_name_eq"]] = _eq(t.name.strip().lower(), page.control_name)
    if t.xpath:
        tags_t = nz.xpath_steps(t.xpath)[1]
        if "form" in tags_t:
            X[:, col["in_form"]] = page.in_form
        lm = nz.nearest_landmark(t.xpath)
        if lm:
            X[:, col["landmark_near_eq"]] = _eq(lm, page.landmark_near)

    if page.has_live or t.role or t.accessible_name or t.test_id:
        X[:, col["role_eq"]] = _eq(t.role.lower(), page.role)
        X[:, col["acc_name_sim"]] = _sim(nz.text(t.accessible_name), page.acc, fuzz.token_sort_ratio)
        X[:, col["label_sim"]] = _sim(nz.text(t.label), page.lab)
        X[:, col["placeholder_sim"]] = _sim(nz.text(t.placeholder), page.placeholder)
        X[:, col["test_id_eq"]] = _eq(t.test_id, page.test_id)
        X[:, col["title_sim"]] = _sim(nz.text(t.title), page.title)
        X[:, col["input_type_eq"]] = _eq(t.input_type.lower(), page.input_type)
        X[:, col["heading_sim"]] = _sim(nz.text(t.heading), page.heading)
        X[:, col["landmark_eq"]] = _eq(t.landmark.lower(), page.landmark)
        if t.neighbors:
            q = " | ".join(nz.text(t.neighbors.get(k, "")) for k in ("above", "below", "left", "right"))
            X[:, col["neighbors_dir"]] = _sim(q, page.neighbors_dir, fuzz.token_set_ratio)
        X[:, col["color_eq"]] = _eq(t.color.replace(" ", "").lower(), page.color)
        X[:, col["bg_eq"]] = _eq(t.background_color.replace(" ", "").lower(), page.bg)
        if t.phash:
            X[:, col["phash_sim"]] = _sim(t.phash, page.phash, Levenshtein.normalized_similarity)
    return X
