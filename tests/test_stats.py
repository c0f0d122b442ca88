"""Statistics on constructed data with known answers: intervals, differences, tests, flags, evidence."""

import time

import numpy as np
import pytest

from biascheck.evidence import evidence
from biascheck.report.build import build_report
from biascheck.report.model import Method
from biascheck.stats import (
    adjust_pvalues,
    analyse,
    article_table,
    bootstrap_sums,
    percentile_interval,
    permutation_pvalues,
)
from biascheck.types import Article, Comparison, Mention, Score, ScoredMention

FAST = Method(resamples=500, permutations=500)


def score(net: float) -> Score:
    """A score whose p(positive) - p(negative) is `net`."""
    return Score.from_probs((max(0.0, -net), 1 - abs(net), max(0.0, net)))


def corpus(outlets: dict[str, list[list[float]]], target: str = "Russia", outlet_type: str = "national"):
    """Scored mentions from {outlet: [[net of each mention] per article]}."""
    out = []
    for outlet, articles in outlets.items():
        for i, nets in enumerate(articles):
            a = Article(id=f"{outlet}-{i}", text="", source=f"{outlet}/{i}.txt", outlet=outlet,
                        outlet_type=outlet_type, title=f"{outlet} story {i}")
            for j, net in enumerate(nets):
                sentence = f"Sentence {j} of {outlet} story {i} about {target}."
                start = sentence.index(target)
                m = Mention(a.id, j, sentence, target, ((start, start + len(target)),))
                out.append(ScoredMention(a, m, score(net)))
    return out


def random_articles(rng, n_articles, mentions, centre=0.0, spread=0.3):
    """Articles whose mentions share an article-level tone (correlated within the article)."""
    arts = []
    for _ in range(n_articles):
        tone = centre + rng.normal(0, spread)
        arts.append([float(np.clip(tone + rng.normal(0, 0.1), -1, 1)) for _ in range(mentions)])
    return arts


def cells_by_outlet(cells):
    return {c.outlet: c for c in cells}


def test_identical_outlets_show_no_difference():
    rng = np.random.default_rng(7)
    arts = random_articles(rng, 20, 4)
    cells = analyse(corpus({name: arts for name in ("A", "B", "C", "D")}), method=FAST)
    for c in cells:
        assert c.difference.estimate == pytest.approx(0, abs=1e-12)
        assert c.difference.interval.covers(0)
        assert c.difference.p_value > 0.5
        assert not c.difference.significant


def test_outlets_from_one_distribution_are_not_significant():
    rng = np.random.default_rng(11)
    data = {name: random_articles(rng, 25, 5) for name in "ABCDEF"}
    cells = analyse(corpus(data), method=FAST)
    assert all(c.difference.p_adjusted > 0.05 for c in cells)
    assert sum(c.difference.interval.covers(0) for c in cells) >= 5


def test_shifted_outlet_is_detected_after_correction():
    rng = np.random.default_rng(3)
    data = {name: random_articles(rng, 25, 5) for name in "ABCDE"}
    data["Shifted"] = random_articles(rng, 25, 5, centre=0.6)
    cells = cells_by_outlet(analyse(corpus(data), method=FAST))
    shifted = cells["Shifted"].difference
    assert shifted.p_value == pytest.approx(1 / 501)  # no shuffle came close: the smallest p 500 can give
    assert shifted.significant and shifted.p_adjusted < 0.05
    assert shifted.interval.low > 0.3
    assert shifted.estimate == pytest.approx(cells["Shifted"].net - np.mean([
        n for k, arts in data.items() if k != "Shifted" for a in arts for n in a]), abs=1e-9)
    assert not any(c.difference.significant for k, c in cells.items() if k != "Shifted")


def test_net_and_share_intervals_contain_the_estimate():
    rng = np.random.default_rng(5)
    cells = analyse(corpus({"A": random_articles(rng, 30, 3), "B": random_articles(rng, 30, 3)}), method=FAST)
    for c in cells:
        assert c.net_interval.low <= c.net <= c.net_interval.high
        for k in ("negative", "neutral", "positive"):
            i = getattr(c, f"{k}_interval")
            assert 0 <= i.low <= getattr(c, k) <= i.high <= 1


def test_flags_follow_the_thresholds():
    data = {"Big": [[0.1] * 5] * 6, "Few articles": [[0.1] * 10] * 3, "Few mentions": [[0.1]] * 6}
    cells = cells_by_outlet(analyse(corpus(data), method=FAST))
    assert cells["Big"].flags == ()
    assert cells["Few articles"].flags == ("few-articles",)
    assert cells["Few mentions"].flags == ("few-mentions",)
    loose = cells_by_outlet(analyse(corpus(data), method=Method(resamples=50, permutations=50, min_mentions=1,
                                                                 min_articles=1)))
    assert all(c.flags == () for c in loose.values())


def test_one_article_cell_has_no_interval_and_one_outlet_no_difference():
    cells = analyse(corpus({"Solo": [[0.5, 0.2]]}), method=FAST)
    (c,) = cells
    assert c.net_interval is None and c.difference is None
    assert set(c.flags) == {"few-mentions", "few-articles"}


