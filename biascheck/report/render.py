"""Render a statistical Report as a terminal table (tabulate formats), Markdown, CSV or JSON.

The JSON extends the base comparison schema (same row keys, same top-level keys) with
intervals, flags, differences, evidence, the method and the model card: see README.md.
"""

from __future__ import annotations

import csv
import io
import json

from .model import FLAG_TEXT, Evidence, Interval, Report, StatCell
from .table import ROW_FIELDS, check_format

__all__ = ["report_json", "render_report", "report_csv", "report_markdown", "method_lines", "REPORT_FORMATS"]

#: formats added by the statistical report on top of tabulate's, csv and json
REPORT_FORMATS = ("markdown", "html")

CORRECTION_NAMES = {"benjamini-hochberg": "Benjamini-Hochberg", "holm": "Holm"}


def _iv(i: Interval | None, digits: int = 4) -> list[float] | None:
    return None if i is None else [round(i.low, digits), round(i.high, digits)]


def _evidence_json(e: Evidence) -> dict:
    return {
        "sentence": e.sentence,
        "spans": [list(s) for s in e.spans],
        "label": e.label,
        "probability": round(e.probability, 4),
        "net": round(e.net, 4),
        "article": {"id": e.article_id, "title": e.title, "outlet": e.outlet, "source": e.source, "url": e.url},
    }


def _row_json(c: StatCell) -> dict:
    row = {k: getattr(c, k) for k in ROW_FIELDS}
    for k in ("negative", "neutral", "positive", "net"):
        row[k] = round(row[k], 4)
    row["interval"] = {k: _iv(getattr(c, f"{k}_interval")) for k in ("net", "negative", "neutral", "positive")}
    row["flags"] = list(c.flags)
    d = c.difference
    row["difference"] = None if d is None else {
        "net": round(d.estimate, 4),
        "interval": _iv(d.interval),
        "p": round(d.p_value, 6),
        "p_adjusted": round(d.p_adjusted, 6),
        "significant": d.significant,
        "other_articles": d.others,
    }
    row["evidence"] = {
        "positive": [_evidence_json(e) for e in c.most_positive],
        "negative": [_evidence_json(e) for e in c.most_negative],
    }
    return row


def report_json(report: Report) -> dict:
    m, card = report.method, report.model
    return {
        "rows": [_row_json(c) for c in report.cells],
        "model": card.name,
        "articles": report.articles,
        "skipped": [{"source": s.source, "reason": s.reason} for s in report.skipped],
        "by": report.by,
        "model_card": {"kind": card.kind, "metrics": dict(card.metrics), "evaluated_on": card.evaluated_on},
        "method": {
            "confidence": m.confidence,
            "bootstrap": "articles resampled with replacement within each cell (cluster bootstrap), percentile intervals",
            "resamples": m.resamples,
            "difference": "net score of the group minus the pooled net score of all other groups, same target",
            "test": "permutation test: group labels shuffled over articles, two-sided",
            "permutations": m.permutations,
            "correction": m.correction,
            "alpha": m.alpha,
            "seed": m.seed,
            "min_mentions": m.min_mentions,
            "min_articles": m.min_articles,
            "flags": FLAG_TEXT,
        },
    }


def _signed(x: float) -> str:
    return f"{x:+.2f}"


def _net_text(c: StatCell) -> str:
    i = c.net_interval
    return f"{_signed(c.net)} [{_signed(i.low)}, {_signed(i.high)}]" if i else _signed(c.net)


def _diff_text(c: StatCell) -> str:
    d = c.difference
    if d is None:
        return ""
    star = " *" if d.significant else ""
    i = d.interval
    return f"{_signed(d.estimate)} [{_signed(i.low)}, {_signed(i.high)}]{star}" if i else f"{_signed(d.estimate)}{star}"


def _share_text(c: StatCell, k: str) -> str:
    v, i = getattr(c, k), getattr(c, f"{k}_interval")
    return f"{v:.0%} ({i.low:.0%}-{i.high:.0%})" if i else f"{v:.0%}"


def _table_rows(report: Report, shares_ci: bool = False) -> list[dict]:
    group = "type" if report.by == "type" else "outlet"
    rows = []
    for c in report.cells:
        row = {group: c.outlet}
        if report.by != "type":
            row["type"] = c.outlet_type
        row.update(target=c.target, articles=c.articles, mentions=c.mentions)
        for k in ("negative", "neutral", "positive"):
            row[k[:3]] = _share_text(c, k) if shares_ci else f"{getattr(c, k):.2f}"
        row[f"net [{report.method.confidence:.0%} CI]"] = _net_text(c)
        row[f"vs others [{report.method.confidence:.0%} CI]"] = _diff_text(c)
        row["p adj."] = "" if c.difference is None else f"{c.difference.p_adjusted:.3f}"
        row["flags"] = ", ".join(c.flags)
        rows.append(row)
    return rows


def _align(row: dict) -> list[str]:
    text = {"outlet", "type", "target", "flags"}
    return ["left" if k in text else "right" for k in row]


