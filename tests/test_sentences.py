"""Sentence splitting: line breaks first, abbreviations never end a sentence."""

from pathlib import Path

import pytest

from biascheck.clean import clean
from biascheck.sentences import split_sentences

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.mark.parametrize(
    "text",
    [
        "Serbia does not seek full membership in the U.S.-led alliance.",
        "The live-fire exercise is set to run until Oct. 29, it said in a statement.",
        "Lt. Gen. Mark Smith said the drills went well.",
        "The chief, Adm. Rob Bauer, spoke to Gen. Milley on Monday.",
        "Mr. Putin met Dr. Jones and Mrs. Smith in St. Petersburg.",
        "The team is ranked No. 1 in Europe this year.",
        "Sen. Graham and Gov. Cooper visited Washington, D.C. last week.",
        "The U.S. Army said the drills include 28,000 troops.",
    ],
)
def test_abbreviation_does_not_split(text):
    assert split_sentences([text]) == [text]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russia said so. NATO disagreed.", ["Russia said so.", "NATO disagreed."]),
        ("He was ranked No. 1 in the U.S. He left.", ["He was ranked No. 1 in the U.S.", "He left."]),
        ("Is it over? Nobody knows!", ["Is it over?", "Nobody knows!"]),
        ("The talks ended. “We will meet again,” he said.", ["The talks ended.", "“We will meet again,” he said."]),
    ],
)
def test_sentence_ends_still_split(text, expected):
    assert split_sentences([text]) == expected


def test_line_breaks_end_sentences_and_blank_lines_vanish():
    lines = ["Headline without a full stop", "First sentence here. Second one", "", "  ", "Third\nFourth."]
    assert split_sentences(lines) == [
        "Headline without a full stop", "First sentence here.", "Second one", "Third", "Fourth."
    ]


def test_seed_sentences():
    text = next(SAMPLES.glob("001_*.txt")).read_text(encoding="utf-8")
    sentences = split_sentences(clean(text).lines)
    assert ("“Apart from anti-aircraft missile systems in use in the Serbian army, missile systems that are in "
            "use by the Russian Air Force will also be used” in the live-fire exercise set to run until Oct. 29, "
            "it said in a statement.") in sentences
    assert ("Serbia declared military neutrality in 2006 and joined NATO’s Partnership for Peace program in "
            "2015, though does not seek full membership in the U.S.-led alliance.") in sentences
    assert "It is also wants to open talks on EU membership." in sentences
    assert len(sentences) == 14  # 11 paragraphs, three of them with two sentences


def test_tokenizer_is_loaded_once():
    from biascheck import sentences

    split_sentences(["One. Two."])
    first = sentences._tokenizer()
    split_sentences(["Three."])
    assert sentences._tokenizer() is first
