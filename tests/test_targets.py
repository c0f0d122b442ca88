"""Targets: aliases, spans, case, hyphenated forms, possessives and user TOML files."""

import pytest

from biascheck.errors import ConfigError
from biascheck.targets import Target, find_mentions, load_targets
from biascheck.types import Sentence

TARGETS = load_targets()


def found(text, targets=TARGETS):
    """{target: (surface forms)} for one sentence."""
    return {m.target: m.surface for m in find_mentions(Sentence("a", 0, text), targets)}


def test_defaults_in_order():
    assert [t.name for t in TARGETS] == ["Russia", "NATO", "EU"]


@pytest.mark.parametrize(
    "text, target, surface",
    [
        ("Russia said on Thursday.", "Russia", ("Russia",)),
        ("Russian and Serbian soldiers.", "Russia", ("Russian",)),
        ("Russians voted.", "Russia", ("Russians",)),
        ("the Defense Attaché of the Russian Federation, Gennadi Mozhayev", "Russia", ("Russian Federation",)),
        ("The Kremlin and Putin agreed.", "Russia", ("Kremlin", "Putin")),
        ("NATO peacekeepers remain in Kosovo.", "NATO", ("NATO",)),
        ("the North Atlantic Treaty Organization met", "NATO", ("North Atlantic Treaty Organization",)),
        ("the North Atlantic Treaty Organisation met", "NATO", ("North Atlantic Treaty Organisation",)),
        ("the North Atlantic Alliance met", "NATO", ("North Atlantic Alliance",)),
        ("links with NATO and the European Union.", "EU", ("European Union",)),
        ("It wants to open talks on EU membership.", "EU", ("EU",)),
        ("Brussels and the European Commission and the European Council", "EU",
         ("Brussels", "European Commission", "European Council")),
    ],
)
def test_aliases(text, target, surface):
    assert found(text)[target] == surface


def test_spans_point_into_the_sentence():
    text = "Serbia and Russia launched drills as Moscow watched; Russia's aims are clear."
    (m,) = find_mentions(Sentence("a", 3, text), TARGETS)
    assert m.target == "Russia" and m.sentence_index == 3 and m.article_id == "a"
    assert m.spans == ((11, 17), (37, 43), (53, 59))
    assert [text[a:b] for a, b in m.spans] == ["Russia", "Moscow", "Russia"]


def test_two_targets_in_one_sentence_give_one_mention_each():
    text = "Russia wants to keep Serbia even as Belgrade pursues links with NATO and the European Union."
    ms = find_mentions(Sentence("a", 0, text), TARGETS)
    assert [m.target for m in ms] == ["Russia", "NATO", "EU"]
    assert [m.surface for m in ms] == [("Russia",), ("NATO",), ("European Union",)]
    assert all(m.sentence == text for m in ms)


def test_no_mention_gives_empty_list():
    assert find_mentions(Sentence("a", 0, "Serbia held drills near Belgrade."), TARGETS) == []


def test_the_alliance_capitalised_is_nato_but_lowercase_alliance_is_not():
    assert found("Serbia will never join NATO after the Alliance's aggression.")["NATO"] == ("NATO", "the Alliance")
    assert found("The Alliance expanded.")["NATO"] == ("The Alliance",)
    assert found("the Alliance’s aggression in 1999")["NATO"] == ("the Alliance",)
    assert "NATO" not in found("the other six nations which comprise the regional military alliance")
    assert "NATO" not in found("does not seek full membership in the U.S.-led alliance")


def test_organisations_named_the_alliance_of_or_for_are_not_nato():
    assert "NATO" not in found("a report by the Alliance for Securing Democracy, a think tank")
    assert "NATO" not in found("The Alliance of Small Island States asked for more aid.")
    # a NATO mention elsewhere in the same sentence still counts, and only that one
    assert found("The Alliance for Securing Democracy tracks claims about NATO.")["NATO"] == ("NATO",)


@pytest.mark.parametrize(
    "text",
    [
        "NATO defence ministers met in Brussels on Wednesday.",
        "In Brussels, police sealed off the station.",
        "An injured woman leaves the airport in Brussels, Belgium, after two explosions.",
        "Ten people were killed at Brussels Airport.",
        "World reacts to the Brussels bombings.",
        "a Brussels-based think tank",
    ],
)
def test_brussels_as_a_place_is_not_the_eu(text):
    assert "EU" not in found(text)


def test_brussels_as_the_eu_still_counts():
    assert found("Brussels has made it clear that the two are incompatible.")["EU"] == ("Brussels",)
    assert found("He had to send an extension request to Brussels.")["EU"] == ("Brussels",)
    assert found("Brussels' sanctions and the summit in Brussels")["EU"] == ("Brussels",)
    assert found("EU leaders met in Brussels.")["EU"] == ("EU",)


