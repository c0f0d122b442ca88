"""Boilerplate removal on the five seeds: furniture dropped, every article sentence kept."""

import re
from pathlib import Path

import pytest

from biascheck.clean import clean, furniture_kind, normalize

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def seed(prefix: str) -> str:
    return next(SAMPLES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def kept_text(result) -> str:
    return "\n".join(result.lines)


# (seed, furniture lines that must be dropped, article text that must be kept)
CASES = [
    (
        "000",
        ["Skip to main content", "Clear icon", "22o", "1 / 3", "MC Odbrana", "Recommended Videos",
         "In this photo provided by the Serbian Defense Ministry"],
        ["US, Russia hold parallel military drills in the Balkans",
         "Serbia and Russia launched joint military exercises near Serbia's capital Thursday",
         "Serbian Interior Minister Aleksandar Vulin said Thursday that Russia is “a great security partner.”",
         "“We are jointly thinking of how to preserve our countries because Serbia and Russia can be broken "
         "only from within, not from the outside,” Vulin said."],
    ),
    (
        "001",
        ["Reporting by Maria Kiselyova", "ASHEVILLE WEATHER", "Community News", "Pinned Items",
         "Recent Activities", "• Marge updated an article", "Comments (0)", "Post is under moderation",
         "Stream item published successfully", "There are no activities here yet", "Cron Job Starts"],
        ["Russia said on Thursday a division of its S-400 missile defense system",
         "until Oct. 29, it said in a statement.",
         "Serbia has relied on Russia for support in its continued refusal",
         "Serbia also depends on Russia for natural gas supplies and the largest local oil company, "
         "Naftna Industrija Srbije, is majority-owned by Russia’s Gazprom."],
    ),
    (
        "002",
        ["READ: New Serbian MiG-29s Supplied by Russia", "READ: Neither Russia nor Serbia Needs",
         "Copyright © 2022. All Rights Reserved."],
        ["The Russian Defence Ministry Has Established Itself in Serbia",
         "Russia has long orinatated itself towards the Balkan region",
         "Naturally, the opening of a representative office of the Russian Defence Ministry",
         "which has a positive impact on further cooperation between our countries."],
    ),
    (
        "003",
        ["RKS", "RKS 3 Min Read", "3 Min Read", "Share this Post", "Leave a Comment"],
        ["Serbia strengthens military ties with Russia, they discuss “regional stability”",
         "The Chief of the General Staff of the Armed Forces of Serbia, Milan Mojsilovic",
         "Other materials come from China as well as some European arms and aircraft manufacturers.",
         "undermining the Dayton Agreement."],
    ),
    (
        "004",
        ["16:40 GMT24 November 2020", "Listen Live", "Get short URL", "© Sputnik / Mikhail Voskresenskiy",
         "A Tigr armored SUV takes part in the Rubezh/Frontier-2016 tactical exercise",
         "Never miss a story again",
         "Serbia Will Never Join NATO After Alliance's Aggression in 1999 - Serbian PM",
         "Democratic Party of Serbia Accuses US, NATO of Subtly Backing Kosovo Army Plans",
         "Serbia's New Missile Will Keep NATO at Bay (VIDEO)",
         "Russia and Serbia: Unwavering Brotherhood and Friendship",
         "Is EU Planning to Drive a Wedge Between Russia, Serbia?",
         "partnership, agreements, cooperation, drills, NATO, CSTO, Russia, Serbia",
         "Community standardsDiscussion"],
        ["Later this year, Serbia will take part in Collective Security Treaty Organization drills",
         "Serbian political scientist Dusan Prorokovic told Sputnik.",
         "Earlier in March, then-Serbian Prime Minister Aleksandar Vucic said",
         "Vucic was elected as Serbian President in the first round of the elections, which were held on April 2."],
    ),
]


@pytest.mark.parametrize("prefix, furniture, article", CASES, ids=[c[0] for c in CASES])
def test_seed_furniture_dropped_and_article_kept(prefix, furniture, article):
    result = clean(seed(prefix))
    text = kept_text(result)
    for line in furniture:
        assert line not in text, f"{prefix}: furniture kept: {line!r}"
        assert any(d.startswith(line) for d in result.dropped), f"{prefix}: not reported dropped: {line!r}"
    for sentence in article:
        assert sentence in text, f"{prefix}: article text lost: {sentence!r}"


@pytest.mark.parametrize("prefix", [c[0] for c in CASES])
def test_every_article_paragraph_kept(prefix):
    """Every paragraph of the body (a long line ending in a full stop) survives, none twice."""
    result = clean(seed(prefix))
    furniture = set(result.dropped)
    for line in normalize(seed(prefix)).split("\n"):
        if len(line.split()) > 25 and line.endswith((".", ".”", '."')) and line not in furniture:
            body = re.sub(r"^(?:MOSCOW/BELGRADE \(Reuters\) - |BELGRADE – )", "", line)
            assert body in result.lines
    assert len(result.lines) == len(set(result.lines))


def test_title_first_and_not_repeated():
    text = seed("000")
    result = clean(text, title="US, Russia hold parallel military drills in the Balkans")
    assert result.lines[0] == "US, Russia hold parallel military drills in the Balkans"
    assert result.lines.count(result.lines[0]) == 1
    assert clean(seed("001")).lines[0].startswith("Russia said on Thursday")  # no headline: none made up
    assert clean(seed("001"), title="Russia sends S-400s").lines[0] == "Russia sends S-400s"


def test_dateline_removed_from_first_paragraph_only():
    result = clean(seed("001"))
    assert not any("(Reuters)" in line for line in result.lines)
    assert clean(seed("000")).lines[1].startswith("Serbia and Russia launched")


def test_drop_counts_match_input():
    for prefix, *_ in CASES:
        text = seed(prefix)
        result = clean(text)
        nonblank = [line for line in normalize(text).split("\n") if line]
        assert len(result.lines) + len(result.dropped) == len(nonblank)


def test_unicode_and_whitespace_normalised():
    result = clean("Headline  Here  Today\n\n  NATO\u00a0met   in Brussels on Monday, officials said today.  \n")
    assert result.lines == ("Headline Here Today", "NATO met in Brussels on Monday, officials said today.")
    assert clean("The ﬁrst meeting of the alliance took place in Brussels on Monday.").lines[0].startswith("The first")


@pytest.mark.parametrize(
    "line, kind",
    [
        ("Skip to content", "widget"),
        ("21°C", "widget"),
        ("5 min read", "widget"),
        ("2 / 12", "counter"),
        ("Updated 12:01 PM EDT, May 3, 2021", "timestamp"),
        ("Updated at 3:15 p.m. ET.", "timestamp"),
        ("Read more: Russia expels diplomats", "link"),
        ("Editing by Jane Doe", "credit"),
        ("© 2021 The Associated Press. All rights reserved.", "copyright"),
        ("Soldiers march in Belgrade on Monday. (AP Photo/Darko Vojinovic)", "caption"),
        ("Image copyright Getty Images Image caption Soldiers in Belgrade", "caption"),
        ("Russia and NATO held talks in Brussels on Thursday.", None),
        ("Share prices fell on Monday after the sanctions were announced in Brussels.", None),
        ("By the way, the alliance met again in Vienna last week.", None),
        ("By Jane Doe, Associated Press", "byline"),
        ("By Monday, NATO will decide.", None),
        ("Putin's comments angered NATO.", None),
        ("Like us, the Russians were surprised.", None),
        ("The EU copyright directive was approved.", None),
        ("Copyright 2019 Reuters", "copyright"),
    ],
)
def test_furniture_classes(line, kind):
    assert furniture_kind(line) == kind


def test_related_headlines_after_body_dropped_but_subheads_inside_kept():
    text = (
        "Russia and the EU agreed on a new round of talks in Brussels on Monday, officials said.\n\n"
        "What comes next for the talks\n\n"
        "Diplomats expect the next meeting to take place in Vienna within a month, they said.\n\n"
        "Russia Says Talks With EU Were Constructive\n"
        "NATO Chief Warns of Long Winter\n"
    )
    result = clean(text)
    assert "What comes next for the talks" in result.lines
    assert "Russia Says Talks With EU Were Constructive" in result.dropped
    assert "NATO Chief Warns of Long Winter" in result.dropped


def test_dateline_kept_when_it_is_a_subject():
    assert clean("NATO - the alliance of 30 states - met in Brussels on Monday, it said.").lines[0].startswith("NATO")
    assert clean("KYIV (AP) — Ukraine said on Monday that talks would go on.").lines[0].startswith("Ukraine")


def test_short_opening_sentences_kept_with_the_body():
    text = (
        "Moscow Warns the West\n\nHome\n\n"
        "Don't mess with Russia.\n\nThat is the message.\n\n"
        "MOSCOW (Reuters) - Officials in Moscow said on Monday that the talks with NATO had failed.\n"
    )
    result = clean(text)
    assert result.lines == (
        "Moscow Warns the West",
        "Don't mess with Russia.",
        "That is the message.",
        "Officials in Moscow said on Monday that the talks with NATO had failed.",
    )
    assert "Home" in result.dropped


def test_empty_text():
    assert clean("").lines == () and clean("   \n\n").dropped == ()
