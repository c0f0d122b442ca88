"""`biascheck train` and `biascheck evaluate`: options -> library call -> rendered result.

Registered on the app of biascheck.cli (imported at its end), so they share its helpers.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli import Output, app, emit, say, user_errors

RowFiles = Annotated[
    list[Path],
    typer.Argument(help="JSONL files of labelled rows (sentence, target, from, to, label, ... or the domain layout "
                   "with entity and mentions).", exists=True, dir_okay=False),
]
SplitFile = Annotated[
    Optional[Path],
    typer.Option("--split", help="JSON file of held-out article ids ('test', 'dev'), e.g. data/splits/domain.json.",
                 exists=True, dir_okay=False),
]


class Pooling(str, Enum):
    cls = "cls"
    target = "target"


class Part(str, Enum):
    test = "test"
    dev = "dev"
    train = "train"


def _check_eval_format(value: str) -> str:
    if value in ("table", "json"):
        return value
    from .report import check_format

    try:
        return check_format(value)
    except ValueError as e:
        raise typer.BadParameter(f"{e} (or: table, json)") from None


@app.command()
def evaluate(
    files: RowFiles,
    model: Annotated[str, typer.Option(help="default (the shipped model), lexicon, or a model folder.")] = "default",
    split: SplitFile = None,
    part: Annotated[Optional[Part], typer.Option(help="With --split: only the rows of this part.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table (or any tabulate format) or json.",
                                     callback=_check_eval_format)] = "table",
    output: Output = None,
) -> None:
    """Measure a scorer on labelled rows: macro-F1, accuracy, per class, confusion, per file and entity."""
    import json

    from .evaluate import evaluate as run_evaluation
    from .evaluate import format_evaluation
    from .labelled import load_split
    from .scorers import load_scorer

    if part is not None and split is None:
        say("Error: --part needs --split (the file that says which articles are test or dev).")
        raise typer.Exit(2)
    with user_errors():
        scorer = load_scorer(model)
        result = run_evaluation(files, scorer, split=load_split(split) if split else None,
                                part=part.value if part else None)
    if result.overall.n == 0:
        say("Error: no rows to evaluate. Check the files, and --split/--part if given.")
        raise typer.Exit(1)
    if fmt == "json":
        emit(json.dumps(result.to_dict(), indent=1), output)
    else:
        emit(format_evaluation(result, "simple" if fmt == "table" else fmt), output)


@app.command()
def train(
    files: Annotated[list[str], typer.Argument(
        help="JSONL files of labelled rows; FILE@N sees the file's rows N times per epoch (weighs up domain rows), "
        "FILE@0.25 a fixed quarter of them.")],
    dev: Annotated[list[Path], typer.Option(help="Dev file (repeatable): the checkpoint is chosen on these.",
                                            exists=True, dir_okay=False)],
    out: Annotated[Path, typer.Option(help="Folder to write the model into.", file_okay=False)],
    split: SplitFile = None,
    base: Annotated[Optional[str], typer.Option(help="Base model folder or cached hub id. Default: all-MiniLM-L6-v2.")] = None,
    epochs: Annotated[int, typer.Option(help="Passes over the training rows (one checkpoint each).", min=1)] = 2,
    lr: Annotated[float, typer.Option(help="Peak learning rate (linear warm-up and decay).")] = 6e-5,
    batch_size: Annotated[int, typer.Option(help="Rows per training step.", min=1)] = 32,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, data and threads give the same model.")] = 13,
    max_length: Annotated[int, typer.Option(help="Longest input in tokens; longer ones are cut.", min=16)] = 160,
    class_weights: Annotated[bool, typer.Option(help="Weigh the loss by inverse label frequency.")] = False,
    calibrate: Annotated[bool, typer.Option(help="After training, pick per-class logit offsets that raise the mean "
                                                 "dev macro-F1 (stored in config.json as label_bias).")] = True,
    teacher: Annotated[Optional[list[Path]], typer.Option(
        help="A trained model folder (repeatable) whose probabilities, averaged over all teachers, the new model "
        "also learns from (distillation: one model that behaves like the ensemble).", file_okay=False)] = None,
    transfer: Annotated[Optional[list[str]], typer.Option(
        help="JSONL file of unlabelled rows (repeatable; FILE@N as for training files) that learn from the "
        "teachers only. Needs --teacher.")] = None,
    augment: Annotated[Optional[list[str]], typer.Option(
        help="JSONL file of labelled rows about people (repeatable; FILE@N as for training files): its rows whose "
        "target is a public figure are also trained on with the name swapped for a state or organisation "
        "(biascheck.augment), label kept.")] = None,
    distill: Annotated[float, typer.Option(help="Weight of the teachers' probabilities in the loss (0 to 1).",
                                           min=0.0, max=1.0)] = 0.5,
    pooling: Annotated[Pooling, typer.Option(
        help="Classifier head: cls reads the first token; target also reads the encoder's output at the target's "
             "markers (BERT-family bases).")] = Pooling.cls,
    previous: Annotated[Optional[str], typer.Option(help="A model to show beside the new one in the model card.")] = None,
    device: Annotated[Optional[str], typer.Option(help="cpu, cuda or mps. Default: detect.")] = None,
    threads: Annotated[int, typer.Option(help="CPU threads for torch (0: torch's default; 1 is fastest on a "
                                               "busy machine).", min=0)] = 0,
) -> None:
    """Fine-tune a stance model on labelled rows; writes weights, tokenizer, config and a model card."""
    import shlex

    from .train import TrainConfig
    from .train import train as run_training

    config = TrainConfig(epochs=epochs, lr=lr, batch_size=batch_size, seed=seed, max_length=max_length,
                         class_weights=class_weights, threads=threads, calibrate=calibrate,
                         teachers=tuple(str(t) for t in teacher or ()), distill=distill,
                         transfer=tuple(transfer or ()), augment=tuple(augment or ()), pooling=pooling.value)
    args = ["biascheck", "train", *files, *[a for d in dev for a in ("--dev", str(d))], "--out", str(out)]
    args += ["--split", str(split)] if split else []
    args += ["--base", base] if base else []
    args += ["--epochs", str(epochs), "--lr", f"{lr:g}", "--batch-size", str(batch_size), "--seed", str(seed),
             "--max-length", str(max_length)]
    args += ["--class-weights"] if class_weights else []
    args += [] if calibrate else ["--no-calibrate"]
    args += [a for t in teacher or () for a in ("--teacher", str(t))]
    args += [a for t in transfer or () for a in ("--transfer", t)]
    args += [a for t in augment or () for a in ("--augment", t)]
    args += ["--distill", f"{distill:g}"] if teacher else []
    args += ["--pooling", pooling.value] if pooling != Pooling.cls else []
    args += ["--threads", str(threads)] if threads else []
    args += ["--device", device] if device else []
    command = " ".join(shlex.quote(a) for a in args)
    with user_errors():
        result = run_training(files, dev, out, base=base, split=split, config=config, device=device,
                              command=command, previous=previous)
    for name, ev in result.reports.items():
        say(f"{name}: macro-F1 {ev.overall.macro_f1:.3f}, accuracy {ev.overall.accuracy:.3f} (n={ev.overall.n})")
    say(f"Wrote {result.out} (best epoch {result.best_epoch}, {result.seconds / 60:.1f} minutes).")