def test_user_targets_can_exclude_phrases(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[targets.Serbia]\naliases = ["Serbia", "Belgrade"]\nnot_mentions = ["Belgrade Marathon"]\n')
    serbia = [t for t in load_targets(path) if t.name == "Serbia"]
    text = "The Belgrade Marathon passed Belgrade's old town."
    (m,) = find_mentions(Sentence("a", 0, text), serbia)
    assert m.surface == ("Belgrade",) and m.spans[0][0] == text.rindex("Belgrade")


def test_european_alone_is_not_the_eu():
    assert found("the European region torn by wars") == {}
    assert found("the only European country") == {}
    assert found("DEFENDER-Europe 2021 across Europe") == {}


def test_possessives_with_either_apostrophe():
    assert found("in what appeared to be Moscow’s resolve")["Russia"] == ("Moscow",)
    assert found("Moscow's resolve")["Russia"] == ("Moscow",)
    assert found("a member of NATO’s Partnership for Peace")["NATO"] == ("NATO",)
    assert found("the EU's sanctions")["EU"] == ("EU",)


def test_hyphenated_forms_count_with_span_on_the_alias():
    text = "anti-Russian measures, pro-Russian parties, Russian-made jets and Russian-backed forces"
    (m,) = find_mentions(Sentence("a", 0, text), TARGETS)
    assert m.surface == ("Russian",) * 4
    assert m.spans[0] == (5, 12)
    assert found("NATO-led troops and pro-EU voters") == {"NATO": ("NATO",), "EU": ("EU",)}


def test_a_different_entity_in_a_hyphenated_form_is_not_a_mention():
    assert found("as U.S.-led forces held massive drills") == {}
    assert found("large-scale U.S. Army-led drills") == {}


def test_whole_words_only():
    assert found("Prussia and Muscovy, priced in EUR, Eurovision, NATOs") == {}


def test_case():
    assert found("MOSCOW and kremlin")["Russia"] == ("MOSCOW", "kremlin")
    assert "EU" not in found("eu or Eu")  # "EU" is case-sensitive


def test_longest_alias_wins_and_spans_do_not_overlap():
    (m,) = find_mentions(Sentence("a", 0, "the Russian Federation and Russia"), TARGETS)
    assert m.surface == ("Russian Federation", "Russia")
    church = Target("Russian Orthodox Church", ("Russian Orthodox Church",))
    ms = find_mentions(Sentence("a", 0, "the Russian Orthodox Church and Russia"), [*TARGETS, church])
    assert {m.target: m.surface for m in ms} == {"Russia": ("Russia",), "Russian Orthodox Church": ("Russian Orthodox Church",)}


def test_user_file_adds_targets(tmp_path):
    path = tmp_path / "more.toml"
    path.write_text('[targets.China]\naliases = ["China", "Chinese", "Beijing"]\n'
                    '[targets."United States"]\naliases = ["United States"]\ncase_sensitive = ["U.S.", "US"]\n')
    targets = load_targets(path)
    assert [t.name for t in targets] == ["Russia", "NATO", "EU", "China", "United States"]
    assert found("ties with both Russia and China as U.S.-led forces held drills", targets) == {
        "Russia": ("Russia",), "China": ("China",), "United States": ("U.S.",)}


def test_user_file_overrides_a_default_by_name(tmp_path):
    path = tmp_path / "eu.toml"
    path.write_text('[targets.EU]\naliases = ["European Union"]\n')
    targets = load_targets(path)
    assert [t.name for t in targets] == ["Russia", "NATO", "EU"]
    assert found("Brussels and the European Union", targets)["EU"] == ("European Union",)


def test_user_file_replaces_defaults(tmp_path):
    path = tmp_path / "only.toml"
    path.write_text('replace = true\n[targets.Ukraine]\naliases = ["Ukraine", "Ukrainian", "Kyiv"]\n')
    targets = load_targets(path)
    assert [t.name for t in targets] == ["Ukraine"]
    assert found("Russia and Ukraine", targets) == {"Ukraine": ("Ukraine",)}


@pytest.mark.parametrize(
    "content, problem",
    [
        ("[targets.China\naliases = [", "not valid TOML"),
        ("", "no targets found"),
        ('[targets.China]\naliases = "China"\n', "aliases must be a list of non-empty strings"),
        ('[targets.China]\naliases = ["China", ""]\n', "aliases must be a list of non-empty strings"),
        ("[targets.China]\naliases = []\n", "give at least one alias"),
        ('[targets.China]\nalias = ["China"]\n', "unknown key(s) alias"),
        ('replace = "yes"\n[targets.China]\naliases = ["China"]\n', "'replace' must be true or false"),
        ('[target.China]\naliases = ["China"]\n', "unknown key(s) target"),
        ('targets = ["China"]\n', "no targets found"),
        ('[targets]\nChina = "China"\n', "target 'China'"),
    ],
)
def test_malformed_files_name_the_file_and_problem(tmp_path, content, problem):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as e:
        load_targets(path)
    assert str(path) in str(e.value) and problem in str(e.value)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_targets(tmp_path / "nope.toml")
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(ConfigError, match=str(binary)):
        load_targets(binary)
