"""Audit one article: its cleaned text with every target mention marked with its label and probability.

From a file, the article is cleaned, split and scored here; from a store, the stored mentions are
shown (a store keeps the sentences that mention a target, not the whole text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .types import Article, ScoredMention, Skipped

__all__ = ["Explanation", "explain_file", "explain_stored", "render_explanation"]


@dataclass(frozen=True)
class Explanation:
    article: Article
    sentences: tuple[tuple[int, str], ...]  # (index, text) of every sentence shown
    scored: tuple[ScoredMention, ...]  # the target mentions, each with its score
    model: str
    dropped: tuple[str, ...] = ()  # lines removed as page furniture (files only)
    whole_text: bool = True  # False for a store: only sentences with mentions are known


def explain_file(path, *, scorer=None, targets=None, manifest=None, outlets=None) -> tuple[list[Explanation], list[Skipped]]:
    """Clean, split and score every article in `path` (one file; a JSONL or CSV file may hold several).

    Without `manifest`, a manifest.csv or manifest.jsonl beside the file is used, as `compare` does.
    """
    from . import api
    from .pipeline import analyze, score_analyses

    model = api.resolve_scorer(scorer)
    found = api.resolve_targets(targets)
    path = Path(path)
    if manifest is None:  # the file's folder manifest, as when the folder is compared
        manifest = next((m for m in (path.parent / "manifest.csv", path.parent / "manifest.jsonl") if m.is_file()), None)
    articles, skipped = api.load_articles([path], manifest=manifest, outlets=outlets)
    out = []
    for analysis, scored in score_analyses((analyze(a, found) for a in articles), model):
        out.append(Explanation(
            article=analysis.article,
            sentences=tuple((s.index, s.text) for s in analysis.sentences),
            scored=tuple(scored),
            model=model.label,
            dropped=analysis.clean.dropped,
        ))
    return out, skipped


def explain_stored(store_path, article: str, *, model: str | None = None) -> Explanation:
    """The stored mentions of one article, found by id (its hash, or a unique prefix), source or URL."""
    from .store import Store

    with Store(store_path, create=False) as store:
        m = store.resolve_model(model)
        rows = store.db.execute(
            "SELECT hash, source, outlet, outlet_type, publisher, url, title, published, detected_by "
            "FROM articles WHERE hash = ? OR (length(?) >= 6 AND substr(hash, 1, length(?)) = ?) "
            "OR source = ? OR url = ? LIMIT 5",
            (article,) * 6,
        ).fetchall()
        if not rows:
            raise InputError(f"{store_path} has no article {article!r}. Give its id (shown in reports), source or URL.")
        if len(rows) > 1:
            ids = ", ".join(r[0][:12] for r in rows)
            raise InputError(f"{article!r} matches several articles in {store_path} ({ids}); give more of the id.")
        r = rows[0]
        found = Article(r[0], "", r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] or "none")
        scored = tuple(store.stored_mentions(r[0], m.id, found))
    sentences = tuple(dict.fromkeys((sm.mention.sentence_index, sm.mention.sentence) for sm in scored))
    return Explanation(found, sentences, scored, m.label, whole_text=False)


def _marked(text: str, marks: Sequence[tuple[int, int, str, str]]) -> str:
    out, last = [], 0
    for a, b, target, note in sorted(marks):
        if a < last:  # overlapping spans of two targets: keep the first
            continue
        surface = text[a:b]
        name = surface if surface == target else f"{surface} ({target})"
        out += [text[last:a], "[", name, ": ", note, "]"]
        last = b
    return "".join(out) + text[last:]


def render_explanation(e: Explanation) -> str:
    """Plain text: a header about the article, then every sentence, target mentions marked
    `[Russia: negative 0.82]` or `[Moscow (Russia): negative 0.82]`, then a line per target."""
    a = e.article
    head = [
        f"{a.title or a.id}",
        f"  outlet: {a.outlet} ({a.outlet_type}, found by {a.detected_by})"
        + (f", published by {a.publisher}" if a.publisher and a.publisher != a.outlet else ""),
        f"  source: {a.source}" + (f"  url: {a.url}" if a.url else ""),
        f"  id: {a.id}   model: {e.model}",
    ]
    if e.whole_text:
        head.append(f"  {len(e.sentences)} sentences; {len(e.dropped)} lines of page furniture dropped")
    else:
        head.append("  from a store: only the sentences that mention a target are kept")
    by_sentence: dict[int, list[tuple[int, int, str, str]]] = {}
    for sm in e.scored:
        note = f"{sm.score.label} {sm.score.confidence:.2f}"
        for x, y in sm.mention.spans:
            by_sentence.setdefault(sm.mention.sentence_index, []).append((x, y, sm.mention.target, note))
    body = []
    for index, text in e.sentences:
        marks = by_sentence.get(index)
        prefix = "* " if marks else "  "
        body.append(prefix + (_marked(text, marks) if marks else text))
    totals: dict[str, list[float]] = {}
    for sm in e.scored:
        totals.setdefault(sm.mention.target, []).append(sm.score.net)
    summary = [f"{t}: {len(v)} mention{'s' if len(v) != 1 else ''}, net {sum(v) / len(v):+.2f}" for t, v in totals.items()]
    return "\n".join(head + [""] + body + [""] + (summary or ["No target mentions."]))
