"""The `biascheck` command: parse options, call the Python API, render, turn errors into messages.

Nothing heavy is imported at module level, so `biascheck --help` answers at once. New commands
reuse the shared option types below (Inputs, Format, Output, ...) and `emit` / `user_errors`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    help="Compare how news outlets portray Russia, NATO and the EU, one target mention at a time.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rendering it with rich costs a noticeable start-up delay
)


class By(str, Enum):
    outlet = "outlet"
    type = "type"


def _check_format(value: str) -> str:
    from .report import check_format

    try:
        return check_format(value)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from None


# Shared options: every command that reads articles or writes a table uses these.
Inputs = Annotated[
    list[Path],
    typer.Argument(help="Article files or folders: .txt, .md, .html, or .jsonl/.csv with id and text columns."),
]
Manifest = Annotated[
    Optional[Path],
    typer.Option(help="CSV or JSONL giving each file's outlet, url, title, published. Overrides detection.",
                 exists=True, dir_okay=False),
]
Targets = Annotated[
    Optional[Path],
    typer.Option("--targets", help="TOML file that adds targets (or replaces them, with replace = true).",
                 exists=True, dir_okay=False),
]
Outlets = Annotated[
    Optional[Path],
    typer.Option("--outlets", help="TOML file that adds or overrides outlet registry entries.",
                 exists=True, dir_okay=False),
]
Model = Annotated[
    str,
    typer.Option(help="default (the shipped stance model), lexicon (VADER sentence tone) or a model folder."),
]
Format = Annotated[
    str,
    typer.Option("--format", "-f", help="Any tabulate format (simple, github, grid, pipe, ...), csv or json.",
                 callback=_check_format),
]
Output = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", help="Write the result to this file instead of the terminal.", dir_okay=False),
]


def _check_report_format(value: str) -> str:
    from .report.render import REPORT_FORMATS

    return value if value in REPORT_FORMATS else _check_format(value)


ReportFormat = Annotated[
    str,
    typer.Option("--format", "-f", help="Any tabulate format (simple, github, grid, ...), csv, json, markdown or "
                 "html (one self-contained file; use with --output).", callback=_check_report_format),
]


class Correction(str, Enum):
    benjamini_hochberg = "benjamini-hochberg"
    holm = "holm"


def say(message: str) -> None:
    """A message for the user, on stderr so that stdout stays the result."""
    typer.echo(message, err=True)


def emit(text: str, output: Optional[Path]) -> None:
    """Print a result, or write it to --output."""
    if output is None:
        typer.echo(text)
        return
    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as e:
        say(f"Error: cannot write {output}: {e.strerror or e}. Check that the folder exists and is writable.")
        raise typer.Exit(1) from None
    say(f"Wrote {output}")


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn library errors into a one-line message and exit code 1 (no traceback)."""
    from .errors import BiascheckError

    try:
        yield
    except BiascheckError as e:
        say(f"Error: {e}")
        raise typer.Exit(1) from None


def _finish(result) -> None:
    """Summary and skipped inputs on stderr; exit 1 only when nothing could be processed."""
    from .report import summary_lines

    for line in summary_lines(result):
        say(line)
    if result.articles == 0:
        say("Error: no article could be processed. Check the paths and the reasons above.")
        raise typer.Exit(1)


StorePath = Annotated[
    Optional[Path],
    typer.Option("--store", help="SQLite score store (made by `biascheck score`).", dir_okay=False),
]


