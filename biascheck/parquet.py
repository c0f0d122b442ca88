"""The Parquet output of the distributed job: its layout, reading it back, importing it into a store.

    OUTPUT/
      _biascheck.json      what wrote it: model, counts, inputs (its presence marks a complete output)
      mentions/*.parquet   one row per scored mention, the fields of `biascheck score --output`
      articles/*.parquet   one row per scored article (also those with no mention)
      errors/*.parquet     one row per input that could not be used: source and reason

    from biascheck.parquet import compare_output, import_output
    result = compare_output("scores/")            # the same Comparison as from a store
    import_output("scores/", "scores.db")         # or keep it in a SQLite store

Rows are read in input order (file, then position in the file), and an article whose text appears
twice counts once (the first), as in a store, so the tables equal those from `compare --store`.
pyarrow is needed here (it comes with `pip install 'biascheck[ray]'`); the rest of biascheck runs
without it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .aggregate import Tally
from .batch import OUTPUT_FIELDS
from .errors import InputError, StoreError
from .store import Filters
from .targets import load_targets
from .types import Article, Comparison, Mention, Score, ScoredMention, Skipped

__all__ = ["MARKER", "is_output", "read_meta", "compare_output", "iter_output", "import_output", "ImportSummary"]

MARKER = "_biascheck.json"
FORMAT = "biascheck-scores"
FORMAT_VERSION = 1

ARTICLE_FIELDS = (
    "article_id", "source_id", "source", "outlet", "outlet_type", "publisher", "url", "title", "published",
    "detected_by", "sentences", "dropped_lines", "mentions", "model", "file_index", "item_index",
)  # fmt: skip
ERROR_FIELDS = ("source", "reason", "file_index", "item_index")


def pyarrow():
    """The pyarrow module, or an error that says how to install it."""
    try:
        import pyarrow as pa
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise InputError(
            "Reading and writing Parquet needs pyarrow: pip install 'biascheck[ray]' (or pip install pyarrow)."
        ) from None
    return pa


def schemas():
    """(mentions, articles, errors) Arrow schemas of the output tables."""
    pa = pyarrow()
    text, i32, i64, f64 = pa.string(), pa.int32(), pa.int64(), pa.float64()
    spans = pa.list_(pa.list_(i32))
    mention_types = dict.fromkeys(OUTPUT_FIELDS, text) | {
        "sentence_index": i32, "spans": spans, "p_negative": f64, "p_neutral": f64, "p_positive": f64,
    }  # fmt: skip
    article_types = dict.fromkeys(ARTICLE_FIELDS, text) | {
        "sentences": i32, "dropped_lines": i32, "mentions": i32, "file_index": i64, "item_index": i64,
    }  # fmt: skip
    error_types = {"source": text, "reason": text, "file_index": i64, "item_index": i64}
    return tuple(
        pa.schema([(name, types[name]) for name in fields])
        for fields, types in (
            (OUTPUT_FIELDS, mention_types), (ARTICLE_FIELDS, article_types), (ERROR_FIELDS, error_types),
        )
    )


def is_output(path: str | Path) -> bool:
    """Whether `path` is a folder written by the distributed job."""
    return (Path(path) / MARKER).is_file()


def read_meta(path: str | Path) -> dict:
    """The output's _biascheck.json: model name, version, kind and label, and counts."""
    folder = Path(path)
    try:
        meta = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{folder} is not a biascheck Parquet output ({MARKER} is missing: the job did not finish, or "
            "this is another folder). Run `biascheck score-distributed INPUT --output "
            f"{folder}` to make one."
        ) from None
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read {folder / MARKER}: {e}. Run the job again to rewrite the output.") from None
    if meta.get("format") != FORMAT or meta.get("version", 0) > FORMAT_VERSION:
        raise InputError(
            f"{folder / MARKER} describes format {meta.get('format')!r} version {meta.get('version')}; this "
            f"biascheck reads {FORMAT} version {FORMAT_VERSION}. Upgrade biascheck or rerun the job."
        )
    return meta


def _rows(folder: Path, name: str, columns: Sequence[str] | None = None) -> list[dict]:
    """All rows of one table of the output; none when the job wrote none."""
    pa = pyarrow()
    files = sorted((folder / name).glob("*.parquet"))
    if not files:
        return []
    import pyarrow.parquet as pq

    try:
        tables = [pq.read_table(f, columns=list(columns) if columns else None) for f in files]
    except (OSError, pa.ArrowException) as e:
        raise InputError(f"cannot read {folder / name}: {e}. Run the job again to rewrite the output.") from None
    return [row for table in tables for row in table.to_pylist()]


@dataclass(frozen=True)
class _Stored:
    """One article of the output, with what a store keeps about it."""

    article: Article  # id: the content hash, as a store's comparison has it
    source_id: str
    sentences: int
    dropped_lines: int


def _articles(folder: Path) -> list[_Stored]:
    """The scored articles in input order; a text seen twice counts once, the first time."""
    rows = sorted(_rows(folder, "articles"), key=lambda r: (r["file_index"], r["item_index"]))
    seen: set[str] = set()
    out = []
    for r in rows:
        if r["article_id"] in seen:
            continue
        seen.add(r["article_id"])
        article = Article(r["article_id"], "", r["source"], r["outlet"], r["outlet_type"], r["publisher"],
                          r["url"], r["title"], r["published"], r["detected_by"] or "none")  # fmt: skip
        out.append(_Stored(article, r["source_id"], r["sentences"], r["dropped_lines"]))
    return out


