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


def test_distillation_learns_from_the_teachers_mean(tmp_path, tiny_base, monkeypatch):
    from biascheck.distill import cache_dir, teacher_probs
    from biascheck.labelled import read_examples

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    train_file = write_rows(tmp_path / "train.jsonl", rows(12))
    kwargs = dict(base=str(tiny_base), device="cpu", progress=False)
    teachers = [train([train_file], [train_file], tmp_path / f"t{seed}",
                      config=TrainConfig(epochs=1, lr=1e-3, batch_size=4, seed=seed), **kwargs).out
                for seed in (1, 2)]
    examples = read_examples(train_file)
    mean = teacher_probs(teachers, examples)
    each = [teacher_probs([t], examples) for t in teachers]
    assert all(abs(m[k] - (a[k] + b[k]) / 2) < 2e-4 for m, a, b in zip(mean, *each) for k in range(3))
    assert all(abs(sum(m) - 1) < 1e-3 for m in mean)
    assert len(list(cache_dir().glob("*.json"))) == 2  # one cache file per teacher

    # a cached run trains the same student as a fresh one, and the soft targets change what it learns
    config = TrainConfig(epochs=1, lr=1e-3, batch_size=4, seed=3, teachers=tuple(map(str, teachers)), distill=0.7)
    a = train([train_file], [train_file], tmp_path / "a", config=config, **kwargs)
    for f in cache_dir().glob("*.json"):
        f.unlink()
    b = train([train_file], [train_file], tmp_path / "b", config=config, **kwargs)
    plain = train([train_file], [train_file], tmp_path / "plain",
                  config=TrainConfig(epochs=1, lr=1e-3, batch_size=4, seed=3), **kwargs)
    weights = [(m.out / "model.safetensors").read_bytes() for m in (a, b, plain)]
    assert weights[0] == weights[1] != weights[2]
    info = json.loads((a.out / "training.json").read_text())
    assert info["config"]["teachers"] == [str(t) for t in teachers] and info["config"]["distill"] == 0.7


def test_a_missing_teacher_is_a_clear_error(tmp_path, tiny_base):
    from biascheck.errors import ModelError

    train_file = write_rows(tmp_path / "train.jsonl", rows(6))
    config = TrainConfig(epochs=1, batch_size=4, teachers=(str(tmp_path / "nowhere"),))
    with pytest.raises(ModelError, match="No teacher model folder"):
        train([train_file], [train_file], tmp_path / "a", base=str(tiny_base), config=config, device="cpu",
              progress=False)


def test_transfer_rows_learn_from_the_teachers_only(tmp_path, tiny_base, monkeypatch):
    from biascheck.errors import InputError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    train_file = write_rows(tmp_path / "train.jsonl", rows(12))
    unlabelled = [{k: v for k, v in r.items() if k != "label"} for r in rows(9)]
    transfer_file = write_rows(tmp_path / "transfer.jsonl", unlabelled)
    kwargs = dict(base=str(tiny_base), device="cpu", progress=False)
    teacher = train([train_file], [train_file], tmp_path / "t", config=TrainConfig(epochs=1, batch_size=4), **kwargs)
    config = TrainConfig(epochs=1, lr=1e-3, batch_size=4, seed=3, teachers=(str(teacher.out),),
                         transfer=(f"{transfer_file}@2",))
    result = train([train_file], [train_file], tmp_path / "s", config=config, **kwargs)
    assert result.train_rows == 12 + 9 * 2
    with pytest.raises(InputError, match="need --teacher"):
        train([train_file], [train_file], tmp_path / "x", config=TrainConfig(transfer=(str(transfer_file),)), **kwargs)


def test_target_head_trains_saves_and_scores(tmp_path, tiny_base):
    from biascheck.scorers.transformer import TransformerScorer

    train_file = write_rows(tmp_path / "train.jsonl", rows(30))
    out = tmp_path / "model"
    config = TrainConfig(epochs=1, lr=1e-3, batch_size=8, seed=1, pooling="target")
    train([train_file], [train_file], out, base=str(tiny_base), config=config, device="cpu", progress=False)

    config_json = json.loads((out / "config.json").read_text())
    assert config_json["biascheck_pooling"] == "target"
    assert "opening markers (`--pooling target`)" in (out / "README.md").read_text()
    scorer = TransformerScorer(out, device="cpu")
    sentence = "the nato bloc is a threat , russia says ."
    nato = Mention("a", 0, sentence, "NATO", ((4, 8),))
    russia = Mention("a", 0, sentence, "Russia", ((30, 36),))
    scorer.load()
    assert type(scorer._model).__name__ == "TargetPooledBertForSequenceClassification"
    assert scorer._model.config.biascheck_marker_id == scorer._tokenizer.convert_tokens_to_ids("<t>")
    # one sentence, two marked targets: each gets its own scores
    a, b = scorer.score([nato, russia])
    assert a.probs != b.probs
    # the saved head is the trained head: a reload scores the same
    assert TransformerScorer(out, device="cpu").score([nato])[0].probs == pytest.approx(a.probs, abs=1e-6)


def test_target_head_needs_a_bert_base(tmp_path):
    from biascheck.errors import ModelError
    from biascheck.train import load_base
    from transformers import DistilBertConfig, DistilBertForSequenceClassification

    base = tmp_path / "distil"
    DistilBertForSequenceClassification(DistilBertConfig(vocab_size=20, dim=8, n_layers=1, n_heads=2,
                                                         hidden_dim=16)).save_pretrained(base)
    with pytest.raises(ModelError, match="BERT-family"):
        load_base(str(base), 1, "target")
