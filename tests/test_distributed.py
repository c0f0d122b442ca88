"""The Ray Data job: the same rows as `biascheck score`, errors kept, reruns replace, dead workers retried.

The job runs on one local Ray instance (started once for this module) with the VADER lexicon,
which is deterministic and loads in every worker by name. Without Ray installed, only the tests
that need no Ray run.
"""

import json
import os
import sys
from dataclasses import replace
from datetime import date, timedelta
from importlib.util import find_spec
from pathlib import Path

import pytest
from typer.testing import CliRunner

from biascheck.batch import OUTPUT_FIELDS, score_into_store
from biascheck.cli import app
from biascheck.errors import InputError
from biascheck.scorers.lexicon import LexiconScorer
from biascheck.store import compare_store

needs_ray = pytest.mark.skipif(
    find_spec("ray") is None or find_spec("pyarrow") is None,
    reason="Ray is not installed; pip install -e '.[ray]' to run the distributed job tests.",
)
runner = CliRunner()
UKRAINE = Path(__file__).resolve().parents[2] / "shared" / "data" / "ukraine" / "articles.jsonl"
OUTLETS = ["Reuters", "Associated Press", "RT", "Sputnik", "BBC News", "Deutsche Welle", "The Guardian"]
ARTICLES = 300


def write_corpus(path: Path, n: int) -> Path:
    """n distinct articles (from the Ukraine-crisis articles when present, else made-up text), plus
    two bad rows: a malformed line and an article with no text."""
    if UKRAINE.is_file():
        source = [json.loads(line) for line in UKRAINE.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts = ["\n".join(r["sentences"]) for r in source]
    else:
        from store_worker import make_article

        texts = [make_article(i)["text"] for i in range(50)]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            row = {"id": f"a{i}", "title": f"Report {i}", "text": f"{texts[i % len(texts)]}\nFiled as item {i}.",
                   "outlet": OUTLETS[i % len(OUTLETS)],
                   "published": (date(2014, 2, 1) + timedelta(days=i % 90)).isoformat()}  # fmt: skip
            f.write(json.dumps(row) + "\n")
            if i == 10:
                f.write("{not json\n")
            if i == 20:
                f.write(json.dumps({"id": "empty", "text": "  "}) + "\n")
    return path


@pytest.fixture(scope="module")
def ray_local():
    if find_spec("ray") is None:
        pytest.skip("Ray is not installed")
    import ray

    started = not ray.is_initialized()
    if started:
        ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield ray
    if started:
        ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", ARTICLES)


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory, corpus):
    """`biascheck score` over the samples and the corpus: the store and its per-mention rows."""
    folder = tmp_path_factory.mktemp("batch")
    summary = score_into_store([SAMPLES, corpus], folder / "scores.db", "lexicon", output=folder / "rows.jsonl")
    rows = [json.loads(line) for line in (folder / "rows.jsonl").read_text(encoding="utf-8").splitlines()]
    return summary, folder / "scores.db", rows


@pytest.fixture(scope="module")
def job(ray_local, tmp_path_factory, corpus):
    from biascheck.distributed import score_distributed

    out = tmp_path_factory.mktemp("job") / "scores"
    summary = score_distributed([SAMPLES, corpus], out, "lexicon", workers=1)
    return summary, out


SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def parquet_rows(out: Path) -> list[dict]:
    import pyarrow.parquet as pq

    return [r for f in sorted((out / "mentions").glob("*.parquet")) for r in pq.read_table(f).to_pylist()]


def key(row: dict) -> tuple:
    return tuple(json.dumps(row[f]) if f == "spans" else row[f] for f in OUTPUT_FIELDS)


@needs_ray
def test_rows_equal_those_of_biascheck_score(job, batch_run):
    (summary, out), (batch, _, expected) = job, batch_run
    rows = parquet_rows(out)
    assert summary.articles == batch.scored == ARTICLES + 5
    assert len(rows) == len(expected) == summary.mentions == batch.mentions > ARTICLES
    assert sorted(map(key, rows)) == sorted(map(key, expected))  # same labels, same probabilities


