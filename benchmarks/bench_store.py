"""Benchmark `biascheck score`: throughput, peak memory and where the time goes.

    python benchmarks/bench_store.py                       # shipped model, 2,000 and 6,000 articles
    python benchmarks/bench_store.py --sizes 200 2000      # the figures in the README
    python benchmarks/bench_store.py --sizes 2000 --model lexicon --profile

Builds each corpus in a temporary folder by repeating the Ukraine-crisis articles
(../shared/data/ukraine/articles.jsonl, read at run time, never copied into the repository) with
distinct ids, a distinct closing line (so each copy is a new article to the store), rotating
outlets and dates. Each size runs in a fresh process, so peak RSS is that run's own. Time inside
the scorer (after one warm-up call that loads the model) counts as model time; everything else
(reading, cleaning, splitting, matching, storing) is the rest, and "(store)" is the part of the
rest spent reading and writing the store.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "ukraine" / "articles.jsonl"
OUTLETS = ["Reuters", "Associated Press", "RT", "Sputnik", "BBC News", "Deutsche Welle", "The Guardian", "Fox News"]


def build_corpus(source: Path, n: int, folder: Path) -> Path:
    """n articles made from the source articles, each with its own id, text, outlet and date."""
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    path = folder / f"corpus-{n}.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            row = rows[i % len(rows)]
            sentences = row["sentences"][1:] if row["sentences"][:1] == [row["title"]] else row["sentences"]
            text = "\n".join([*sentences, f"Filed as item {i}."])
            published = (date(2014, 2, 1) + timedelta(days=i % 120)).isoformat()
            out = {"id": f"{row['id']}-{i}", "title": row["title"], "text": text,
                   "outlet": OUTLETS[i % len(OUTLETS)], "published": published}  # fmt: skip
            f.write(json.dumps(out) + "\n")
    return path


def run_one(corpus: Path, store: Path, model: str, profile: bool) -> dict:
    """Score one corpus into a new store (in this process) and measure it."""
    sys.path.insert(0, str(ROOT))
    from biascheck.api import resolve_scorer
    from biascheck.batch import score_into_store
    from biascheck.types import Mention

    scorer = resolve_scorer(model)
    start = time.perf_counter()
    scorer.score([Mention("warm-up", 0, "Russia and NATO met in Brussels.", "Russia", ((0, 6),))])
    load_seconds = time.perf_counter() - start
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    summary = score_into_store([corpus], store, scorer)
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    rest = summary.seconds - summary.model_seconds
    return {
        "articles": summary.scored,
        "failed": len(summary.failed),
        "mentions": summary.mentions,
        "model": summary.model,
        "seconds": round(summary.seconds, 2),
        "model_load_seconds": round(load_seconds, 2),
        "articles_per_s": round(summary.scored / summary.seconds, 2),
        "mentions_per_s": round(summary.mentions / summary.seconds, 1),
        "model_share": round(summary.model_seconds / summary.seconds, 4),
        "rest_share": round(rest / summary.seconds, 4),
        "store_share": round(summary.store_seconds / summary.seconds, 4),
        "rest_ms_per_article": round(1000 * rest / max(summary.scored, 1), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "store_mb": round(sum(p.stat().st_size for p in store.parent.glob(store.name + "*")) / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 6000], help="corpus sizes (articles)")
    parser.add_argument("--model", default="default", help="default (shipped model), lexicon or a model folder")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="articles.jsonl to repeat")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each run on stderr")
    parser.add_argument("--json", action="store_true", help="print results as JSON lines")
    parser.add_argument("--one", nargs=2, metavar=("CORPUS", "STORE"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        print(json.dumps(run_one(Path(args.one[0]), Path(args.one[1]), args.model, args.profile)))
        return
    if not args.source.exists():
        sys.exit(f"Source articles not found: {args.source}. Pass --source PATH/articles.jsonl.")
    results = []
    with tempfile.TemporaryDirectory(prefix="biascheck-bench-") as tmp:
        for n in args.sizes:
            corpus = build_corpus(args.source, n, Path(tmp))
            store = Path(tmp) / f"store-{n}.db"
            cmd = [sys.executable, __file__, "--model", args.model, "--one", str(corpus), str(store)]
            if args.profile:
                cmd.append("--profile")
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
            if proc.returncode:
                sys.exit(proc.returncode)
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    if args.json:
        for r in results:
            print(json.dumps(r))
        return
    print(f"model: {results[0]['model']}   cpu cores: {os.cpu_count()}")
    header = ("articles", "mentions", "seconds", "articles/s", "mentions/s", "model", "rest", "(store)",
              "rest ms/art", "peak RSS MB", "store MB")  # fmt: skip
    print("  ".join(f"{h:>11}" for h in header))
    for r in results:
        cells = (r["articles"], r["mentions"], r["seconds"], r["articles_per_s"], r["mentions_per_s"],
                 f"{r['model_share']:.1%}", f"{r['rest_share']:.1%}", f"{r['store_share']:.1%}",
                 r["rest_ms_per_article"],
                 r["peak_rss_mb"], r["store_mb"])  # fmt: skip
        print("  ".join(f"{c:>11}" for c in cells))


if __name__ == "__main__":
    main()
