"""Reading articles: every input kind, manifests, attribution, and every kind of bad input."""

import json
import shutil
from pathlib import Path


from biascheck.ingest import article_id, iter_articles, load_articles
from biascheck.types import Article, Skipped

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
BODY = "Russia and NATO held talks in Brussels on Thursday, officials said after the meeting ended."


def by_name(articles):
    return {Path(a.source).name[:3]: a for a in articles}


# ---------------------------------------------------------------- samples


def test_samples_folder_with_its_manifest():
    articles, skipped = load_articles([SAMPLES])
    assert skipped == []
    assert len(articles) == 5  # README.md and manifest.csv are not articles
    got = {k: (a.outlet, a.outlet_type, a.publisher, a.detected_by) for k, a in by_name(articles).items()}
    assert got == {
        "000": ("AP", "wire", "WSLS 10", "manifest"),
        "001": ("Reuters", "wire", "WNC Times", "manifest"),
        "002": ("Stalker Zone", "partisan", "Stalker Zone", "manifest"),
        "003": ("RKS", "national", "RKS", "manifest"),
        "004": ("Sputnik", "state-affiliated", "Sputnik", "manifest"),
    }
    a000 = by_name(articles)["000"]
    assert a000.url.startswith("https://wsls.com/") and a000.published == "2021-05-20"
    assert a000.title == "US, Russia hold parallel military drills in the Balkans"
    assert by_name(articles)["002"].published is None  # unknown stays blank


def test_samples_without_manifest_use_text_signatures(tmp_path):
    for path in SAMPLES.glob("*.txt"):
        shutil.copy(path, tmp_path)
    articles, skipped = load_articles([tmp_path])
    assert skipped == []
    got = {k: (a.outlet, a.outlet_type, a.detected_by) for k, a in by_name(articles).items()}
    assert got["000"] == ("AP", "wire", "signature")
    assert got["001"] == ("Reuters", "wire", "signature")
    assert got["004"] == ("Sputnik", "state-affiliated", "signature")
    assert got["002"][:2] == got["003"][:2] == ("unknown", "unknown")


def test_explicit_manifest_and_file_list(tmp_path):
    article = tmp_path / "story.txt"
    article.write_text(BODY, encoding="utf-8")
    manifest = tmp_path / "elsewhere.jsonl"
    manifest.write_text(json.dumps({"file": "story.txt", "outlet": "Reuters", "publisher": "Town Paper",
                                    "url": "https://townpaper.example/x", "published": "2020-03-04T10:00:00Z"}) + "\n")
    articles, skipped = load_articles([article], manifest=manifest)
    assert skipped == []
    a = articles[0]
    assert (a.outlet, a.outlet_type, a.publisher, a.published, a.detected_by) == (
        "Reuters", "wire", "Town Paper", "2020-03-04", "manifest")


