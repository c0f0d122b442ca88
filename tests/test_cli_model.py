"""`biascheck evaluate` and `biascheck train` through the command line."""

import json

from typer.testing import CliRunner

from biascheck.cli import app
from tests.test_train import rows, tiny_base, write_rows  # noqa: F401  (fixture)

runner = CliRunner()


def test_evaluate_lexicon_json(tmp_path):
    path = write_rows(tmp_path / "rows.jsonl", rows(9))
    result = runner.invoke(app, ["evaluate", str(path), "--model", "lexicon", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"macro_f1", "accuracy", "n", "per_class", "confusion", "per_entity"} <= set(data)
    assert data["n"] == 9 and set(data["per_entity"]) == {"NATO"}


def test_evaluate_table_and_split(tmp_path):
    path = write_rows(tmp_path / "rows.jsonl", rows(9))
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"test": ["ukraine/article_0"], "dev": []}))
    result = runner.invoke(app, ["evaluate", str(path), "--model", "lexicon", "--split", str(split), "--part", "test"])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.stdout and "gold negative" in result.stdout
    assert runner.invoke(app, ["evaluate", str(path), "--model", "lexicon", "--part", "test"]).exit_code == 2


def test_evaluate_bad_model_is_one_line(tmp_path):
    path = write_rows(tmp_path / "rows.jsonl", rows(3))
    result = runner.invoke(app, ["evaluate", str(path), "--model", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "No model folder at" in result.output and "Traceback" not in result.output


def test_train_command(tmp_path, tiny_base):  # noqa: F811
    path = write_rows(tmp_path / "rows.jsonl", rows(12))
    out = tmp_path / "model"
    result = runner.invoke(app, ["train", f"{path}@2", "--dev", str(path), "--out", str(out), "--base", str(tiny_base),
                                 "--epochs", "1", "--lr", "1e-3", "--batch-size", "4", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    card = (out / "README.md").read_text()
    assert "biascheck train" in card and "lexicon" in card
    assert json.loads((out / "training.json").read_text())["train_rows"] == 24


def test_train_command_with_a_teacher(tmp_path, tiny_base, monkeypatch):  # noqa: F811
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write_rows(tmp_path / "rows.jsonl", rows(12))
    common = ["--dev", str(path), "--base", str(tiny_base), "--epochs", "1", "--lr", "1e-3", "--batch-size", "4",
              "--device", "cpu"]
    assert runner.invoke(app, ["train", str(path), "--out", str(tmp_path / "teacher"), *common]).exit_code == 0
    result = runner.invoke(app, ["train", str(path), "--out", str(tmp_path / "student"), "--teacher",
                                 str(tmp_path / "teacher"), "--distill", "0.8", *common])
    assert result.exit_code == 0, result.output
    command = json.loads((tmp_path / "student" / "training.json").read_text())["command"]
    assert f"--teacher {tmp_path / 'teacher'} --distill 0.8" in command
    missing = runner.invoke(app, ["train", str(path), "--out", str(tmp_path / "s2"), "--teacher",
                                  str(tmp_path / "nowhere"), *common])
    assert missing.exit_code != 0 and "Traceback" not in missing.output


def test_train_command_with_swapped_targets(tmp_path, tiny_base):  # noqa: F811
    path = write_rows(tmp_path / "rows.jsonl", rows(12))
    people = write_rows(tmp_path / "people.jsonl", [
        {"sentence": f"Obama is a threat number {i} .", "target": "Obama", "from": 0, "to": 5,
         "label": "negative", "sentence_id": f"p{i}"} for i in range(10)])
    common = [str(path), "--dev", str(path), "--base", str(tiny_base), "--epochs", "1", "--lr", "1e-3",
              "--batch-size", "4", "--device", "cpu"]
    result = runner.invoke(app, ["train", *common, "--out", str(tmp_path / "m"), "--augment", str(people)])
    assert result.exit_code == 0, result.output
    info = json.loads((tmp_path / "m" / "training.json").read_text())
    assert info["train_rows"] == 12 + 10 and f"--augment {people}" in info["command"]
    missing = runner.invoke(app, ["train", *common, "--out", str(tmp_path / "m2"), "--augment",
                                  str(tmp_path / "nowhere.jsonl")])
    assert missing.exit_code != 0 and "nowhere.jsonl: no such file" in missing.output
    assert "Traceback" not in missing.output
