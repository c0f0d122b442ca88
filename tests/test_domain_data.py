"""The committed domain set is well-formed, and its news rows still point at the right corpus sentences."""

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from biascheck.labelled import load_split, read_examples
from biascheck.types import LABELS

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "data" / "domain"
# news_labels (random), news_round4, news_support (3), news_targeted (2), and news_ukraine_others: other states in the
# Ukraine-crisis training articles (../shared/data/ukraine)
NEWS = sorted((DOMAIN / "news").glob("news_*.jsonl"))
CORPUS = ROOT / "../shared/data/news/articles.jsonl"
UKRAINE = ROOT / "../shared/data/ukraine/articles.jsonl"


def news_rows() -> list[dict]:
    return [json.loads(line) for f in NEWS for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_hand_written_rows_parse_and_are_balanced():
    rows = [ex for f in sorted(DOMAIN.glob("*_0?.jsonl")) for ex in read_examples(f)]
    counts = Counter(ex.label for ex in rows)
    assert len(rows) >= 3000 and set(counts) == set(LABELS)
    assert max(counts.values()) - min(counts.values()) < 0.05 * len(rows)


def test_news_rows_carry_no_corpus_text():
    for row in news_rows():
        assert "sentence" not in row and set(row["mentions"]) and row["label"] in LABELS
        assert all(len(m) < 60 for m in row["mentions"])  # names ("Organization for Security and ..."), not text


def test_second_labels_refer_to_news_rows():
    ids = {r["id"] for r in news_rows()}
    second = [json.loads(line) for line in (DOMAIN / "news" / "second_labels.jsonl").read_text().splitlines()]
    assert len(second) >= 0.09 * len(ids) and all(r["id"] in ids for r in second)


@pytest.mark.parametrize("name", ["news_support.jsonl", "news_round4.jsonl"])
def test_later_rounds_come_from_training_articles_only(name):
    # rounds 3 and 4 were drawn after the news dev and test articles were fixed; they must not add to or enlarge them
    rows = [json.loads(line) for line in (DOMAIN / "news" / name).read_text().splitlines()]
    assert len(rows) > 1000 and all(r["corpus"] == "../shared/data/news/articles.jsonl" for r in rows)
    held_out = [r for r in rows if int(hashlib.sha1(f"news:{r['article']}".encode()).hexdigest(), 16) % 100 < 20]
    assert held_out == []
    split = load_split(ROOT / "data" / "splits" / "domain.json")
    assert not {f"news/{r['article']}" for r in rows} & (split.test | split.dev)


@pytest.mark.skipif(not (CORPUS.is_file() and UKRAINE.is_file()), reason="needs ../shared/data beside the repository")
def test_news_rows_resolve_against_the_corpus(monkeypatch):
    monkeypatch.chdir(ROOT)  # the rows name the corpus relative to the repository root
    assert [f.name for f in NEWS] == ["news_labels.jsonl", "news_round4.jsonl", "news_support.jsonl",
                                      "news_targeted.jsonl", "news_ukraine_others.jsonl"]
    examples = [ex for f in NEWS for ex in read_examples(f)]  # raises on any sha1 mismatch
    assert len(examples) == len(news_rows()) == len({ex.id for ex in examples})
    split = load_split(ROOT / "data" / "splits" / "domain.json")
    parts = Counter(split.part(ex) for ex in examples)
    assert parts["test"] > 200 and parts["dev"] > 200
    # the news split keeps the Ukraine split as it was
    ukraine = json.loads((ROOT / "data" / "splits" / "ukraine.json").read_text())
    assert set(ukraine["test"]) <= split.test and set(ukraine["dev"]) <= split.dev
    assert not {a for a in split.test | split.dev if not a.startswith(("ukraine/", "news/"))}


def test_ukraine_other_targets_come_from_training_articles_and_leave_russia_nato_eu_alone():
    rows = [json.loads(line) for line in (DOMAIN / "news" / "news_ukraine_others.jsonl").read_text().splitlines()]
    assert len(rows) > 300 and all(r["corpus"] == "../shared/data/ukraine/articles.jsonl" for r in rows)
    split = load_split(ROOT / "data" / "splits" / "domain.json")
    assert not {f"ukraine/{r['article']}" for r in rows} & (split.test | split.dev)
    assert not {r["entity"] for r in rows} & {"Russia", "NATO", "EU"}
    assert all(r["id"].startswith(f"ukraine/{r['article']}/") for r in rows)  # so the split finds their article


def test_transfer_rows_are_unlabelled_training_mentions_apart_from_the_labelled_ones():
    rows = [json.loads(line) for line in (DOMAIN / "news" / "transfer.jsonl").read_text().splitlines()]
    assert len(rows) > 5000 and not any("label" in r or "sentence" in r for r in rows)  # references only, no text
    split = load_split(ROOT / "data" / "splits" / "domain.json")
    assert not {f"news/{r['article']}" for r in rows} & (split.test | split.dev)
    assert all(int(hashlib.sha1(f"news:{r['article']}".encode()).hexdigest(), 16) % 100 >= 20 for r in rows)
    # drawn after rounds 1 to 3 and apart from them; round 4 was drawn later, from much the same sentences
    earlier = [f for f in NEWS if f.name not in ("news_round4.jsonl", "news_ukraine_others.jsonl")]
    assert not {r["sha1"] for r in rows} & {json.loads(line)["sha1"] for f in earlier for line in f.open()}
    assert Counter(r["entity"] for r in rows).keys() == {"Russia", "EU", "NATO"}


@pytest.mark.skipif(not CORPUS.is_file(), reason="needs ../shared/data/news beside the repository")
def test_transfer_rows_resolve_against_the_corpus(monkeypatch):
    monkeypatch.chdir(ROOT)
    examples = read_examples(DOMAIN / "news" / "transfer.jsonl", labelled=False)  # raises on any sha1 mismatch
    assert len(examples) > 5000 and {ex.label for ex in examples} == {""}


def _adjudicate_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("adjudicate", ROOT / "scripts" / "adjudicate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_logged_label_fix_is_in_its_file():
    adjudicate = _adjudicate_module()
    log = adjudicate.read_log()
    assert log and all(row["reason"] and row["source"] for row in log)
    assert adjudicate.check(log) == []


def test_undo_restores_exactly_the_logged_rows(tmp_path):
    """`scripts/train_shipped.sh` trains on the undone copy: it must differ from the files only in the logged labels."""
    adjudicate = _adjudicate_module()
    log = adjudicate.read_log()
    folder = adjudicate.undo(log, tmp_path)
    old = {row["id"]: row["old"] for row in log}
    for path in sorted(DOMAIN.rglob("*.jsonl")):
        now = path.read_text(encoding="utf-8").splitlines()
        then = (folder / path.relative_to(DOMAIN)).read_text(encoding="utf-8").splitlines()
        assert len(now) == len(then)
        for a, b in zip(now, then):
            if a == b:
                continue
            ra, rb = json.loads(a), json.loads(b)
            assert rb["label"] == old.pop(ra["id"]) and {**ra, "label": rb["label"]} == rb
    assert old == {}  # every logged row was found and undone
