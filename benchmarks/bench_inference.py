"""Inference speed of the stance model on this machine: mentions per second and peak memory.

    python benchmarks/bench_inference.py [--model models/biascheck-stance] [--rows 5000]

Scores the same rows (the first N of ../shared/data/newsmtsc/train.jsonl, read at run time) with:
  naive      transformers.pipeline called once per row
  batched    transformers.pipeline given the whole list, batch_size 64
  biascheck  TransformerScorer: length-sorted batches of 64, dynamic padding, inference_mode
  int8       TransformerScorer with int8 dynamic quantization of the linear layers
Every variant gets the same marked inputs (biascheck.marking.mark) and runs in a fresh process,
so its peak RSS (ru_maxrss) is its own; time excludes loading. int8's accuracy cost is measured
on NewsMTSC dev_mt + dev_rw against the fp32 scorer. Results go to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "newsmtsc"
VARIANTS = ("naive", "batched", "biascheck", "int8")


def load_mentions(n: int):
    from biascheck.labelled import read_examples

    return [ex.mention() for ex in read_examples(DATA / "train.jsonl")[:n]]


def run_variant(variant: str, model: str, n: int, threads: int) -> dict:
    import torch

    torch.set_num_threads(threads)
    mentions = load_mentions(n)
    t0 = time.perf_counter()
    if variant in ("naive", "batched"):
        from transformers import AutoTokenizer, pipeline

        from biascheck.marking import mark
        from biascheck.scorers.heads import load_classifier

        # the model object, not its folder: a folder with biascheck's target head needs biascheck to load
        pipe = pipeline("text-classification", model=load_classifier(model),
                        tokenizer=AutoTokenizer.from_pretrained(model, local_files_only=True), device=-1, top_k=None)
        texts = [mark(m.sentence, m.spans) for m in mentions]
        pipe(texts[:2])  # warm-up
        loaded = time.perf_counter()
        if variant == "naive":
            out = [pipe(t) for t in texts]
        else:
            out = pipe(texts, batch_size=64)
        labels = [max(o[0] if isinstance(o[0], list) else o, key=lambda d: d["score"])["label"] for o in out]
    else:
        from biascheck.scorers.transformer import TransformerScorer

        scorer = TransformerScorer(model, device="cpu", quantize=variant == "int8")
        scorer.score(mentions[:2])  # warm-up (loads the model)
        loaded = time.perf_counter()
        labels = [s.label for s in scorer.score(mentions)]
    seconds = time.perf_counter() - loaded
    return {"variant": variant, "rows": len(mentions), "seconds": round(seconds, 2),
            "mentions_per_s": round(len(mentions) / seconds, 1), "load_s": round(loaded - t0, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "labels": labels}


def int8_cost(model: str) -> dict:
    """Dev macro-F1 and accuracy of the fp32 and int8 scorers, and how often their labels differ."""
    from biascheck.evaluate import evaluate
    from biascheck.scorers.transformer import TransformerScorer

    files = [DATA / "dev_mt.jsonl", DATA / "dev_rw.jsonl"]
    out = {}
    for name, q in (("fp32", False), ("int8", True)):
        ev = evaluate(files, TransformerScorer(model, device="cpu", quantize=q))
        out[name] = {"macro_f1": round(ev.overall.macro_f1, 4), "accuracy": round(ev.overall.accuracy, 4),
                     "per_file_macro_f1": {k: round(m.macro_f1, 4) for k, m in ev.per_file.items()}}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "models" / "biascheck-stance"))
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--no-dev", action="store_true", help="skip measuring int8's accuracy cost on dev")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one variant in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_variant(args.one, args.model, args.rows, args.threads)))
        return
    results = []
    for variant in args.variants.split(","):
        cmd = [sys.executable, __file__, "--one", variant, "--model", args.model, "--rows", str(args.rows),
               "--threads", str(args.threads)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = results[-1]
        print(f"{variant:10s} {r['mentions_per_s']:8.1f} mentions/s  {r['seconds']:7.1f} s  "
              f"peak {r['peak_rss_mb']:7.1f} MB", flush=True)
    base = {r["variant"]: r for r in results}
    for r in results:
        if "naive" in base:
            r["speedup_vs_naive"] = round(r["mentions_per_s"] / base["naive"]["mentions_per_s"], 2)
        if "biascheck" in base:
            same = sum(a == b for a, b in zip(r["labels"], base["biascheck"]["labels"]))
            r["same_label_as_biascheck"] = round(same / len(r["labels"]), 4)
    for r in results:
        del r["labels"]
    report = {"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, threads={args.threads}",
              "model": args.model, "rows": args.rows, "results": results}
    if "int8" in base and not args.no_dev:
        report["int8_dev_cost"] = int8_cost(args.model)
    out = ROOT / "benchmarks" / "results" / "inference.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "results"}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
