"""Second-annotator check for the domain set in data/domain/.

    python scripts/domain_agreement.py sample OUT.jsonl   # a blind 10% sample (no labels), fixed seed
    python scripts/domain_agreement.py sample OUT.jsonl 'contrast_05.jsonl'   # the same, of one later file only
    python scripts/domain_agreement.py agree              # raw agreement and Cohen's kappa
    python scripts/domain_agreement.py agree news         # the same for the real news rows (data/domain/news/)

The second labels live in data/domain/second_labels.jsonl (news: data/domain/news/second_labels.jsonl) as
{"id", "label"} rows.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[1] / "data" / "domain"
SECOND = DOMAIN / "second_labels.jsonl"
LABELS = ("negative", "neutral", "positive")
SEED = 13
SHARE = 0.10


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def rows(pattern: str = "*.jsonl") -> list[dict]:
    out = []
    for path in sorted(DOMAIN.glob(pattern)):
        if path == SECOND:
            continue
        out += _read(path)
    return out


def sample(out: Path, pattern: str = "*.jsonl") -> None:
    """The first sample (315 rows) was drawn over the files of the time; files added later get their own sample."""
    all_rows = sorted(rows(pattern), key=lambda r: r["id"])
    picked = random.Random(SEED).sample(all_rows, round(len(all_rows) * SHARE))
    with out.open("w", encoding="utf-8") as f:
        for r in sorted(picked, key=lambda r: r["id"]):
            blind = {k: r[k] for k in ("id", "sentence", "entity", "mentions", "register")}
            f.write(json.dumps(blind, ensure_ascii=False) + "\n")
    print(f"{len(picked)} of {len(all_rows)} rows written to {out} (seed {SEED})")


def cohen_kappa(a: list[str], b: list[str]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[label] * cb[label] for label in LABELS) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def _report(first: dict[str, str], second: dict[str, str]) -> None:
    ids = sorted(i for i in second if i in first)
    a, b = [first[i] for i in ids], [second[i] for i in ids]
    raw = sum(x == y for x, y in zip(a, b)) / len(ids)
    print(f"  items compared: {len(ids)} (second labels without a first row: {len(second) - len(ids)})")
    print(f"  raw agreement: {raw:.3f}")
    print(f"  Cohen's kappa: {cohen_kappa(a, b):.3f}")
    print("  confusion (rows: first annotator, columns: second):")
    for la in LABELS:
        print(f"    {la:>8}: " + " ".join(f"{sum(1 for x, y in zip(a, b) if x == la and y == lb):4d}" for lb in LABELS))


def agree(news: bool = False) -> None:
    """Agreement of the first labels with the blind second labels: as first labelled (the reported figures), and
    after the fixes logged in data/domain/adjudication/relabels.jsonl (scripts/adjudicate.py)."""
    first_rows = [r for f in sorted((DOMAIN / "news").glob("news_*.jsonl")) for r in _read(f)] if news else rows()
    now = {r["id"]: r["label"] for r in first_rows}
    from adjudicate import LOG, read_log  # this folder is on sys.path when run as a script

    fixes = {r["id"]: r["old"] for r in read_log()} if LOG.is_file() else {}
    before = {i: fixes.get(i, label) for i, label in now.items()}
    second = {r["id"]: r["label"] for r in _read(DOMAIN / "news" / "second_labels.jsonl" if news else SECOND)}
    print("first labels before the fixes logged in data/domain/adjudication/relabels.jsonl:")
    _report(before, second)
    if before != now:
        print("first labels with those fixes (as the files hold them now):")
        _report(now, second)

if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "sample":
        sample(Path(sys.argv[2]), *sys.argv[3:])
    elif sys.argv[1:] in (["agree"], ["agree", "news"]):
        agree(news=sys.argv[2:] == ["news"])
    else:
        sys.exit(__doc__)