def test_same_seed_same_result_other_seed_other_draws():
    rng = np.random.default_rng(1)
    data = corpus({"A": random_articles(rng, 15, 3), "B": random_articles(rng, 15, 3)})
    first, again = analyse(data, method=FAST), analyse(data, method=FAST)
    assert first == again
    other = analyse(data, method=Method(resamples=500, permutations=500, seed=99))
    assert other[0].net_interval != first[0].net_interval
    assert other[0].net == first[0].net


def test_a_cell_does_not_change_when_another_outlet_is_added():
    rng = np.random.default_rng(2)
    a = random_articles(rng, 15, 3)
    alone = cells_by_outlet(analyse(corpus({"A": a, "B": random_articles(rng, 10, 2)}), method=FAST))
    more = cells_by_outlet(analyse(corpus({"A": a, "B": random_articles(rng, 10, 2), "C": [[0.9]] * 4}),
                                   method=FAST))
    assert alone["A"].net_interval == more["A"].net_interval


def test_cluster_bootstrap_is_wider_than_mention_bootstrap_when_articles_are_correlated():
    rng = np.random.default_rng(4)
    arts = random_articles(rng, 20, 10, spread=0.5)
    nets = [n for a in arts for n in a]
    labels = [score(n).label for n in nets]
    by_article = [i for i, a in enumerate(arts) for _ in a]
    widths = {}
    for name, clusters in (("article", by_article), ("mention", list(range(len(nets))))):
        sums, counts = article_table(nets, labels, clusters)
        s, c = bootstrap_sums(sums, counts, 2000, np.random.default_rng(0))
        i = percentile_interval(s[:, 0] / c, 0.95)
        widths[name] = i.high - i.low
    assert widths["article"] > 2 * widths["mention"]


def test_permutation_pvalues_have_the_right_resolution_and_direction():
    groups = np.array([0] * 15 + [1] * 15)
    sums = np.array([1.0] * 15 + [-1.0] * 15)
    counts = np.ones(30)
    p = permutation_pvalues(groups, sums, counts, 999, np.random.default_rng(0))
    assert p == pytest.approx([0.001, 0.001])  # no shuffle separates them as well: p = 1 / (999 + 1)
    flat = permutation_pvalues(groups, np.zeros(30), counts, 99, np.random.default_rng(0))
    assert flat == pytest.approx([1.0, 1.0])


def test_adjusted_pvalues():
    p = [0.01, 0.04, 0.03, 0.005]
    assert adjust_pvalues(p, "benjamini-hochberg") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert adjust_pvalues(p, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert adjust_pvalues([0.9, 0.8], "holm") == pytest.approx([1.0, 1.0])
    assert len(adjust_pvalues([], "holm")) == 0
    with pytest.raises(ValueError, match="bonferroni"):
        adjust_pvalues(p, "bonferroni")


def test_holm_is_stricter_than_benjamini_hochberg():
    rng = np.random.default_rng(8)
    data = {name: random_articles(rng, 20, 3) for name in "ABCD"}
    data["S"] = random_articles(rng, 20, 3, centre=0.3)
    bh = cells_by_outlet(analyse(corpus(data), method=FAST))
    holm = cells_by_outlet(analyse(corpus(data), method=Method(resamples=500, permutations=500, correction="holm")))
    for k in data:
        assert holm[k].difference.p_adjusted >= bh[k].difference.p_adjusted - 1e-12


def test_method_rejects_bad_options():
    with pytest.raises(ValueError, match="correction"):
        Method(correction="bonferroni")
    with pytest.raises(ValueError, match="confidence"):
        Method(confidence=1.5)


def test_evidence_picks_extremes_by_net_and_shows_each_sentence_once():
    data = corpus({"A": [[0.9, 0.2, -0.7], [-0.1, 0.5]], "B": [[0.3]]})
    # a reprint: the same sentence in another article of A
    reprint = data[0]
    a2 = Article(id="A-copy", text="", source="copy.txt", outlet="A", outlet_type="national")
    data.append(ScoredMention(a2, reprint.mention, reprint.score))
    found = evidence(data, k=2)
    pos, neg = found[("A", "Russia")]
    assert [e.net for e in pos] == pytest.approx([0.9, 0.5])
    assert [e.net for e in neg] == pytest.approx([-0.7, -0.1])
    assert pos[0].article_id == "A-0" and pos[0].title == "A story 0" and pos[0].source == "A/0.txt"
    assert found[("B", "Russia")][1] == ()  # no negative sentence: none shown


def test_report_needs_the_scored_mentions():
    data = corpus({"A": [[0.2]]})
    from biascheck.aggregate import aggregate

    with pytest.raises(ValueError, match="keep_mentions"):
        build_report(Comparison(rows=aggregate(data), model="m", articles=1), FAST)
    report = build_report(Comparison(rows=aggregate(data), model="m", articles=1, scored=tuple(data)), FAST)
    assert report.cells[0].most_positive and report.targets == ("Russia",)


@pytest.mark.slow
def test_thousands_of_articles_in_seconds():
    rng = np.random.default_rng(0)
    data = []
    for target in ("Russia", "NATO", "EU"):
        data += corpus({f"O{i}": random_articles(rng, 150, 3) for i in range(20)}, target=target)
    start = time.perf_counter()
    cells = analyse(data, method=Method(resamples=2000, permutations=2000))
    assert len(cells) == 60
    assert time.perf_counter() - start < 20
