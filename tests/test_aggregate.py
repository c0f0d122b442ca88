"""Aggregation: counts, shares, net, grouping by type, and a stable order."""

import pytest

from biascheck.aggregate import Tally, aggregate
from biascheck.types import Article, Mention, Score, ScoredMention


def sm(article_id, outlet, outlet_type, target, probs):
    article = Article(article_id, "text", f"{article_id}.txt", outlet=outlet, outlet_type=outlet_type)
    mention = Mention(article_id, 0, f"{target} said.", target, ((0, len(target)),))
    return ScoredMention(article, mention, Score.from_probs(probs))


NEG, NEU, POS = (0.8, 0.1, 0.1), (0.1, 0.8, 0.1), (0.1, 0.2, 0.7)
SCORED = [
    sm("a1", "Sputnik", "state-affiliated", "NATO", NEG),
    sm("a1", "Sputnik", "state-affiliated", "NATO", NEG),
    sm("a1", "Sputnik", "state-affiliated", "Russia", POS),
    sm("a2", "Sputnik", "state-affiliated", "NATO", NEU),
    sm("b1", "Reuters", "wire", "Russia", NEU),
    sm("c1", "AP", "wire", "Russia", NEG),
    sm("c1", "AP", "wire", "EU", POS),
]


def test_cells_by_outlet():
    cells = aggregate(SCORED, targets=["Russia", "NATO", "EU"])
    assert [(c.target, c.outlet) for c in cells] == [
        ("Russia", "AP"), ("Russia", "Reuters"), ("Russia", "Sputnik"), ("NATO", "Sputnik"), ("EU", "AP")]
    nato = cells[3]
    assert (nato.outlet_type, nato.articles, nato.mentions) == ("state-affiliated", 2, 3)
    assert (nato.negative, nato.neutral, nato.positive) == pytest.approx((2 / 3, 1 / 3, 0))
    assert nato.net == pytest.approx(((-0.7) * 2 + 0) / 3)


def test_cells_by_type():
    cells = aggregate(SCORED, by="type", targets=["Russia", "NATO", "EU"])
    assert [(c.target, c.outlet) for c in cells] == [
        ("Russia", "state-affiliated"), ("Russia", "wire"), ("NATO", "state-affiliated"), ("EU", "wire")]
    wire = cells[1]
    assert wire.outlet_type == "wire" and wire.articles == 2 and wire.mentions == 2
    assert wire.net == pytest.approx((0 - 0.7) / 2)


def test_shares_sum_to_one_and_net_in_range():
    for c in aggregate(SCORED):
        assert c.negative + c.neutral + c.positive == pytest.approx(1)
        assert -1 <= c.net <= 1


def test_targets_not_listed_follow_in_order_of_appearance():
    cells = aggregate(SCORED, targets=["EU"])
    assert [c.target for c in cells] == ["EU", "NATO", "Russia", "Russia", "Russia"]


def test_order_does_not_depend_on_input_order():
    assert aggregate(SCORED, targets=["Russia", "NATO", "EU"]) == aggregate(
        reversed(SCORED), targets=["Russia", "NATO", "EU"])


def test_streams_from_a_generator_and_empty_input():
    assert aggregate(iter(SCORED)) == aggregate(SCORED)
    assert aggregate([]) == ()


def test_tally_can_be_read_while_adding():
    tally = Tally("outlet", ["Russia"])
    tally.add(SCORED[4])
    assert [c.mentions for c in tally.cells()] == [1]
    tally.add(SCORED[5])
    assert [c.outlet for c in tally.cells()] == ["AP", "Reuters"]


def test_unknown_grouping():
    with pytest.raises(ValueError, match="outlet, type"):
        aggregate(SCORED, by="country")


def test_same_article_id_from_two_files_counts_twice():
    a = sm("1", "X", "unknown", "EU", NEU)
    b = ScoredMention(Article("1", "t", "other.jsonl:1", outlet="X"), a.mention, a.score)
    (cell,) = aggregate([a, b])
    assert cell.articles == 2
