"""Score articles into a store, once each: idempotent, resumable, safe to run twice at once.

    from biascheck.batch import score_into_store
    summary = score_into_store(["new/"], "scores.db", scorer="lexicon")
    print(summary.scored, summary.skipped_existing, summary.failed)

Each article goes through the same pipeline as `compare` (`pipeline.analyze` and
`pipeline.score_analyses`), then is written with all its mentions in one transaction. An article
whose text is already in the store, scored by the same model (name@version), is skipped before any
work is done on it, so a rerun after a crash only scores what is missing.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .errors import BiascheckError, InputError, StoreError
from .store import Store, content_hash
from .types import Article, ScoredMention, Skipped

if TYPE_CHECKING:
    from .pipeline import Analysis

__all__ = ["score_into_store", "ScoreSummary", "Progress", "ProgressLine", "estimate_articles", "OUTPUT_FIELDS"]

OUTPUT_FIELDS = (
    "article_id", "source_id", "source", "outlet", "outlet_type", "publisher", "url", "title", "published",
    "sentence_index", "sentence", "target", "spans", "label", "p_negative", "p_neutral", "p_positive", "model",
)  # fmt: skip


@dataclass(frozen=True)
class ScoreSummary:
    """What one `score_into_store` run did."""

    store: str
    model: str
    scored: int  # articles scored and stored by this run
    mentions: int  # target mentions in those articles
    skipped_existing: int  # articles already in the store, scored by this model
    failed: tuple[Skipped, ...]  # inputs that could not be used, with the reason
    seconds: float
    model_seconds: float = 0.0  # time inside the scorer
    store_seconds: float = 0.0  # time reading and writing the store

    @property
    def total(self) -> int:
        return self.scored + self.skipped_existing + len(self.failed)

    def as_dict(self) -> dict:
        """The summary as plain data (what `biascheck score --json` prints)."""
        return {
            "store": self.store, "model": self.model, "scored": self.scored, "mentions": self.mentions,
            "skipped_existing": self.skipped_existing,
            "failed": [{"source": s.source, "reason": s.reason} for s in self.failed],
            "seconds": round(self.seconds, 3), "model_seconds": round(self.model_seconds, 3),
        }  # fmt: skip


@dataclass(frozen=True)
class Progress:
    """A snapshot handed to the `progress` callback after every input."""

    done: int  # inputs handled so far: scored, skipped or failed
    scored: int
    mentions: int
    skipped_existing: int
    failed: int
    seconds: float


def score_into_store(
    inputs,
    store: Store | str | Path,
    scorer=None,
    *,
    targets=None,
    manifest=None,
    outlets=None,
    rescore: bool = False,
    output: str | Path | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> ScoreSummary:
    """Score every article in `inputs` that the store does not yet have from this model, and store it.

    `inputs`, `scorer`, `targets`, `manifest` and `outlets` are as in `biascheck.compare`.
    `rescore=True` scores every input again and replaces its stored scores from this model.
    `output` (a .jsonl or .csv path) also receives one row per mention of every input article,
    including those already stored. `progress` is called after each input with a `Progress`.
    Raises StoreError when the store holds another version of the same model and `rescore` is off.
    """
    from . import api
    from .pipeline import analyze, score_analyses

    model = api.resolve_scorer(scorer)
    target_list = api.resolve_targets(targets)
    own = not isinstance(store, Store)
    st = Store(store) if own else store
    writer = None
    timed = _TimedScorer(model)
    try:
        _check_model_version(st, model, rescore)
        writer = _RowWriter(Path(output), model.label) if output is not None else None
        model_id = st.model_id(model.name, model.version, model.kind)
        run_id = st.start_run(model_id)
        started = time.perf_counter()
        failed: list[Skipped] = []
        n = {"scored": 0, "mentions": 0, "skipped": 0}
        store_seconds = 0.0
        order: deque[str] = deque()  # hashes of the articles inside the scorer, in input order
        waiting: dict[str, list[Article]] = {}  # duplicates of those, by hash

        def tick() -> None:
            if progress is not None:
                done = n["scored"] + n["skipped"] + len(failed)
                seconds = time.perf_counter() - started
                progress(Progress(done, n["scored"], n["mentions"], n["skipped"], len(failed), seconds))

        tick()  # show the progress line at once: the first articles come out with the first full batch

        def skip_existing(h: str, article: Article) -> None:
            n["skipped"] += 1
            if writer is not None:
                writer.write(h, st.stored_mentions(h, model_id, article))
            tick()

        def analyses() -> Iterator[Analysis]:
            nonlocal store_seconds
            for item in api._iter_inputs(inputs, manifest, outlets):
                if isinstance(item, Skipped):
                    failed.append(item)
                    tick()
                    continue
                h = content_hash(item.text)
                if h in waiting:
                    waiting[h].append(item)
                    continue
                t = time.perf_counter()
                done = st.is_scored(h, model_id, run_id=run_id if rescore else None)
                store_seconds += time.perf_counter() - t
                if done:
                    skip_existing(h, item)
                    continue
                try:
                    analysis = analyze(item, target_list)
                except (BiascheckError, ValueError) as e:
                    failed.append(Skipped(item.source, f"could not be analysed: {e}"))
                    tick()
                    continue
                order.append(h)
                waiting[h] = []
                yield analysis

        for analysis, scored in score_analyses(analyses(), timed):
            h = order.popleft()
            t = time.perf_counter()
            added = st.add(
                h,
                analysis.article,
                scored,
                model_id,
                sentences=len(analysis.sentences),
                dropped_lines=len(analysis.clean.dropped),
                run_id=run_id,
                replace=rescore,
            )
            store_seconds += time.perf_counter() - t
            if added:
                n["scored"] += 1
                n["mentions"] += len(scored)
            else:  # another process stored it first
                n["skipped"] += 1
            if writer is not None:
                writer.write(h, scored)
            tick()
            for duplicate in waiting.pop(h):
                skip_existing(h, duplicate)
        st.finish_run(run_id, scored=n["scored"], skipped_existing=n["skipped"], failed=len(failed))
    except sqlite3.Error as e:
        raise StoreError(
            f"cannot write to the store {st.path}: {e}. Every article stored before this is complete; "
            "fix the cause (disk space, permissions, another program locking the file) and run the same "
            "command again to score the rest."
        ) from None
    else:
        return ScoreSummary(
            str(st.path), model.label, n["scored"], n["mentions"], n["skipped"], tuple(failed),
            time.perf_counter() - started, timed.seconds, store_seconds,
        )  # fmt: skip
    finally:
        if writer is not None:
            writer.close()
        if own:
            st.close()


def _check_model_version(st: Store, model, rescore: bool) -> None:
    """Refuse to mix two versions of one model in a store without an explicit --rescore."""
    others = [m for m in st.models() if m.name == model.name and m.version != model.version]
    if others and not rescore and st.counts(others[0].label)["scorings"]:
        raise StoreError(
            f"{st.path} holds scores from {others[0].label}, and the model now is {model.label}. "
            "Pass --rescore to score these inputs with the new version (the old scores stay, under their "
            "own label), or give a new --store."
        )


class _TimedScorer:
    """Wraps a scorer to add up the time spent inside it; otherwise the same scorer."""

    def __init__(self, scorer) -> None:
        self.scorer = scorer
        self.seconds = 0.0

    def score(self, mentions):
        start = time.perf_counter()
        try:
            return self.scorer.score(mentions)
        finally:
            self.seconds += time.perf_counter() - start


class _RowWriter:
    """Streams one row per scored mention to a .jsonl or .csv file."""

    def __init__(self, path: Path, model: str) -> None:
        suffix = path.suffix.lower()
        if suffix not in (".jsonl", ".csv"):
            raise InputError(f"--output {path}: give a file name ending in .jsonl or .csv, found {suffix or 'none'}.")
        try:
            self.file: IO[str] = path.open("w", encoding="utf-8", newline="")
        except OSError as e:
            raise InputError(f"cannot write {path}: {e.strerror or e}. Check that the folder exists.") from None
        self.model = model
        self.csv = csv.DictWriter(self.file, OUTPUT_FIELDS) if suffix == ".csv" else None
        if self.csv is not None:
            self.csv.writeheader()

    def write(self, article_hash: str, scored: Sequence[ScoredMention]) -> None:
        for sm in scored:
            a, m, s = sm.article, sm.mention, sm.score
            row = {
                "article_id": article_hash, "source_id": a.id, "source": a.source, "outlet": a.outlet,
                "outlet_type": a.outlet_type, "publisher": a.publisher, "url": a.url, "title": a.title,
                "published": a.published, "sentence_index": m.sentence_index, "sentence": m.sentence,
                "target": m.target, "spans": [list(p) for p in m.spans], "label": s.label,
                "p_negative": s.probs[0], "p_neutral": s.probs[1], "p_positive": s.probs[2], "model": self.model,
            }  # fmt: skip
            if self.csv is not None:
                self.csv.writerow({**row, "spans": json.dumps(row["spans"])})
            else:
                self.file.write(json.dumps(row, ensure_ascii=False) + "\n")
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def estimate_articles(paths: Sequence[str | Path]) -> int | None:
    """A quick count of the articles in `paths` (files in folders, lines of JSONL/CSV), for an ETA."""
    from .ingest import MANIFEST_NAMES, SUFFIXES

    total = 0
    try:
        for p in map(Path, paths):
            files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
            for f in files:
                suffix = f.suffix.lower()
                if f.name.lower() in MANIFEST_NAMES or suffix not in SUFFIXES or f.name.startswith("."):
                    continue
                if suffix in (".jsonl", ".csv"):
                    with f.open("rb") as fh:
                        lines = sum(1 for line in fh if line.strip())
                    total += lines - (suffix == ".csv")
                else:
                    total += 1
    except OSError:
        return None
    return total or None


class ProgressLine:
    """A one-line progress display (articles/s, mentions/s, ETA) for a terminal; redrawn twice a second."""

    def __init__(self, stream: IO[str] | None = None, total: int | None = None, every: float = 0.5) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.every = every
        self._last = 0.0
        self._width = 0

    def __call__(self, p: Progress) -> None:
        now = time.monotonic()
        if now - self._last < self.every:
            return
        self._last = now
        secs = max(p.seconds, 1e-9)
        rate = p.done / secs
        line = (
            f"{p.done:,}{f'/{self.total:,}' if self.total else ''} articles  "
            f"{p.scored / secs:.1f} articles/s  {p.mentions / secs:.1f} mentions/s"
        )
        if self.total and rate > 0 and p.done <= self.total:
            line += f"  ETA {_duration((self.total - p.done) / rate)}"
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def close(self) -> None:
        """Clear the line (safe to call twice)."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def summary_lines(summary: ScoreSummary) -> list[str]:
    """The end-of-run report: scored, skipped as already stored, failed with reasons."""
    lines = []
    if summary.scored:
        rate = summary.scored / summary.seconds if summary.seconds else 0.0
        lines.append(
            f"Scored {_n(summary.scored, 'article')} ({_n(summary.mentions, 'target mention')}) with "
            f"{summary.model} into {summary.store} in {summary.seconds:.1f}s ({rate:.1f} articles/s)."
        )
    elif summary.skipped_existing:
        lines.append(f"Nothing new to score: every article is already in {summary.store} from {summary.model}.")
    if summary.skipped_existing:
        lines.append(f"Skipped {_n(summary.skipped_existing, 'article')} already scored by {summary.model}.")
    if summary.failed:
        lines.append(f"Failed {_n(len(summary.failed), 'input')}:")
        lines += [f"  {s.source}: {s.reason}" for s in summary.failed]
    return lines


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