@needs_ray
def test_bad_articles_go_to_errors_with_their_reason(job, batch_run):
    from biascheck.parquet import read_errors

    (summary, out), (batch, _, _) = job, batch_run
    assert [(e.source, e.reason) for e in read_errors(out)] == [(s.source, s.reason) for s in batch.failed]
    assert len(summary.errors) == 2
    assert any("malformed JSON" in e.reason for e in summary.errors)
    assert any("no text" in e.reason for e in summary.errors)


@needs_ray
def test_compare_on_the_output_equals_compare_on_the_store(job, batch_run):
    from biascheck.parquet import compare_output

    (_, out), (_, db, _) = job, batch_run
    for options in ({}, {"by": "type"}, {"since": "2014-03-01", "outlet": ["rt", "Reuters"], "target": ["NATO"]}):
        assert compare_output(out, **options) == compare_store(db, **options)
    # the full report (bootstrap intervals, permutation tests) depends on the order of the articles too
    for fmt in ("simple", "json"):
        from_output = runner.invoke(app, ["compare", str(out), "--format", fmt, "--evidence", "2"])
        from_store = runner.invoke(app, ["compare", "--store", str(db), "--format", fmt, "--evidence", "2"])
        assert from_output.exit_code == 0, from_output.output
        assert from_output.stdout == from_store.stdout


@needs_ray
def test_import_into_a_store_once(job, batch_run, tmp_path):
    from biascheck.parquet import import_output

    (_, out), (_, db, _) = job, batch_run
    first = import_output(out, tmp_path / "imported.db")
    assert (first.imported, first.skipped_existing) == (ARTICLES + 5, 0)
    assert compare_store(tmp_path / "imported.db") == compare_store(db)
    result = runner.invoke(app, ["import", str(out), "--store", str(tmp_path / "imported.db")])
    assert result.exit_code == 0, result.output
    assert "Imported 0 articles" in result.output and f"{ARTICLES + 5} were already there" in result.output
    assert compare_store(tmp_path / "imported.db") == compare_store(db)


@needs_ray
def test_rerun_replaces_the_output_without_duplicates(ray_local, tmp_path):
    out = tmp_path / "scores"
    for _ in range(2):
        result = runner.invoke(app, ["score-distributed", str(SAMPLES), "--output", str(out), "--model", "lexicon"])
        assert result.exit_code == 0, result.output
        assert "Scored 5 articles (79 target mentions)" in result.output
    assert len(parquet_rows(out)) == 79
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores"]  # no temporary folder left behind
    meta = json.loads((out / "_biascheck.json").read_text())
    assert (meta["articles"], meta["mentions"], meta["model_name"]) == (5, 79, "lexicon")


