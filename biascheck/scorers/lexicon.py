"""The lexicon baseline: VADER sentence tone. It scores the whole sentence, not the target.

VADER gives a compound score c in [-1, 1]. The label follows VADER's standard thresholds
(c >= 0.05 positive, c <= -0.05 negative, otherwise neutral). The probabilities are a fixed,
piecewise-linear function of c chosen so that the label is always the most probable class:

    w = |c| / 0.05 * 0.5                      if |c| < 0.05   (0 .. 0.5)
    w = 0.5 + 0.5 * (|c| - 0.05) / 0.95       otherwise       (0.5 .. 1)

The side of c's sign gets probability w, neutral gets 1 - w, the other side 0. So c = 0 is
certainly neutral, c = ±1 certainly polar, and net = p(positive) - p(negative) = sign(c) * w.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..types import Mention, Score
from .base import Scorer

THRESHOLD = 0.05


def compound_to_score(c: float) -> Score:
    """Map a VADER compound score to a Score (see the module docstring)."""
    s = min(abs(c), 1.0)
    if s < THRESHOLD:
        w = s / THRESHOLD * 0.5
    else:
        w = 0.5 + 0.5 * (s - THRESHOLD) / (1 - THRESHOLD)
    if c >= THRESHOLD:
        return Score("positive", (0.0, 1 - w, w))
    if c <= -THRESHOLD:
        return Score("negative", (w, 1 - w, 0.0))
    probs = (w, 1 - w, 0.0) if c < 0 else (0.0, 1 - w, w)
    return Score("neutral", probs)


class LexiconScorer(Scorer):
    name = "lexicon"
    kind = "sentence tone (not target stance)"
    batch_size = 256

    def __init__(self) -> None:
        self._analyzer = None
        try:
            from importlib.metadata import version

            self.version = f"vader-{version('vaderSentiment')}"
        except Exception:  # metadata missing in odd installs; the name still identifies it
            self.version = "vader"

    def _score_batch(self, mentions: Sequence[Mention]) -> list[Score]:
        if self._analyzer is None:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            self._analyzer = SentimentIntensityAnalyzer()
        return [compound_to_score(self._analyzer.polarity_scores(m.sentence)["compound"]) for m in mentions]
