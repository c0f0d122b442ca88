"""Per-class offsets added to a trained model's logits, chosen on dev rows only.

A classifier fine-tuned mostly on NewsMTSC is shy of the polar labels on news about states and
alliances: it calls many negative and positive portrayals neutral. A fixed offset per class (a prior
correction) trades some neutral precision for polar recall. The offsets are picked by a grid search that
maximises the same mean dev macro-F1 that chose the checkpoint, and are stored in the model's config
(`label_bias`, in the model's label order), where the scorer adds them to the logits.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from itertools import product
from pathlib import Path

from .evaluate import compute_metrics
from .labelled import Example
from .types import LABELS

GRID = tuple(x / 4 for x in range(-4, 13))  # -1.0 .. 3.0 in steps of 0.25 (log-odds)
MIN_GAIN = 0.005  # keep no offsets unless they raise the mean dev macro-F1 by at least this much


def _labels(probs: Sequence[Sequence[float]], bias: Sequence[float]) -> list[str]:
    out = []
    for p in probs:
        scores = [math.log(max(x, 1e-12)) + b for x, b in zip(p, bias)]
        out.append(LABELS[max(range(3), key=lambda i: (scores[i], -i))])
    return out


def mean_macro_f1(groups: Mapping[str, tuple[Sequence[str], Sequence[Sequence[float]]]], bias: Sequence[float]) -> float:
    return sum(compute_metrics(gold, _labels(probs, bias)).macro_f1 for gold, probs in groups.values()) / len(groups)


def fit_label_bias(scorer, dev_groups: Mapping[str, Sequence[Example]]) -> tuple[tuple[float, float, float], float, float]:
    """Offsets for (negative, neutral, positive), neutral fixed at 0; returns (bias, dev mean before, after).

    `scorer` gives probabilities in LABELS order without offsets.
    """
    groups = {}
    for name, rows in dev_groups.items():
        probs = [s.probs for s in scorer.score(ex.mention() for ex in rows)]
        groups[name] = ([ex.label for ex in rows], probs)
    before = mean_macro_f1(groups, (0.0, 0.0, 0.0))
    best, best_bias = before, (0.0, 0.0, 0.0)
    for neg, pos in product(GRID, GRID):
        score = mean_macro_f1(groups, (neg, 0.0, pos))
        if score > best + 1e-9:
            best, best_bias = score, (neg, 0.0, pos)
    if best - before < MIN_GAIN:
        return (0.0, 0.0, 0.0), before, before
    return best_bias, before, best


def calibrate_folder(folder: Path, dev_groups: Mapping[str, Sequence[Example]]) -> dict:
    """Fit offsets for a saved model on `dev_groups`, write them into its config.json, and say what changed."""
    from .scorers.transformer import TransformerScorer

    scorer = TransformerScorer(folder, batch_size=128, label_bias=False)  # fit on the raw logits
    bias, before, after = fit_label_bias(scorer, dev_groups)
    config_path = folder / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    order = TransformerScorer._label_order(config["id2label"], str(folder))  # the model's own label order
    config["label_bias"] = [bias[LABELS.index(label)] for label in order]
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return {"label_bias": dict(zip(LABELS, bias)), "dev_mean_before": round(before, 4), "dev_mean_after": round(after, 4)}
