"""Training end to end on a tiny randomly initialised BERT built here (seconds, no download)."""

import json

import pytest

from biascheck.train import TrainConfig, train
from biascheck.types import Mention

WORDS = "the nato russia eu bloc is a great partner threat says minister good bad talks held".split()


@pytest.fixture()
def tiny_base(tmp_path):
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ","] + WORDS
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n")
    base = tmp_path / "base"
    BertTokenizerFast(vocab_file=str(tmp_path / "vocab.txt")).save_pretrained(base)
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64)
    BertForSequenceClassification(config).save_pretrained(base)
    return base


def write_rows(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def rows(n):
    out = []
    for i in range(n):
        label = ("negative", "neutral", "positive")[i % 3]
        word = {"negative": "threat", "neutral": "talks", "positive": "great partner"}[label]
        sentence = f"the minister says nato is a {word} ."
        if i % 2:  # domain layout
            out.append({"id": f"d{i}", "sentence": sentence, "entity": "NATO", "mentions": ["nato"], "label": label})
        else:  # span layout
            out.append({"sentence": sentence, "target": "nato", "from": 18, "to": 22, "label": label,
                        "further_mentions": [], "sentence_id": f"ukraine/article_{i % 5}/sent_{i}"})
    return out


def test_train_end_to_end(tmp_path, tiny_base):
    train_file = write_rows(tmp_path / "train.jsonl", rows(30))
    dev_file = write_rows(tmp_path / "dev.jsonl", rows(9))
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"test": ["ukraine/article_4"], "dev": ["ukraine/article_3"]}))
    out = tmp_path / "model"
    config = TrainConfig(epochs=2, lr=1e-3, batch_size=8, seed=1)
    result = train([f"{train_file}@2"], [dev_file], out, base=str(tiny_base), split=split, config=config,
                   device="cpu", progress=False)

    assert (out / "model.safetensors").is_file() and (out / "config.json").is_file()
    config_json = json.loads((out / "config.json").read_text())
    assert config_json["id2label"] == {"0": "negative", "1": "neutral", "2": "positive"}
    assert len(result.history) == 2 and 1 <= result.best_epoch <= 2
    assert "train[test]" in result.reports and "train[dev]" in result.reports
    info = json.loads((out / "training.json").read_text())
    assert info["train_rows"] == (30 - 6) * 2  # articles 3 and 4 (3 span rows each) held out; file seen twice
    from safetensors import safe_open

    with safe_open(str(out / "model.safetensors"), "pt") as f:
        assert all(str(f.get_tensor(k).dtype) == "torch.float16" for k in f.keys() if "weight" in k)

    from biascheck.scorers.transformer import TransformerScorer

    scorer = TransformerScorer(out, device="cpu")
    mention = Mention("a", 0, "the minister says nato is a threat .", "NATO", ((18, 22),))
    first = scorer.score([mention] * 3)
    assert len(first) == 3 and len({s.probs for s in first}) == 1
    assert scorer.name == "model" and len(scorer.version) == 12
    # the offsets chosen on dev are recorded and shipped in config.json
    assert set(info["calibration"]["label_bias"]) == {"negative", "neutral", "positive"}
    assert config_json["label_bias"] == [info["calibration"]["label_bias"][c] for c in ("negative", "neutral", "positive")]
    assert info["calibration"]["dev_mean_after"] >= info["calibration"]["dev_mean_before"]


def test_same_seed_same_weights(tmp_path, tiny_base):
    train_file = write_rows(tmp_path / "train.jsonl", rows(12))
    config = TrainConfig(epochs=1, lr=1e-3, batch_size=4, seed=3)
    kwargs = dict(base=str(tiny_base), config=config, device="cpu", progress=False)
    a = train([train_file], [train_file], tmp_path / "a", **kwargs)
    b = train([train_file], [train_file], tmp_path / "b", **kwargs)
    assert (a.out / "model.safetensors").read_bytes() == (b.out / "model.safetensors").read_bytes()
