"""biascheck: compare how news outlets portray Russia, NATO and the EU.

    import biascheck
    result = biascheck.compare("samples/", scorer="lexicon")

Importing biascheck is cheap: models and text libraries load on first use.
"""

from .aggregate import aggregate
from .api import compare, list_outlets, load_articles, mentions, score_sentences
from .batch import ScoreSummary, score_into_store
from .errors import BiascheckError, ConfigError, InputError, ModelError, StoreError
from .scorers import Scorer, load_scorer
from .store import compare_store
from .targets import Target, find_mentions, load_targets
from .types import (
    Article,
    Cell,
    CleanText,
    Comparison,
    Mention,
    Score,
    ScoredMention,
    Sentence,
    Skipped,
)

__version__ = "0.1.0"

__all__ = [
    "compare",
    "score_sentences",
    "score_into_store",
    "compare_store",
    "ScoreSummary",
    "mentions",
    "load_articles",
    "list_outlets",
    "load_targets",
    "find_mentions",
    "aggregate",
    "load_scorer",
    "Scorer",
    "Target",
    "Article",
    "CleanText",
    "Sentence",
    "Mention",
    "Score",
    "ScoredMention",
    "Skipped",
    "Cell",
    "Comparison",
    "BiascheckError",
    "InputError",
    "ConfigError",
    "ModelError",
    "StoreError",
]
