"""Article files in, a stream of Article (or Skipped) out.

Inputs: folders (searched recursively), plain text, Markdown, HTML pages (main text found with
trafilatura), and JSONL, CSV or Parquet tables of articles (`id`, `text` or a `sentences` list;
optionally `outlet`, `publisher`, `url`, `title`, `published`). A folder may carry a manifest
(`manifest.csv` or `manifest.jsonl`) mapping file names to outlet, publisher, url, title and
published; its entries override detection. Bad input never raises: each problem is yielded
as a Skipped entry that names the file (and line) and says what to do.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .outlets import OutletRegistry, load_registry
from .types import Article, Skipped

DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
TABLE_SUFFIXES = (".jsonl", ".csv", ".parquet")
SUFFIXES = DOCUMENT_SUFFIXES + TABLE_SUFFIXES
MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
# Files a folder walk leaves alone: documentation that sits beside the articles.
_NOT_ARTICLES = re.compile(r"^(?:readme|license|licence|changelog|notice)(?:\.\w+)?$", re.IGNORECASE)
_FIELDS = ("outlet", "publisher", "url", "title", "published")


@dataclass(frozen=True)
class Entry:
    """Metadata for one file, from a manifest or a document's own header."""

    outlet: str | None = None
    publisher: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None


def article_id(text: str) -> str:
    """A stable id: sha256 of the NFKC text with whitespace collapsed, first 16 hex digits."""
    normal = " ".join(unicodedata.normalize("NFKC", text).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def load_articles(
    paths: Sequence[Path | str] | Path | str,
    *,
    manifest: Path | str | None = None,
    registry: OutletRegistry | None = None,
) -> tuple[list[Article], list[Skipped]]:
    """Read everything at once: the articles, and the inputs that were skipped."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in iter_articles(paths, manifest=manifest, registry=registry):
        (skipped if isinstance(item, Skipped) else articles).append(item)
    return articles, skipped


def iter_articles(
    paths: Sequence[Path | str] | Path | str,
    *,
    manifest: Path | str | None = None,
    registry: OutletRegistry | None = None,
) -> Iterator[Article | Skipped]:
    """Yield an Article for every article found in `paths`, and a Skipped for every problem.

    `manifest` is an explicit manifest file; without it, a folder's own manifest.csv or
    manifest.jsonl is used. Nothing here raises for bad input: the caller decides what a run
    with skipped inputs means.
    """
    registry = registry or load_registry()
    for item in iter_files(paths, manifest=manifest):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from _file(item[0], registry, item[1])


def iter_files(
    paths: Sequence[Path | str] | Path | str, *, manifest: Path | str | None = None
) -> Iterator[tuple[Path, Entry | None] | Skipped]:
    """Every article file in `paths` with its manifest entry (or None), and a Skipped for every
    problem with a path or a manifest. No article file is opened: `read_file` reads each one, so
    the files of one run can be read in parallel (the distributed job does this).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    manifests = _Manifests()
    if manifest is not None:
        yield from manifests.add(Path(manifest), explicit=True)
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Skipped(str(path), "no such file or folder; check the path and try again.")
        elif path.is_dir():
            yield from _folder(path, manifests)
        else:
            yield path, manifests.entry(path)
    yield from manifests.missing()


def read_file(
    path: Path | str, entry: Entry | None = None, registry: OutletRegistry | None = None
) -> Iterator[Article | Skipped]:
    """The articles in one file (several for a JSONL, CSV or Parquet table), as `iter_articles` reads them."""
    yield from _file(Path(path), registry or load_registry(), entry)


def _folder(folder: Path, manifests: _Manifests) -> Iterator[tuple[Path, Entry | None] | Skipped]:
    try:
        files = sorted(
            p for p in folder.rglob("*")
            if p.is_file() and p.suffix.lower() in SUFFIXES and p.name.lower() not in MANIFEST_NAMES
            and not _NOT_ARTICLES.match(p.name)
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        )
    except OSError as e:
        yield Skipped(str(folder), f"cannot list the folder ({e.strerror}: {e.filename}); check its permissions.")
        return
    if not files:
        kinds = ", ".join(SUFFIXES)
        yield Skipped(str(folder), f"no article files ({kinds}) in this folder; add some or pass files directly.")
        return
    for path in files:
        for directory in (path.parent, *path.parent.parents):
            for name in MANIFEST_NAMES:
                if (directory / name).is_file():
                    yield from manifests.add(directory / name)
            if directory == folder:
                break
        yield path, manifests.entry(path)


def _file(path: Path, registry: OutletRegistry, entry: Entry | None) -> Iterator[Article | Skipped]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl(path, registry, entry)
        return
    if suffix == ".csv":
        yield from _csv(path, registry, entry)
        return
    if suffix == ".parquet":
        yield from _parquet(path, registry, entry)
        return
    if suffix == ".json":
        yield Skipped(str(path), "JSON files are not read; write one article object per line as .jsonl.")
        return
    data = _read_bytes(path)
    if isinstance(data, Skipped):
        yield data
        return
    if suffix in (".html", ".htm"):
        text, meta = _html(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            yield Skipped(str(path), f"not UTF-8 text (bad byte at offset {e.start}); re-save it as UTF-8.")
            return
        text, meta = _markdown(text) if suffix in (".md", ".markdown") else (text, Entry())
    explicit_by = "manifest" if entry and entry.outlet else "field"  # else front matter, if any
    yield _article(text, str(path), registry, _merge(entry, meta), explicit_by=explicit_by)


def _read_bytes(path: Path) -> bytes | Skipped:
    try:
        data = path.read_bytes()
    except OSError as e:
        return Skipped(str(path), f"cannot read the file ({e.strerror}); check its permissions.")
    if b"\x00" in data[:8192]:
        return Skipped(str(path), "binary file, not text; remove it or convert it to UTF-8 text.")
    return data


def _article(
    text: str, source: str, registry: OutletRegistry, meta: Entry, *, explicit_by: str, id: str | None = None
) -> Article | Skipped:
    if not text.strip():
        return Skipped(source, "the article has no text; add its text or remove it from the input.")
    found = registry.attribute(
        url=meta.url, text=text, outlet=meta.outlet, publisher=meta.publisher, explicit_by=explicit_by
    )
    return Article(
        id=id or article_id(text),
        text=text,
        source=source,
        outlet=found.outlet,
        outlet_type=found.outlet_type,
        publisher=found.publisher,
        url=meta.url,
        title=meta.title,
        published=_date(meta.published),
        detected_by=found.detected_by,
    )


def _merge(first: Entry | None, second: Entry) -> Entry:
    """Fields of `first` (a manifest entry) win; `second` fills the gaps."""
    if first is None:
        return second
    return Entry(*(getattr(first, f) or getattr(second, f) for f in _FIELDS))


def _date(value: str | None) -> str | None:
    """The ISO date (YYYY-MM-DD) at the start of a date string, or the string as given."""
    if not value:
        return None
    match = re.match(r"\d{4}-\d{2}-\d{2}", value.strip())
    return match.group(0) if match else value.strip()


def _text_field(value) -> str | None:
    """A field value as stripped text; None when missing or blank."""
    if value is None:
        return None
    return str(value).strip() or None


# ---------------------------------------------------------------- documents


def _html(data: bytes) -> tuple[str, Entry]:
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False)
    if doc is None:
        return "", Entry()
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return d.get("text") or "", Entry(None, None, d.get("url"), d.get("title"), d.get("date"))


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


def _markdown(text: str) -> tuple[str, Entry]:
    """Strip Markdown markup lightly; read title/url/outlet/date from YAML-style front matter."""
    meta: dict[str, str] = {}
    if match := _FRONT_MATTER.match(text):
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[match.end():]
    text = re.sub(r"^```.*?^```\s*$", "", text, flags=re.DOTALL | re.MULTILINE)  # code blocks
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"<[^>\n]+>", "", text)  # inline HTML
    text = re.sub(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+\.\s+)", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s*(?:[-*_]\s*){3,}$", "", text, flags=re.MULTILINE)  # rules
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_](?!\s)(.+?)(?<!\s)[*_](?![\w*])", r"\1", text)
    text = text.replace("`", "")
    title = meta.get("title")
    return text, Entry(meta.get("outlet"), meta.get("publisher"), meta.get("url"), title,
                       meta.get("published") or meta.get("date"))


