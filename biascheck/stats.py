"""Uncertainty for comparison cells: cluster bootstrap intervals, permutation tests, corrections.

Mentions within one article are not independent (one writer, one story), so every resample
draws whole ARTICLES with replacement, and every permutation shuffles group labels over
articles. Each cell draws from its own generator, seeded from `Method.seed` and the cell's
name, so a cell's interval does not change when other outlets are added to a run.

Pure functions over numpy arrays; `analyse` applies them to scored mentions.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict

import numpy as np

from .aggregate import aggregate
from .report.model import Difference, Interval, Method, StatCell
from .types import LABELS, Cell, ScoredMention

__all__ = [
    "analyse",
    "article_table",
    "bootstrap_sums",
    "percentile_interval",
    "permutation_pvalues",
    "adjust_pvalues",
    "cell_flags",
]

#: cells of work per bootstrap block (resamples x articles), to bound memory
_BLOCK = 4_000_000


def article_table(nets: Sequence[float], labels: Sequence[str], clusters: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """Sum mentions per cluster (article): columns net sum, #negative, #neutral, #positive; and counts.

    Returns (sums of shape (articles, 4), mention counts of shape (articles,)), clusters in order of
    first appearance.
    """
    index: dict = {}
    rows = np.fromiter((index.setdefault(c, len(index)) for c in clusters), dtype=np.int64, count=len(clusters))
    n = len(index)
    sums = np.zeros((n, 4))
    np.add.at(sums[:, 0], rows, np.asarray(nets, dtype=float))
    label_idx = np.fromiter((LABELS.index(lab) for lab in labels), dtype=np.int64, count=len(labels))
    np.add.at(sums, (rows, 1 + label_idx), 1.0)
    counts = np.bincount(rows, minlength=n).astype(float)
    return sums, counts


def bootstrap_sums(
    sums: np.ndarray, counts: np.ndarray, resamples: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Resample rows (articles) with replacement; return the column sums and count sums per resample."""
    n = len(counts)
    table = np.column_stack([sums, counts])
    out = np.empty((resamples, table.shape[1]))
    step = max(1, _BLOCK // max(n, 1))
    for start in range(0, resamples, step):
        b = min(step, resamples - start)
        idx = rng.integers(0, n, size=(b, n)) + n * np.arange(b)[:, None]
        weights = np.bincount(idx.ravel(), minlength=b * n).reshape(b, n)  # times each article is drawn
        out[start : start + b] = weights @ table
    return out[:, :-1], out[:, -1]


def percentile_interval(samples: np.ndarray, confidence: float) -> Interval:
    tail = (1 - confidence) / 2
    low, high = np.quantile(samples, [tail, 1 - tail])
    return Interval(float(low), float(high))


def permutation_pvalues(
    groups: np.ndarray, sums: np.ndarray, counts: np.ndarray, permutations: int, rng: np.random.Generator
) -> np.ndarray:
    """Two-sided p-value, per group, for "its mean differs from the pooled mean of the others".

    `groups` gives each article's group (0..G-1), `sums` each article's net sum and `counts` its
    mentions. Labels are shuffled over articles, so group sizes in articles stay fixed.
    p = (1 + #{|permuted difference| >= |observed|}) / (1 + permutations).
    """
    groups = np.asarray(groups, dtype=np.int64)
    n, g = len(groups), int(groups.max()) + 1
    observed = _differences(np.bincount(groups, sums, g), np.bincount(groups, counts, g), sums.sum(), counts.sum())
    hits = np.zeros(g)
    step = max(1, _BLOCK // max(n, 1))
    for start in range(0, permutations, step):
        b = min(step, permutations - start)
        shuffled = rng.permuted(np.tile(groups, (b, 1)), axis=1) + g * np.arange(b)[:, None]
        s = np.bincount(shuffled.ravel(), np.tile(sums, b), b * g).reshape(b, g)
        c = np.bincount(shuffled.ravel(), np.tile(counts, b), b * g).reshape(b, g)
        d = _differences(s, c, sums.sum(), counts.sum())
        hits += (np.abs(d) >= np.abs(observed) - 1e-12).sum(axis=0)
    return (hits + 1) / (permutations + 1)


def _differences(s: np.ndarray, c: np.ndarray, total_s: float, total_c: float) -> np.ndarray:
    """Group mean minus the pooled mean of the rest."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return s / c - (total_s - s) / (total_c - c)


def adjust_pvalues(p: Sequence[float], method: str = "benjamini-hochberg") -> np.ndarray:
    """Adjust p-values for multiple comparisons: Benjamini-Hochberg (false discovery rate) or Holm
    (family-wise error rate). Returns adjusted p-values in the input order."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "benjamini-hochberg":
        adj = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    elif method == "holm":
        adj = np.maximum.accumulate(ranked * (m - np.arange(m)))
    else:
        raise ValueError(f"unknown correction {method!r}: use benjamini-hochberg or holm")
    out = np.empty(m)
    out[order] = np.minimum(adj, 1.0)
    return out


def cell_flags(cell: Cell, method: Method) -> tuple[str, ...]:
    flags = []
    if cell.mentions < method.min_mentions:
        flags.append("few-mentions")
    if cell.articles < method.min_articles:
        flags.append("few-articles")
    return tuple(flags)


def _rng(method: Method, *names: str) -> np.random.Generator:
    return np.random.default_rng([method.seed, *(zlib.crc32(n.encode()) for n in names)])


def analyse(
    scored: Iterable[ScoredMention], by: str = "outlet", method: Method = Method(), targets: Sequence[str] = ()
) -> tuple[StatCell, ...]:
    """Cells (as `aggregate` makes them) with intervals, flags and a difference against the other groups.

    Intervals need at least two articles on each side; with one they are None (and the cell flagged).
    The difference of a group is its net score minus the pooled net score of all other groups'
    mentions of the same target; its interval resamples articles within each group, its p-value
    comes from a permutation test, and p-values are adjusted over every test in the result.
    """
    scored = list(scored)
    cells = aggregate(scored, by=by, targets=targets)
    per: dict[tuple[str, str], list[ScoredMention]] = {}
    for sm in scored:
        group = sm.article.outlet if by == "outlet" else sm.article.outlet_type
        per.setdefault((group, sm.mention.target), []).append(sm)

    boot: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    tables: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    intervals: dict[tuple[str, str], tuple[Interval | None, ...]] = {}
    for cell in cells:
        key = (cell.outlet, cell.target)
        items = per[key]
        sums, counts = article_table(
            [sm.score.net for sm in items],
            [sm.score.label for sm in items],
            [(sm.article.source, sm.article.id) for sm in items],
        )
        tables[key] = sums, counts
        s, c = bootstrap_sums(sums, counts, method.resamples, _rng(method, cell.target, cell.outlet))
        boot[key] = s, c
        if len(counts) < 2:  # one article: resampling it says nothing about variation
            intervals[key] = (None, None, None, None)
        else:
            intervals[key] = tuple(percentile_interval(s[:, j] / c, method.confidence) for j in range(4))

    raw: dict[tuple[str, str], tuple[float, Interval | None, float, int]] = {}
    for target in dict.fromkeys(c.target for c in cells):
        keys = [(c.outlet, c.target) for c in cells if c.target == target]
        if len(keys) < 2:
            continue
        total_s = sum(boot[k][0][:, 0] for k in keys)
        total_c = sum(boot[k][1] for k in keys)
        groups = np.concatenate([np.full(len(tables[k][1]), i) for i, k in enumerate(keys)])
        art_s = np.concatenate([tables[k][0][:, 0] for k in keys])
        art_c = np.concatenate([tables[k][1] for k in keys])
        pvals = permutation_pvalues(groups, art_s, art_c, method.permutations, _rng(method, target, "permutation"))
        observed = _differences(
            np.bincount(groups, art_s), np.bincount(groups, art_c), art_s.sum(), art_c.sum()
        )
        for i, k in enumerate(keys):
            s, c = boot[k][0][:, 0], boot[k][1]
            own, others = len(tables[k][1]), len(art_c) - len(tables[k][1])
            interval = None
            if own >= 2 and others >= 2:
                interval = percentile_interval(s / c - (total_s - s) / (total_c - c), method.confidence)
            raw[k] = (float(observed[i]), interval, float(pvals[i]), others)

    adjusted = dict(zip(raw, adjust_pvalues([v[2] for v in raw.values()], method.correction)))
    out = []
    for cell in cells:
        key = (cell.outlet, cell.target)
        net_i, neg_i, neu_i, pos_i = intervals[key]
        diff = None
        if key in raw:
            est, interval, p, others = raw[key]
            q = float(adjusted[key])
            diff = Difference(est, interval, p, q, q < method.alpha, others)
        out.append(
            StatCell(
                **asdict(cell),
                net_interval=net_i,
                negative_interval=neg_i,
                neutral_interval=neu_i,
                positive_interval=pos_i,
                flags=cell_flags(cell, method),
                difference=diff,
            )
        )
    return tuple(out)