def method_lines(report: Report) -> list[str]:
    """The method in a few plain lines, shared by the text formats."""
    m = report.method
    unit = "outlet type" if report.by == "type" else "outlet"
    n = sum(1 for c in report.cells if c.difference is not None)
    ci = f"{m.confidence:.0%}"
    lines = [f"net [{ci} CI]: bootstrap over articles ({m.resamples} resamples, seed {m.seed}); "
             "no interval for a cell with one article."]
    if n:
        lines.append(
            f"vs others: net score minus that of all other {unit}s pooled, same target; p: permutation test over "
            f"articles ({m.permutations} shuffles), {CORRECTION_NAMES[m.correction]}-adjusted over {n} comparisons; "
            f"* = adjusted p < {m.alpha}."
        )
    else:
        lines.append(f"vs others: needs at least two {unit}s mentioning a target; none here.")
    lines += [
        f"flags: few-mentions = under {m.min_mentions} mentions, few-articles = under {m.min_articles} articles; "
        "read such cells as anecdotes, not rates.",
        f"labels: {report.model.name}" + (f" ({report.model.kind})" if report.model.kind else "")
        + f"; {report.model.summary()}.",
    ]
    return lines


def mark(sentence: str, spans, open_: str = "[", close: str = "]") -> str:
    """Wrap each target span of a sentence: mark("NATO said", ((0, 4),)) -> "[NATO] said"."""
    out, last = [], 0
    for a, b in sorted(spans):
        out += [sentence[last:a], open_, sentence[a:b], close]
        last = b
    return "".join(out) + sentence[last:]


def _evidence_lines(report: Report, bullet: str = "  ") -> list[str]:
    lines = []
    for c in report.cells:
        if not (c.most_positive or c.most_negative):
            continue
        lines.append(f"{c.outlet} / {c.target}:")
        for sign, items in (("+", c.most_positive), ("-", c.most_negative)):
            for e in items:
                where = e.title or e.article_id
                lines.append(
                    f"{bullet}{sign} {e.net:+.2f} ({e.label} {e.probability:.2f}) "
                    f"{mark(e.sentence, e.spans)}  ({where}, {e.source})"
                )
    return lines


def report_csv(report: Report) -> str:
    """One row per cell: the base columns, then intervals, flags and the difference (no evidence)."""
    out = io.StringIO()
    fields = [*ROW_FIELDS]
    for k in ("net", "negative", "neutral", "positive"):
        fields += [f"{k}_low", f"{k}_high"]
    fields += ["flags", "difference", "difference_low", "difference_high", "p", "p_adjusted", "significant"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for c in report.cells:
        row = {k: v for k, v in _row_json(c).items() if k in ROW_FIELDS}
        for k in ("net", "negative", "neutral", "positive"):
            i = getattr(c, f"{k}_interval")
            row[f"{k}_low"], row[f"{k}_high"] = _iv(i) or ("", "")
        row["flags"] = ";".join(c.flags)
        d = c.difference
        if d is not None:
            row.update(difference=round(d.estimate, 4), difference_low=_iv(d.interval)[0] if d.interval else "",
                       difference_high=_iv(d.interval)[1] if d.interval else "", p=round(d.p_value, 6),
                       p_adjusted=round(d.p_adjusted, 6), significant=d.significant)
        writer.writerow(row)
    return out.getvalue().rstrip("\n")


def report_markdown(report: Report) -> str:
    from tabulate import tabulate

    lines = [f"# How outlets portray {', '.join(report.targets)}", ""]
    lines.append(f"{report.articles} articles, labels from {report.model.name}. {report.model.summary().capitalize()}.")
    for target in report.targets:
        sub = Report(report.for_target(target), report.model, report.method, report.articles, report.by)
        rows = [{k: v for k, v in r.items() if k != "target"} for r in _table_rows(sub, shares_ci=True)]
        lines += ["", f"## {target}", "", tabulate([list(r.values()) for r in rows], headers=list(rows[0]),
                                                  tablefmt="github", disable_numparse=True,
                                                  colalign=_align(rows[0])) if rows else "No mentions."]
    ev = [c for c in report.cells if c.most_positive or c.most_negative]
    if ev:
        lines += ["", "## Evidence", "", "Per cell, the sentences the model finds most positive and most negative "
                  "toward the target (net = p(positive) - p(negative)), target words in bold."]
    for c in ev:
        lines += ["", f"### {c.outlet} / {c.target}", ""]
        for items in (c.most_positive, c.most_negative):
            for e in items:
                marked = mark(e.sentence, e.spans, "**", "**")
                lines.append(f"- `{e.net:+.2f}` {e.label}, p = {e.probability:.2f}: {marked} "
                             f"_({e.title or e.article_id}, {e.source})_")
    lines += ["", "## Method", ""] + [f"- {x}" for x in method_lines(report)]
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def render_report(report: Report, fmt: str = "simple") -> str:
    """A report in any tabulate format, "markdown", "html", "csv" or "json"."""
    if fmt == "html":
        from .html import render_html

        return render_html(report)
    if fmt == "json":
        return json.dumps(report_json(report), indent=2, ensure_ascii=False)
    if fmt == "csv":
        return report_csv(report)
    if fmt == "markdown":
        return report_markdown(report)
    check_format(fmt)
    if not report.cells:
        return "No target mentions found."
    from tabulate import tabulate

    rows = _table_rows(report)
    text = tabulate([list(r.values()) for r in rows], headers=list(rows[0]), tablefmt=fmt, disable_numparse=True,
                    colalign=_align(rows[0]))
    ev = _evidence_lines(report)
    if ev:
        text += "\n\nEvidence (most positive + and most negative - sentences per cell):\n" + "\n".join(ev)
    return text + "\n\n" + "\n".join(method_lines(report))
