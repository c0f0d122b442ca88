"""Charts as standalone SVG text, drawn in Python: no plotting library, no fonts, no scripts.

One chart per target: a diverging stacked bar per outlet (negative to the left of the centre,
neutral straddling it, positive to the right), beside the outlet's net score with its interval.
Outlets are sorted by net score, most positive first.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from .model import Report, StatCell

__all__ = ["target_chart", "write_charts", "COLORS"]

COLORS = {"negative": "#c8553d", "neutral": "#c9c9c9", "positive": "#2f6f9f", "ink": "#222", "muted": "#666"}
FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif\""


def _t(x: float) -> str:
    return f"{x:.1f}"


def target_chart(report: Report, target: str, *, narrow: bool = False) -> str:
    """The SVG for one target. `narrow=True` puts outlet names above their bars (for phones)."""
    cells = sorted(report.for_target(target), key=lambda c: (-c.net, c.outlet.casefold()))
    label_w = 0 if narrow else 190
    bar_w = 250 if narrow else 330
    gap = 34
    net_w = 130 if narrow else 200
    width = label_w + bar_w + gap + net_w + 20
    head = 46
    row_h = 44 if narrow else 30
    height = head + row_h * max(len(cells), 1) + 30
    bar_x = label_w + 10
    net_x = bar_x + bar_w + gap
    centre = bar_x + bar_w / 2
    half = bar_w / 2
    c = COLORS
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" class="chart" data-target="{escape(target)}" {FONT} font-size="13">',
        f"<title>{escape(target)}: share of negative, neutral and positive mentions per outlet, "
        f"and net score with its {report.method.confidence:.0%} interval</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]
    # legend and panel headings
    x = bar_x
    for label in ("negative", "neutral", "positive"):
        out.append(f'<rect x="{_t(x)}" y="8" width="12" height="12" fill="{c[label]}"/>')
        out.append(f'<text x="{_t(x + 16)}" y="18.5" fill="{c["ink"]}">{label}</text>')
        x += 22 + 7.5 * len(label)
    out.append(f'<text x="{_t(net_x + net_w / 2)}" y="18.5" text-anchor="middle" fill="{c["ink"]}">'
               f"net score, {report.method.confidence:.0%} CI</text>")
    bottom = head + row_h * len(cells)
    for frac in (-1, -0.5, 0, 0.5, 1):
        gx = centre + frac * half
        nx = net_x + (frac + 1) / 2 * net_w
        stroke = c["ink"] if frac == 0 else "#e3e3e3"
        out.append(f'<line x1="{_t(gx)}" y1="{head - 6}" x2="{_t(gx)}" y2="{bottom}" stroke="{stroke}" stroke-width="1"/>')
        out.append(f'<line x1="{_t(nx)}" y1="{head - 6}" x2="{_t(nx)}" y2="{bottom}" stroke="{stroke}" stroke-width="1"/>')
        out.append(f'<text x="{_t(gx)}" y="{bottom + 16}" text-anchor="middle" fill="{c["muted"]}" font-size="11">'
                   f"{abs(frac):.0%}</text>")
        out.append(f'<text x="{_t(nx)}" y="{bottom + 16}" text-anchor="middle" fill="{c["muted"]}" font-size="11">'
                   f"{frac:+g}</text>".replace("+0<", "0<"))
    for i, cell in enumerate(cells):
        out += _row(cell, head + i * row_h, row_h, narrow, bar_x, centre, half, net_x, net_w)
    if not cells:
        out.append(f'<text x="{_t(centre)}" y="{head + 20}" text-anchor="middle">No mentions.</text>')
    out.append("</svg>")
    return "\n".join(out)


def _row(cell: StatCell, y: float, row_h: float, narrow: bool, bar_x, centre, half, net_x, net_w) -> list[str]:
    c = COLORS
    flagged = bool(cell.flags)
    significant = cell.difference is not None and cell.difference.significant
    name = escape(cell.outlet) + (" *" if significant else "") + (" \u2020" if flagged else "")
    bar_h = 16
    by = y + row_h - bar_h - 7 if narrow else y + (row_h - bar_h) / 2
    out = [f'<g class="bar" data-outlet="{escape(cell.outlet)}" opacity="{0.55 if flagged else 1}">']
    if narrow:
        out.append(f'<text x="{_t(bar_x)}" y="{_t(by - 4)}" fill="{c["ink"]}">{name}</text>')
    else:
        out.append(f'<text x="{_t(bar_x - 8)}" y="{_t(by + 12)}" text-anchor="end" fill="{c["ink"]}">{name}</text>')
    left = centre - (cell.negative + cell.neutral / 2) * half
    for label in ("negative", "neutral", "positive"):
        w = getattr(cell, label) * half
        if w <= 0:
            continue
        share = getattr(cell, label)
        out.append(
            f'<rect x="{_t(left)}" y="{_t(by)}" width="{_t(w)}" height="{bar_h}" fill="{c[label]}">'
            f"<title>{escape(cell.outlet)}, {escape(cell.target)}: {share:.0%} {label} "
            f"({cell.mentions} mentions, {cell.articles} articles)</title></rect>"
        )
        if w >= 30 and label != "neutral":
            out.append(f'<text x="{_t(left + w / 2)}" y="{_t(by + 12)}" text-anchor="middle" fill="#fff" '
                       f'font-size="11">{share:.0%}</text>')
        left += w

    def nx(v: float) -> float:
        return net_x + (max(-1.0, min(1.0, v)) + 1) / 2 * net_w

    cy = by + bar_h / 2
    if cell.net_interval is not None:
        lo, hi = nx(cell.net_interval.low), nx(cell.net_interval.high)
        out.append(f'<line class="ci" x1="{_t(lo)}" y1="{_t(cy)}" x2="{_t(hi)}" y2="{_t(cy)}" stroke="{c["ink"]}" stroke-width="2"/>')
        for x in (lo, hi):
            out.append(f'<line x1="{_t(x)}" y1="{_t(cy - 5)}" x2="{_t(x)}" y2="{_t(cy + 5)}" stroke="{c["ink"]}" stroke-width="2"/>')
    interval = (f"{cell.net_interval.low:+.2f} to {cell.net_interval.high:+.2f}" if cell.net_interval
                else "no interval: one article")
    fill = c["positive"] if cell.net > 0 else c["negative"] if cell.net < 0 else c["muted"]
    out.append(f'<circle cx="{_t(nx(cell.net))}" cy="{_t(cy)}" r="5" fill="{fill}" stroke="#fff" stroke-width="1">'
               f"<title>{escape(cell.outlet)}: net {cell.net:+.2f} ({interval})</title></circle>")
    out.append("</g>")
    return out


def write_charts(report: Report, folder: Path) -> list[Path]:
    """Write one SVG per target into `folder` (created if needed); return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for target in report.targets:
        slug = "".join(ch if ch.isalnum() else "-" for ch in target.lower()).strip("-") or "target"
        path = folder / f"{slug}.svg"
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + target_chart(report, target) + "\n",
                        encoding="utf-8")
        paths.append(path)
    return paths
