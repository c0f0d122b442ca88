"""Shared fixtures: a deterministic fake scorer (model name "fake") and the samples folder."""

from pathlib import Path

import pytest

from biascheck import api
from biascheck.scorers.base import Scorer
from biascheck.types import Score

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

NEGATIVE_WORDS = ("aggression", "opposed", "sanctions", "war", "illegal", "threat", "negative", "controversial")
POSITIVE_WORDS = ("friendly", "cooperation", "support", "partner", "peace", "positive", "ally")


class FakeScorer(Scorer):
    """Keyword stance: negative words win over positive ones, otherwise neutral. Records every batch."""

    name = "fake"
    version = "1"
    kind = "keyword test stance"
    batch_size = 4

    def __init__(self):
        self.batches = []

    def _score_batch(self, mentions):
        self.batches.append(list(mentions))
        return [self.score_text(m.sentence) for m in mentions]

    @staticmethod
    def score_text(sentence):
        low = sentence.lower()
        if any(w in low for w in NEGATIVE_WORDS):
            return Score("negative", (0.7, 0.2, 0.1))
        if any(w in low for w in POSITIVE_WORDS):
            return Score("positive", (0.1, 0.3, 0.6))
        return Score("neutral", (0.1, 0.8, 0.1))


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    """`--model fake` (or scorer="fake") gives a fresh FakeScorer; other values load as usual."""
    real = api.load_scorer
    made = []

    def load(spec=None, **kwargs):
        if spec == "fake":
            made.append(FakeScorer())
            return made[-1]
        return real(spec, **kwargs)

    monkeypatch.setattr(api, "load_scorer", load)
    return made


@pytest.fixture
def samples():
    return SAMPLES


@pytest.fixture
def fake():
    return FakeScorer()