# ---------------------------------------------------------------- tables


def _row_article(row: Mapping, source: str, registry: OutletRegistry, entry: Entry | None) -> Article | Skipped:
    text = row.get("text")
    sentences = row.get("sentences")
    if text in (None, "") and isinstance(sentences, list):
        text = "\n".join(str(s) for s in sentences)
    if text is None:
        return Skipped(source, "no 'text' field (or 'sentences' list); add the article text to this row.")
    if not isinstance(text, str):
        return Skipped(source, f"'text' must be a string, found {type(text).__name__}; fix this row.")
    fields = Entry(*(_text_field(row.get(f)) for f in _FIELDS))
    if fields.published is None:
        fields = Entry(fields.outlet, fields.publisher, fields.url, fields.title, _text_field(row.get("date")))
    explicit_by = "field" if fields.outlet else "manifest"
    return _article(text, source, registry, _merge(fields, entry or Entry()),
                    explicit_by=explicit_by, id=_text_field(row.get("id")))


def _jsonl(path: Path, registry: OutletRegistry, entry: Entry | None) -> Iterator[Article | Skipped]:
    """Stream a JSONL file line by line; a bad line is skipped, the rest still read."""
    found = 0
    try:
        with path.open("rb") as f:
            for lineno, raw in enumerate(f, 1):
                source = f"{path}:{lineno}"
                if lineno == 1 and b"\x00" in raw[:8192]:
                    yield Skipped(str(path), "binary file, not JSONL; remove it or convert it to UTF-8 JSONL.")
                    return
                if not raw.strip():
                    continue
                found += 1
                try:
                    row = json.loads(raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
                except UnicodeDecodeError as e:
                    yield Skipped(source, f"not UTF-8 (bad byte at column {e.start + 1}); re-save the file as UTF-8.")
                    continue
                except json.JSONDecodeError as e:
                    yield Skipped(source, f"malformed JSON ({e.msg} at column {e.colno}); fix or remove this line.")
                    continue
                if not isinstance(row, dict):
                    yield Skipped(source, f"expected a JSON object per line, found {type(row).__name__}; fix this line.")
                    continue
                yield _row_article(row, source, registry, entry)
    except OSError as e:
        yield Skipped(str(path), f"cannot read the file ({e.strerror}); check its permissions.")
        return
    if not found:
        yield Skipped(str(path), "no articles in this JSONL file (it is empty); add one JSON object per line.")


def _csv(path: Path, registry: OutletRegistry, entry: Entry | None) -> Iterator[Article | Skipped]:
    if csv.field_size_limit() < 2**27:  # article texts are longer than the 128 KiB default
        csv.field_size_limit(2**27)
    found = 0
    try:
        with path.open("rb") as raw:
            if b"\x00" in raw.read(8192):
                yield Skipped(str(path), "binary file, not CSV; remove it or convert it to UTF-8 CSV.")
                return
            raw.seek(0)
            reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
            try:
                columns = reader.fieldnames or []
                if "text" not in columns and "sentences" not in columns:
                    yield Skipped(str(path), f"no 'text' column (found: {', '.join(columns) or 'none'}); "
                                             "add a header row with id,text[,outlet,url,title,published].")
                    return
                for row in reader:
                    found += 1
                    source = f"{path}:{reader.line_num}"
                    if "sentences" in row and row.get("sentences") and not row.get("text"):
                        row = {**row, "sentences": _sentences_cell(row["sentences"])}
                    yield _row_article(row, source, registry, entry)
            except UnicodeDecodeError as e:
                yield Skipped(f"{path}:{reader.line_num + 1}",
                              f"not UTF-8 (bad byte at offset {e.start}); re-save the file as UTF-8. The rest of it was not read.")
                return
            except csv.Error as e:
                yield Skipped(f"{path}:{reader.line_num}", f"malformed CSV ({e}); fix this row. The rest of the file was not read.")
                return
    except OSError as e:
        yield Skipped(str(path), f"cannot read the file ({e.strerror}); check its permissions.")
        return
    if not found:
        yield Skipped(str(path), "no articles in this CSV file (only a header, or empty); add rows.")


def _parquet(path: Path, registry: OutletRegistry, entry: Entry | None) -> Iterator[Article | Skipped]:
    """Stream a Parquet table of articles (same columns as JSONL) in row groups; source is file:row."""
    try:
        import pyarrow.parquet as pq  # imported here: only Parquet input needs it
    except ImportError:
        yield Skipped(str(path), "reading Parquet needs pyarrow; pip install 'biascheck[ray]' (or pyarrow).")
        return
    found = 0
    try:
        parquet = pq.ParquetFile(path)
        columns = parquet.schema_arrow.names
        if "text" not in columns and "sentences" not in columns:
            yield Skipped(str(path), f"no 'text' column (found: {', '.join(columns) or 'none'}); "
                                     "add a text column (id, text[, outlet, url, title, published]).")
            return
        for batch in parquet.iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                found += 1
                yield _row_article(row, f"{path}:{found}", registry, entry)
    except (OSError, ValueError) as e:  # pyarrow raises ArrowInvalid (a ValueError) for a broken file
        yield Skipped(str(path), f"cannot read the Parquet file ({e}); check that it is a complete Parquet file.")
        return
    if not found:
        yield Skipped(str(path), "no articles in this Parquet file (it has no rows); add rows.")


def _sentences_cell(value: str) -> list[str]:
    """A CSV `sentences` cell: a JSON list, or one sentence per line."""
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = None
    return [str(s) for s in parsed] if isinstance(parsed, list) else value.splitlines()


# ---------------------------------------------------------------- manifests


class _Manifests:
    """Manifest entries by file, read once each, and the entries that named no file."""

    def __init__(self) -> None:
        self._read: set[Path] = set()
        self._entries: list[tuple[Path, str, Entry, str, bool]] = []  # folder, name, entry, source, explicit
        self._used: set[int] = set()

    def add(self, path: Path, explicit: bool = False) -> Iterator[Skipped]:
        key = path.resolve()
        if key in self._read:
            return
        self._read.add(key)
        if not path.is_file():
            yield Skipped(str(path), "manifest not found; check the path given as the manifest.")
            return
        rows = _jsonl_rows(path) if path.suffix.lower() == ".jsonl" else _csv_rows(path)
        for source, row in rows:
            if isinstance(row, Skipped):
                yield row
                continue
            name = _text_field(row.get("file") or row.get("filename") or row.get("path"))
            if name is None:
                yield Skipped(source, "manifest row has no 'file' value; name the article file it describes.")
                continue
            entry = Entry(*(_text_field(row.get(f)) for f in _FIELDS))
            self._entries.append((path.parent, name, entry, source, explicit))

    def entry(self, path: Path) -> Entry | None:
        """The manifest entry for a file: by path relative to the manifest, or (for a manifest
        given explicitly) by file name alone."""
        resolved = path.resolve()
        best = None
        for i, (folder, name, entry, _, explicit) in enumerate(self._entries):
            if (folder / name).resolve() == resolved:
                self._used.add(i)
                return entry
            if best is None and explicit and name == path.name:
                best = i
        if best is not None:
            self._used.add(best)
            return self._entries[best][2]
        return None

    def missing(self) -> Iterator[Skipped]:
        for i, (folder, name, _, source, _) in enumerate(self._entries):
            if i not in self._used and not (folder / name).is_file():
                yield Skipped(source, f"manifest names '{name}', which is not in {folder}; "
                                      "fix the file name or remove the row.")


def _jsonl_rows(path: Path) -> Iterator[tuple[str, dict | Skipped]]:
    try:
        with path.open("rb") as f:
            for lineno, raw in enumerate(f, 1):
                source = f"{path}:{lineno}"
                if not raw.strip():
                    continue
                try:
                    row = json.loads(raw.decode("utf-8-sig"))
                except (UnicodeDecodeError, json.JSONDecodeError) as e:
                    yield source, Skipped(source, f"malformed manifest line ({e}); fix or remove it.")
                    continue
                if isinstance(row, dict):
                    yield source, row
                else:
                    yield source, Skipped(source, "manifest line is not a JSON object; fix or remove it.")
    except OSError as e:
        yield str(path), Skipped(str(path), f"cannot read the manifest ({e.strerror}).")


def _csv_rows(path: Path) -> Iterator[tuple[str, dict | Skipped]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            for row in reader:
                yield f"{path}:{reader.line_num}", {k.strip().lower(): v for k, v in row.items() if k}
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        yield str(path), Skipped(str(path), f"cannot read the manifest ({e}); save it as UTF-8 CSV.")
