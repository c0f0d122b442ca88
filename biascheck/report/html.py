"""A Report as one self-contained HTML file: inline CSS and SVG, no scripts, fonts or links out."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

from .charts import target_chart
from .model import FLAG_TEXT, Evidence, Report
from .render import CORRECTION_NAMES

__all__ = ["render_html"]

_SVG_NS = ' xmlns="http://www.w3.org/2000/svg"'


def _marked(e: Evidence) -> Markup:
    """The sentence with the target's words in <mark>, everything else escaped."""
    out, last = [], 0
    for a, b in sorted(e.spans):
        out += [escape(e.sentence[last:a]), Markup("<mark>"), escape(e.sentence[a:b]), Markup("</mark>")]
        last = b
    out.append(escape(e.sentence[last:]))
    return Markup("").join(out)


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _interval(i, fmt="{:+.2f}") -> str:
    return "" if i is None else f"{fmt.format(i.low)} to {fmt.format(i.high)}"


def render_html(report: Report, *, title: str | None = None, generated: str | None = None) -> str:
    """The whole report page. `generated` (a date string) defaults to today."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("biascheck.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=_pct, interval=_interval, marked=_marked)
    sections = []
    for target in report.targets:
        cells = sorted(report.for_target(target), key=lambda c: (-c.net, c.outlet.casefold()))
        sections.append({
            "target": target,
            "cells": cells,
            "chart": Markup(target_chart(report, target).replace(_SVG_NS, "", 1)),
            "chart_narrow": Markup(target_chart(report, target, narrow=True).replace(_SVG_NS, "", 1)),
            "evidence": [c for c in cells if c.most_positive or c.most_negative],
        })
    tests = sum(1 for c in report.cells if c.difference is not None)
    return env.get_template("report.html.j2").render(
        report=report,
        title=title or f"How outlets portray {', '.join(report.targets) or 'the targets'}",
        sections=sections,
        method=report.method,
        model=report.model,
        unit="outlet type" if report.by == "type" else "outlet",
        correction=CORRECTION_NAMES[report.method.correction],
        tests=tests,
        flag_text=FLAG_TEXT,
        flagged=sum(1 for c in report.cells if c.flags),
        mentions=sum(c.mentions for c in report.cells),
        generated=generated or date.today().isoformat(),
    )