@app.command()
def compare(
    inputs: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Article files or folders: .txt, .md, .html, or .jsonl/.csv with id and text columns."),
    ] = None,
    manifest: Manifest = None,
    targets: Targets = None,
    outlets: Outlets = None,
    by: Annotated[By, typer.Option(help="Group rows by outlet or by outlet type.")] = By.outlet,
    model: Model = "default",
    fmt: ReportFormat = "simple",
    output: Output = None,
    store: StorePath = None,
    stats: Annotated[Optional[bool], typer.Option(
        "--stats/--no-stats", help="Add intervals, flags and differences (on by default; the base fields "
        "stay first in csv and json). --no-stats prints the base table only.")] = None,
    evidence: Annotated[Optional[int], typer.Option(
        help="Show the K most positive and K most negative sentences per cell. Default: 3 for markdown and "
        "html, else 0.", min=0)] = None,
    min_mentions: Annotated[int, typer.Option(help="Flag cells with fewer mentions than this.", min=0)] = 20,
    min_articles: Annotated[int, typer.Option(help="Flag cells with fewer articles than this.", min=0)] = 5,
    correction: Annotated[Correction, typer.Option(
        help="Multiple-comparison correction of the p-values.")] = Correction.benjamini_hochberg,
    charts: Annotated[Optional[Path], typer.Option(
        help="Also write one SVG chart per target into this folder.", file_okay=False)] = None,
    since: Annotated[Optional[str], typer.Option(help="With --store: published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="With --store: published on or before (YYYY-MM-DD).")] = None,
    outlet: Annotated[Optional[list[str]], typer.Option(help="With --store: only this outlet (repeatable).")] = None,
    outlet_type: Annotated[
        Optional[list[str]], typer.Option(help="With --store: only this outlet type (repeatable).")
    ] = None,
    target: Annotated[Optional[list[str]], typer.Option(help="With --store: only this target (repeatable).")] = None,
) -> None:
    """Score every target mention and compare outlets (or outlet types) per target.

    With --store, compare everything already scored into a store instead (no scoring), optionally
    filtered by date, outlet, outlet type and target; --model then picks the stored scores by label
    or name (default: the model used most recently). A folder written by `score-distributed`
    (Parquet) compares the same way: give it as the only input.
    """
    from . import api

    report = _ReportOptions(fmt, stats, evidence, min_mentions, min_articles, correction.value, charts, model)
    filters = dict(since=since, until=until, outlet=outlet, outlet_type=outlet_type, target=target)
    if store is None and inputs and len(inputs) == 1 and _is_parquet_output(inputs[0]):
        from .parquet import compare_output

        with user_errors():
            result = compare_output(inputs[0], model=None if model == "default" else model, targets=targets,
                                    by=by.value, keep_mentions=report.stats, **filters)  # fmt: skip
        report.emit(result, output)
        say(f"Compared {result.articles:,} articles scored by {result.model} in {inputs[0]}.")
        return
    if store is not None or not inputs:
        from .store import compare_store

        if inputs:
            say("Error: give article files or --store, not both. Score new files into the store first.")
            raise typer.Exit(2)
        if store is not None and (manifest or outlets):
            say("Error: --manifest and --outlets apply when articles are scored (`biascheck score`); a store "
                "keeps the outlets attributed then. Score again with --rescore to change them.")
            raise typer.Exit(2)
        if store is None:
            say("Error: give article files or folders to compare, or --store PATH. See `biascheck compare --help`.")
            raise typer.Exit(2)
        with user_errors():
            result = compare_store(store, model=None if model == "default" else model, targets=targets,
                                   by=by.value, keep_mentions=report.stats, **filters)  # fmt: skip
        report.emit(result, output)
        say(f"Compared {result.articles:,} stored article{'' if result.articles == 1 else 's'} scored by {result.model}.")
        return
    if any(filters.values()):
        say("Error: --since, --until, --outlet, --outlet-type and --target work with --store or a Parquet output "
            "folder only.")
        raise typer.Exit(2)
    with user_errors():
        result = api.compare(inputs, scorer=model, targets=targets, manifest=manifest, outlets=outlets, by=by.value,
                             keep_mentions=report.stats)  # fmt: skip
    if result.articles:
        report.emit(result, output)
    _finish(result)


class _ReportOptions:
    """What `compare` prints: the base table, or the report with statistics (and charts)."""

    def __init__(self, fmt, stats, evidence, min_mentions, min_articles, correction, charts, model) -> None:
        self.fmt, self.charts, self.model = fmt, charts, model
        self.stats = True if stats is None else stats
        if evidence is None:
            evidence = 3 if fmt in ("markdown", "html") else 0
        self.options = dict(min_mentions=min_mentions, min_articles=min_articles, correction=correction,
                            evidence=evidence)
        if fmt in ("markdown", "html") and not self.stats:
            say(f"Error: --format {fmt} is the report with statistics; drop --no-stats.")
            raise typer.Exit(2)

    def emit(self, result, output: Optional[Path]) -> None:
        from .report import render_comparison

        if not self.stats:
            emit(render_comparison(result, self.fmt), output)
            return
        from .report.build import build_report, model_card_for
        from .report.charts import write_charts
        from .report.model import Method
        from .report.render import render_report

        report = build_report(result, Method(**self.options), model_card_for(self.model, result))
        emit(render_report(report, self.fmt), output)
        if self.charts is not None:
            try:
                paths = write_charts(report, self.charts)
            except OSError as e:
                say(f"Error: cannot write charts into {self.charts}: {e.strerror or e}.")
                raise typer.Exit(1) from None
            say(f"Wrote {len(paths)} chart{'s' if len(paths) != 1 else ''} (SVG) into {self.charts}")


@app.command()
def sentences(
    inputs: Inputs,
    manifest: Manifest = None,
    targets: Targets = None,
    outlets: Outlets = None,
    model: Model = "default",
    fmt: Format = "simple",
    output: Output = None,
) -> None:
    """Show each target mention with its sentence, label and probability."""
    from . import api
    from .report import render_mentions

    with user_errors():
        result = api.compare(
            inputs, scorer=model, targets=targets, manifest=manifest, outlets=outlets, keep_mentions=True
        )
    if result.articles:
        emit(render_mentions(result.scored, fmt), output)
    _finish(result)


@app.command()
def score(
    inputs: Inputs,
    store: Annotated[
        Path, typer.Option("--store", help="SQLite score store; created on first use.", dir_okay=False)
    ],
    manifest: Manifest = None,
    targets: Targets = None,
    outlets: Outlets = None,
    model: Model = "default",
    rescore: Annotated[
        bool, typer.Option(help="Score articles again even if the store has them from this model.")
    ] = False,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", help="Also write one row per mention to this .jsonl or .csv file.",
                     dir_okay=False),
    ] = None,
    json_summary: Annotated[
        bool, typer.Option("--json", help="Print the final summary as JSON on stdout (for scripts).")
    ] = False,
) -> None:
    """Score new articles into a store, each once; rerun any time, it only scores what is missing."""
    import json
    import sys

    from .batch import ProgressLine, estimate_articles, is_terminal, score_into_store, summary_lines

    progress = ProgressLine(sys.stderr, estimate_articles(inputs)) if is_terminal(sys.stderr) else None
    try:
        with user_errors():
            summary = score_into_store(inputs, store, model, targets=targets, manifest=manifest, outlets=outlets,
                                       rescore=rescore, output=output, progress=progress)  # fmt: skip
    except KeyboardInterrupt:
        if progress is not None:
            progress.close()
        say("Interrupted. Every article stored so far is complete; run the same command again to finish.")
        raise typer.Exit(130) from None
    finally:
        if progress is not None:
            progress.close()
    for line in summary_lines(summary):
        say(line)
    if json_summary:
        typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
    if summary.scored + summary.skipped_existing == 0:
        say("Error: no article could be scored. Check the paths and the reasons above.")
        raise typer.Exit(1)


