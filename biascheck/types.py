"""Small frozen result types that flow through the pipeline.

files -> Article -> Sentence -> Mention -> Score (ScoredMention) -> Cell -> Comparison
"""

from __future__ import annotations

from dataclasses import dataclass, field

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")

OUTLET_TYPES: tuple[str, ...] = (
    "wire",
    "state-affiliated",
    "public-broadcaster",
    "national",
    "regional",
    "partisan",
    "unknown",
)


@dataclass(frozen=True)
class Article:
    """One news article with its attribution.

    `outlet` is the source that wrote the story (a Reuters story on a local site has
    outlet "Reuters"); `publisher` is the site it was found on, when known.
    """

    id: str
    text: str
    source: str  # where it came from: a file path, or "file.jsonl:12"
    outlet: str = "unknown"
    outlet_type: str = "unknown"
    publisher: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known
    detected_by: str = "none"  # manifest | field | url | signature | none


@dataclass(frozen=True)
class CleanText:
    """An article's text after boilerplate removal."""

    lines: tuple[str, ...]  # kept lines (title first when known)
    dropped: tuple[str, ...]  # lines removed as page furniture


@dataclass(frozen=True)
class Sentence:
    article_id: str
    index: int  # position of the sentence in the cleaned article
    text: str


@dataclass(frozen=True)
class Mention:
    """A sentence that mentions one target; `spans` are all the target's mentions in it."""

    article_id: str
    sentence_index: int
    sentence: str
    target: str
    spans: tuple[tuple[int, int], ...]  # character offsets into `sentence`, end exclusive

    @property
    def surface(self) -> tuple[str, ...]:
        return tuple(self.sentence[a:b] for a, b in self.spans)


@dataclass(frozen=True)
class Score:
    """One scorer verdict: a label and the probabilities of (negative, neutral, positive)."""

    label: str
    probs: tuple[float, float, float]

    @property
    def net(self) -> float:
        """p(positive) - p(negative), in [-1, 1]."""
        return self.probs[2] - self.probs[0]

    @property
    def confidence(self) -> float:
        return self.probs[LABELS.index(self.label)]

    @classmethod
    def from_probs(cls, probs) -> "Score":
        p = tuple(float(x) for x in probs)
        if len(p) != 3:
            raise ValueError(f"expected 3 probabilities (negative, neutral, positive), got {len(p)}")
        best = max(range(3), key=lambda i: (p[i], -i))
        return cls(label=LABELS[best], probs=p)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ScoredMention:
    article: Article
    mention: Mention
    score: Score


@dataclass(frozen=True)
class Skipped:
    """An input that could not be used, and why (shown to the user, never raised)."""

    source: str
    reason: str


@dataclass(frozen=True)
class Cell:
    """One row of a comparison: a group (outlet or outlet type) x a target."""

    outlet: str  # the outlet name, or the outlet type when grouping by type
    outlet_type: str
    target: str
    articles: int
    mentions: int
    negative: float  # share of mentions labelled negative
    neutral: float
    positive: float
    net: float  # mean of p(positive) - p(negative)


@dataclass(frozen=True)
class Comparison:
    rows: tuple[Cell, ...]
    model: str
    articles: int
    skipped: tuple[Skipped, ...] = ()
    by: str = "outlet"  # outlet | type
    dropped_lines: int = 0  # lines of page furniture removed by cleaning
    model_kind: str = ""  # what the scores measure: "target stance", "sentence tone (not target stance)"
    scored: tuple[ScoredMention, ...] = field(default=(), repr=False, compare=False)
