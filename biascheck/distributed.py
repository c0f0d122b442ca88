"""Score a corpus on a Ray cluster (or a local Ray instance) with Ray Data, into a Parquet output.

    from biascheck.distributed import score_distributed
    summary = score_distributed(["corpus/"], "scores/", scorer="lexicon")   # local Ray
    summary = score_distributed(["corpus/"], "scores/", address="ray://head:10001", workers=8)

The job has three stages, each the same code that `biascheck score` runs:

1. the driver lists the input files with their manifest entries (`ingest.iter_files`); no file
   is opened there;
2. stateless batch tasks read each file (`ingest.read_file`: JSONL, CSV, Parquet, text, HTML,
   Markdown), and clean, split and match every article (`pipeline.analyze`);
3. an actor pool holds the scorer, loaded once per actor, and scores the mentions of whole
   batches of articles (`Scorer.score`); with GPUs in the cluster each actor takes one.

The scored rows are written as Parquet (see `biascheck.parquet` for the layout) into a new folder
beside OUTPUT, which then replaces OUTPUT, so a rerun never duplicates rows and a failed run
leaves the previous output as it was. An article that cannot be read, analysed or scored becomes
a row of `errors/` with the reason; the job goes on. A worker process that dies is Ray's to
handle: Ray Data restarts a dead actor and retries its batch (without limit, its default), and
Ray retries a task whose worker died (three times, its default).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from .errors import BiascheckError, InputError
from .types import Skipped

__all__ = ["score_distributed", "DistributedSummary", "RayMissing", "ClusterError", "default_workers"]

ARTICLES_PER_BLOCK = 256  # how many analysed articles a reading task hands on at a time
# What a reading task reserves besides its CPU. Asking for other resources than the scoring actors
# also keeps Ray Data from fusing the reading into the actors, so that one reading task can feed
# every actor (fused, each actor would read its own files, and one big file would use one actor).
READ_MEMORY = 256 * 2**20


class RayMissing(BiascheckError):
    """Ray is not installed."""


class ClusterError(BiascheckError):
    """The Ray cluster cannot be reached or started."""


@dataclass(frozen=True)
class DistributedSummary:
    output: str
    model: str
    articles: int  # articles scored (each row of articles/)
    mentions: int
    errors: tuple[Skipped, ...]  # inputs that could not be used, with the reason
    workers: int  # scoring actors
    gpus: bool  # whether each actor had a GPU
    seconds: float


def _ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise RayMissing(
            "The distributed job needs Ray: pip install 'biascheck[ray]' (Ray Data and pyarrow)."
        ) from None
    return ray


def default_workers(resources: dict, gpu: bool, cpus_per_worker: float = 1) -> int:
    """One actor per GPU; without GPUs, one per `cpus_per_worker` CPUs, leaving one CPU for reading."""
    if gpu:
        return max(1, int(resources.get("GPU", 0)))
    return max(1, int((resources.get("CPU", 1) - 1) // cpus_per_worker))


def score_distributed(
    inputs,
    output: str | Path,
    scorer=None,
    *,
    targets=None,
    manifest=None,
    outlets=None,
    address: str | None = None,
    workers: int | None = None,
    cpus_per_worker: float = 1,
    batch_size: int = 64,
    progress: bool = False,
) -> DistributedSummary:
    """Score every article in `inputs` on Ray and write the Parquet output folder `output`.

    `inputs`: paths, folders or glob patterns (JSONL, CSV, Parquet, text, HTML, Markdown).
    `scorer`, `targets`, `manifest`, `outlets` are as in `biascheck.compare`. `address`: a Ray
    cluster to join (None starts a local Ray instance, or uses the one already started in this
    process). `workers`: scoring actors (default: one per GPU, else one per `cpus_per_worker`
    CPUs but one). `batch_size`: articles per scoring call. Raises InputError when `output` is
    a file or a folder that is not a biascheck output, and RayMissing without Ray.
    """
    from . import api
    from .parquet import FORMAT, FORMAT_VERSION, MARKER

    ray = _ray()
    output = Path(output)
    _check_output(output)
    model = api.resolve_scorer(scorer)
    target_list = api.resolve_targets(targets)
    registry = api._registry(outlets)
    started = time.perf_counter()
    files, errors = _plan(inputs, manifest)

    own_ray = not ray.is_initialized()
    if own_ray:
        # a local instance starts without a dashboard; a cluster keeps the settings it was started with
        # "local" starts a new instance even where a cluster runs on this machine (`ray start`)
        local = {"address": "local", "include_dashboard": False} if address is None else {"address": address}
        try:
            ray.init(log_to_driver=False, logging_level="ERROR", configure_logging=False, **local)
        except (ConnectionError, ValueError, RuntimeError) as e:
            where = f"the Ray cluster at {address}" if address else "a local Ray instance"
            raise ClusterError(
                f"cannot start or reach {where}: {e}. Check the address (`ray status` on the head node shows "
                "it; `auto` finds a cluster started on this machine), or leave out --address to run locally."
            ) from None
    tmp = output.parent / f".{output.name}.writing-{uuid.uuid4().hex[:8]}"
    ctx = ray.data.DataContext.get_current()
    bars = ctx.enable_progress_bars
    try:
        ctx.enable_progress_bars = progress
        resources = ray.cluster_resources()
        gpu = _wants_gpu(model) and resources.get("GPU", 0) > 0
        n_workers = workers or default_workers(resources, gpu, cpus_per_worker)
        tmp.mkdir(parents=True)
        if files:
            pool = {"num_gpus": 1} if gpu else {"num_cpus": cpus_per_worker}
            _run(ray, files, tmp, model, target_list, registry, resources, n_workers, pool, batch_size)
        _write_errors(errors, tmp)
        n_mentions, n_articles, found_errors = _count(tmp)
        meta = {
            "format": FORMAT, "version": FORMAT_VERSION, "model": model.label, "model_name": model.name,
            "model_version": model.version, "model_kind": model.kind, "articles": n_articles,
            "mentions": n_mentions, "errors": len(found_errors), "workers": n_workers, "gpus": gpu,
            "inputs": [str(p) for p in _as_list(inputs)],
            "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }  # fmt: skip
        (tmp / MARKER).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        _replace(tmp, output)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        ctx.enable_progress_bars = bars
        if own_ray:
            ray.shutdown()
    return DistributedSummary(str(output), model.label, n_articles, n_mentions, tuple(found_errors), n_workers,
                              gpu, time.perf_counter() - started)  # fmt: skip


def _run(ray, files, tmp: Path, model, targets, registry, resources, workers: int, pool: dict, batch_size: int):
    """The Ray Data job: read and analyse (tasks) -> score (actor pool) -> Parquet tables in `tmp`."""
    from .parquet import schemas

    blocks = min(len(files), max(1, int(resources.get("CPU", 1))) * 4)
    analysed = ray.data.from_items(files, override_num_blocks=blocks).map_batches(
        _analyse_files, batch_size=1, batch_format="pyarrow", fn_kwargs={"targets": targets, "registry": registry},
        num_cpus=1, memory=READ_MEMORY,
    )  # fmt: skip
    scored = analysed.map_batches(
        _ScoreActor, fn_constructor_kwargs={"scorer": model}, batch_size=batch_size, batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=workers), **pool,
    ).materialize()  # held (or spilled to disk) until the three tables below are written
    for name, fn, schema in zip(("mentions", "articles", "errors"), (_mention_rows, _article_rows, _error_rows),
                                schemas()):  # fmt: skip
        rows = scored.map_batches(fn, batch_format="pyarrow", fn_kwargs={"schema": schema, "model": model.label})
        rows.write_parquet(str(tmp / name))


# -- the driver's side ---------------------------------------------------------------------------


def _as_list(inputs) -> list:
    return [inputs] if isinstance(inputs, (str, Path)) else list(inputs)


def _expand(inputs, errors: list[dict]) -> list[Path]:
    """Paths as given; a glob pattern (quoted, so the shell left it) becomes the files it matches."""
    out: list[Path] = []
    for raw in _as_list(inputs):
        text = str(raw)
        if not Path(text).exists() and glob.has_magic(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                errors.append({"source": text, "reason": "no file matches this pattern; check it.",
                               "file_index": -1, "item_index": len(errors)})  # fmt: skip
            out.extend(Path(m) for m in matches)
        else:
            out.append(Path(text))
    return out


def _plan(inputs, manifest) -> tuple[list[dict], list[dict]]:
    """The input files (with their manifest entries) in input order, and the problems found listing them."""
    from .ingest import iter_files

    files: list[dict] = []
    errors: list[dict] = []
    for item in iter_files(_expand(inputs, errors), manifest=manifest):
        if isinstance(item, Skipped):
            errors.append({"source": item.source, "reason": item.reason, "file_index": -1, "item_index": len(errors)})
        else:
            path, entry = item
            files.append({"file_index": len(files), "path": str(path.resolve()), "given": str(path),
                          "entry": json.dumps(asdict(entry)) if entry else ""})  # fmt: skip
    return files, errors


def _write_errors(errors: list[dict], folder: Path) -> None:
    """The problems found on the driver, beside those the workers found."""
    if not errors:
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .parquet import schemas

    (folder / "errors").mkdir(exist_ok=True)
    pq.write_table(pa.Table.from_pylist(errors, schema=schemas()[2]), folder / "errors" / "inputs.parquet")


def _check_output(output: Path) -> None:
    """OUTPUT must be new, empty, or an earlier output of this job (which a rerun replaces)."""
    from .parquet import MARKER

    if output.exists() and not output.is_dir():
        raise InputError(f"--output {output} is a file; give a folder for the Parquet output.")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise InputError(
            f"--output {output} is a folder that holds other files (no {MARKER}); give a new or empty "
            "folder, or the folder of an earlier `biascheck score-distributed` run to replace it."
        )
    if not output.parent.is_dir():
        raise InputError(f"The folder for --output does not exist: {output.parent}. Create it first.")


def _replace(tmp: Path, output: Path) -> None:
    """Put the finished output in place of the previous one (never a mix of the two)."""
    old = output.parent / f".{output.name}.old-{uuid.uuid4().hex[:8]}"
    if output.exists():
        os.replace(output, old)
    os.replace(tmp, output)
    shutil.rmtree(old, ignore_errors=True)


def _count(folder: Path) -> tuple[int, int, list[Skipped]]:
    import pyarrow.parquet as pq

    from .parquet import read_errors

    def rows(name: str) -> int:
        return sum(pq.ParquetFile(f).metadata.num_rows for f in (folder / name).glob("*.parquet"))

    return rows("mentions"), rows("articles"), read_errors(folder)


def _wants_gpu(scorer) -> bool:
    """Only a transformer model gains from a GPU."""
    return type(scorer).__name__ == "TransformerScorer"


# -- the workers' side: module-level functions and a class, so Ray can ship them --------------------


def _analyse_files(batch, targets, registry) -> Iterator:
    """Read, clean, split and match the articles of a batch of input files (a stateless task).

    Yields tables of article rows: metadata, the mentions (not yet scored), or an error.
    """
    import pyarrow as pa

    from .ingest import Entry, read_file
    from .pipeline import analyze
    from .store import content_hash

    schema = _work_schema()
    rows: list[dict] = []
    for f in batch.to_pylist():
        entry = Entry(**json.loads(f["entry"])) if f["entry"] else None
        index = f["file_index"]
        j = 0
        try:
            for j, item in enumerate(read_file(f["path"], entry, registry)):
                # Read by absolute path (a worker's folder is not the driver's); name the file as given.
                if item.source.startswith(f["path"]):
                    item = replace(item, source=f["given"] + item.source[len(f["path"]):])
                if isinstance(item, Skipped):
                    rows.append(_error(item.source, item.reason, index, j))
                else:
                    try:
                        rows.append(_analysis_row(analyze(item, targets), content_hash(item.text), index, j))
                    except Exception as e:  # one bad article never fails the job
                        rows.append(_error(item.source, f"could not be analysed: {e}", index, j))
                if len(rows) >= ARTICLES_PER_BLOCK:
                    yield pa.Table.from_pylist(rows, schema=schema)
                    rows = []
        except Exception as e:  # a file that breaks the reader: keep what was read, report the rest
            rows.append(_error(f["given"], f"could not be read past item {j}: {e}", index, j + 1))
    if rows:
        yield pa.Table.from_pylist(rows, schema=schema)


def _analysis_row(analysis, article_hash: str, file_index: int, item_index: int) -> dict:
    a = analysis.article
    return {
        "article_id": article_hash, "source_id": a.id, "source": a.source, "outlet": a.outlet,
        "outlet_type": a.outlet_type, "publisher": a.publisher, "url": a.url, "title": a.title,
        "published": a.published, "detected_by": a.detected_by, "sentences": len(analysis.sentences),
        "dropped_lines": len(analysis.clean.dropped), "file_index": file_index, "item_index": item_index,
        "error": None,
        "found": [{"sentence_index": m.sentence_index, "sentence": m.sentence, "target": m.target,
                   "spans": [list(s) for s in m.spans]} for m in analysis.mentions],
    }  # fmt: skip


def _error(source: str, reason: str, file_index: int, item_index: int) -> dict:
    return {"source": source, "error": reason, "file_index": file_index, "item_index": item_index, "found": []}


def _work_schema():
    """Rows between the stages: one article, its mentions, and their scores once scored."""
    import pyarrow as pa

    text, i32, f64 = pa.string(), pa.int32(), pa.float64()
    mention = pa.struct([
        ("sentence_index", i32), ("sentence", text), ("target", text), ("spans", pa.list_(pa.list_(i32))),
        ("label", text), ("p_negative", f64), ("p_neutral", f64), ("p_positive", f64),
    ])  # fmt: skip
    fields = [(name, text) for name in ("article_id", "source_id", "source", "outlet", "outlet_type", "publisher",
                                        "url", "title", "published", "detected_by")]  # fmt: skip
    fields += [("sentences", i32), ("dropped_lines", i32), ("file_index", pa.int64()), ("item_index", pa.int64()),
               ("error", text), ("found", pa.list_(mention))]  # fmt: skip
    return pa.schema(fields)


class _ScoreActor:
    """Holds one scorer for its lifetime (the model loads once per actor) and scores batches of articles."""

    def __init__(self, scorer) -> None:
        self.scorer = scorer
        load = getattr(scorer, "load", None)
        if callable(load):
            load()

    def __call__(self, batch):
        import pyarrow as pa

        rows = batch.to_pylist()
        ok = [r for r in rows if r["error"] is None]
        try:
            self._score(ok)
        except Exception:  # find the article that fails, score the others
            for r in ok:
                try:
                    self._score([r])
                except Exception as e:
                    r["error"], r["found"] = f"could not be scored: {e}", []
        return pa.Table.from_pylist(rows, schema=_work_schema())

    def _score(self, rows: Sequence[dict]) -> None:
        from .types import Mention

        found = [(r, m) for r in rows for m in r["found"]]
        mentions = [
            Mention(r["source_id"], m["sentence_index"], m["sentence"], m["target"], tuple(tuple(s) for s in m["spans"]))
            for r, m in found
        ]
        scores = self.scorer.score(mentions)
        for (_, m), s in zip(found, scores, strict=True):
            m["label"] = s.label
            m["p_negative"], m["p_neutral"], m["p_positive"] = s.probs


def _mention_rows(batch, schema, model: str):
    """One row per scored mention, the fields of `biascheck score --output`."""
    import pyarrow as pa

    out = []
    for r in batch.to_pylist():
        if r["error"] is not None:
            continue
        base = {k: r[k] for k in ("article_id", "source_id", "source", "outlet", "outlet_type", "publisher", "url",
                                  "title", "published")}  # fmt: skip
        out += [{**base, **m, "model": model} for m in r["found"]]
    return pa.Table.from_pylist(out, schema=schema)


def _article_rows(batch, schema, model: str):
    import pyarrow as pa

    out = [{**r, "mentions": len(r["found"]), "model": model} for r in batch.to_pylist() if r["error"] is None]
    return pa.Table.from_pylist(out, schema=schema)


def _error_rows(batch, schema, model: str):
    import pyarrow as pa

    out = [{**r, "reason": r["error"]} for r in batch.to_pylist() if r["error"] is not None]
    return pa.Table.from_pylist(out, schema=schema)


def summary_lines(summary: DistributedSummary) -> list[str]:
    """The end-of-run report for the command line."""
    lines = [
        f"Scored {summary.articles:,} articles ({summary.mentions:,} target mentions) with {summary.model} on "
        f"{summary.workers} {'GPU' if summary.gpus else 'CPU'} worker{'s' if summary.workers != 1 else ''} into "
        f"{summary.output} in {summary.seconds:.1f}s "
        f"({summary.mentions / summary.seconds if summary.seconds else 0:.1f} mentions/s)."
    ]
    if summary.errors:
        lines.append(f"Failed {len(summary.errors):,} inputs (also in {summary.output}/errors/):")
        lines += [f"  {e.source}: {e.reason}" for e in summary.errors[:50]]
        if len(summary.errors) > 50:
            lines.append(f"  ... and {len(summary.errors) - 50:,} more.")
    return lines
