"""Batch scoring into a store: idempotent, resumable after kill -9, safe with two writers, bad input."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_worker import SlowFake, read_articles, write_articles
from typer.testing import CliRunner

from biascheck.batch import Progress, ProgressLine, estimate_articles, score_into_store
from biascheck.cli import app
from biascheck.errors import StoreError
from biascheck.store import Store

WORKER = Path(__file__).resolve().parent / "store_worker.py"
runner = CliRunner()


def snapshot(path):
    """Everything that must match between two stores: per article, its mentions and scores."""
    with Store(path) as st:
        rows = st.db.execute(
            "SELECT a.hash, a.source_id, s.mentions, "
            "(SELECT count(*) FROM mentions m WHERE m.article_id = s.article_id AND m.model_id = s.model_id), "
            "(SELECT group_concat(m.target || ':' || m.label, ',') FROM mentions m "
            " WHERE m.article_id = s.article_id AND m.model_id = s.model_id) "
            "FROM scorings s JOIN articles a ON a.id = s.article_id ORDER BY a.hash"
        ).fetchall()
        return rows, st.counts()


def assert_whole(path):
    """No half-written article: every scoring has exactly the mentions it says it has."""
    rows, counts = snapshot(path)
    assert all(declared == found for _, _, declared, found, _ in rows)
    assert counts["articles"] == counts["scorings"] == len(rows)
    return rows, counts


@pytest.fixture
def corpus(tmp_path):
    return write_articles(tmp_path / "articles.jsonl", 300)


@pytest.fixture
def clean_run(tmp_path, corpus):
    path = tmp_path / "clean.db"
    score_into_store(read_articles(corpus), path, SlowFake())
    return snapshot(path)


def worker(corpus, store, delay=0.0):
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(corpus), str(store), "--delay", str(delay)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def scorings(path):
    if not Path(path).exists():
        return 0
    try:
        with Store(path) as st:
            return st.counts()["scorings"]
    except StoreError:
        return 0


# -- idempotent ------------------------------------------------------------------------------


def test_rerun_scores_nothing_new(tmp_path, corpus, fake):
    articles = read_articles(corpus)
    first = score_into_store(articles, tmp_path / "s.db", fake)
    assert (first.scored, first.skipped_existing, first.failed) == (300, 0, ())
    before = snapshot(tmp_path / "s.db")
    calls = len(fake.batches)
    again = score_into_store(articles, tmp_path / "s.db", fake)
    assert (again.scored, again.skipped_existing, again.mentions) == (0, 300, 0)
    assert len(fake.batches) == calls  # the model was not called
    assert snapshot(tmp_path / "s.db") == before


def test_new_articles_are_added_to_old_ones(tmp_path, fake):
    store = tmp_path / "s.db"
    score_into_store(read_articles(write_articles(tmp_path / "day1.jsonl", 20)), store, fake)
    day2 = score_into_store(read_articles(write_articles(tmp_path / "day2.jsonl", 20, start=10)), store, fake)
    assert (day2.scored, day2.skipped_existing) == (10, 10)
    assert Store(store).counts()["scorings"] == 30


def test_rescore_replaces_without_duplicates(tmp_path, corpus, fake):
    articles = read_articles(corpus)[:30]
    score_into_store(articles, tmp_path / "s.db", fake)
    before = snapshot(tmp_path / "s.db")
    again = score_into_store(articles + articles[:5], tmp_path / "s.db", fake, rescore=True)
    assert (again.scored, again.skipped_existing) == (30, 5)  # duplicates in one run: scored once
    assert snapshot(tmp_path / "s.db") == before


def test_a_new_model_version_needs_rescore(tmp_path, corpus):
    articles = read_articles(corpus)[:10]
    score_into_store(articles, tmp_path / "s.db", SlowFake())
    newer = SlowFake()
    newer.version = "2"
    with pytest.raises(StoreError, match=r"holds scores from fake@1, and the model now is fake@2.*--rescore"):
        score_into_store(articles, tmp_path / "s.db", newer)
    summary = score_into_store(articles, tmp_path / "s.db", newer, rescore=True)
    assert summary.scored == 10
    with Store(tmp_path / "s.db") as st:
        assert [m.label for m in st.models()] == ["fake@2", "fake@1"]
        assert st.counts("fake@1")["scorings"] == st.counts("fake@2")["scorings"] == 10


# -- killed and resumed --------------------------------------------------------------------------


@pytest.mark.slow
def test_resume_after_kill_9_matches_a_clean_run(tmp_path, corpus, clean_run):
    store = tmp_path / "killed.db"
    proc = worker(corpus, store, delay=0.1)
    deadline = time.monotonic() + 60
    while scorings(store) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partly = scorings(store)
    assert 0 < partly < 300, "the worker should be killed in the middle of the run"
    assert_whole(store)

    proc = worker(corpus, store)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    resumed = json.loads(out)
    assert resumed["scored"] == 300 - partly and resumed["skipped"] == partly
    assert assert_whole(store) == clean_run


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_a_rerun_finishes(tmp_path, corpus, clean_run):
    store = tmp_path / "interrupted.db"
    proc = worker(corpus, store, delay=0.1)
    deadline = time.monotonic() + 60
    while scorings(store) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    assert 0 < scorings(store) < 300
    assert_whole(store)
    score_into_store(read_articles(corpus), store, SlowFake())
    assert assert_whole(store) == clean_run


# -- two writers ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_writers_on_one_store_lose_nothing(tmp_path, corpus, clean_run):
    store = tmp_path / "shared.db"
    procs = [worker(corpus, store, delay=0.002) for _ in range(2)]
    reads = 0
    while any(p.poll() is None for p in procs):  # a reader while both write
        if Path(store).exists() and scorings(store):
            with Store(store) as st:
                st.compare()
            reads += 1
        time.sleep(0.05)
    results = []
    for p in procs:
        out, err = p.communicate()
        assert p.returncode == 0, err
        results.append(json.loads(out))
    assert sum(r["scored"] for r in results) == 300
    assert all(r["scored"] + r["skipped"] == 300 for r in results)
    assert assert_whole(store) == clean_run
    assert reads > 0


@pytest.mark.slow
def test_two_writers_on_different_inputs(tmp_path, clean_run):
    first = write_articles(tmp_path / "first.jsonl", 150)
    second = write_articles(tmp_path / "second.jsonl", 150, start=150)
    store = tmp_path / "shared.db"
    procs = [worker(first, store, delay=0.002), worker(second, store, delay=0.002)]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    rows, counts = assert_whole(store)
    assert [r[2:] for r in rows] == [r[2:] for r in clean_run[0]] and counts == clean_run[1]


# -- output, progress, bad input, CLI -------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_output_has_one_row_per_mention_also_on_rerun(tmp_path, corpus, fake, suffix):
    articles = read_articles(corpus)[:20]
    out = tmp_path / f"scores{suffix}"
    summary = score_into_store(articles, tmp_path / "s.db", fake, output=out)
    first = out.read_text(encoding="utf-8")
    again = score_into_store(articles, tmp_path / "s.db", fake, output=out)
    assert again.scored == 0 and out.read_text(encoding="utf-8") == first
    if suffix == ".jsonl":
        rows = [json.loads(line) for line in first.splitlines()]
    else:
        rows = list(csv.DictReader(io.StringIO(first)))
    assert len(rows) == summary.mentions
    row = rows[0]
    assert row["source_id"] == "a0" and row["target"] == "Russia" and row["model"] == "fake@1"
    assert row["label"] == "negative" and float(row["p_negative"]) == 0.7
    assert len(row["article_id"]) == 64


def test_output_must_be_jsonl_or_csv(tmp_path, corpus, fake):
    with pytest.raises(Exception, match=r"\.jsonl or \.csv"):
        score_into_store(read_articles(corpus)[:2], tmp_path / "s.db", fake, output=tmp_path / "x.txt")


def test_progress_is_reported_after_every_input(tmp_path, corpus, fake):
    seen = []
    score_into_store(read_articles(corpus)[:25], tmp_path / "s.db", fake, progress=seen.append)
    assert [p.done for p in seen] == list(range(0, 26))
    assert seen[-1].scored == 25 and seen[-1].mentions > 0


def test_progress_line_shows_rates_and_eta():
    stream = io.StringIO()
    line = ProgressLine(stream, total=100, every=0)
    line(Progress(done=25, scored=25, mentions=100, skipped_existing=0, failed=0, seconds=5.0))
    text = stream.getvalue()
    assert "25/100 articles" in text and "5.0 articles/s" in text and "20.0 mentions/s" in text
    assert "ETA 15s" in text


def test_estimate_counts_lines_and_files(tmp_path):
    write_articles(tmp_path / "a.jsonl", 7)
    (tmp_path / "b.csv").write_text("id,text\n1,x\n2,y\n")
    (tmp_path / "c.txt").write_text("hello")
    (tmp_path / "manifest.csv").write_text("file,outlet\nc.txt,RT\n")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    assert estimate_articles([tmp_path]) == 10


def test_a_store_that_fails_mid_run_says_what_to_do(tmp_path, corpus, fake, monkeypatch):
    import sqlite3

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "add", full)
    with pytest.raises(StoreError, match=r"disk is full\. Every article stored before this is complete"):
        score_into_store(read_articles(corpus)[:3], tmp_path / "s.db", fake)


def test_cli_score_then_compare_from_the_store(tmp_path):
    corpus = write_articles(tmp_path / "articles.jsonl", 60)
    store = str(tmp_path / "s.db")
    first = runner.invoke(app, ["score", str(corpus), "--store", store, "--model", "fake"])
    assert first.exit_code == 0, first.output
    assert "Scored 60 articles" in first.output and "with fake@1" in first.output
    assert "\r" not in first.output  # no progress line when stderr is not a terminal
    again = runner.invoke(app, ["score", str(corpus), "--store", store, "--model", "fake"])
    assert again.exit_code == 0
    assert "Nothing new to score" in again.output and "Skipped 60 articles already scored" in again.output

    result = runner.invoke(app, ["compare", "--store", store, "-f", "json", "--outlet-type", "wire"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"rows", "model", "articles", "skipped"} <= set(data) and data["model"] == "fake@1"
    assert {r["outlet_type"] for r in data["rows"]} == {"wire"}
    files = runner.invoke(app, ["compare", str(corpus), "--model", "fake", "-f", "json"])
    everything = runner.invoke(app, ["compare", "--store", store, "-f", "json"])
    assert json.loads(everything.stdout) == json.loads(files.stdout)


def test_cli_bad_input_is_reported_and_the_rest_stored(tmp_path, corpus):
    lines = corpus.read_text().splitlines()[:10]
    bad = tmp_path / "mixed.jsonl"
    bad.write_text("\n".join(lines[:5] + ["{not json"] + lines[5:]) + "\n")
    result = runner.invoke(
        app, ["score", str(bad), str(tmp_path / "missing.jsonl"), "--store", str(tmp_path / "s.db"), "--model", "fake"]
    )
    assert result.exit_code == 0, result.output
    assert "Scored 10 articles" in result.output
    assert "Failed 2 inputs" in result.output
    assert "mixed.jsonl:6" in result.output and "missing.jsonl" in result.output
    assert Store(tmp_path / "s.db").counts()["scorings"] == 10


def test_cli_json_summary_for_scripts(tmp_path, corpus):
    args = ["score", str(corpus), str(tmp_path / "gone.txt"), "--store", str(tmp_path / "s.db"), "--model", "fake"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["scored"], data["skipped_existing"], data["model"]) == (300, 0, "fake@1")
    assert data["failed"][0]["source"].endswith("gone.txt") and data["failed"][0]["reason"]
    again = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert (again["scored"], again["skipped_existing"]) == (0, 300)


def test_cli_nothing_usable_exits_1(tmp_path):
    result = runner.invoke(
        app, ["score", str(tmp_path / "missing.txt"), "--store", str(tmp_path / "s.db"), "--model", "fake"]
    )
    assert result.exit_code == 1
    assert "no article could be scored" in result.output
    assert "Traceback" not in result.output


def test_cli_compare_store_needs_a_store_and_no_files(tmp_path, corpus):
    both = runner.invoke(app, ["compare", str(corpus), "--store", str(tmp_path / "s.db")])
    assert both.exit_code == 2 and "not both" in both.output
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,outlet\n")
    ignored = runner.invoke(app, ["compare", "--store", str(tmp_path / "s.db"), "--manifest", str(manifest)])
    assert ignored.exit_code == 2 and "apply when articles are scored" in ignored.output
    filters = runner.invoke(app, ["compare", str(corpus), "--since", "2024-01-01"])
    assert filters.exit_code == 2 and "work with --store" in filters.output


def test_score_help_is_fast_to_reach():
    assert os.path.exists(WORKER)
    result = runner.invoke(app, ["score", "--help"])
    assert result.exit_code == 0 and "--rescore" in result.output
