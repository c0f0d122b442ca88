"""Render results as text: a tabulate table (any of tabulate's formats), CSV or JSON.

The JSON of a comparison is a stable, documented schema (see README.md):
{"rows": [{"outlet", "outlet_type", "target", "articles", "mentions",
           "negative", "neutral", "positive", "net"}],
 "model": "...", "articles": N, "skipped": [{"source", "reason"}]}
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from ..types import Comparison, ScoredMention

EXTRA_FORMATS = ("csv", "json")
ROW_FIELDS = ("outlet", "outlet_type", "target", "articles", "mentions", "negative", "neutral", "positive", "net")


def formats() -> list[str]:
    """Every accepted --format value: tabulate's own names, then csv and json."""
    from tabulate import tabulate_formats

    return [*tabulate_formats, *EXTRA_FORMATS]


def check_format(fmt: str) -> str:
    if fmt not in formats():
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(formats())}")
    return fmt


def render_records(
    records: Sequence[dict], fmt: str = "simple", *, floatfmt: str = ".2f", maxcolwidths=None
) -> str:
    """Records (dicts with the same keys) as a table, CSV or JSON list."""
    check_format(fmt)
    if fmt == "json":
        return json.dumps(list(records), indent=2, ensure_ascii=False)
    headers = list(records[0]) if records else []
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=headers, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return out.getvalue().rstrip("\n")
    from tabulate import tabulate

    rows = [list(r.values()) for r in records]
    return tabulate(rows, headers=headers, tablefmt=fmt, floatfmt=floatfmt, maxcolwidths=maxcolwidths)


def comparison_rows(comparison: Comparison, digits: int = 4) -> list[dict]:
    """One dict per cell with the JSON schema's row keys; shares and net rounded to `digits`."""
    rows = []
    for cell in comparison.rows:
        row = {k: getattr(cell, k) for k in ROW_FIELDS}
        for k in ("negative", "neutral", "positive", "net"):
            row[k] = round(row[k], digits)
        rows.append(row)
    return rows


def comparison_json(comparison: Comparison) -> dict:
    return {
        "rows": comparison_rows(comparison),
        "model": comparison.model,
        "articles": comparison.articles,
        "skipped": [{"source": s.source, "reason": s.reason} for s in comparison.skipped],
    }


def render_comparison(comparison: Comparison, fmt: str = "simple") -> str:
    """A comparison as a table (grouped rows named by `by`), CSV or the JSON schema."""
    check_format(fmt)
    if fmt == "json":
        return json.dumps(comparison_json(comparison), indent=2, ensure_ascii=False)
    rows = comparison_rows(comparison)
    if comparison.by == "type" and fmt != "csv":
        rows = [{"type": r.pop("outlet"), **{k: v for k, v in r.items() if k != "outlet_type"}} for r in rows]
    if not rows and fmt != "csv":
        return "No target mentions found."
    if not rows:
        return ",".join(ROW_FIELDS)
    return render_records(rows, fmt)


def summary_lines(comparison: Comparison) -> list[str]:
    """What was read, dropped, found and skipped, for the end of a run."""
    mentions = sum(c.mentions for c in comparison.rows)
    kind = f" ({comparison.model_kind})" if comparison.model_kind else ""
    lines = [
        f"{_n(comparison.articles, 'article')} read, {_n(comparison.dropped_lines, 'line')} of page "
        f"furniture dropped, {_n(mentions, 'target mention')} scored by {comparison.model}{kind}."
    ]
    return lines + skipped_lines(comparison.skipped)


def skipped_lines(skipped: Iterable) -> list[str]:
    skipped = list(skipped)
    if not skipped:
        return []
    return [f"Skipped {_n(len(skipped), 'input')}:"] + [f"  {s.source}: {s.reason}" for s in skipped]


def mention_rows(scored: Iterable[ScoredMention], *, full: bool = False) -> list[dict]:
    """One dict per scored mention. The sentence marks the target's words «like this».

    `full=True` adds the article source, spans and all three probabilities (for CSV and JSON).
    """
    rows = []
    for sm in scored:
        m, s = sm.mention, sm.score
        row = {"outlet": sm.article.outlet, "article": sm.article.id, "target": m.target,
               "label": s.label, "p": round(s.confidence, 3), "sentence": mark_spans(m.sentence, m.spans)}
        if full:
            row.update(source=sm.article.source, sentence_index=m.sentence_index, sentence=m.sentence,
                       spans=[list(span) for span in m.spans], negative=round(s.probs[0], 4),
                       neutral=round(s.probs[1], 4), positive=round(s.probs[2], 4))
        rows.append(row)
    return rows


def render_mentions(scored: Sequence[ScoredMention], fmt: str = "simple", width: int = 80) -> str:
    check_format(fmt)
    full = fmt in EXTRA_FORMATS
    rows = mention_rows(scored, full=full)
    if not rows:
        return "[]" if fmt == "json" else "No target mentions found."
    if full:
        if fmt == "csv":
            rows = [{**r, "spans": json.dumps(r["spans"])} for r in rows]
        return render_records(rows, fmt)
    return render_records(rows, fmt, floatfmt=".3f", maxcolwidths=[None, None, None, None, None, width])


def render_outlets(outlets: Iterable, fmt: str = "simple") -> str:
    rows = [
        {"name": o.name, "type": o.outlet_type,
         "country": o.country or "", "domains": ", ".join(o.domains), "note": o.note or ""}
        for o in outlets
    ]
    if fmt == "json":
        for r in rows:
            r["domains"] = r["domains"].split(", ") if r["domains"] else []
    if fmt not in EXTRA_FORMATS:
        return render_records(rows, fmt, maxcolwidths=[None, None, None, 30, 50])
    return render_records(rows, fmt)


def mark_spans(sentence: str, spans: Sequence[tuple[int, int]]) -> str:
    """'Russia and NATO' with spans ((0, 6),) -> "«Russia» and NATO"."""
    out, last = [], 0
    for a, b in spans:
        out += [sentence[last:a], "«", sentence[a:b], "»"]
        last = b
    return "".join(out) + sentence[last:]


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
