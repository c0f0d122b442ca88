"""Label offsets: chosen on dev by grid search, stored in config.json, applied by the scorer."""

import json

import pytest

from biascheck.calibrate import fit_label_bias, mean_macro_f1
from biascheck.errors import ModelError
from biascheck.labelled import Example
from biascheck.scorers.base import Scorer
from biascheck.types import Mention, Score


class FixedScorer(Scorer):
    """Returns the probabilities stored per sentence."""

    name = "fixed"

    def __init__(self, probs):
        self.probs = probs

    def _score_batch(self, mentions):
        return [Score.from_probs(self.probs[m.sentence]) for m in mentions]


def example(i, label):
    return Example(f"x{i}", f"s{i}", ((0, 2),), label, "NATO")


def test_a_shy_model_gets_a_positive_offset():
    # the positives score p(positive) = 0.3 < p(neutral) = 0.6, but above every other row's 0.05
    rows = [example(i, "positive") for i in range(4)] + [example(i + 4, "neutral") for i in range(8)]
    probs = {f"s{i}": (0.1, 0.6, 0.3) for i in range(4)} | {f"s{i}": (0.05, 0.9, 0.05) for i in range(4, 12)}
    bias, before, after = fit_label_bias(FixedScorer(probs), {"dev": rows})
    assert before == pytest.approx(1 / 3 * (0 + 2 * 8 / 12 / (1 + 8 / 12)))  # all neutral: neutral F1 only
    assert after == pytest.approx(2 / 3)  # every row right; negative absent so its F1 counts as 0
    assert bias[1] == 0.0 and bias[2] > 0
    groups = {"dev": ([r.label for r in rows], [probs[r.sentence] for r in rows])}
    assert mean_macro_f1(groups, bias) == pytest.approx(after)


def test_no_offset_when_it_does_not_pay():
    rows = [example(0, "negative"), example(1, "neutral"), example(2, "positive")]
    probs = {"s0": (0.8, 0.1, 0.1), "s1": (0.1, 0.8, 0.1), "s2": (0.1, 0.1, 0.8)}
    assert fit_label_bias(FixedScorer(probs), {"dev": rows})[0] == (0.0, 0.0, 0.0)


def _save_tiny_model(folder, bias):
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "nato", "is", "<t>", "</t>"]
    (folder.parent / "vocab.txt").write_text("\n".join(vocab) + "\n")
    BertTokenizerFast(vocab_file=str(folder.parent / "vocab.txt")).save_pretrained(folder)
    config = BertConfig(vocab_size=len(vocab), hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=16, max_position_embeddings=32, num_labels=3,
                        id2label={0: "negative", 1: "neutral", 2: "positive"},
                        label2id={"negative": 0, "neutral": 1, "positive": 2})
    if bias is not None:
        config.label_bias = bias
    BertForSequenceClassification(config).save_pretrained(folder)


def test_scorer_adds_the_offsets_to_the_logits(tmp_path):
    from biascheck.scorers.transformer import TransformerScorer

    mention = Mention("a", 0, "nato is", "NATO", ((0, 4),))
    _save_tiny_model(tmp_path / "plain", None)
    _save_tiny_model(tmp_path / "biased", [0.0, 0.0, 30.0])
    plain = TransformerScorer(tmp_path / "plain", device="cpu").score([mention])[0]
    biased = TransformerScorer(tmp_path / "biased", device="cpu").score([mention])[0]
    assert biased.label == "positive" and biased.probs[2] > 0.99 and plain.probs != biased.probs


def test_malformed_offsets_are_a_clear_error(tmp_path):
    from biascheck.scorers.transformer import TransformerScorer

    _save_tiny_model(tmp_path / "bad", None)
    config = json.loads((tmp_path / "bad" / "config.json").read_text())
    config["label_bias"] = [1.0, "x"]
    (tmp_path / "bad" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="malformed label_bias"):
        TransformerScorer(tmp_path / "bad", device="cpu").score([Mention("a", 0, "nato is", "NATO", ((0, 4),))])
