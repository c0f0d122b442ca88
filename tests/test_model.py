"""The shipped stance model: loads offline and gets clear cases right. Marked slow (loads the model)."""

import pytest

from biascheck.errors import ModelError
from biascheck.scorers import default_model_path, load_scorer
from biascheck.scorers.transformer import TransformerScorer
from biascheck.targets import find_mentions, load_targets
from biascheck.types import Sentence

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scorer(monkeypatch_module):
    return load_scorer()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        mp.delenv("BIASCHECK_MODEL", raising=False)
        yield mp


def label(scorer, text: str, target: str) -> str:
    [mention] = [m for m in find_mentions(Sentence("t", 0, text), load_targets()) if m.target == target]
    return scorer.score([mention])[0].label


def test_shipped_model_loads_offline(scorer):
    assert (default_model_path() / "model.safetensors").stat().st_size <= 50_000_000
    assert isinstance(scorer, TransformerScorer)
    assert scorer.name == "biascheck-stance" and len(scorer.version) == 12


def test_clear_positive_case(scorer):
    assert label(scorer, "Serbian Interior Minister Aleksandar Vulin said that Russia is a great security partner",
                 "Russia") == "positive"


@pytest.mark.xfail(reason="the shipped model reads this NATO sentence as neutral (p(negative) 0.06); "
                          "see 'Against the quality bars' in models/biascheck-stance/README.md", strict=True)
def test_clear_negative_case(scorer):
    assert label(scorer, "The NATO bloc is interested in suppressing Russia's position", "NATO") == "negative"


def test_same_input_same_scores(scorer):
    text = "The EU agreed new sanctions against Russia over its aggression in Ukraine."
    [mention] = [m for m in find_mentions(Sentence("t", 0, text), load_targets()) if m.target == "Russia"]
    first = scorer.score([mention] * 5)
    assert first == scorer.score([mention] * 5)  # the same call gives exactly the same scores
    alone = scorer.score([mention])[0]  # batch composition only moves float rounding
    assert all(s.label == alone.label and s.probs == pytest.approx(alone.probs, abs=1e-4) for s in first)


def test_bad_model_path_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="No model folder at"):
        load_scorer(str(tmp_path / "missing"))
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(ModelError, match="Cannot load a stance model from") as e:
        TransformerScorer(tmp_path).load()
    assert "biascheck train" in str(e.value)
