"""biascheck: compare how news outlets portray Russia, NATO and the EU.

    import biascheck
    result = biascheck.compare("samples/", scorer="lexicon")

Names are imported on first use (PEP 562), so `import biascheck` and `biascheck --help` stay
instant; models and text libraries load only when something is scored.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "compare": "api",
    "score_sentences": "api",
    "mentions": "api",
    "load_articles": "api",
    "list_outlets": "api",
    "score_into_store": "batch",
    "ScoreSummary": "batch",
    "compare_store": "store",
    "load_targets": "targets",
    "find_mentions": "targets",
    "Target": "targets",
    "aggregate": "aggregate",
    "load_scorer": "scorers",
    "Scorer": "scorers",
    **{name: "types" for name in (
        "Article", "CleanText", "Sentence", "Mention", "Score", "ScoredMention", "Skipped", "Cell", "Comparison",
    )},
    **{name: "errors" for name in ("BiascheckError", "InputError", "ConfigError", "ModelError", "StoreError")},
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'biascheck' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if TYPE_CHECKING:
    from .aggregate import aggregate
    from .api import compare, list_outlets, load_articles, mentions, score_sentences
    from .batch import ScoreSummary, score_into_store
    from .errors import BiascheckError, ConfigError, InputError, ModelError, StoreError
    from .scorers import Scorer, load_scorer
    from .store import compare_store
    from .targets import Target, find_mentions, load_targets
    from .types import Article, Cell, CleanText, Comparison, Mention, Score, ScoredMention, Sentence, Skipped