def _passes(article: Article, filters: Filters) -> bool:
    """The article conditions of `Filters.where`, on an Article."""
    day = (article.published or "")[:10]
    if filters.since and not (article.published and day >= filters.since):
        return False
    if filters.until and not (article.published and day <= filters.until):
        return False
    if filters.outlets and article.outlet.lower() not in {o.lower() for o in filters.outlets}:
        return False
    return not filters.outlet_types or article.outlet_type.lower() in {t.lower() for t in filters.outlet_types}


def iter_output(
    path: str | Path, filters: Filters = Filters()
) -> Iterator[tuple[_Stored, list[ScoredMention]]]:
    """Each stored article that passes `filters`, in input order, with its scored mentions."""
    folder = Path(path)
    read_meta(folder)
    by_article: dict[tuple[str, str], list[dict]] = {}
    for r in _rows(folder, "mentions"):
        by_article.setdefault((r["article_id"], r["source"]), []).append(r)
    targets = {t.lower() for t in filters.targets}
    for stored in _articles(folder):
        a = stored.article
        if not _passes(a, filters):
            continue
        scored = [
            ScoredMention(
                a,
                Mention(a.id, r["sentence_index"], r["sentence"], r["target"], tuple(tuple(s) for s in r["spans"])),
                Score(r["label"], (r["p_negative"], r["p_neutral"], r["p_positive"])),
            )
            for r in by_article.get((a.id, a.source), ())
            if not targets or r["target"].lower() in targets
        ]
        yield stored, scored


def compare_output(
    path: str | Path,
    *,
    model: str | None = None,
    by: str = "outlet",
    since: str | None = None,
    until: str | None = None,
    outlet: Sequence[str] | None = None,
    outlet_type: Sequence[str] | None = None,
    target: Sequence[str] | None = None,
    targets=None,
    keep_mentions: bool = False,
) -> Comparison:
    """Compare a Parquet output as `compare_store` compares a store: same filters, same Comparison.

    `model`, when given, must name the output's model (label or name). `keep_mentions=True` keeps
    every scored mention in `Comparison.scored` (for the report's statistics and evidence).
    """
    meta = read_meta(path)
    if model is not None and model not in (meta["model"], meta["model_name"]):
        raise StoreError(f"{path} holds scores from {meta['model']} only, not {model!r}. Drop --model or pass that.")
    filters = Filters(since, until, tuple(outlet or ()), tuple(outlet_type or ()), tuple(target or ()))
    tally = Tally(by, [t.name for t in load_targets(targets)])
    kept: list[ScoredMention] = []
    articles = dropped = 0
    for stored, scored in iter_output(path, filters):
        articles += 1
        dropped += stored.dropped_lines
        for sm in scored:
            tally.add(sm)
        if keep_mentions:
            kept.extend(scored)
    return Comparison(tally.cells(), meta["model"], articles, (), by, dropped, meta["model_kind"], tuple(kept))


def read_errors(path: str | Path) -> list[Skipped]:
    """The inputs the job could not use, with the reason, in input order."""
    rows = sorted(_rows(Path(path), "errors"), key=lambda r: (r["file_index"], r["item_index"]))
    return [Skipped(r["source"], r["reason"]) for r in rows]


@dataclass(frozen=True)
class ImportSummary:
    store: str
    model: str
    imported: int  # articles added to the store
    mentions: int
    skipped_existing: int  # articles the store already had from this model
    seconds: float


class _Model:
    """A stored model's identity, as the store checks take it from a scorer."""

    def __init__(self, meta: dict) -> None:
        self.name, self.version, self.kind = meta["model_name"], meta["model_version"], meta["model_kind"]
        self.label = meta["model"]


def import_output(path: str | Path, store, *, rescore: bool = False) -> ImportSummary:
    """Add every article of a Parquet output to a store, each once, as `biascheck score` would.

    Articles the store already has from the same model are skipped (so importing twice adds
    nothing); `rescore=True` replaces them. Each article is written in its own transaction.
    """
    from .batch import _check_model_version
    from .store import Store

    meta = read_meta(path)
    model = _Model(meta)
    own = not isinstance(store, Store)
    st = Store(store) if own else store
    started = time.perf_counter()
    try:
        _check_model_version(st, model, rescore)
        model_id = st.model_id(model.name, model.version, model.kind)
        run_id = st.start_run(model_id)
        imported = mentions = existing = 0
        for stored, scored in iter_output(path):
            a = stored.article
            article = Article(stored.source_id, "", a.source, a.outlet, a.outlet_type, a.publisher, a.url,
                              a.title, a.published, a.detected_by)  # fmt: skip
            if st.add(a.id, article, scored, model_id, sentences=stored.sentences,
                      dropped_lines=stored.dropped_lines, run_id=run_id, replace=rescore):  # fmt: skip
                imported += 1
                mentions += len(scored)
            else:
                existing += 1
        st.finish_run(run_id, scored=imported, skipped_existing=existing, failed=meta.get("errors", 0))
        return ImportSummary(str(st.path), model.label, imported, mentions, existing, time.perf_counter() - started)
    finally:
        if own:
            st.close()
