"""Score labelled rows with any scorer and measure it: macro-F1, accuracy, per class, confusion, per entity."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .labelled import Example, Split, read_examples, select
from .scorers.base import Scorer
from .types import LABELS


@dataclass(frozen=True)
class ClassMetrics:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Metrics:
    n: int
    accuracy: float
    macro_f1: float
    per_class: dict[str, ClassMetrics]
    confusion: list[list[int]]  # rows: gold label, columns: predicted label, in LABELS order
    labels: tuple[str, ...] = LABELS

    def to_dict(self) -> dict:
        return asdict(self)


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def compute_metrics(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> Metrics:
    """Standard multi-class metrics. Macro-F1 averages the F1 of every label, present or not."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred):
        confusion[index[g]][index[p]] += 1
    per_class = {}
    for i, label in enumerate(labels):
        tp = confusion[i][i]
        predicted = sum(row[i] for row in confusion)
        support = sum(confusion[i])
        precision, recall = _ratio(tp, predicted), _ratio(tp, support)
        f1 = _ratio(2 * precision * recall, precision + recall)
        per_class[label] = ClassMetrics(precision, recall, f1, support)
    n = len(gold)
    accuracy = _ratio(sum(confusion[i][i] for i in range(len(labels))), n)
    macro_f1 = sum(c.f1 for c in per_class.values()) / len(labels)
    return Metrics(n, accuracy, macro_f1, per_class, confusion, tuple(labels))


@dataclass(frozen=True)
class Evaluation:
    """Metrics over all rows, per input file, and per entity for rows that name one."""

    model: str
    overall: Metrics
    per_file: dict[str, Metrics] = field(default_factory=dict)
    per_entity: dict[str, Metrics] = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = {"model": self.model, **self.overall.to_dict()}
        d["per_file"] = {k: m.to_dict() for k, m in self.per_file.items()}
        d["per_entity"] = {k: m.to_dict() for k, m in self.per_entity.items()}
        return d


def predict(scorer: Scorer, examples: Sequence[Example]) -> list[str]:
    return [s.label for s in scorer.score(ex.mention() for ex in examples)]


def evaluate_examples(scorer: Scorer, groups: dict[str, Sequence[Example]]) -> Evaluation:
    """Evaluate named groups of examples (one per file, say) in one scoring pass."""
    names = list(groups)
    flat = [ex for name in names for ex in groups[name]]
    pred = predict(scorer, flat)
    gold = [ex.label for ex in flat]
    per_file, start = {}, 0
    for name in names:
        end = start + len(groups[name])
        per_file[name] = compute_metrics(gold[start:end], pred[start:end])
        start = end
    entities = sorted({ex.entity for ex in flat if ex.entity})
    per_entity = {
        e: compute_metrics(*zip(*[(g, p) for ex, g, p in zip(flat, gold, pred) if ex.entity == e]))
        for e in entities
    }
    return Evaluation(scorer.label, compute_metrics(gold, pred), per_file, per_entity)


def evaluate(
    files: Iterable[str | Path], scorer: Scorer, *, split: Split | None = None, part: str | None = None
) -> Evaluation:
    """Evaluate `scorer` on JSONL files of labelled rows (optionally one part of a held-out split)."""
    groups = {}
    for f in files:
        name = Path(f).name
        while name in groups:
            name = "_" + name
        groups[name] = select(read_examples(f), split, part)
    return evaluate_examples(scorer, groups)


def format_evaluation(ev: Evaluation, fmt: str = "simple") -> str:
    """A table: one row for all rows, then one per file (if several) and per entity; confusion below."""
    from tabulate import tabulate

    head = ["rows", "n", "macro-F1", "accuracy"] + [f"{c} P/R/F1" for c in LABELS]

    def row(name: str, m: Metrics) -> list:
        per = [f"{m.per_class[c].precision:.2f}/{m.per_class[c].recall:.2f}/{m.per_class[c].f1:.2f}" for c in LABELS]
        return [name, m.n, f"{m.macro_f1:.3f}", f"{m.accuracy:.3f}"] + per

    rows = [row("all", ev.overall)]
    if len(ev.per_file) > 1:
        rows += [row(name, m) for name, m in ev.per_file.items()]
    rows += [row(f"entity={name}", m) for name, m in ev.per_entity.items()]
    confusion = tabulate(
        [[f"gold {g}"] + ev.overall.confusion[i] for i, g in enumerate(LABELS)],
        headers=[""] + [f"pred {p}" for p in LABELS], tablefmt=fmt,
    )
    return f"model: {ev.model}\n{tabulate(rows, headers=head, tablefmt=fmt, disable_numparse=True)}\n\n{confusion}"
