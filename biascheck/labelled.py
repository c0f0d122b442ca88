"""Labelled stance rows: read JSONL in either supported layout, and split them by article.

Two layouts are accepted, one row per (sentence, target):
- span rows (NewsMTSC, ukraine/labelled.jsonl): sentence, target, from, to, label,
  further_mentions [{mention, from, to}], optional entity and sentence_id;
- domain rows (data/domain/*.jsonl): id, sentence, entity, mentions [surface strings], label;
  every word-bounded occurrence of each surface string is a mention;
- reference rows (data/domain/news_labels.jsonl): like domain rows, but instead of the sentence they
  point at it in a corpus kept outside the repository: corpus (a JSONL file of {id, text} articles, or of
  {id, sentences} articles read as their sentences joined by newlines; relative to the working directory),
  article, start, end (character offsets into its text) and sha1 (first 12 hex digits of the sentence's
  SHA-1, to catch a changed corpus).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .marking import find_spans, merge_spans
from .types import LABELS, Mention


@dataclass(frozen=True)
class Example:
    id: str
    sentence: str
    spans: tuple[tuple[int, int], ...]
    label: str  # "" on an unlabelled row (read with labelled=False: a transfer row for distillation)
    entity: str | None = None  # set on domain rows (Russia, NATO, EU, ...)
    source: str = ""  # "file.jsonl:12"

    @property
    def article(self) -> str | None:
        """'ukraine/article_7' for an id like 'ukraine/article_7/sent_3', else None."""
        parts = self.id.split("/")
        return "/".join(parts[:2]) if len(parts) >= 3 else None

    def mention(self) -> Mention:
        return Mention(self.article or self.id, 0, self.sentence, self.entity or "target", self.spans)


_CORPORA: dict[Path, dict[str, str]] = {}


def corpus_texts(path: str | Path) -> dict[str, str]:
    """Article id -> text of a JSONL corpus, read once per process."""
    key = Path(path).resolve()
    if key not in _CORPORA:
        texts = {}
        with key.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    # {id, text} articles; an article given as {id, sentences: [...]} (../shared/data/ukraine)
                    # reads as its sentences joined by newlines, so offsets work the same way
                    texts[str(row["id"])] = row.get("text") or "\n".join(row.get("sentences") or [])
        _CORPORA[key] = texts
    return _CORPORA[key]


def resolve_reference(row: dict, source: str) -> str:
    """The sentence a reference row points at, checked against its sha1."""
    corpus = row.get("corpus")
    if not isinstance(corpus, str) or not Path(corpus).is_file():
        raise InputError(
            f"{source}: the corpus file {corpus!r} that this row points into is not there. Run from the "
            "repository root with ../shared/data beside it, or drop this file from the command."
        )
    text = corpus_texts(corpus).get(str(row.get("article")))
    if text is None:
        raise InputError(f"{source}: article {row.get('article')!r} is not in {corpus}")
    start, end = row.get("start"), row.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise InputError(f"{source}: start/end {start!r}/{end!r} lie outside article {row.get('article')!r}")
    sentence = text[start:end]
    if hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:12] != row.get("sha1"):
        raise InputError(
            f"{source}: the text at {corpus} article {row.get('article')!r} [{start}:{end}] does not match "
            "the row's sha1: the corpus has changed since the row was labelled."
        )
    return sentence


def parse_row(row: dict, source: str, labelled: bool = True) -> Example:
    """One JSON object -> Example; raises InputError naming the row and what is wrong.

    With labelled=False the label is not read (the Example's label is "")."""
    if "corpus" in row and "sentence" not in row:
        row = {**row, "sentence": resolve_reference(row, source)}
    sentence = row.get("sentence")
    label = row.get("label")
    if not isinstance(sentence, str) or not sentence:
        raise InputError(f"{source}: no 'sentence' text")
    if not labelled:
        label = ""
    elif label not in LABELS:
        raise InputError(f"{source}: label {label!r} is not one of {', '.join(LABELS)}")
    if "mentions" in row:
        spans = find_spans(sentence, row["mentions"] or [])
        if not spans:
            raise InputError(f"{source}: none of the mentions {row['mentions']!r} occurs in the sentence")
    elif "from" in row and "to" in row:
        spans = [(row["from"], row["to"])]
        spans += [(m["from"], m["to"]) for m in row.get("further_mentions") or []]
        spans = merge_spans(spans)
        if any(not (0 <= a < b <= len(sentence)) for a, b in spans):
            raise InputError(f"{source}: a mention's from/to lies outside the sentence")
    else:
        raise InputError(f"{source}: needs either 'mentions' or 'from'/'to' to locate the target")
    ident = str(row.get("id") or row.get("sentence_id") or row.get("target_id") or source)
    return Example(ident, sentence, tuple(spans), label, row.get("entity"), source)


def read_examples(path: str | Path, problems: list[str] | None = None, labelled: bool = True) -> list[Example]:
    """Read one JSONL file. Bad rows are skipped and described in `problems` when given, else raised.
    labelled=False reads rows without labels (see parse_row)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file. Give a JSONL file of labelled rows.")
    examples = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            source = f"{path}:{n}"
            try:
                examples.append(parse_row(json.loads(line), source, labelled))
            except (InputError, json.JSONDecodeError, TypeError, KeyError, ValueError) as e:
                message = str(e) if isinstance(e, InputError) else f"{source}: {e}"
                if problems is None:
                    raise InputError(message) from e
                problems.append(message)
    return examples


def read_all(paths: Iterable[str | Path], problems: list[str] | None = None) -> list[Example]:
    return [ex for p in paths for ex in read_examples(p, problems)]


# --- the held-out split, by article -------------------------------------------------------

@dataclass(frozen=True)
class Split:
    """Article ids held out as `test` (reported, never trained on) and `dev` (checkpoint choice)."""

    test: frozenset[str]
    dev: frozenset[str]

    def part(self, example: Example) -> str:
        article = example.article
        if article in self.test:
            return "test"
        if article in self.dev:
            return "dev"
        return "train"


def load_split(path: str | Path) -> Split:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Split(frozenset(data["test"]), frozenset(data["dev"]))
    except (OSError, ValueError, KeyError) as e:
        raise InputError(f"{path}: not a split file with 'test' and 'dev' article lists ({e})") from e


def select(examples: Sequence[Example], split: Split | None, part: str | None) -> list[Example]:
    """Keep the examples of one part of the split (all of them when split or part is None)."""
    if split is None or part is None:
        return list(examples)
    return [ex for ex in examples if split.part(ex) == part]
