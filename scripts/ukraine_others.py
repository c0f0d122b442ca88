"""Other states and organisations in the Ukraine-crisis training articles, labelled by the team (references only).

    python scripts/ukraine_others.py candidates .carry/others   # sentences to label, text included, for labellers
    python scripts/ukraine_others.py assemble .carry/others     # -> data/domain/news/news_ukraine_others.jsonl
    python scripts/ukraine_others.py qc .carry/others           # blind second-labelling sample of the rows

../shared/data/ukraine/labelled.jsonl labels how its sentences portray Russia, NATO and the EU. The same 2014
articles also judge Ukraine, the United States, Germany, the OSCE and others: real text in the register the tool
meets, about states as targets. `candidates` takes every sentence of the *training* articles (not in the test or dev
part of data/splits/domain.json) that names such a state or organisation (OTHERS below) and writes labelling batches
to OUT (outside the repository: they carry the text). Labellers write, for each sentence, one row per state or
intergovernmental organisation other than Russia, NATO and the EU that it names: {ref, entity, mentions, label,
confidence}. `assemble` checks every row (known ref, mentions found in the sentence, label) and writes reference rows
(corpus, article, start, end into the article's sentences joined by newlines, sha1; no text) to
data/domain/news/news_ukraine_others.jsonl. `qc` draws a blind 10% sample of the assembled rows for a second labeller
(sentence, entity, mentions, no label); `assemble` then adds the second labels to second_labels.jsonl.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = "../shared/data/ukraine/articles.jsonl"
OUT_FILE = ROOT / "data" / "domain" / "news" / "news_ukraine_others.jsonl"
BATCHES = 4
OTHERS = re.compile(
    r"\b(Ukrain\w*|Kiev|Kyiv|United States|U\.\s?S\.|US|USA|Washington|Americans?|Obama|Kerry|Biden|"
    r"Germany|German|Berlin|Merkel|Steinmeier|France|French|Paris|Hollande|Fabius|Britain|British|UK|London|Cameron|"
    r"Hague|Poland|Polish|Warsaw|Sikorski|China|Chinese|Beijing|Yanukovych|Poroshenko|Turchynov|Yatsenyuk|"
    r"Belarus\w*|Georgia\w*|Moldova\w*|Lithuania\w*|Latvia\w*|Estonia\w*|Baltic|Kazakh\w*|Turkey|Turkish|Japan\w*|"
    r"Syria\w*|Iran\w*|Serbia\w*|Hungar\w*|Romania\w*|Canada|Canadian|Italy|Italian|Spain|Spanish|"
    r"UN|United Nations|Security Council|OSCE|IMF|International Monetary Fund|G7|G8|G-7|G-8|World Bank|WTO)\b")


def _articles() -> list[dict]:
    return [json.loads(line) for line in Path(CORPUS).read_text(encoding="utf-8").splitlines() if line.strip()]


def _held_out() -> set[str]:
    split = json.loads((ROOT / "data" / "splits" / "domain.json").read_text())
    return set(split["test"]) | set(split["dev"])


def _sentences() -> dict[str, dict]:
    """ref -> {ref, article, start, end, sentence, context} for the training articles' sentences naming OTHERS."""
    held, found = _held_out(), {}
    for a in _articles():
        if f"ukraine/{a['id']}" in held:
            continue
        start = 0
        for i, sentence in enumerate(a["sentences"]):
            end = start + len(sentence)
            if OTHERS.search(sentence):
                ref = f"{a['id']}:{start}-{end}"
                found[ref] = {"ref": ref, "article": a["id"], "start": start, "end": end, "sentence": sentence,
                              "context": a["sentences"][i - 1] if i else ""}
            start = end + 1
    return found


def candidates(out: Path) -> None:
    found = list(_sentences().values())
    random.Random(2032).shuffle(found)
    out.mkdir(parents=True, exist_ok=True)
    for k in range(BATCHES):
        with (out / f"batch_{k + 1}.jsonl").open("w") as f:
            f.writelines(json.dumps({key: x[key] for key in ("ref", "context", "sentence")}) + "\n"
                         for x in found[k::BATCHES])
    print(f"{len(found)} sentences from training articles written to {out}")


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _checked(rows: list[dict], found: dict[str, dict], source: Path) -> list[tuple[dict, dict]]:
    from biascheck.marking import find_spans

    good = []
    for n, r in enumerate(rows, 1):
        x = found.get(r.get("ref"))
        where = f"{source}:{n}"
        if x is None:
            sys.exit(f"{where}: unknown ref {r.get('ref')!r}")
        if r.get("label") not in ("negative", "neutral", "positive"):
            sys.exit(f"{where}: label {r.get('label')!r}")
        if r.get("entity") in ("Russia", "NATO", "EU") or not r.get("entity"):
            sys.exit(f"{where}: entity {r.get('entity')!r} (Russia, NATO and the EU are labelled elsewhere)")
        if not r.get("mentions") or not find_spans(x["sentence"], r["mentions"]):
            sys.exit(f"{where}: mentions {r.get('mentions')!r} not found in the sentence")
        good.append((r, x))
    return good


def _row(r: dict, x: dict) -> dict:
    return {"id": f"ukraine/{x['article']}/{x['start']}-{x['end']}/{r['entity']}", "corpus": CORPUS,
            "article": x["article"], "start": x["start"], "end": x["end"],
            "sha1": hashlib.sha1(x["sentence"].encode()).hexdigest()[:12], "entity": r["entity"],
            "mentions": sorted(set(r["mentions"])), "label": r["label"], "confidence": r.get("confidence", "high")}


def assemble(out: Path) -> None:
    found = _sentences()
    rows, keys = [], set()
    for k in range(BATCHES):
        path = out / f"batch_{k + 1}.labels.jsonl"
        for r, x in _checked(_read(path), found, path):
            row = _row(r, x)
            if row["id"] not in keys:  # one row per (sentence, entity)
                keys.add(row["id"])
                rows.append(row)
    with OUT_FILE.open("w") as f:
        f.writelines(json.dumps(row) + "\n" for row in rows)
    print(f"{OUT_FILE}: {len(rows)} rows")
    qc_labels = out / "batch_qc.labels.jsonl"
    if qc_labels.is_file():
        from news_candidates import add_second_labels  # this folder is on sys.path when run as a script

        added = add_second_labels({r["id"]: r for r in _read(qc_labels) if r["id"] in keys})
        print(f"{added} second labels added to data/domain/news/second_labels.jsonl")


def qc(out: Path) -> None:
    """A blind 10% sample of the assembled rows (sentence, entity, mentions; no label) for a second labeller."""
    found = _sentences()
    rows = _read(OUT_FILE)
    sample = random.Random(11).sample(rows, round(len(rows) / 10))
    with (out / "batch_qc.jsonl").open("w") as f:
        for r in sample:
            x = found[f"{r['article']}:{r['start']}-{r['end']}"]
            f.write(json.dumps({"id": r["id"], "entity": r["entity"], "mentions": r["mentions"],
                                "context": x["context"], "sentence": x["sentence"]}) + "\n")
    print(f"{len(sample)} rows written to {out / 'batch_qc.jsonl'}")


if __name__ == "__main__":
    commands = {"candidates": candidates, "assemble": assemble, "qc": qc}
    if len(sys.argv) == 3 and sys.argv[1] in commands:
        commands[sys.argv[1]](Path(sys.argv[2]))
    else:
        sys.exit(__doc__)
