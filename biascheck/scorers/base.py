"""The scorer interface: a batch of mentions in, one Score per mention out.

A transformer model, the lexicon baseline and a test fake are interchangeable.
Subclasses implement `_score_batch`; batching and the empty case are inherited.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from ..types import Mention, Score


class Scorer(ABC):
    #: short name shown in reports ("lexicon", "biascheck-minilm-stance", ...)
    name: str = "scorer"
    #: a version or weights hash, stored with every score so results can be traced
    version: str = "0"
    #: what the score measures, shown in reports
    kind: str = "target stance"
    batch_size: int = 64

    @abstractmethod
    def _score_batch(self, mentions: Sequence[Mention]) -> list[Score]:
        """Score one batch; return exactly one Score per mention, in order."""

    def score(self, mentions: Iterable[Mention]) -> list[Score]:
        return list(self.iter_scores(mentions))

    def iter_scores(self, mentions: Iterable[Mention]) -> Iterator[Score]:
        it = iter(mentions)
        while batch := list(islice(it, self.batch_size)):
            scores = self._score_batch(batch)
            if len(scores) != len(batch):
                raise RuntimeError(f"{self.name} returned {len(scores)} scores for {len(batch)} mentions")
            yield from scores

    @property
    def label(self) -> str:
        """Name and version, as shown in reports and stored with scores."""
        return f"{self.name}@{self.version}"
