"""Benchmark the Ray Data job against `biascheck score` on this machine: mentions/s, and Ray's overhead.

    python benchmarks/bench_distributed.py                        # 600 articles, shipped model
    python benchmarks/bench_distributed.py --articles 300 --model lexicon

Needs the ray extra and psutil (pip install -e '.[ray]' psutil).

Builds the corpus as benchmarks/bench_store.py does (the Ukraine-crisis articles repeated with
distinct ids and closing lines, read at run time, never copied into the repository), then runs,
each in a fresh process:

- `score`: `score_into_store` into a new SQLite store (one process; torch uses every core), and
  the same with torch on one thread (OMP_NUM_THREADS=1), as Ray runs it in a 1-CPU actor;
- `Ray N`: `score_distributed` on a local Ray instance with N scoring actors.

For each it reports the wall time of the whole run (for Ray: starting Ray, starting the actors,
loading the model in each, the job, writing Parquet) and mentions/s over that time; for Ray also
the time to start Ray alone; the CPU time that the run used (for Ray: the driver, Ray's daemons
and every worker), mentions per CPU second, and the machine's 1-minute load average after the run.
Other work on the machine slows every run's wall time, and can favour the run with more
processes (each gets its share of the cores); CPU time is the fairer measure of cost then. When the shipped model is missing (models/biascheck-stance), a
stand-in of the same architecture is used: the MiniLM base that training starts from, with an
untrained 3-label head, so the cost per mention is the real one (the labels are not).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_store import DEFAULT_SOURCE, build_corpus  # noqa: E402


def stand_in_model(folder: Path) -> Path:
    """MiniLM with an untrained stance head, saved as `biascheck train` saves a model."""
    from biascheck.train import default_base, load_base, save

    tokenizer, model = load_base(default_base(), seed=0)
    save(model, tokenizer, folder)
    return folder


def cpu_seconds() -> float:
    """CPU time of this process and every process it started (for Ray: its daemons and workers)."""
    import psutil

    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.Error:  # ended meanwhile
            pass
    return total


def run_score(corpus: Path, tmp: Path, model: str) -> dict:
    from biascheck.batch import score_into_store

    start, cpu = time.perf_counter(), cpu_seconds()
    summary = score_into_store([corpus], tmp / "scores.db", model)
    seconds = time.perf_counter() - start
    return {"articles": summary.scored, "mentions": summary.mentions, "seconds": seconds, "start_seconds": 0.0,
            "cpu_seconds": cpu_seconds() - cpu}  # fmt: skip


def run_ray(corpus: Path, tmp: Path, model: str, workers: int, cpus_per_worker: float) -> dict:
    import ray

    from biascheck.distributed import score_distributed

    start, cpu = time.perf_counter(), cpu_seconds()
    ray.init(address="local", num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
             logging_level="ERROR")  # fmt: skip
    started = time.perf_counter() - start
    summary = score_distributed([corpus], tmp / "out", model, workers=workers, cpus_per_worker=cpus_per_worker)
    seconds = time.perf_counter() - start
    used = cpu_seconds() - cpu  # before shutdown, while Ray's processes are still there to ask
    ray.shutdown()
    return {"articles": summary.articles, "mentions": summary.mentions, "seconds": seconds, "start_seconds": started,
            "cpu_seconds": used}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=600, help="corpus size")
    parser.add_argument("--model", default="default", help="default (shipped model), lexicon or a model folder")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="articles.jsonl to repeat")
    parser.add_argument("--repeat", type=int, default=1, help="run the whole set this many times, in turn")
    parser.add_argument("--one", nargs=4, metavar=("RUN", "CORPUS", "TMP", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        run, corpus, tmp, model = args.one
        if run == "score":
            result = run_score(Path(corpus), Path(tmp), model)
        else:
            _, workers, cpus = run.split(":")
            result = run_ray(Path(corpus), Path(tmp), model, int(workers), float(cpus))
        print(json.dumps(result))
        return
    if not args.source.exists():
        sys.exit(f"Source articles not found: {args.source}. Pass --source PATH/articles.jsonl.")

    from biascheck.scorers import default_model_path

    with tempfile.TemporaryDirectory(prefix="biascheck-bench-") as tmp:
        model, note = args.model, ""
        if model == "default" and not (default_model_path() / "config.json").exists():
            model = str(stand_in_model(Path(tmp) / "stand-in"))
            note = " (shipped model missing: MiniLM stand-in with an untrained head, same cost per mention)"
        corpus = build_corpus(args.source, args.articles, Path(tmp))
        cpus = os.cpu_count() or 1
        # Ray gives an actor of 1 CPU one torch thread; `score` with one thread is the like-for-like
        # baseline for one worker. Reading tasks take one CPU of Ray's count, so N actors on N cores
        # ask for half a CPU each.
        runs = [("score", "score, torch on all cores"), ("score-1", "score, torch 1 thread"),
                ("ray:1:1", "Ray, 1 worker (1 CPU)")]  # fmt: skip
        if cpus > 1:
            runs.append((f"ray:{cpus}:0.5", f"Ray, {cpus} workers (0.5 CPU each)"))
        runs = runs * args.repeat
        shown = f"default ({default_model_path()})" if model == "default" else model if model == "lexicon" else Path(model).name
        print(f"model: {shown}{note}")
        print(f"machine: {cpus} CPU cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}")
        print(f"corpus: {args.articles} articles from {args.source.name}")
        header = ("run", "articles", "mentions", "Ray start s", "total s", "mentions/s", "vs score", "CPU s",
                  "mentions/CPU s", "load avg")  # fmt: skip
        print(f"{header[0]:<30}" + "".join(f"{h:>15}" for h in header[1:]))
        base = None
        for run, label in runs:
            folder = Path(tempfile.mkdtemp(dir=tmp))
            cmd = [sys.executable, __file__, "--one", run.removesuffix("-1"), str(corpus), str(folder), model]
            env = {**os.environ, "OMP_NUM_THREADS": "1"} if run.endswith("-1") else None
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
            if proc.returncode:
                sys.exit(f"{label} failed (exit {proc.returncode})")
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            rate = r["mentions"] / r["seconds"]
            base = rate if run == "score" else base
            cells = (r["articles"], r["mentions"], f"{r['start_seconds']:.1f}", f"{r['seconds']:.1f}", f"{rate:.1f}",
                     f"{rate / base:.2f}x", f"{r['cpu_seconds']:.1f}", f"{r['mentions'] / r['cpu_seconds']:.1f}",
                     f"{os.getloadavg()[0]:.1f}")  # fmt: skip
            print(f"{label:<30}" + "".join(f"{c:>15}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
