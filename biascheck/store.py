"""A durable SQLite store of scored articles, and comparisons drawn from it.

One row per article (keyed by a hash of its text, so the same story under two file names is
one article), one row per (article, model) scoring, and one row per scored mention. An article
and all its mentions are written in one transaction, so a killed run never leaves half an
article. WAL mode and a busy timeout let several writers and readers share a store.

The schema version lives in `PRAGMA user_version`; `Store` migrates older stores on open.
No torch here: reading a store never loads a model.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from .aggregate import Tally
from .errors import StoreError
from .targets import load_targets
from .types import OUTLET_TYPES, Article, Comparison, Mention, Score, ScoredMention

__all__ = ["Store", "StoredModel", "Filters", "compare_store", "content_hash", "SCHEMA_VERSION"]

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 60_000

_SCHEMA = """
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,          -- content_hash(text): the stable article id
    source_id TEXT,                     -- the id it had in its input (file name, JSONL id)
    source TEXT NOT NULL,               -- where it was read from
    outlet TEXT NOT NULL,
    outlet_type TEXT NOT NULL,
    publisher TEXT,
    url TEXT,
    title TEXT,
    published TEXT,                     -- ISO date, when known
    detected_by TEXT,
    sentences INTEGER NOT NULL,
    dropped_lines INTEGER NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX articles_by_outlet ON articles(outlet);
CREATE INDEX articles_by_published ON articles(published);

CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    kind TEXT NOT NULL,                 -- what the scores measure
    UNIQUE (name, version)
);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id),
    started_at TEXT NOT NULL,
    finished_at TEXT,                   -- NULL: the run was stopped before the end
    scored INTEGER,
    skipped_existing INTEGER,
    failed INTEGER
);

CREATE TABLE scorings (                 -- one article scored by one model: the unit of work
    article_id INTEGER NOT NULL REFERENCES articles(id),
    model_id INTEGER NOT NULL REFERENCES models(id),
    run_id INTEGER REFERENCES runs(id),
    mentions INTEGER NOT NULL,
    scored_at TEXT NOT NULL,
    PRIMARY KEY (article_id, model_id)
) WITHOUT ROWID;
CREATE INDEX scorings_by_model ON scorings(model_id, scored_at);

CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL,
    model_id INTEGER NOT NULL,
    sentence_index INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    target TEXT NOT NULL,
    spans TEXT NOT NULL,                -- JSON [[start, end], ...] into sentence
    label TEXT NOT NULL,
    p_negative REAL NOT NULL,
    p_neutral REAL NOT NULL,
    p_positive REAL NOT NULL,
    FOREIGN KEY (article_id, model_id) REFERENCES scorings(article_id, model_id)
);
CREATE INDEX mentions_by_scoring ON mentions(article_id, model_id);
"""

# MIGRATIONS[n] upgrades a store from schema n to n + 1, inside one transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}


def content_hash(text: str) -> str:
    """The stable id of an article: SHA-256 of its text, Unicode-normalised, whitespace collapsed."""
    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class StoredModel:
    id: int
    name: str
    version: str
    kind: str

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class Filters:
    """Which stored articles and mentions a comparison draws on. Empty means all."""

    since: str | None = None  # published on or after this date (YYYY-MM-DD)
    until: str | None = None  # published on or before this date
    outlets: tuple[str, ...] = ()  # outlet names, any case
    outlet_types: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()  # target names, any case

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                try:
                    date.fromisoformat(value)
                except (TypeError, ValueError):
                    raise StoreError(f"{name} must be a date like 2024-05-31, got {value!r}.") from None
        for name in ("outlets", "outlet_types", "targets"):
            object.__setattr__(self, name, tuple(getattr(self, name) or ()))
        bad = [t for t in self.outlet_types if t not in OUTLET_TYPES]
        if bad:
            raise StoreError(f"unknown outlet type {bad[0]!r}; choose from {', '.join(OUTLET_TYPES)}.")

    def where(self) -> tuple[str, list]:
        """An SQL condition on `a` (articles) and `m` (mentions), and its parameters."""
        sql, params = ["1"], []
        if self.since:
            sql.append("substr(a.published, 1, 10) >= ?")
            params.append(self.since)
        if self.until:
            sql.append("substr(a.published, 1, 10) <= ?")
            params.append(self.until)
        for column, values in (("a.outlet", self.outlets), ("a.outlet_type", self.outlet_types)):
            if values:
                sql.append(f"lower({column}) IN ({', '.join('?' * len(values))})")
                params.extend(v.lower() for v in values)
        return " AND ".join(sql), params


class Store:
    """An open score store. Use as a context manager, or call `close()`."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(
                f"No store at {self.path}. Create one with `biascheck score INPUT... --store {self.path}`."
            )
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder; --store takes a database file such as scores.db.")
        if not self.path.parent.exists():
            raise StoreError(f"The folder for the store does not exist: {self.path.parent}. Create it first.")
        self.db: sqlite3.Connection | None = None
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._connect()
                break
            except sqlite3.OperationalError as e:
                self.close()
                # A brand-new file being set up by another process: wait for it, as a busy timeout would.
                if "locked" in str(e) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                raise StoreError(
                    f"cannot open the store {self.path}: {e}. Check that the file is readable and writable "
                    "and that no other program holds it locked."
                ) from None
            except sqlite3.DatabaseError as e:
                self.close()
                raise StoreError(
                    f"{self.path} is not a biascheck store ({e}). Give a new file name, or the path of a "
                    "store made by `biascheck score`."
                ) from None

    def _connect(self) -> None:
        self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA foreign_keys = ON")
        self._prepare()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    # -- schema -----------------------------------------------------------------------------

    def _prepare(self) -> None:
        """Create the schema in an empty file, or check and migrate an existing one."""
        if self.schema_version == SCHEMA_VERSION:
            return  # the usual case: nothing to write, so readers never wait for a writer here
        with self._write():
            version = self.schema_version
            tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version == 0:
                if tables:
                    raise StoreError(
                        f"{self.path} is an SQLite database but not a biascheck store (it has tables "
                        f"{', '.join(sorted(tables))}). Give a new file name for the store."
                    )
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                return
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} has store schema version {version}, written by a newer biascheck; this "
                    f"version reads schema {SCHEMA_VERSION}. Upgrade biascheck (pip install -U biascheck)."
                )
            while version < SCHEMA_VERSION:
                migrate = MIGRATIONS.get(version)
                if migrate is None:
                    raise StoreError(
                        f"{self.path} has store schema version {version}, which this biascheck cannot "
                        f"migrate to version {SCHEMA_VERSION}. Score the articles again into a new store "
                        "(`biascheck score INPUT... --store NEW.db`)."
                    )
                migrate(self.db)
                version += 1
                self.db.execute(f"PRAGMA user_version = {version}")

    def _write(self):
        """A write transaction that takes the lock at once (BEGIN IMMEDIATE) and waits if busy."""
        return _Transaction(self.db)

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    # -- writing ----------------------------------------------------------------------------

    def model_id(self, name: str, version: str, kind: str) -> int:
        """The id of a model, registered on first use."""
        with self._write():
            self.db.execute(
                "INSERT OR IGNORE INTO models (name, version, kind) VALUES (?, ?, ?)", (name, version, kind)
            )
            return self.db.execute(
                "SELECT id FROM models WHERE name = ? AND version = ?", (name, version)
            ).fetchone()[0]

    def models(self) -> list[StoredModel]:
        """Every model registered in the store, most recently used first (any without scores last)."""
        rows = self.db.execute(
            "SELECT m.id, m.name, m.version, m.kind FROM models m "
            "LEFT JOIN (SELECT model_id, max(scored_at) AS last FROM scorings GROUP BY model_id) s "
            "ON s.model_id = m.id ORDER BY s.last IS NULL, s.last DESC, m.id DESC"
        )
        return [StoredModel(*r) for r in rows]

    def start_run(self, model_id: int) -> int:
        with self._write():
            cur = self.db.execute("INSERT INTO runs (model_id, started_at) VALUES (?, ?)", (model_id, _now()))
            return cur.lastrowid

    def finish_run(self, run_id: int, *, scored: int, skipped_existing: int, failed: int) -> None:
        with self._write():
            self.db.execute(
                "UPDATE runs SET finished_at = ?, scored = ?, skipped_existing = ?, failed = ? WHERE id = ?",
                (_now(), scored, skipped_existing, failed, run_id),
            )

    def is_scored(self, article_hash: str, model_id: int, *, run_id: int | None = None) -> bool:
        """Whether the article is stored with scores from this model (from this run, if given)."""
        sql = (
            "SELECT 1 FROM scorings s JOIN articles a ON a.id = s.article_id "
            "WHERE a.hash = ? AND s.model_id = ?"
        )
        params: list = [article_hash, model_id]
        if run_id is not None:
            sql += " AND s.run_id = ?"
            params.append(run_id)
        return self.db.execute(sql, params).fetchone() is not None

    def add(
        self,
        article_hash: str,
        article: Article,
        scored: Sequence[ScoredMention],
        model_id: int,
        *,
        sentences: int = 0,
        dropped_lines: int = 0,
        run_id: int | None = None,
        replace: bool = False,
    ) -> bool:
        """Store one article and its scored mentions in one transaction.

        Returns False, writing nothing, when the article is already scored by this model (another
        process may have got there first) unless `replace`, which rescores it.
        """
        with self._write():
            row = self.db.execute("SELECT id FROM articles WHERE hash = ?", (article_hash,)).fetchone()
            a = article
            meta = (a.id, a.source, a.outlet, a.outlet_type, a.publisher, a.url, a.title, a.published,
                    a.detected_by, sentences, dropped_lines)  # fmt: skip
            if row is None:
                article_id = self.db.execute(
                    "INSERT INTO articles (hash, source_id, source, outlet, outlet_type, publisher, url, title, "
                    "published, detected_by, sentences, dropped_lines, added_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (article_hash, *meta, _now()),
                ).lastrowid
            else:
                article_id = row[0]
                done = self.db.execute(
                    "SELECT 1 FROM scorings WHERE article_id = ? AND model_id = ?", (article_id, model_id)
                ).fetchone()
                if done and not replace:
                    return False
                if replace:
                    self.db.execute(
                        "UPDATE articles SET source_id = ?, source = ?, outlet = ?, outlet_type = ?, "
                        "publisher = ?, url = ?, title = ?, published = ?, detected_by = ?, sentences = ?, "
                        "dropped_lines = ? WHERE id = ?",
                        (*meta, article_id),
                    )
                if done:
                    self.db.execute(
                        "DELETE FROM mentions WHERE article_id = ? AND model_id = ?", (article_id, model_id)
                    )
                    self.db.execute(
                        "DELETE FROM scorings WHERE article_id = ? AND model_id = ?", (article_id, model_id)
                    )
            self.db.execute(
                "INSERT INTO scorings (article_id, model_id, run_id, mentions, scored_at) VALUES (?, ?, ?, ?, ?)",
                (article_id, model_id, run_id, len(scored), _now()),
            )
            self.db.executemany(
                "INSERT INTO mentions (article_id, model_id, sentence_index, sentence, target, spans, label, "
                "p_negative, p_neutral, p_positive) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (article_id, model_id, sm.mention.sentence_index, sm.mention.sentence, sm.mention.target,
                     json.dumps(sm.mention.spans), sm.score.label, *sm.score.probs)  # fmt: skip
                    for sm in scored
                ],
            )
            return True

    # -- reading ----------------------------------------------------------------------------

    def counts(self, model: str | None = None) -> dict[str, int]:
        """Articles, scorings and mentions in the store (for one model label or name if given)."""
        cond, params = "1", []
        if model is not None:
            m = self.resolve_model(model)
            cond, params = "model_id = ?", [m.id]
        return {
            "articles": self.db.execute("SELECT count(*) FROM articles").fetchone()[0],
            "scorings": self.db.execute(f"SELECT count(*) FROM scorings WHERE {cond}", params).fetchone()[0],
            "mentions": self.db.execute(f"SELECT count(*) FROM mentions WHERE {cond}", params).fetchone()[0],
        }

    def resolve_model(self, model: str | None = None) -> StoredModel:
        """A stored model by label (name@version) or name; None: the most recently used one."""
        models = self.models()
        if not models:
            raise StoreError(
                f"{self.path} holds no scores yet. Add some with `biascheck score INPUT... --store {self.path}`."
            )
        if model is None:
            return models[0]
        for m in models:
            if model in (m.label, m.name):
                return m
        raise StoreError(
            f"{self.path} has no scores from model {model!r}; it has: {', '.join(m.label for m in models)}. "
            "Pass one of those to --model."
        )

    def iter_scored(self, model: StoredModel, filters: Filters = Filters()) -> Iterator[ScoredMention]:
        """Stored mentions scored by `model` that pass `filters`, article by article."""
        cond, params = filters.where()
        if filters.targets:
            cond += f" AND lower(m.target) IN ({', '.join('?' * len(filters.targets))})"
            params += [t.lower() for t in filters.targets]
        rows = self.db.execute(
            "SELECT a.hash, a.source, a.outlet, a.outlet_type, a.publisher, a.url, a.title, a.published, "
            "a.detected_by, m.sentence_index, m.sentence, m.target, m.spans, m.label, m.p_negative, "
            "m.p_neutral, m.p_positive "
            f"FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.model_id = ? AND {cond} "
            "ORDER BY m.id",  # insertion order, so each article's mentions come together
            [model.id, *params],
        )
        article = None
        for r in rows:
            if article is None or article.id != r[0]:
                article = Article(r[0], "", r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] or "none")
            spans = tuple(tuple(s) for s in json.loads(r[12]))
            mention = Mention(r[0], r[9], r[10], r[11], spans)  # type: ignore[arg-type]
            yield ScoredMention(article, mention, Score(r[13], (r[14], r[15], r[16])))

    def compare(
        self,
        filters: Filters = Filters(),
        *,
        by: str = "outlet",
        model: str | None = None,
        targets: Sequence[str] = (),
        keep_mentions: bool = False,
    ) -> Comparison:
        """A comparison over everything stored that passes `filters`, as `compare` gives on files.

        `model` picks the scores (label or name; default: the model used most recently);
        `targets` sets the row order of targets (default: the default targets' order);
        `keep_mentions=True` also keeps every scored mention in `Comparison.scored`.
        """
        m = self.resolve_model(model)
        tally = Tally(by, list(targets) or [t.name for t in load_targets()])
        kept: list[ScoredMention] = []
        for sm in self.iter_scored(m, filters):
            tally.add(sm)
            if keep_mentions:
                kept.append(sm)
        cond, params = filters.where()
        articles, dropped = self.db.execute(
            "SELECT count(*), coalesce(sum(a.dropped_lines), 0) FROM scorings s "
            f"JOIN articles a ON a.id = s.article_id WHERE s.model_id = ? AND {cond}",
            [m.id, *params],
        ).fetchone()
        return Comparison(tally.cells(), m.label, articles, (), by, dropped, m.kind, tuple(kept))

    def stored_mentions(self, article_hash: str, model_id: int, article: Article) -> list[ScoredMention]:
        """The stored scored mentions of one article, attached to `article`."""
        rows = self.db.execute(
            "SELECT m.sentence_index, m.sentence, m.target, m.spans, m.label, m.p_negative, m.p_neutral, "
            "m.p_positive FROM mentions m JOIN articles a ON a.id = m.article_id "
            "WHERE a.hash = ? AND m.model_id = ? ORDER BY m.id",
            (article_hash, model_id),
        )
        return [
            ScoredMention(
                article,
                Mention(article.id, r[0], r[1], r[2], tuple(tuple(s) for s in json.loads(r[3]))),  # type: ignore[arg-type]
                Score(r[4], (r[5], r[6], r[7])),
            )
            for r in rows
        ]


def compare_store(
    store: Store | str | Path,
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
    """Compare everything scored into a store, as `biascheck.compare` does on files (no scoring).

    Filters: `since`/`until` (published date, inclusive), `outlet`, `outlet_type` and `target`
    (lists of names, any case). `model`: a stored model's label or name (default: the one used
    most recently). `targets`: a targets TOML file, as in `compare`, for the order of rows.
    `keep_mentions=True` also keeps every scored mention in `Comparison.scored`.
    """
    filters = Filters(since, until, tuple(outlet or ()), tuple(outlet_type or ()), tuple(target or ()))
    order = [t.name for t in load_targets(targets)]
    if isinstance(store, Store):
        return store.compare(filters, by=by, model=model, targets=order, keep_mentions=keep_mentions)
    with Store(store, create=False) as st:
        return st.compare(filters, by=by, model=model, targets=order, keep_mentions=keep_mentions)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (Ctrl-C included)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
            self.db.execute("ROLLBACK")

