"""The SQLite score store: schema and versions, atomic writes, filters, comparisons read back."""

import sqlite3
import time

import pytest
from store_worker import make_article, read_articles, write_articles

from biascheck import api, store as store_module
from biascheck.batch import score_into_store
from biascheck.errors import StoreError
from biascheck.report import comparison_json
from biascheck.store import SCHEMA_VERSION, Filters, Store, compare_store, content_hash
from biascheck.types import Article, Mention, Score, ScoredMention


@pytest.fixture
def articles(tmp_path):
    return read_articles(write_articles(tmp_path / "articles.jsonl", 40))


@pytest.fixture
def filled(tmp_path, articles, fake):
    path = tmp_path / "scores.db"
    score_into_store(articles, path, fake)
    return path


# -- schema and versions ----------------------------------------------------------------------


def test_new_store_has_schema_version_and_wal(tmp_path):
    with Store(tmp_path / "s.db") as st:
        assert st.schema_version == SCHEMA_VERSION
        assert st.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert st.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000


def test_reopening_keeps_the_data(filled):
    with Store(filled) as st:
        assert st.counts()["scorings"] == 40


def test_store_from_a_newer_version_says_upgrade(tmp_path):
    path = tmp_path / "s.db"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match=r"newer biascheck.*Upgrade biascheck"):
        Store(path)


