"""Evaluation maths on a hand-made fixture with answers worked out by hand."""

import json

import pytest

from biascheck.errors import InputError
from biascheck.evaluate import compute_metrics, evaluate, format_evaluation
from biascheck.labelled import Split, read_examples, select
from biascheck.scorers.base import Scorer
from biascheck.types import Score

# gold:      neg neg neg neg neu neu neu pos pos pos
# predicted: neg neg neu pos neu neu neg pos neu pos
GOLD = ["negative"] * 4 + ["neutral"] * 3 + ["positive"] * 3
PRED = ["negative", "negative", "neutral", "positive", "neutral", "neutral", "negative", "positive", "neutral", "positive"]


def test_metrics_by_hand():
    m = compute_metrics(GOLD, PRED)
    assert m.n == 10
    assert m.accuracy == pytest.approx(6 / 10)
    assert m.confusion == [[2, 1, 1], [1, 2, 0], [0, 1, 2]]
    neg, neu, pos = (m.per_class[c] for c in ("negative", "neutral", "positive"))
    assert (neg.precision, neg.recall, neg.support) == (pytest.approx(2 / 3), pytest.approx(2 / 4), 4)
    assert neg.f1 == pytest.approx(2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2))  # 4/7
    assert (neu.precision, neu.recall) == (pytest.approx(2 / 4), pytest.approx(2 / 3))
    assert neu.f1 == pytest.approx(4 / 7)
    assert (pos.precision, pos.recall, pos.f1) == (pytest.approx(2 / 3), pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert m.macro_f1 == pytest.approx((4 / 7 + 4 / 7 + 2 / 3) / 3)


def test_absent_class_counts_as_zero_in_macro_f1():
    m = compute_metrics(["negative", "neutral"], ["negative", "neutral"])
    assert m.accuracy == 1.0
    assert m.per_class["positive"].f1 == 0.0 and m.per_class["positive"].support == 0
    assert m.macro_f1 == pytest.approx(2 / 3)


class KeywordScorer(Scorer):
    """Deterministic fake: negative if the sentence says 'bad', positive if 'good'."""

    name = "keyword"

    def _score_batch(self, mentions):
        out = []
        for m in mentions:
            probs = (0.8, 0.1, 0.1) if "bad" in m.sentence else (0.1, 0.1, 0.8) if "good" in m.sentence else (0.1, 0.8, 0.1)
            out.append(Score.from_probs(probs))
        return out


@pytest.fixture()
def rows_file(tmp_path):
    rows = [
        {"sentence": "Russia is bad.", "target": "Russia", "from": 0, "to": 6, "label": "negative",
         "further_mentions": [], "entity": "Russia", "sentence_id": "ukraine/article_1/sent_0"},
        {"sentence": "Russia met Russia.", "target": "Russia", "from": 0, "to": 6, "label": "neutral",
         "further_mentions": [{"mention": "Russia", "from": 11, "to": 17}], "entity": "Russia",
         "sentence_id": "ukraine/article_2/sent_0"},
        {"id": "d1", "sentence": "The EU is good, the EU says.", "entity": "EU", "mentions": ["EU"], "label": "positive"},
        {"id": "d2", "sentence": "NATO is good.", "entity": "NATO", "mentions": ["NATO"], "label": "negative"},
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_both_row_layouts_and_every_mention(rows_file):
    examples = read_examples(rows_file)
    assert examples[1].spans == ((0, 6), (11, 17))
    assert examples[2].spans == ((4, 6), (20, 22))  # every word-bounded "EU"
    assert examples[0].article == "ukraine/article_1" and examples[2].article is None


def test_evaluate_per_entity_and_json(rows_file):
    ev = evaluate([rows_file], KeywordScorer())
    assert ev.overall.n == 4 and ev.overall.accuracy == pytest.approx(3 / 4)
    assert set(ev.per_entity) == {"EU", "NATO", "Russia"}
    assert ev.per_entity["NATO"].accuracy == 0.0 and ev.per_entity["Russia"].accuracy == 1.0
    d = ev.to_dict()
    assert {"macro_f1", "accuracy", "n", "per_class", "confusion", "per_entity"} <= set(d)
    json.dumps(d)
    assert "entity=NATO" in format_evaluation(ev)


def test_split_selects_articles(rows_file):
    split = Split(test=frozenset({"ukraine/article_1"}), dev=frozenset())
    ev = evaluate([rows_file], KeywordScorer(), split=split, part="test")
    assert ev.overall.n == 1
    assert len(select(read_examples(rows_file), split, "train")) == 3


def _reference_rows(tmp_path, monkeypatch, **change):
    """A corpus outside the labels, and one reference row pointing at its second sentence."""
    import hashlib

    text = "Leaders met in Brussels. NATO allies praised the EU for its aid. More later."
    sentence = "NATO allies praised the EU for its aid."
    start = text.index(sentence)
    (tmp_path / "corpus.jsonl").write_text(json.dumps({"id": "a1", "text": text}) + "\n")
    row = {"id": "n1", "corpus": "corpus.jsonl", "article": "a1", "start": start, "end": start + len(sentence),
           "sha1": hashlib.sha1(sentence.encode()).hexdigest()[:12], "entity": "EU", "mentions": ["EU"],
           "label": "positive"}
    row.update(change)
    path = tmp_path / "refs.jsonl"
    path.write_text(json.dumps(row) + "\n")
    monkeypatch.chdir(tmp_path)  # the corpus path is relative to the working directory
    return path


def test_reference_rows_read_their_sentence_from_the_corpus(tmp_path, monkeypatch):
    (ex,) = read_examples(_reference_rows(tmp_path, monkeypatch))
    assert ex.sentence == "NATO allies praised the EU for its aid."
    assert ex.sentence[slice(*ex.spans[0])] == "EU" and ex.label == "positive" and ex.article is None


def test_reference_rows_read_articles_given_as_sentences(tmp_path, monkeypatch):
    # ../shared/data/ukraine/articles.jsonl holds {id, title, sentences}: offsets count into the sentences joined
    # by newlines
    import hashlib

    sentences = ["Leaders met in Kiev.", "Ukraine thanked Poland for its aid.", "More later."]
    (tmp_path / "corpus.jsonl").write_text(json.dumps({"id": "a1", "title": "T", "sentences": sentences}) + "\n")
    start = len(sentences[0]) + 1
    row = {"id": "ukraine/a1/x/Poland", "corpus": "corpus.jsonl", "article": "a1", "start": start,
           "end": start + len(sentences[1]), "sha1": hashlib.sha1(sentences[1].encode()).hexdigest()[:12],
           "entity": "Poland", "mentions": ["Poland"], "label": "positive"}
    (tmp_path / "refs.jsonl").write_text(json.dumps(row) + "\n")
    monkeypatch.chdir(tmp_path)
    (ex,) = read_examples(tmp_path / "refs.jsonl")
    assert ex.sentence == sentences[1] and ex.article == "ukraine/a1" and ex.entity == "Poland"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sha1": "000000000000"}, "corpus has changed"),
        ({"corpus": "missing.jsonl"}, "is not there"),
        ({"article": "zz"}, "article 'zz' is not in"),
        ({"end": 10_000}, "lie outside article"),
    ],
)
def test_bad_reference_rows_say_what_is_wrong(tmp_path, monkeypatch, change, message):
    path = _reference_rows(tmp_path, monkeypatch, **change)
    with pytest.raises(InputError, match=message) as raised:
        read_examples(path)
    assert str(raised.value).startswith(f"{path}:1: ") and str(raised.value).count("refs.jsonl") == 1
    problems = []
    assert read_examples(path, problems) == [] and "refs.jsonl:1" in problems[0]
