"""The public Python API. The CLI is a thin layer over these functions.

    import biascheck
    result = biascheck.compare("samples/", scorer="lexicon")
    for cell in result.rows:
        print(cell.outlet, cell.target, cell.mentions, round(cell.net, 2))

Inputs are a path (file or folder), a list of paths, or Article objects. Bad inputs never raise:
they come back as Skipped entries with a reason. Heavy libraries load on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union

from .aggregate import Tally
from .scorers import Scorer, load_scorer
from .targets import Target, load_targets
from .types import Article, Comparison, Mention, ScoredMention, Skipped

if TYPE_CHECKING:
    from .outlets import Outlet, OutletRegistry
    from .pipeline import Analysis

__all__ = [
    "compare",
    "score_sentences",
    "mentions",
    "load_articles",
    "list_outlets",
    "resolve_scorer",
    "resolve_targets",
]

Inputs = Union[str, Path, Article, Iterable[Union[str, Path, Article]]]
PathLike = Union[str, Path]


def resolve_scorer(scorer: Scorer | PathLike | None = None) -> Scorer:
    """A Scorer as given, or one loaded from a `--model` value: None/"default", "lexicon" or a path."""
    if isinstance(scorer, Scorer):
        return scorer
    return load_scorer(None if scorer is None else str(scorer))


def resolve_targets(targets: PathLike | Sequence[Target] | None = None) -> tuple[Target, ...]:
    """Targets as given, the defaults (None), or the defaults merged with a user TOML file."""
    if targets is None or isinstance(targets, (str, Path)):
        return load_targets(targets)
    return tuple(targets)


def _registry(outlets: PathLike | OutletRegistry | None) -> OutletRegistry:
    from .outlets import load_registry

    if outlets is None or isinstance(outlets, (str, Path)):
        return load_registry(None if outlets is None else Path(outlets))
    return outlets


def _iter_inputs(
    inputs: Inputs, manifest: PathLike | None, outlets: PathLike | OutletRegistry | None
) -> Iterator[Article | Skipped]:
    """Articles and Skipped entries: Article objects as given, then the articles read from paths."""
    from .ingest import iter_articles

    items = [inputs] if isinstance(inputs, (str, Path, Article)) else list(inputs)
    bad = [type(i).__name__ for i in items if not isinstance(i, (str, Path, Article))]
    if bad:
        raise TypeError(f"inputs must be paths or Article objects, got {bad[0]}")
    for item in items:
        if isinstance(item, Article):
            yield item
    paths = [Path(i) for i in items if not isinstance(i, Article)]
    if paths:
        manifest = None if manifest is None else Path(manifest)
        yield from iter_articles(paths, manifest=manifest, registry=_registry(outlets))


def _analyses(inputs, targets, manifest, outlets, skipped: list[Skipped]) -> Iterator[Analysis]:
    from .pipeline import analyze

    for item in _iter_inputs(inputs, manifest, outlets):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            yield analyze(item, targets)


def compare(
    inputs: Inputs,
    *,
    scorer: Scorer | PathLike | None = None,
    targets: PathLike | Sequence[Target] | None = None,
    manifest: PathLike | None = None,
    outlets: PathLike | OutletRegistry | None = None,
    by: str = "outlet",
    keep_mentions: bool = False,
) -> Comparison:
    """Score every target mention in the inputs and aggregate by outlet (or `by="type"`) x target.

    `scorer`: None for the shipped stance model, "lexicon" for the VADER baseline, a model
    folder, or any Scorer. `targets`: a TOML file or Target objects (default Russia, NATO, EU).
    `keep_mentions=True` also keeps every scored mention in `Comparison.scored`.
    """
    targets = resolve_targets(targets)
    tally = Tally(by, [t.name for t in targets])
    model = resolve_scorer(scorer)
    from .pipeline import score_analyses

    skipped: list[Skipped] = []
    kept: list[ScoredMention] = []
    articles = dropped = 0
    for analysis, scored in score_analyses(_analyses(inputs, targets, manifest, outlets, skipped), model):
        articles += 1
        dropped += len(analysis.clean.dropped)
        for sm in scored:
            tally.add(sm)
        if keep_mentions:
            kept.extend(scored)
    return Comparison(
        rows=tally.cells(),
        model=model.label,
        articles=articles,
        skipped=tuple(skipped),
        by=by,
        dropped_lines=dropped,
        model_kind=model.kind,
        scored=tuple(kept),
    )


def score_sentences(
    inputs: Inputs,
    *,
    scorer: Scorer | PathLike | None = None,
    targets: PathLike | Sequence[Target] | None = None,
    manifest: PathLike | None = None,
    outlets: PathLike | OutletRegistry | None = None,
) -> tuple[list[ScoredMention], list[Skipped]]:
    """Every target mention with its sentence, article and score, plus the skipped inputs."""
    result = compare(
        inputs, scorer=scorer, targets=targets, manifest=manifest, outlets=outlets, keep_mentions=True
    )
    return list(result.scored), list(result.skipped)


def mentions(
    inputs: Inputs,
    *,
    targets: PathLike | Sequence[Target] | None = None,
    manifest: PathLike | None = None,
    outlets: PathLike | OutletRegistry | None = None,
) -> tuple[list[Mention], list[Skipped]]:
    """Every target mention (sentence and spans), without scoring, plus the skipped inputs."""
    targets = resolve_targets(targets)
    skipped: list[Skipped] = []
    found = [m for a in _analyses(inputs, targets, manifest, outlets, skipped) for m in a.mentions]
    return found, skipped


def load_articles(
    inputs: Inputs, *, manifest: PathLike | None = None, outlets: PathLike | OutletRegistry | None = None
) -> tuple[list[Article], list[Skipped]]:
    """Read articles (with outlet and type attributed) and the inputs that had to be skipped."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in _iter_inputs(inputs, manifest, outlets):
        (skipped if isinstance(item, Skipped) else articles).append(item)
    return articles, skipped


def list_outlets(outlets: PathLike | OutletRegistry | None = None) -> tuple[Outlet, ...]:
    """The outlet registry: the shipped entries, with those from a user TOML file added or overriding."""
    return tuple(_registry(outlets).all())
