"""Label fixes of the domain set, kept as a log so that every change can be read, checked and undone.

    python scripts/adjudicate.py apply        # write each logged fix into its data file (idempotent)
    python scripts/adjudicate.py check        # every logged fix is in its file; exit 1 if not
    python scripts/adjudicate.py undo DIR     # copies of data/domain under DIR/data/domain with the labels
                                              # as they were before the log (what the shipped model trained on)
    python scripts/adjudicate.py summary      # counts by source, file part and change

The log is data/domain/adjudication/relabels.jsonl, one row per changed label:
{"id", "file" (relative to the repository), "old", "new", "rule", "source", "reason"}. `source` says what found the
row: a disagreement with the blind second labels, or a sweep of rows that a new guideline rule touches.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "data" / "domain"
LOG = DOMAIN / "adjudication" / "relabels.jsonl"
LABELS = ("negative", "neutral", "positive")


def read_log(path: Path = LOG) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    seen = set()
    for i, row in enumerate(rows, 1):
        if row["old"] not in LABELS or row["new"] not in LABELS or row["old"] == row["new"]:
            raise SystemExit(f"{path}:{i}: 'old' and 'new' must be two different labels of {LABELS}")
        if row["id"] in seen:
            raise SystemExit(f"{path}:{i}: id {row['id']} is logged twice; keep one row per id")
        seen.add(row["id"])
    return rows


def _rewrite(path: Path, labels: dict[str, str]) -> int:
    """Set the label of the rows of `path` named in `labels`, keeping every other byte of the line format."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("id") in labels and row["label"] != labels[row["id"]]:
            row["label"] = labels[row["id"]]
            ascii_only = line.isascii()
            lines[i] = json.dumps(row, ensure_ascii=ascii_only) + "\n"
            changed += 1
    if changed:
        path.write_text("".join(lines), encoding="utf-8")
    return changed


def _by_file(log: list[dict], key: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in log:
        out.setdefault(row["file"], {})[row["id"]] = row[key]
    return out


def current_labels(log: list[dict], root: Path = ROOT) -> dict[str, str]:
    """The label each logged id has now in its file (missing ids are absent)."""
    out = {}
    for file, ids in _by_file(log, "new").items():
        for line in (root / file).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row.get("id") in ids:
                    out[row["id"]] = row["label"]
    return out


def apply(log: list[dict], root: Path = ROOT) -> int:
    return sum(_rewrite(root / file, labels) for file, labels in _by_file(log, "new").items())


def undo(log: list[dict], out: Path) -> Path:
    """Copy data/domain to OUT/data/domain with each logged row's old label; returns the copied domain folder."""
    target = out / "data" / "domain"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(DOMAIN, target)
    for file, labels in _by_file(log, "old").items():
        _rewrite(out / file, labels)
    return target


def check(log: list[dict]) -> list[str]:
    now = current_labels(log)
    return [f"{r['file']}: {r['id']} is {now.get(r['id'], 'missing')}, the log says {r['new']}"
            for r in log if now.get(r["id"]) != r["new"]]


def main(argv: list[str]) -> None:
    log = read_log()
    if argv == ["apply"]:
        print(f"{apply(log)} labels written; {len(log)} fixes in {LOG.relative_to(ROOT)}")
    elif argv == ["check"]:
        problems = check(log)
        print("\n".join(problems) or f"all {len(log)} fixes are in their files")
        sys.exit(1 if problems else 0)
    elif len(argv) == 2 and argv[0] == "undo":
        print(undo(log, Path(argv[1])))
    elif argv == ["summary"]:
        for (source, file), n in sorted(Counter((r["source"], r["file"]) for r in log).items()):
            print(f"{n:4d}  {source:28s} {file}")
        for (old, new), n in sorted(Counter((r["old"], r["new"]) for r in log).items()):
            print(f"{n:4d}  {old} -> {new}")
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
