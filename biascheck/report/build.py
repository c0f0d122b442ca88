"""Turn a comparison (with its scored mentions) into a Report: statistics, evidence, model card."""

from __future__ import annotations

import re
from pathlib import Path

from ..types import Comparison
from .model import Method, ModelCard, Report

__all__ = ["build_report", "read_model_card", "model_card_for"]

_HEADLINE = re.compile(
    r"(?m)^(?P<what>[A-Z][^\n:(]*?)\s*\((?P<n>\d+) rows[^)\n]*\):\s*macro-F1 (?P<f1>\d?\.\d+), "
    r"accuracy (?P<acc>\d?\.\d+)"
)
_METRICS = (
    ("accuracy", re.compile(r"\baccuracy\b[^0-9\n]{0,40}?(\d?\.\d+|\d{1,3}(?:\.\d+)?\s?%)", re.I)),
    ("macro F1", re.compile(r"\bmacro[- ]?(?:avg(?:eraged)?[- ])?F1\b[^0-9\n]{0,40}?(\d?\.\d+|\d{1,3}(?:\.\d+)?\s?%)", re.I)),
)


def build_report(comparison: Comparison, method: Method = Method(), card: ModelCard | None = None) -> Report:
    """Statistics and evidence for every cell of `comparison`.

    The comparison must keep its scored mentions (`compare(..., keep_mentions=True)`).
    """
    from ..evidence import evidence
    from ..stats import analyse

    if comparison.rows and not comparison.scored:
        raise ValueError("the comparison has no scored mentions: call compare(..., keep_mentions=True)")
    targets = tuple(dict.fromkeys(c.target for c in comparison.rows))
    cells = analyse(comparison.scored, by=comparison.by, method=method, targets=targets)
    if method.evidence:
        found = evidence(comparison.scored, by=comparison.by, k=method.evidence)
        cells = tuple(
            _with_evidence(c, *found.get((c.outlet, c.target), ((), ()))) for c in cells
        )
    card = card or ModelCard(name=comparison.model, kind=comparison.model_kind)
    return Report(
        cells=cells,
        model=card,
        method=method,
        articles=comparison.articles,
        by=comparison.by,
        skipped=comparison.skipped,
        dropped_lines=comparison.dropped_lines,
        targets=targets,
    )


def _with_evidence(cell, positive, negative):
    from dataclasses import replace

    return replace(cell, most_positive=positive, most_negative=negative)


def read_model_card(path: Path, name: str, kind: str = "") -> ModelCard:
    """Measured accuracy and macro F1 from a model card (README.md), when the card states them."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ModelCard(name=name, kind=kind)
    head = _HEADLINE.search(text)
    if head:  # the headline line that biascheck's training writes into every card
        return ModelCard(
            name=name,
            kind=kind,
            metrics=(("accuracy", head["acc"]), ("macro F1", head["f1"])),
            evaluated_on=f"{head['what'][0].lower()}{head['what'][1:]} ({head['n']} rows)",
            card=str(path),
        )
    metrics = []
    for label, pattern in _METRICS:
        m = pattern.search(text)
        if m:
            metrics.append((label, m.group(1).replace(" ", "")))
    evaluated = re.search(r"(?:evaluated on|test set|held-out)[:\s]+([^\n|.]{3,80})", text, re.I)
    return ModelCard(
        name=name,
        kind=kind,
        metrics=tuple(metrics),
        evaluated_on=evaluated.group(1).strip() if evaluated and metrics else "",
        card=str(path),
    )


def model_card_for(spec: str | None, comparison: Comparison) -> ModelCard:
    """The card of the model a `--model` value names: the shipped model, a folder, or the lexicon.

    The card is used only when its folder is the model that made the scores (a store may hold
    scores from another model than `spec` suggests); otherwise the card has no metrics.
    """
    plain = ModelCard(name=comparison.model, kind=comparison.model_kind)
    if spec == "lexicon" or comparison.model.startswith("lexicon@"):
        return plain
    if spec in (None, "", "default"):
        from ..scorers import default_model_path

        folder = default_model_path()
    else:
        folder = Path(spec)
    if folder.resolve().name != comparison.model.split("@", 1)[0]:
        return plain
    return read_model_card(folder / "README.md", comparison.model, comparison.model_kind)

