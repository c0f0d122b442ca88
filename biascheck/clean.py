"""Boilerplate removal: scraped page furniture out, article sentences and title kept.

Cleaning works on lines (one paragraph per line) in three passes:

1. Furniture patterns: each line is checked against classes of page furniture (navigation
   and widget labels, weather widgets, gallery counters, read-time and share prompts, photo
   credits and captions, "READ: ..." links, bylines and reporter credits, copyright lines,
   timestamps).
2. Structure: the body runs from the first to the last prose line (a line with several words
   that ends like a sentence), with any short sentences right above the first ("This is just
   sad."). Before the body only a headline-like line survives, as the title; after the body,
   short lines without sentence punctuation are related-article lists and tag lines. A
   reporter credit ("Reporting by ...; Editing by ...") or a copyright notice ends the article.
3. Repeats: a line seen before (a caption printed twice) is dropped.

The dateline in front of the first paragraph ("MOSCOW/BELGRADE (Reuters) - ") is removed
too, so that the place name is not read as part of the first sentence.
"""

from __future__ import annotations

import re
import unicodedata

from .types import CleanText

_BULLET = re.compile(r"^[\s•·▪◦●*>|-]+")

# Lines that are page furniture whatever their position: matched against the whole line.
_FURNITURE = re.compile(
    r"""^(?:
        skip\ to(?:\ the)?\ (?:main\ )?(?:content|navigation)
      | (?:clear|close|search|menu|open|toggle)\ (?:icon|menu|search|navigation)
      | listen\ live | watch\ live | live\ tv | get\ short\ url | print | email | share
      | (?:recommended|related|trending|popular|more|latest)\ (?:videos?|stories|articles|news|posts|content)
      | most\ (?:read|popular|viewed)
      | share\ (?:this|on|via|the|article|story|post)\b.* | leave\ a\ (?:comment|reply)
      | comments?\ ?\(\d+\) | \d+\ comments? | (?:show|view|hide|load)\ (?:all\ )?comments
      | (?:community|discussion|comment)\ (?:news|standards|guidelines|policy) | discussion
      | pinned\ items | recent\ activities | (?:follow|like)\ us(?:\ on\b.*)? | advertisement | sponsored
      | .*\b(?:sign\ up|subscribe)\b.*\b(?:newsletter|channel|updates|alerts|speed)\b.*
      | never\ miss\ a\ (?:story|thing)\b.* | click\ here\b.* | tap\ here\b.*
      | .*\bunder\ moderation | .*\bpublished\ successfully\b.* | there\ are\ no\ \w+\ here\ yet
      | cron\ job.* | .*\bupdated\ an?\ (?:article|post|photo)
      | (?:photo|image|video|file\ photo|gallery)s?
      | [\w\ ]{0,40}\bweather
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# Lines that carry furniture somewhere in them (checked on lines of at most a few words).
_SHORT_FURNITURE = re.compile(
    r"\b\d+\s*min(?:ute)?s?\s+read\b|\bread\s+more\b", re.IGNORECASE
)

_NUMBERS_ONLY = re.compile(r"^[\d\s/.,:|•·()+-]*$")  # "0", "1 / 3", "12:40"
_TEMPERATURE = re.compile(r"^-?\d{1,3}\s*(?:°|º|o)\s*[CF]?$", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_TIMESTAMP = re.compile(  # "16:40 GMT24 November 2020", "Updated 12:01 PM EDT, May 3, 2021"
    rf"^(?:(?:updated|published|posted)\s*:?\s*)?(?:\d{{1,2}}:\d{{2}}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{{2,4}})?)?"
    rf"[\s,]*(?:\w+day,?\s*)?(?:\d{{1,2}}\s*{_MONTH}|{_MONTH}\s*\d{{1,2}}),?\s*\d{{4}}"
    rf"(?:[\s,]*\d{{1,2}}:\d{{2}}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{{2,4}})?)?$",
    re.IGNORECASE,
)
_UPDATED_AT = re.compile(  # "Updated at 3:15 p.m. ET.", "Posted 9:02 AM"
    r"^(?:updated|published|posted)\s*(?:at|:)?\s*\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?\.?$",
    re.IGNORECASE,
)
_LINK_PREFIX = re.compile(
    r"^(?:read|read\ more|read\ also|also\ read|see\ also|related|more|watch|listen|opinion)\s*:",
    re.IGNORECASE | re.VERBOSE,
)
_TRAILER = re.compile(  # the wire-style credit that ends a story: "Reporting by ...; Editing by ..."
    r"^(?:additional reporting|reporting|writing|editing|edited|compiled|translated|graphics) by\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(  # "By Jane Doe, Associated Press", "Jane Doe contributed to this report."
    r"^(?:By|Photos? by|Text by) [A-Z][\w.'-]+(?: (?:[A-Z][\w.'-]+|and|de|van|von)){1,4}(?:, [A-Z][\w ]{0,40})?$"
    r"|\bcontributed (?:to )?(?:this )?report(?:ing)?\.?$"
)
_COPYRIGHT = re.compile(
    r"^©|(?:©|\(c\))\s*\d{4}|\bcopyright\s*(?:©|\(c\)|\d{4})|\ball rights reserved\b", re.IGNORECASE
)
_PHOTO_CREDIT = re.compile(  # a caption ends with its credit in brackets
    r"\((?:[^()]*\bvia\b[^()]*|[^()]*\b(?:AP|AFP|Reuters|Getty|EPA|Sputnik|TASS)\b[^()]*photo[^()]*"
    r"|(?:AP|AFP|EPA|Reuters)\s+photo[^()]*|photo\s*:[^()]*|photo\s+(?:by|courtesy)[^()]*)\)\s*$"
    r"|\bfile\s+photo\.?\s*$|^(?:photo|image|picture|credit)s?\s*:",
    re.IGNORECASE,
)
_DATELINE = re.compile(  # "MOSCOW/BELGRADE (Reuters) - ", "BELGRADE, Serbia (AP) — ", "BELGRADE – "
    r"^(?P<place>[A-Z][A-Z.'/ -]{2,})(?:,\s*[A-Z][\w. ]+)?(?P<agency>\s*\([^)]{1,40}\))?"
    r"\s*[-–—]{1,2}\s+(?=[A-Z\"“‘'])"
)
_NOTICE = re.compile(r"(?:©|\bcopyright\b|\(c\))\s*\d{4}|\ball rights reserved\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_SMALL_WORDS = frozenset(
    "a an and as at but by for from in into is of on or over the to up vs via with".split()
)
_TRANSLATE = str.maketrans({"\u00ad": None, "\u200b": None, "\ufeff": None, "\u2028": "\n"})


def normalize(text: str) -> str:
    """NFKC, invisible characters removed, runs of spaces and tabs collapsed, lines stripped."""
    text = unicodedata.normalize("NFKC", text.translate(_TRANSLATE))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n"))


def _words(line: str) -> int:
    return len(line.split())


def is_title_case(line: str) -> bool:
    """Most words capitalised, as in a headline ("Is EU Planning to Drive a Wedge...?")."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if w.lower() not in _SMALL_WORDS]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def is_sentence(line: str) -> bool:
    """Three or more words ending like a sentence, not a headline ("This is just sad.")."""
    return _words(line) >= 3 and bool(_SENTENCE_END.search(line)) and not is_title_case(line)


def is_prose(line: str) -> bool:
    """A line that reads like article text: a sentence of six or more words."""
    return _words(line) >= 6 and is_sentence(line)


def looks_like_headline(line: str) -> bool:
    return (
        3 <= _words(line) <= 30
        and len(line) <= 250
        and (line[0].isupper() or line[0].isdigit() or line[0] in "\"“‘'")
        and not line.endswith((".", ":", ","))
        and any(c.islower() for c in line)
    )


def furniture_kind(line: str) -> str | None:
    """Name the furniture class a line belongs to, or None for a line that may be content."""
    bare = _BULLET.sub("", line).strip()
    if not bare or _NUMBERS_ONLY.match(bare):
        return "counter"
    if _TEMPERATURE.match(bare) or _FURNITURE.match(bare):
        return "widget"
    if _LINK_PREFIX.match(bare):
        return "link"
    if _words(bare) <= 6 and _SHORT_FURNITURE.search(bare):
        return "widget"
    if _TIMESTAMP.match(bare) or _UPDATED_AT.match(bare):
        return "timestamp"
    if _TRAILER.search(bare):
        return "credit"
    if _BYLINE.search(bare) and _words(bare) <= 25:
        return "byline"
    if re.match(r"(?:image|photo|picture)\s+(?:copyright|caption)\b|media\s+(?:playback|caption)", bare, re.I):
        return "caption"
    if bare.startswith("©") and not re.search(r"\d{4}|rights reserved", bare, re.IGNORECASE):
        return "caption"  # a photo credit: "© Sputnik / Mikhail Voskresenskiy"
    if _COPYRIGHT.search(bare) and (_words(bare) <= 20 or bare.lstrip().startswith("©")):
        return "copyright"
    if _PHOTO_CREDIT.search(bare):
        return "caption"
    return None


def _strip_dateline(line: str) -> str:
    """Remove a dateline; a short capitalised word without an agency ("NATO - ") is kept."""
    match = _DATELINE.match(line)
    if match and (match["agency"] or len(match["place"].strip()) >= 5) and line[match.end():]:
        return line[match.end():]
    return line


def clean(text: str, title: str | None = None) -> CleanText:
    """Remove page furniture from scraped article text.

    Returns the kept lines (the title first, when known) and the dropped lines, so callers
    can report how much was removed. `title`, when given, is placed first and a copy of it
    at the top of the text is not repeated.
    """
    lines = [line for line in normalize(text).split("\n") if line]
    kinds = [furniture_kind(line) for line in lines]
    # A photo credit line ("© Sputnik / Name", no year) sits right below its caption.
    for i in range(1, len(lines)):
        if kinds[i] == "caption" and _BULLET.sub("", lines[i]).startswith("©"):
            if kinds[i - 1] is None:
                kinds[i - 1] = "caption"

    prose = [i for i, line in enumerate(lines) if kinds[i] is None and is_prose(line)]
    start = first = prose[0] if prose else len(lines)
    end = prose[-1] if prose else -1
    # A short sentence right above the first prose line opens the body too ("This is just sad.").
    while start > 0 and kinds[start - 1] is None and is_sentence(lines[start - 1]):
        start -= 1
    # A reporter credit or copyright notice after the body has begun closes the article.
    for i in range(start, len(lines)):
        if kinds[i] == "credit" or (kinds[i] == "copyright" and _NOTICE.search(lines[i])):
            end = max((p for p in prose if p < i), default=-1)
            break

    kept: list[str] = []
    dropped: list[str] = []
    seen: set[str] = set()
    if title:
        title = normalize(title).replace("\n", " ").strip()
        kept.append(title)
        seen.add(re.sub(r"\W+", " ", title).strip().casefold())
    for i, line in enumerate(lines):
        key = re.sub(r"\W+", " ", line).strip().casefold()
        keep = kinds[i] is None and key not in seen
        seen.add(key)
        if keep and i < start:  # header zone: the headline and a standfirst survive
            standfirst = _words(line) >= 10 and not is_title_case(line)
            keep = standfirst or (not kept and looks_like_headline(line))
        elif keep and i > end:  # after the body: related headlines, tags, widgets
            keep = False
        elif keep and _words(line) < 3 and not _SENTENCE_END.search(line):
            keep = False  # a stray label inside the body ("RKS", "MC Odbrana")
        if keep:
            if i in (start, first):
                line = _strip_dateline(line)
            kept.append(line)
        else:
            dropped.append(line)
    return CleanText(lines=tuple(kept), dropped=tuple(dropped))
