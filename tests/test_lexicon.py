"""The VADER baseline: a deterministic compound -> probabilities map whose label is the argmax."""

import pytest

from biascheck.scorers import load_scorer
from biascheck.scorers.lexicon import LexiconScorer, compound_to_score
from biascheck.types import LABELS, Mention


@pytest.mark.parametrize(
    "c, label, probs",
    [
        (0.0, "neutral", (0.0, 1.0, 0.0)),
        (0.02, "neutral", (0.0, 0.8, 0.2)),
        (-0.02, "neutral", (0.2, 0.8, 0.0)),
        (0.05, "positive", (0.0, 0.5, 0.5)),
        (-0.05, "negative", (0.5, 0.5, 0.0)),
        (1.0, "positive", (0.0, 0.0, 1.0)),
        (-1.0, "negative", (1.0, 0.0, 0.0)),
    ],
)
def test_compound_map(c, label, probs):
    score = compound_to_score(c)
    assert score.label == label
    assert score.probs == pytest.approx(probs)


@pytest.mark.parametrize("c", [i / 100 for i in range(-100, 101)])
def test_label_is_the_most_probable_class_and_net_is_monotonic(c):
    score = compound_to_score(c)
    assert sum(score.probs) == pytest.approx(1)
    assert score.confidence == max(score.probs)
    assert score.label == LABELS[0 if c <= -0.05 else 2 if c >= 0.05 else 1]
    assert compound_to_score(c + 0.005).net >= score.net


def test_lexicon_scorer_scores_sentences():
    scorer = load_scorer("lexicon")
    assert isinstance(scorer, LexiconScorer)
    assert scorer.name == "lexicon" and scorer.kind == "sentence tone (not target stance)"
    texts = ["NATO is a terrible, brutal aggressor.", "The EU is a wonderful, generous partner.", "NATO met on Monday."]
    mentions = [Mention("a", i, t, "X", ((0, 2),)) for i, t in enumerate(texts)]
    assert [s.label for s in scorer.score(mentions)] == ["negative", "positive", "neutral"]
    assert scorer.score([]) == []
