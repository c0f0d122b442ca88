"""The sentences behind a cell: the ones the model finds most positive and most negative toward the target."""

from __future__ import annotations

from collections.abc import Iterable

from .report.model import Evidence
from .types import ScoredMention

__all__ = ["evidence", "to_evidence"]


def to_evidence(sm: ScoredMention) -> Evidence:
    a, m, s = sm.article, sm.mention, sm.score
    return Evidence(
        sentence=m.sentence,
        spans=m.spans,
        label=s.label,
        probability=s.confidence,
        net=s.net,
        article_id=a.id,
        title=a.title,
        outlet=a.outlet,
        source=a.source,
        url=a.url,
    )


def evidence(
    scored: Iterable[ScoredMention], by: str = "outlet", k: int = 3
) -> dict[tuple[str, str], tuple[tuple[Evidence, ...], tuple[Evidence, ...]]]:
    """Per (group, target): the k most positive sentences (net > 0, highest first) and the k most
    negative (net < 0, lowest first). Net is p(positive) - p(negative). A sentence repeated in
    several articles (a reprinted story) is shown once."""
    per: dict[tuple[str, str], list[ScoredMention]] = {}
    for sm in scored:
        group = sm.article.outlet if by == "outlet" else sm.article.outlet_type
        per.setdefault((group, sm.mention.target), []).append(sm)
    out = {}
    for key, items in per.items():
        ranked = sorted(items, key=lambda sm: (-sm.score.net, sm.article.id, sm.mention.sentence_index))
        positive = _top((sm for sm in ranked if sm.score.net > 0), k)
        negative = _top((sm for sm in reversed(ranked) if sm.score.net < 0), k)
        out[key] = positive, negative
    return out


def _top(items: Iterable[ScoredMention], k: int) -> tuple[Evidence, ...]:
    seen: set[str] = set()
    picked = []
    for sm in items:
        if len(picked) >= k:
            break
        text = " ".join(sm.mention.sentence.split())
        if text not in seen:
            seen.add(text)
            picked.append(to_evidence(sm))
    return tuple(picked)
