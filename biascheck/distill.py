"""Soft targets from teacher models, to train one student that behaves like an ensemble.

Several models trained with different seeds disagree on many borderline sentences; the mean of their
probabilities is a better guide than any one of them, but running them all costs their summed time at scoring.
A student trained on the gold labels and, with weight `alpha`, on the teachers' mean probabilities keeps one
model's speed (knowledge distillation, Hinton et al. 2015). Teachers are model folders written by `biascheck
train`, read without their label offsets. Their probabilities are cached per teacher (keyed by the weights'
hash) under $XDG_CACHE_HOME/biascheck/teachers, so that several students can share them; they are rounded to
four decimals, so a cached and a fresh run train the same student.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from .errors import ModelError
from .labelled import Example
from .marking import mark

DECIMALS = 4


def cache_dir() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "biascheck" / "teachers"


def _key(example: Example) -> str:
    return hashlib.sha1(mark(example.sentence, example.spans).encode("utf-8")).hexdigest()


def _one_teacher(folder: str | Path, examples: Sequence[Example], device: str | None, batch_size: int) -> dict[str, list[float]]:
    from .scorers.transformer import TransformerScorer

    if not Path(folder).is_dir():
        raise ModelError(f"No teacher model folder at {folder}. Give folders written by `biascheck train`.")
    scorer = TransformerScorer(folder, device=device, batch_size=batch_size, label_bias=False)
    path = cache_dir() / f"{scorer.version}.json"
    cached: dict[str, list[float]] = json.loads(path.read_text()) if path.is_file() else {}
    todo = {}
    for ex in examples:
        key = _key(ex)
        if key not in cached:
            todo.setdefault(key, ex)
    if todo:
        scores = scorer.score(ex.mention() for ex in todo.values())
        for key, score in zip(todo, scores):
            cached[key] = [round(p, DECIMALS) for p in score.probs]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(cached))
        tmp.replace(path)
    return cached


def teacher_probs(teachers: Sequence[str | Path], examples: Sequence[Example], device: str | None = None,
                  batch_size: int = 128) -> list[list[float]]:
    """The teachers' mean probabilities (negative, neutral, positive) for each example."""
    tables = [_one_teacher(t, examples, device, batch_size) for t in teachers]
    out = []
    for ex in examples:
        key = _key(ex)
        rows = [table[key] for table in tables]
        out.append([round(sum(col) / len(rows), DECIMALS) for col in zip(*rows)])
    return out