def test_ids_are_stable_content_hashes(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_text("  " + BODY.replace(" ", "  ") + "\n", encoding="utf-8")
    articles, _ = load_articles([tmp_path])
    assert articles[0].id == articles[1].id == article_id(BODY)
    assert len(article_id(BODY)) == 16 and int(article_id(BODY), 16) >= 0
    assert article_id(BODY) != article_id(BODY + " More.")


# ---------------------------------------------------------------- formats


def test_jsonl_rows_text_or_sentences(tmp_path):
    path = tmp_path / "articles.jsonl"
    rows = [
        {"id": "a1", "text": BODY, "outlet": "BBC News", "title": "Talks", "published": "2020-01-02"},
        {"id": "a2", "title": "Russia claims", "sentences": ["Russia claims", "Russia said so.", "NATO did not."]},
        {"id": 3, "text": BODY, "url": "https://www.dw.com/en/x"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    articles, skipped = load_articles([path])
    assert skipped == []
    a1, a2, a3 = articles
    assert (a1.id, a1.outlet, a1.outlet_type, a1.detected_by, a1.source) == (
        "a1", "BBC", "public-broadcaster", "field", f"{path}:1")
    assert a2.text == "Russia claims\nRussia said so.\nNATO did not." and a2.title == "Russia claims"
    assert (a3.id, a3.outlet, a3.detected_by) == ("3", "DW", "url")


def test_jsonl_is_streamed(tmp_path):
    path = tmp_path / "stream.jsonl"
    path.write_text(json.dumps({"id": "1", "text": BODY}) + "\n", encoding="utf-8")
    items = iter_articles([path])
    assert next(items).id == "1"
    with path.open("a", encoding="utf-8") as f:  # written after reading began
        f.write(json.dumps({"id": "2", "text": BODY}) + "\n")
    assert [a.id for a in items] == ["2"]


def test_csv_articles(tmp_path):
    path = tmp_path / "articles.csv"
    path.write_text(
        'id,text,outlet,url,title,published\n'
        f'c1,"{BODY}\n\nSecond paragraph, with a comma.",Sputnik,,T,2019-10-24\n'
        'c2,,,,,\n'
        f'c3,"{BODY}",,https://www.rt.com/news/1,,\n',
        encoding="utf-8",
    )
    items = list(iter_articles([path]))
    c1, missing, c3 = items
    assert isinstance(c1, Article) and c1.text.endswith("with a comma.") and c1.outlet_type == "state-affiliated"
    assert isinstance(missing, Skipped) and missing.source == f"{path}:5"  # c1 spans lines 2-4 and "article has no text" in missing.reason
    assert (c3.outlet, c3.detected_by) == ("RT", "url")


def test_html_page(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Russia and NATO hold talks | Example</title>"
        '<meta property="og:title" content="Russia and NATO hold talks">'
        '<meta property="og:url" content="https://www.theguardian.com/world/2021/may/20/talks">'
        '<meta property="article:published_time" content="2021-05-20T10:00:00Z"></head>'
        "<body><nav>Home | World | Sport</nav><article><h1>Russia and NATO hold talks</h1>"
        f"<p>{BODY}</p><p>The European Union welcomed the talks, and diplomats said further meetings "
        "are planned for next month in Vienna.</p></article><footer>Copyright 2021</footer></body></html>",
        encoding="utf-8",
    )
    (article,), skipped = load_articles([path])
    assert skipped == []
    assert BODY in article.text and "Home | World" not in article.text
    assert (article.title, article.url, article.published) == (
        "Russia and NATO hold talks", "https://www.theguardian.com/world/2021/may/20/talks", "2021-05-20")
    assert (article.outlet, article.outlet_type) == ("The Guardian", "national")


def test_markdown(tmp_path):
    path = tmp_path / "post.md"
    path.write_text(
        "---\ntitle: Talks in Brussels\noutlet: Kyiv Independent\n---\n# Talks in Brussels\n\n"
        f"**{BODY}** See [the statement](https://example.org/s) for *details*.\n\n- A list item about NATO.\n",
        encoding="utf-8",
    )
    (article,), _ = load_articles([path])
    assert article.title == "Talks in Brussels" and article.outlet == "Kyiv Independent"
    assert article.detected_by == "field"
    assert "Talks in Brussels\n" in article.text and "#" not in article.text and "**" not in article.text
    assert "See the statement for details." in article.text and "A list item about NATO." in article.text


# ---------------------------------------------------------------- bad input


def reasons(items):
    return [(Path(s.source.split(":")[0]).name, s.reason) for s in items if isinstance(s, Skipped)]


def test_missing_path_is_skipped_and_others_still_read(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(BODY, encoding="utf-8")
    articles, skipped = load_articles([tmp_path / "nope.txt", good])
    assert len(articles) == 1
    assert skipped == [Skipped(str(tmp_path / "nope.txt"), "no such file or folder; check the path and try again.")]


def test_empty_folder(tmp_path):
    (tmp_path / "notes.png").write_bytes(b"\x89PNG")
    articles, skipped = load_articles([tmp_path])
    assert articles == []
    assert skipped[0].source == str(tmp_path) and "no article files" in skipped[0].reason


def test_binary_and_non_utf8_files(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "b.txt").write_bytes("Café in Moscow.".encode("latin-1"))
    (tmp_path / "c.jsonl").write_bytes(b"\x00\x00")
    (tmp_path / "d.csv").write_bytes(b"id,text\n1,caf\xe9 text\n")
    (tmp_path / "e.txt").write_text(BODY, encoding="utf-8")
    articles, skipped = load_articles([tmp_path])
    assert [a.source for a in articles] == [str(tmp_path / "e.txt")]
    got = dict(reasons(skipped))
    assert got["a.txt"].startswith("binary file")
    assert got["b.txt"].startswith("not UTF-8") and "re-save it as UTF-8" in got["b.txt"]
    assert got["c.jsonl"].startswith("binary file")
    assert got["d.csv"].startswith("not UTF-8")


def test_malformed_jsonl_lines_name_file_and_line(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        json.dumps({"id": "1", "text": BODY}).encode() + b"\n"
        b'{"id": "2", "text": \n'
        b"[1, 2]\n"
        b'{"id": "4"}\n'
        b'{"id": "5", "text": "caf\xe9"}\n'
        b'{"id": "6", "text": "   "}\n'
        b'{"id": "7", "text": 7}\n'
        + json.dumps({"id": "8", "text": BODY}).encode() + b"\n"
    )
    items = list(iter_articles([path]))
    assert [a.id for a in items if isinstance(a, Article)] == ["1", "8"]
    skipped = {s.source: s.reason for s in items if isinstance(s, Skipped)}
    assert skipped[f"{path}:2"].startswith("malformed JSON")
    assert "expected a JSON object" in skipped[f"{path}:3"]
    assert "no 'text' field" in skipped[f"{path}:4"]
    assert skipped[f"{path}:5"].startswith("not UTF-8")
    assert "no text" in skipped[f"{path}:6"]
    assert "'text' must be a string" in skipped[f"{path}:7"]


def test_json_file_given_directly(tmp_path):
    path = tmp_path / "articles.json"
    path.write_text(json.dumps([{"id": "1", "text": BODY}]), encoding="utf-8")
    (skipped,) = list(iter_articles([path]))
    assert skipped.source == str(path) and ".jsonl" in skipped.reason


def test_empty_table_files(tmp_path):
    (tmp_path / "a.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,text\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("id,body\n1,Some text here.\n", encoding="utf-8")
    got = dict(reasons(load_articles([tmp_path])[1]))
    assert "empty" in got["a.jsonl"]
    assert "only a header" in got["b.csv"]
    assert "no 'text' column (found: id, body)" in got["c.csv"]


def test_manifest_naming_a_missing_file(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "file,outlet,publisher,url,title,published\na.txt,AP,,,,\nghost.txt,Reuters,,,,\n,TASS,,,,\n",
        encoding="utf-8",
    )
    articles, skipped = load_articles([tmp_path])
    assert [(a.outlet, a.detected_by) for a in articles] == [("AP", "manifest")]
    got = {s.source: s.reason for s in skipped}
    assert "manifest names 'ghost.txt'" in got[f"{tmp_path / 'manifest.csv'}:3"]
    assert "no 'file' value" in got[f"{tmp_path / 'manifest.csv'}:4"]


def test_explicit_manifest_missing(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    articles, skipped = load_articles([tmp_path], manifest=tmp_path / "nope.csv")
    assert len(articles) == 1
    assert skipped[0].source == str(tmp_path / "nope.csv") and "manifest not found" in skipped[0].reason


def test_article_with_no_text(tmp_path):
    (tmp_path / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (tmp_path / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    articles, skipped = load_articles([tmp_path])
    assert articles == []
    assert sorted(reasons(skipped)) == [
        ("empty.html", "the article has no text; add its text or remove it from the input."),
        ("empty.txt", "the article has no text; add its text or remove it from the input."),
    ]


def test_iterator_never_raises_on_a_mix(tmp_path):
    (tmp_path / "x.txt").write_bytes(b"\xff\xfe\xfd")
    items = list(iter_articles([tmp_path / "x.txt", tmp_path / "missing", str(tmp_path), SAMPLES / "004_21f842e8bf764d39.txt"]))
    assert sum(isinstance(i, Article) for i in items) == 1
    assert all(isinstance(i, (Article, Skipped)) for i in items)
