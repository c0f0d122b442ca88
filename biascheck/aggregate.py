"""Scored mentions -> comparison cells: one per outlet (or outlet type) x target.

Counts are accumulated as mentions stream past; no mention is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .types import LABELS, Cell, ScoredMention

__all__ = ["aggregate", "Tally", "GROUPINGS"]

GROUPINGS = ("outlet", "type")


@dataclass
class _Counts:
    outlet_type: str
    articles: set = field(default_factory=set)
    mentions: int = 0
    labels: list = field(default_factory=lambda: [0, 0, 0])
    net: float = 0.0


class Tally:
    """A running aggregate: `add` scored mentions one at a time, read `cells()` at any point."""

    def __init__(self, by: str = "outlet", targets: Sequence[str] = ()) -> None:
        if by not in GROUPINGS:
            raise ValueError(f"by must be one of {', '.join(GROUPINGS)}, got {by!r}")
        self.by = by
        self.targets = list(targets)
        self._counts: dict[tuple[str, str], _Counts] = {}

    def add(self, sm: ScoredMention) -> None:
        a = sm.article
        group = a.outlet if self.by == "outlet" else a.outlet_type
        c = self._counts.setdefault((group, sm.mention.target), _Counts(a.outlet_type))
        c.articles.add((a.source, a.id))
        c.mentions += 1
        c.labels[LABELS.index(sm.score.label)] += 1
        c.net += sm.score.net
        if sm.mention.target not in self.targets:
            self.targets.append(sm.mention.target)

    def cells(self) -> tuple[Cell, ...]:
        """Cells sorted by target (in target-list order), then by group name."""
        order = {t: i for i, t in enumerate(self.targets)}
        keys = sorted(self._counts, key=lambda k: (order[k[1]], k[0].casefold(), k[0]))
        return tuple(self._cell(group, target, self._counts[group, target]) for group, target in keys)

    def _cell(self, group: str, target: str, c: _Counts) -> Cell:
        n = c.mentions
        neg, neu, pos = (x / n for x in c.labels)
        outlet_type = c.outlet_type if self.by == "outlet" else group
        return Cell(group, outlet_type, target, len(c.articles), n, neg, neu, pos, c.net / n)


def aggregate(
    scored: Iterable[ScoredMention], by: str = "outlet", targets: Sequence[str] = ()
) -> tuple[Cell, ...]:
    """Group scored mentions by outlet (or outlet type, `by="type"`) x target.

    Each cell has the number of articles and mentions, the share of mentions per label and the
    net score, the mean of p(positive) - p(negative). Targets sort in the order of `targets`
    (those not listed follow in order of first appearance), then groups by name.
    """
    tally = Tally(by, targets)
    for sm in scored:
        tally.add(sm)
    return tally.cells()