def test_older_store_is_migrated(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    Store(path).close()

    def add_note_column(db):
        db.execute("ALTER TABLE articles ADD COLUMN note TEXT")

    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(store_module, "MIGRATIONS", {SCHEMA_VERSION: add_note_column})
    with Store(path) as st:
        assert st.schema_version == SCHEMA_VERSION + 1
        columns = {r[1] for r in st.db.execute("PRAGMA table_info(articles)")}
        assert "note" in columns


def test_older_store_without_a_migration_says_what_to_do(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    Store(path).close()
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match=r"cannot migrate.*into a new store"):
        Store(path)


def test_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE things (x)")
    with pytest.raises(StoreError, match="not a biascheck store.*things"):
        Store(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(StoreError, match="not a biascheck store"):
        Store(path)


def test_missing_store_for_reading_says_how_to_make_one(tmp_path):
    with pytest.raises(StoreError, match="biascheck score INPUT... --store"):
        compare_store(tmp_path / "none.db")
    assert not (tmp_path / "none.db").exists()


def test_store_path_that_is_a_folder(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)


# -- writing ----------------------------------------------------------------------------------


def test_content_hash_ignores_whitespace_but_not_words():
    assert content_hash("Russia  said\nno.") == content_hash(" Russia said no. ")
    assert content_hash("Russia said no.") != content_hash("Russia said yes.")


def test_an_article_and_its_mentions_are_written_together_or_not_at_all(tmp_path):
    a = Article("x", "NATO met. Russia spoke.", "x.txt")
    good = ScoredMention(a, Mention("x", 0, "NATO met.", "NATO", ((0, 4),)), Score("neutral", (0.1, 0.8, 0.1)))
    broken = ScoredMention(a, Mention("x", 1, "Russia spoke.", "Russia", ((0, 6),)), Score("neutral", (None,) * 3))
    with Store(tmp_path / "s.db") as st:
        model = st.model_id("fake", "1", "test")
        with pytest.raises(sqlite3.IntegrityError):
            st.add(content_hash(a.text), a, [good, broken], model)
        assert st.counts() == {"articles": 0, "scorings": 0, "mentions": 0}
        assert st.add(content_hash(a.text), a, [good], model)
        assert not st.add(content_hash(a.text), a, [good], model)  # already there
        assert st.counts() == {"articles": 1, "scorings": 1, "mentions": 1}


def test_scores_keep_model_spans_and_probabilities(filled):
    with Store(filled) as st:
        (m,) = st.models()
        assert (m.label, m.kind) == ("fake@1", "keyword test stance")
        sm = next(st.iter_scored(m, Filters(targets=("Russia",))))
    assert sm.mention.target == "Russia"
    assert sm.mention.sentence[slice(*sm.mention.spans[0])] == "Russia"
    assert sm.score == Score("negative", (0.7, 0.2, 0.1))  # "sanctions as illegal"


# -- reading back ----------------------------------------------------------------------------


def test_comparison_from_the_store_equals_compare_on_the_same_articles(filled, articles, fake):
    direct = api.compare(articles, scorer=fake)
    stored = compare_store(filled)
    assert comparison_json(stored) == comparison_json(direct)
    assert stored.rows == direct.rows
    assert (stored.model, stored.model_kind, stored.articles) == ("fake@1", "keyword test stance", 40)


def test_comparison_by_type(filled, articles, fake):
    assert compare_store(filled, by="type").rows == api.compare(articles, scorer=fake, by="type").rows


def _subset(articles, keep):
    return [a for a in articles if keep(a)]


@pytest.mark.parametrize(
    "filters, keep",
    [
        (dict(since="2024-01-20"), lambda a: a.published >= "2024-01-20"),
        (dict(until="2024-01-10"), lambda a: a.published <= "2024-01-10"),
        (dict(since="2024-01-05", until="2024-01-05"), lambda a: a.published == "2024-01-05"),
        (dict(outlet=["rt", "BBC"]), lambda a: a.outlet in ("RT", "BBC")),
        (dict(outlet_type=["wire"]), lambda a: a.outlet_type == "wire"),
    ],
)
def test_article_filters(filled, articles, fake, filters, keep):
    expected = api.compare(_subset(articles, keep), scorer=fake)
    got = compare_store(filled, **filters)
    assert got.rows == expected.rows
    assert got.articles == expected.articles


def test_target_filter_keeps_only_that_target(filled, articles, fake):
    got = compare_store(filled, target=["nato", "EU"])
    expected = [c for c in api.compare(articles, scorer=fake).rows if c.target in ("NATO", "EU")]
    assert got.rows == tuple(expected)


def test_filters_that_match_nothing_give_no_rows(filled):
    got = compare_store(filled, since="2030-01-01")
    assert (got.rows, got.articles) == ((), 0)


def test_bad_filter_values_say_what_was_expected(filled):
    with pytest.raises(StoreError, match="since must be a date like 2024-05-31, got 'yesterday'"):
        compare_store(filled, since="yesterday")
    with pytest.raises(StoreError, match="unknown outlet type 'tabloid'; choose from wire"):
        compare_store(filled, outlet_type=["tabloid"])


def test_choosing_among_stored_models(filled, articles):
    from store_worker import SlowFake

    other = SlowFake()
    other.name, other.version = "other", "7"
    score_into_store(articles[:5], filled, other)
    assert compare_store(filled).model == "other@7"  # the most recent
    assert compare_store(filled, model="fake").model == "fake@1"
    assert compare_store(filled, model="other@7").articles == 5
    with pytest.raises(StoreError, match=r"no scores from model 'nope'; it has: other@7, fake@1"):
        compare_store(filled, model="nope")


def test_empty_store_says_how_to_fill_it(tmp_path):
    Store(tmp_path / "s.db").close()
    with pytest.raises(StoreError, match="holds no scores yet"):
        compare_store(tmp_path / "s.db")


def test_same_text_under_two_names_is_one_article(tmp_path, fake):
    a = make_article(3)
    first = Article("one.txt", a["text"], "one.txt", "RT", "state-affiliated")
    second = Article("two.txt", a["text"] + "\n", "two.txt", "RT", "state-affiliated")
    summary = score_into_store([first, second], tmp_path / "s.db", fake)
    assert (summary.scored, summary.skipped_existing) == (1, 1)
    with Store(tmp_path / "s.db") as st:
        assert st.counts()["articles"] == 1


def test_keep_mentions_returns_the_scored_mentions(filled):
    result = compare_store(filled, keep_mentions=True, target=["EU"])
    assert len(result.scored) == sum(c.mentions for c in result.rows) > 0
    assert {sm.mention.target for sm in result.scored} == {"EU"}
    assert compare_store(filled).scored == ()


def test_reading_while_a_writer_holds_the_lock(filled):
    with Store(filled) as writer:
        writer.db.execute("BEGIN IMMEDIATE")
        writer.db.execute("DELETE FROM mentions")  # not committed: readers still see every row
        started = time.monotonic()
        result = compare_store(filled)
        assert time.monotonic() - started < 5
        assert result.articles == 40 and sum(c.mentions for c in result.rows) > 0
        writer.db.execute("ROLLBACK")