@needs_ray
def test_glob_and_parquet_inputs(ray_local, tmp_path, batch_run):
    """A quoted glob over JSONL parts, and the same articles as a Parquet table, give the same rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from biascheck.distributed import score_distributed

    articles = [{"id": f"p{i}", "text": f"NATO and Russia met on day {i}. The EU supported the peace talks.",
                 "outlet": "Reuters", "published": "2024-01-02"} for i in range(6)]  # fmt: skip
    for part in range(2):
        with (tmp_path / f"part-{part}.jsonl").open("w") as f:
            f.writelines(json.dumps(a) + "\n" for a in articles[part * 3 : part * 3 + 3])
    pq.write_table(pa.Table.from_pylist(articles), tmp_path / "articles.parquet")
    from_glob = score_distributed([str(tmp_path / "part-*.jsonl")], tmp_path / "a", "lexicon")
    from_parquet = score_distributed([tmp_path / "articles.parquet"], tmp_path / "b", "lexicon")
    assert from_glob.articles == from_parquet.articles == 6
    drop_source = lambda rows: sorted(key({**r, "source": ""}) for r in rows)  # noqa: E731
    assert drop_source(parquet_rows(tmp_path / "a")) == drop_source(parquet_rows(tmp_path / "b"))
    assert len(parquet_rows(tmp_path / "a")) == 18


class DyingLexicon(LexiconScorer):
    """The lexicon, except that the first worker to score anything dies on the spot."""

    def __init__(self, flag: Path) -> None:
        super().__init__()
        self.flag = flag

    def _score_batch(self, mentions):
        if not self.flag.exists():
            self.flag.touch()
            os._exit(1)  # the actor process dies; Ray starts a new one and retries the batch
        return super()._score_batch(mentions)


@needs_ray
def test_a_worker_that_dies_is_restarted_and_its_batch_retried(ray_local, tmp_path, batch_run):
    from ray import cloudpickle

    from biascheck.distributed import score_distributed

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import this test module
    try:
        summary = score_distributed([SAMPLES], tmp_path / "scores", DyingLexicon(tmp_path / "died"), workers=1)
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert (tmp_path / "died").exists()
    assert (summary.articles, summary.mentions, summary.errors) == (5, 79, ())
    expected = [r for r in batch_run[2] if r["source"].startswith(str(SAMPLES))]
    assert sorted(map(key, parquet_rows(tmp_path / "scores"))) == sorted(map(key, expected))


@needs_ray
@pytest.mark.slow
def test_the_shipped_model_gives_the_same_scores_on_ray(ray_local, tmp_path):
    from biascheck.distributed import score_distributed
    from biascheck.scorers import default_model_path

    if not (default_model_path() / "config.json").is_file():
        pytest.skip(f"the shipped model is missing at {default_model_path()}")
    score_into_store([SAMPLES], tmp_path / "scores.db", None, output=tmp_path / "rows.jsonl")
    expected = {(r["source"], r["sentence_index"], r["target"]): r
                for r in map(json.loads, (tmp_path / "rows.jsonl").read_text().splitlines())}  # fmt: skip
    score_distributed([SAMPLES], tmp_path / "out", None)
    found = {(r["source"], r["sentence_index"], r["target"]): r for r in parquet_rows(tmp_path / "out")}
    assert found.keys() == expected.keys() and len(found) == 79
    for k, row in found.items():
        # batches are made differently (padding), so allow for float rounding, no more
        assert row["label"] == expected[k]["label"]
        for p in ("p_negative", "p_neutral", "p_positive"):
            assert row[p] == pytest.approx(expected[k][p], abs=1e-5)


@needs_ray
def test_a_cluster_that_cannot_be_reached_is_one_clear_error(ray_local, monkeypatch, tmp_path):
    def unreachable(**kwargs):
        raise ConnectionError(f"Failed to connect to Ray cluster at {kwargs['address']}")

    monkeypatch.setattr(ray_local, "is_initialized", lambda: False)
    monkeypatch.setattr(ray_local, "init", unreachable)
    result = runner.invoke(app, ["score-distributed", str(SAMPLES), "--output", str(tmp_path / "o"), "--model",
                                 "lexicon", "--address", "10.9.9.9:6379"])  # fmt: skip
    assert result.exit_code == 1
    assert "cannot start or reach the Ray cluster at 10.9.9.9:6379" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()


def test_output_must_be_a_new_folder_or_an_earlier_output(tmp_path):
    from biascheck.distributed import _check_output

    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="holds other files"):
        _check_output(tmp_path / "taken")
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        _check_output(tmp_path / "file")
    with pytest.raises(InputError, match="does not exist"):
        _check_output(tmp_path / "no" / "such")
    _check_output(tmp_path / "new")


def test_without_ray_the_command_says_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails, as when it is not installed
    result = runner.invoke(app, ["score-distributed", str(SAMPLES), "--output", str(tmp_path / "o"), "--model",
                                 "lexicon"])  # fmt: skip
    assert result.exit_code == 1
    assert "pip install 'biascheck[ray]'" in result.output
    assert "Traceback" not in result.output


def test_compare_on_an_unfinished_output_says_what_to_do(tmp_path):
    from biascheck.parquet import compare_output

    with pytest.raises(InputError, match="score-distributed"):
        compare_output(tmp_path)


def test_summary_lines_name_the_errors():
    from biascheck.distributed import DistributedSummary, summary_lines
    from biascheck.types import Skipped

    summary = DistributedSummary("out", "lexicon@v", 3, 9, (Skipped("x.jsonl:2", "malformed JSON"),), 2, False, 3.0)
    lines = summary_lines(summary)
    assert lines[0].startswith("Scored 3 articles (9 target mentions) with lexicon@v on 2 CPU workers")
    assert lines[-1] == "  x.jsonl:2: malformed JSON"
    assert summary_lines(replace(summary, errors=()))[-1] == lines[0]
