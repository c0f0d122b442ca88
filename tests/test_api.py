"""The Python API: compare, score_sentences, mentions and load_articles on paths and Articles."""

import biascheck
from biascheck import Article, Comparison, Target

TEXT = (
    "Officials in Belgrade said on Monday that Russia is a friendly partner of the region.\n\n"
    "A local blog says NATO is a threat and Russia is a partner of Serbia.\n"
)


def test_public_names():
    for name in biascheck.__all__:
        assert hasattr(biascheck, name), name


def test_compare_on_articles_with_a_scorer_object(fake):
    articles = [Article("a1", TEXT, "a1", outlet="Blog", outlet_type="partisan"),
                Article("a2", TEXT, "a2", outlet="Blog", outlet_type="partisan")]
    result = biascheck.compare(articles, scorer=fake)
    assert isinstance(result, Comparison)
    assert result.articles == 2 and result.model == "fake@1" and result.model_kind == "keyword test stance"
    russia, nato = result.rows
    assert (russia.target, russia.articles, russia.mentions, russia.positive) == ("Russia", 2, 4, 0.5)
    assert (nato.target, nato.mentions, nato.negative) == ("NATO", 2, 1.0)
    assert result.scored == ()


def test_keep_mentions_and_by_type(fake):
    result = biascheck.compare([Article("a1", TEXT, "a1", outlet="Blog", outlet_type="partisan")],
                               scorer=fake, by="type", keep_mentions=True)
    assert {c.outlet for c in result.rows} == {"partisan"}
    assert [sm.mention.target for sm in result.scored] == ["Russia", "Russia", "NATO"]  # per sentence, in target order


def test_custom_targets_as_objects(fake):
    serbia = Target("Serbia", ("Serbia", "Belgrade"))
    result = biascheck.compare([Article("a1", TEXT, "a1")], scorer=fake, targets=[serbia])
    assert [(c.target, c.mentions) for c in result.rows] == [("Serbia", 2)]


def test_samples_through_every_entry_point(samples, fake):
    articles, skipped = biascheck.load_articles(samples)
    assert len(articles) == 5 and skipped == []
    found, skipped = biascheck.mentions(samples)
    assert {m.target for m in found} == {"Russia", "NATO", "EU"} and skipped == []
    scored, skipped = biascheck.score_sentences(samples, scorer=fake)
    assert [sm.mention for sm in scored] == found
    result = biascheck.compare(samples, scorer=fake)
    assert result.articles == 5 and sum(c.mentions for c in result.rows) == len(found)
    assert result.dropped_lines > 0


def test_batches_span_articles(samples, fake):
    biascheck.compare(samples, scorer=fake)
    assert all(len(batch) == fake.batch_size for batch in fake.batches[:-1])


def test_bad_paths_are_skipped_not_raised(tmp_path, fake):
    result = biascheck.compare([tmp_path / "missing.txt"], scorer=fake)
    assert result.articles == 0 and result.rows == ()
    assert result.skipped[0].source.endswith("missing.txt")