def _is_parquet_output(path: Path) -> bool:
    from .parquet import is_output

    return is_output(path)


@app.command("score-distributed")
def score_distributed(
    inputs: Annotated[list[str], typer.Argument(
        help="Article files, folders or quoted glob patterns: .jsonl, .csv, .parquet, .txt, .md, .html.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the Parquet output; a rerun "
                                         "replaces it.", file_okay=False)],
    address: Annotated[Optional[str], typer.Option(
        help="Ray cluster to run on (e.g. ray://head:10001, or auto). Default: a local Ray instance.")] = None,
    workers: Annotated[Optional[int], typer.Option(
        help="Scoring workers (each holds the model). Default: one per GPU, else one per CPU but one.",
        min=1)] = None,
    model: Model = "default",
    manifest: Manifest = None,
    targets: Targets = None,
    outlets: Outlets = None,
    batch_size: Annotated[int, typer.Option(help="Articles per scoring call.", min=1)] = 64,
) -> None:
    """Score articles on a Ray cluster (or a local Ray) into Parquet; `compare` reads the folder."""
    import os
    import sys

    from .batch import is_terminal
    from .distributed import score_distributed as run, summary_lines

    os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")  # keep stderr for the summary, not every stage
    with user_errors():
        summary = run(inputs, output, model, targets=targets, manifest=manifest, outlets=outlets, address=address,
                      workers=workers, batch_size=batch_size, progress=is_terminal(sys.stderr))  # fmt: skip
    for line in summary_lines(summary):
        say(line)
    if summary.articles == 0:
        say("Error: no article could be scored. Check the paths and the reasons above.")
        raise typer.Exit(1)


@app.command("import")
def import_command(
    folder: Annotated[Path, typer.Argument(help="A Parquet output folder written by `score-distributed`.",
                                           exists=True, file_okay=False)],
    store: Annotated[Path, typer.Option("--store", help="SQLite score store; created on first use.",
                                        dir_okay=False)],
    rescore: Annotated[bool, typer.Option(
        help="Replace articles the store already has from this model.")] = False,
) -> None:
    """Add the articles of a `score-distributed` output to a store, each once."""
    from .parquet import import_output

    with user_errors():
        summary = import_output(folder, store, rescore=rescore)
    say(f"Imported {summary.imported:,} articles ({summary.mentions:,} target mentions) scored by {summary.model} "
        f"into {summary.store}; {summary.skipped_existing:,} were already there.")


@app.command()
def explain(
    article: Annotated[str, typer.Argument(help="An article file, or with --store an article id (or its source or URL).")],
    store: StorePath = None,
    manifest: Manifest = None,
    targets: Targets = None,
    outlets: Outlets = None,
    model: Model = "default",
    output: Output = None,
) -> None:
    """Show an article's cleaned text with each target mention marked with its label and probability."""
    from .explain import explain_file, explain_stored, render_explanation

    with user_errors():
        if store is not None:
            found = [explain_stored(store, article, model=None if model == "default" else model)]
            skipped = []
        else:
            found, skipped = explain_file(Path(article), scorer=model, targets=targets, manifest=manifest,
                                          outlets=outlets)  # fmt: skip
    if found:
        emit("\n\n".join(render_explanation(e) for e in found), output)
    for s in skipped:
        say(f"Skipped {s.source}: {s.reason}")
    if not found:
        say(f"Error: no article could be read from {article}.")
        raise typer.Exit(1)


@app.command("outlets")
def outlets_command(outlets: Outlets = None, fmt: Format = "simple", output: Output = None) -> None:
    """List the outlet registry: name, type, country, domains and the basis for the type."""
    from . import api
    from .report import render_outlets

    with user_errors():
        registry = api.list_outlets(outlets)
    emit(render_outlets(registry, fmt), output)


def main() -> None:
    app()


# `train` and `evaluate` live in their own module; importing it registers them on `app`.
from . import cli_model  # noqa: E402,F401
