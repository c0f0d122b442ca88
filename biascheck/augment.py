"""Target swapping: labelled rows about a person, rewritten about a state or an organisation.

NewsMTSC's targets are all people; biascheck's are states and alliances. A sentence that praises or
attacks a public figure's decisions reads as naturally about a state ("Obama won the soldier's freedom by
agreeing to release five militants" -> "Washington won ..."), and the portrayal of the target does not
change with the name. `swap_targets` rewrites such rows with the target's mentions replaced by the name
of a state or organisation, and keeps the label.

Only rows where the swap is likely to read naturally are used:
- the target is a recurring public figure (its last name is the target of at least `min_name_rows`
  rows of the file): politicians and officials, whose acts are the kind states and alliances perform;
- every mention is a capitalised name, optionally with a title ("President", "Ms.", "Sen.", ...), which
  is replaced with it; a pronoun or a lower-case description ("the odious senator ...") is not a name;
- the sentence has no gendered pronoun (he, his, she, her...), which would usually refer back to the
  person, and none of the words that only fit a person (wife, born, campaign, tweeted, ...);
- the mention is not preceded by an article or "former" and not followed by "who".

The new target is drawn with a fixed seed, Russia, NATO and the EU more often than the other states and
organisations, and one of its usual names is used for every mention. The result is deterministic.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from .labelled import Example

# (entity, weight, names): a name is used for every mention of the target in one sentence
SWAPS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("Russia", 4, ("Russia", "Moscow", "the Kremlin")),
    ("NATO", 3, ("NATO", "the alliance")),
    ("EU", 3, ("the EU", "the European Union", "Brussels")),
    ("Ukraine", 1, ("Ukraine", "Kyiv")),
    ("China", 1, ("China", "Beijing")),
    ("United States", 1, ("the United States", "Washington")),
    ("Serbia", 1, ("Serbia", "Belgrade")),
    ("UN", 1, ("the UN", "the United Nations")),
    ("Germany", 1, ("Germany", "Berlin")),
    ("Turkey", 1, ("Turkey", "Ankara")),
    ("Poland", 1, ("Poland", "Warsaw")),
    ("Hungary", 1, ("Hungary", "Budapest")),
    ("United Kingdom", 1, ("Britain", "London")),
    ("Iran", 1, ("Iran", "Tehran")),
)

TITLES = (
    r"President|Vice President|Prime Minister|Chancellor|Secretary|Minister|Senator|Sen\.|Representative|Rep\.|"
    r"Governor|Gov\.|Mayor|Speaker|Leader|Judge|Justice|General|Gen\.|Mr\.?|Mrs\.?|Ms\.?|Dr\.?"
)
_TITLE_BEFORE = re.compile(rf"(?:\b(?:{TITLES})\s+)+$")
_TITLE_WORD = re.compile(rf"^(?:{TITLES})$")
_NAME_WORD = re.compile(r"^[A-Z][\w'.\-]*$")
_PRONOUN = re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)
_PERSON_ONLY = re.compile(
    r"\b(?:wife|husband|daughter|son|mother|father|married|marriage|born|birthday|years old|aged|died|funeral|"
    r"health|book|memoir|tweet|tweets|tweeted|twitter|campaign|campaigns|campaigned|nominee|nomination|"
    r"candidate|candidacy|primary|primaries|voters|impeach\w*|resign\w*|fired|hired|lawyer|attorney|"
    r"personal|personally)\b",
    re.IGNORECASE,
)
# an article, "former", or a first name left over before the mention; "who", a party tag or a hyphen after it
_BEFORE_BAD = re.compile(r"\b(?:the|a|an|former|then-|late)\s*$", re.IGNORECASE)
_FIRST_NAME = re.compile(r"\b[A-Z][\w.'-]*\s+$")
_AFTER_BAD = re.compile(r"^(?:,?\s*who\b|,?\s*\(?[DRI]-|-\w|\s+[A-Z])")


def _last_name(surface: str) -> str:
    words = [w for w in surface.split() if not _TITLE_WORD.match(w)]
    return words[-1].removesuffix("'s").removesuffix("’s") if words else ""


def _name_spans(ex: Example) -> list[tuple[int, int]] | None:
    """The mention spans widened over a title just before them, or None if the row is not swappable."""
    text = ex.sentence
    if _PRONOUN.search(text) or _PERSON_ONLY.search(text):
        return None
    spans = []
    for a, b in ex.spans:
        words = text[a:b].split()
        if not words or not all(_NAME_WORD.match(w) for w in words):
            return None
        title = _TITLE_BEFORE.search(text[:a])
        if title:
            a = title.start()
        if _BEFORE_BAD.search(text[:a]) or _FIRST_NAME.search(text[:a]) or _AFTER_BAD.match(text[b:]):
            return None
        spans.append((a, b))
    return spans


def _rewrite(text: str, spans: Sequence[tuple[int, int]], name: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Replace each span by `name` (capitalised at the start of the sentence); return the new text and spans."""
    out, new_spans, last = [], [], 0
    for a, b in sorted(spans):
        out.append(text[last:a])
        start = sum(len(p) for p in out)
        before = text[:a].rstrip().rstrip("\"'“‘(")
        word = name[0].upper() + name[1:] if not before or before.endswith((".", "!", "?", ":", "\n")) else name
        out.append(word)
        new_spans.append((start, start + len(word)))
        last = b
    out.append(text[last:])
    return "".join(out), tuple(new_spans)


def swappable(examples: Sequence[Example], min_name_rows: int = 10) -> list[tuple[Example, list[tuple[int, int]]]]:
    """The rows whose target can be swapped (see the module docstring), with their widened spans."""
    names = [_last_name(ex.sentence[ex.spans[0][0]:ex.spans[0][1]]) if ex.spans else "" for ex in examples]
    counts = Counter(names)
    out = []
    for ex, name in zip(examples, names):
        if not ex.spans or ex.entity:  # rows that already name an entity are states or organisations
            continue
        if counts[name] < min_name_rows:
            continue
        spans = _name_spans(ex)
        if spans:
            out.append((ex, spans))
    return out


def swap_targets(examples: Sequence[Example], seed: int, min_name_rows: int = 10) -> list[Example]:
    """One rewritten row per swappable row, about a state or organisation drawn with `seed`."""
    entities = [e for e, w, _ in SWAPS for _ in range(w)]
    names = {e: n for e, _, n in SWAPS}
    out = []
    for ex, spans in swappable(examples, min_name_rows):
        rng = random.Random(f"{seed}:{ex.id}:{ex.sentence}")
        entity = rng.choice(entities)
        text, new_spans = _rewrite(ex.sentence, spans, rng.choice(names[entity]))
        out.append(replace(ex, id=f"swap:{ex.id}:{entity}", sentence=text, spans=new_spans, entity=entity,
                           source=f"{ex.source} (target swapped to {entity})"))
    return out
