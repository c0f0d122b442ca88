"""The one-way pipeline: articles -> clean sentences -> target mentions -> scores.

Every entry point (compare on files, score into a store, the distributed job) calls these
functions, so cleaning, splitting, matching and scoring are the same code everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .clean import clean
from .scorers.base import Scorer
from .sentences import split_sentences
from .targets import Target, find_mentions
from .types import Article, CleanText, Mention, ScoredMention, Sentence


@dataclass(frozen=True)
class Analysis:
    """What the text side of the pipeline makes of one article (no model involved)."""

    article: Article
    clean: CleanText
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]


def analyze(article: Article, targets: Sequence[Target]) -> Analysis:
    """Clean an article, split it into sentences and find every target mention."""
    cleaned = clean(article.text, title=article.title)
    sentences = tuple(
        Sentence(article.id, i, text) for i, text in enumerate(split_sentences(cleaned.lines))
    )
    mentions = tuple(m for s in sentences for m in find_mentions(s, targets))
    return Analysis(article, cleaned, sentences, mentions)


def score_analyses(
    analyses: Iterable[Analysis], scorer: Scorer, *, chunk_mentions: int = 512
) -> Iterator[tuple[Analysis, list[ScoredMention]]]:
    """Score articles in chunks that span several articles, so batches stay full.

    Yields each article with its scored mentions, in input order, as soon as its chunk is done.
    Memory stays bounded by `chunk_mentions`, whatever the corpus size.
    """
    pending: list[Analysis] = []
    count = 0

    def flush() -> Iterator[tuple[Analysis, list[ScoredMention]]]:
        mentions = [m for a in pending for m in a.mentions]
        scores = iter(scorer.score(mentions))
        for a in pending:
            yield a, [ScoredMention(a.article, m, next(scores)) for m in a.mentions]

    for analysis in analyses:
        pending.append(analysis)
        count += len(analysis.mentions)
        if count >= chunk_mentions:
            yield from flush()
            pending, count = [], 0
    if pending:
        yield from flush()
