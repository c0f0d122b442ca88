"""Synthetic articles for the store tests, and a worker process that scores them into a store.

    python tests/store_worker.py ARTICLES.jsonl STORE [--delay SECONDS]

The worker reads the JSONL itself (no ingest), scores with a slowed-down fake scorer and prints
the run's summary as JSON. Tests start it as a subprocess to kill it or run two at once.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import FakeScorer  # noqa: E402

from biascheck.types import Article  # noqa: E402

OUTLETS = [("Reuters", "wire"), ("RT", "state-affiliated"), ("BBC", "public-broadcaster"), ("Daily Local", "regional")]
SENTENCES = [
    "Russia denounced the new sanctions as illegal.",
    "NATO said cooperation with its partners would continue.",
    "The EU announced support for the peace talks.",
    "Moscow called the deployment a threat to its security.",
    "Brussels and the Kremlin held talks on Tuesday.",
    "Officials met in Vienna to discuss the grain deal.",
    "The European Union and NATO pledged support for Kyiv.",
    "Analysts said the war had changed the region.",
]


def make_article(i: int) -> dict:
    """Article number i: distinct text, an outlet, a published date, a few target mentions."""
    outlet, _ = OUTLETS[i % len(OUTLETS)]
    picked = [SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 5)]
    text = " ".join(picked + [f"This is report number {i}."])
    published = (date(2024, 1, 1) + timedelta(days=i % 60)).isoformat()
    return {"id": f"a{i}", "title": f"Report {i}", "text": text, "outlet": outlet, "published": published}


def write_articles(path: Path, n: int, start: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in range(start, start + n):
            f.write(json.dumps(make_article(i)) + "\n")
    return path


def read_articles(path: Path) -> list[Article]:
    types = dict(OUTLETS)
    out = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        d = json.loads(line)
        out.append(
            Article(d["id"], d["text"], f"{path.name}:{line_no}", d["outlet"], types[d["outlet"]],
                    title=d["title"], published=d["published"])  # fmt: skip
        )
    return out


class SlowFake(FakeScorer):
    def __init__(self, delay: float = 0.0):
        super().__init__()
        self.delay = delay

    def _score_batch(self, mentions):
        time.sleep(self.delay)
        return super()._score_batch(mentions)


def main(argv: list[str]) -> None:
    from biascheck.batch import score_into_store

    # A worker started from a background job inherits SIGINT as ignored; restore what a terminal's Ctrl-C does.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    articles, store = Path(argv[0]), Path(argv[1])
    delay = float(argv[argv.index("--delay") + 1]) if "--delay" in argv else 0.0
    summary = score_into_store(read_articles(articles), store, SlowFake(delay))
    print(json.dumps({"scored": summary.scored, "skipped": summary.skipped_existing, "mentions": summary.mentions}))


if __name__ == "__main__":
    main(sys.argv[1:])
