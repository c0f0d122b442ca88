"""Result types of a statistical report: cells with intervals, flags, differences and evidence.

`StatCell` extends the base `Cell` (its fields come first and keep their names), so anything
that renders cells renders these too. Every number here is computed by `biascheck.stats`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..types import Cell, Skipped

__all__ = [
    "Interval",
    "Difference",
    "Evidence",
    "StatCell",
    "Method",
    "ModelCard",
    "Report",
    "FLAG_TEXT",
    "CORRECTIONS",
]

#: multiple-comparison corrections offered; the first is the default
CORRECTIONS: tuple[str, ...] = ("benjamini-hochberg", "holm")

#: what each flag means, in the words the reports use
FLAG_TEXT: dict[str, str] = {
    "few-mentions": "fewer mentions than the threshold: read the shares as anecdotes, not rates",
    "few-articles": "fewer articles than the threshold: one article can move the whole cell",
}


@dataclass(frozen=True)
class Interval:
    """A bootstrap confidence interval (percentile method)."""

    low: float
    high: float

    def covers(self, value: float) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Difference:
    """A group's net score minus the pooled net score of every other group, for one target."""

    estimate: float
    interval: Interval | None  # None when the group or the others have fewer than two articles
    p_value: float  # permutation test, two-sided
    p_adjusted: float  # after the multiple-comparison correction named in Method
    significant: bool  # p_adjusted < Method.alpha
    others: int  # articles in the pooled other groups


@dataclass(frozen=True)
class Evidence:
    """One sentence behind a cell, with the model's verdict and the article it comes from."""

    sentence: str
    spans: tuple[tuple[int, int], ...]
    label: str
    probability: float  # the model's probability for `label`
    net: float  # p(positive) - p(negative)
    article_id: str
    title: str | None
    outlet: str
    source: str
    url: str | None = None


@dataclass(frozen=True)
class StatCell(Cell):
    """A base cell plus intervals, flags, a difference against the other groups, and evidence."""

    net_interval: Interval | None = None
    negative_interval: Interval | None = None
    neutral_interval: Interval | None = None
    positive_interval: Interval | None = None
    flags: tuple[str, ...] = ()
    difference: Difference | None = None  # None when the target has only one group
    most_positive: tuple[Evidence, ...] = ()
    most_negative: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Method:
    """How the statistics were computed; all of it is printed with every report."""

    confidence: float = 0.95
    resamples: int = 2000  # bootstrap resamples of articles
    permutations: int = 2000  # permutations of group labels over articles
    seed: int = 0
    correction: str = "benjamini-hochberg"  # or "holm"
    alpha: float = 0.05  # a difference is called significant when its adjusted p < alpha
    min_mentions: int = 20
    min_articles: int = 5
    evidence: int = 3  # sentences per cell and direction

    def __post_init__(self) -> None:
        if self.correction not in CORRECTIONS:
            raise ValueError(f"correction must be one of {', '.join(CORRECTIONS)}, got {self.correction!r}")
        if not 0 < self.confidence < 1:
            raise ValueError(f"confidence must be between 0 and 1, got {self.confidence}")
        if self.resamples < 1 or self.permutations < 1:
            raise ValueError("resamples and permutations must be at least 1")
        if self.min_mentions < 0 or self.min_articles < 0 or self.evidence < 0:
            raise ValueError("thresholds and the evidence count cannot be negative")


@dataclass(frozen=True)
class ModelCard:
    """The model behind the labels, and what its card says about its measured accuracy."""

    name: str
    kind: str = ""  # "target stance", or "sentence tone (not target stance)"
    metrics: tuple[tuple[str, str], ...] = ()  # e.g. (("accuracy", "0.81"), ("macro F1", "0.78"))
    evaluated_on: str = ""
    card: str = ""  # where the numbers come from

    def summary(self) -> str:
        if not self.metrics:
            return "no measured accuracy is recorded for this model"
        measured = ", ".join(f"{k} {v}" for k, v in self.metrics)
        return f"{measured}" + (f" on {self.evaluated_on}" if self.evaluated_on else "")


@dataclass(frozen=True)
class Report:
    """Everything a report shows; renderers only format it."""

    cells: tuple[StatCell, ...]
    model: ModelCard
    method: Method
    articles: int
    by: str = "outlet"
    skipped: tuple[Skipped, ...] = ()
    dropped_lines: int = 0
    targets: tuple[str, ...] = field(default=())

    def for_target(self, target: str) -> tuple[StatCell, ...]:
        return tuple(c for c in self.cells if c.target == target)
