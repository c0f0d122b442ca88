"""Target swapping: rows about public figures rewritten about a state or an organisation."""

import json

from biascheck.augment import SWAPS, swap_targets, swappable
from biascheck.labelled import Example, read_examples
from biascheck.marking import find_spans


def example(sentence, surface, label="negative", ident=None, entity=None):
    return Example(ident or sentence, sentence, tuple(find_spans(sentence, [surface])), label, entity)


# "Obama" is the target of enough rows to count as a recurring public figure
FILLER = [example(f"Obama met the visitors on day {i}.", "Obama", "neutral", f"f{i}") for i in range(10)]


def swapped_one(ex, seed=13):
    out = [s for s in swap_targets([ex, *FILLER], seed) if s.id.startswith(f"swap:{ex.id}:")]
    return out[0] if out else None


def test_a_public_figure_becomes_a_state_and_keeps_the_label():
    row = example("Critics say Obama ignored the warnings and misled Congress about the deal.", "Obama")
    new = swapped_one(row)
    assert new is not None and new.label == "negative"
    names = dict((e, n) for e, _, n in SWAPS)
    assert new.entity in names
    (a, b), = new.spans
    assert new.sentence[a:b] in names[new.entity]
    assert new.sentence.startswith("Critics say ") and new.sentence.endswith(" ignored the warnings and misled "
                                                                             "Congress about the deal.")
    assert "Obama" not in new.sentence


def test_every_mention_and_a_title_before_it_are_replaced():
    sentence = "President Obama praised the plan, and Obama's aides called it a success."
    row = Example("t", sentence, tuple(find_spans(sentence, ["Obama"])), "positive")
    new = swapped_one(row)
    assert new is not None and len(new.spans) == 2
    assert "President" not in new.sentence and "Obama" not in new.sentence
    first = new.sentence[new.spans[0][0]:new.spans[0][1]]
    assert new.sentence[new.spans[1][0]:new.spans[1][1]].lower() == first.lower()
    assert new.sentence[0].isupper()  # "the EU" at the start of the sentence is written "The EU"


def test_rows_that_would_not_read_naturally_are_skipped():
    skipped = [
        example("Obama said he would veto the bill.", "Obama"),  # a pronoun refers back to the person
        example("Obama and his wife visited the school.", "Obama"),
        example("Obama, who spoke first, praised the deal.", "Obama"),
        example("The former Obama adviser praised the deal.", "Obama"),
        example("Barack Obama praised the deal.", "Obama"),  # a first name would be left behind
        example("Obama's campaign praised the deal.", "Obama"),
    ]
    kept = swappable([*skipped, *FILLER])
    assert {ex.id for ex, _ in kept} == {f.id for f in FILLER}


def test_rare_names_pronouns_and_rows_with_an_entity_are_not_swapped():
    rare = example("Smith ignored the warnings.", "Smith")
    pronoun = example("She ignored the warnings.", "She")
    description = example("The odious senator ignored the warnings.", "odious senator")
    state = example("Russia ignored the warnings.", "Russia", entity="Russia")
    assert swappable([rare, pronoun, description, state, *FILLER[:9]]) == []


def test_the_same_seed_gives_the_same_rows():
    rows = [example(f"Obama ignored warning number {i}.", "Obama", ident=f"r{i}") for i in range(40)]
    a, b, c = swap_targets(rows, 13), swap_targets(rows, 13), swap_targets(rows, 7)
    assert a == b and len(a) == 40
    assert [x.sentence for x in a] != [x.sentence for x in c]
    assert len({x.entity for x in a}) > 3  # spread over several states and organisations


def test_train_adds_swapped_rows_from_the_train_part_only(tmp_path):
    from biascheck.train import split_examples

    rows = [{"sentence": f"Obama ignored warning number {i}.", "target": "Obama", "from": 0, "to": 5,
             "label": "negative", "sentence_id": f"ukraine/article_{i % 4}/s{i}"} for i in range(20)]
    path = tmp_path / "people.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    split = tmp_path / "split.json"
    split.write_text(json.dumps({"test": ["ukraine/article_0"], "dev": []}))
    train, _, tests = split_examples([str(path)], [], split, [], (), (f"{path}@2",), 13)
    swapped = [ex for ex in train if ex.id.startswith("swap:")]
    assert len(swapped) == 15 * 2  # the 5 test rows are neither trained on nor swapped
    assert all("ukraine/article_0/" not in ex.id for ex in swapped)
    assert len(tests["people[test]"]) == 5
    from_file = read_examples(path)
    assert len(train) == 15 + 30 and all(ex in train for ex in from_file if "article_0/" not in ex.id)
