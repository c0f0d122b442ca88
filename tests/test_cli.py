"""The CLI through CliRunner: every command and format, the JSON schema, and bad input."""

import json
import subprocess
import sys

import pytest
from tabulate import tabulate_formats
from typer.testing import CliRunner

from biascheck.cli import app
from biascheck.report.table import ROW_FIELDS

runner = CliRunner()
TARGETS = ("Russia", "NATO", "EU")
ARTICLE = "Officials in Belgrade said on Monday that Russia and NATO had both asked for talks this year.\n"


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def compare_json(*args):
    result = run("compare", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- compare on the samples ---------------------------------------------------------------


def test_compare_samples_with_fake_model(samples, fake_model):
    result = run("compare", samples, "--model", "fake")
    assert result.exit_code == 0, result.output
    for outlet in ("Reuters", "Sputnik"):
        assert outlet in result.stdout
    assert "5 articles read" in result.stderr
    assert "fake@1 (keyword test stance)" in result.stderr
    assert fake_model and fake_model[0].batches  # the scorer given by --model did the scoring


def test_compare_samples_with_lexicon(samples):
    result = run("compare", samples, "--model", "lexicon")
    assert result.exit_code == 0, result.output
    assert "sentence tone (not target stance)" in result.stderr
    assert "Sputnik" in result.stdout


def test_json_schema(samples):
    data = compare_json(samples, "--model", "fake")
    assert list(data)[:4] == ["rows", "model", "articles", "skipped"]
    assert data["model"] == "fake@1" and data["articles"] == 5 and data["skipped"] == []
    assert data["rows"], "the samples mention all three targets"
    for row in data["rows"]:
        assert list(row)[: len(ROW_FIELDS)] == list(ROW_FIELDS)
        assert "flags" in row and "interval" in row
        assert row["target"] in TARGETS
        assert isinstance(row["articles"], int) and isinstance(row["mentions"], int)
        assert row["articles"] >= 1 and row["mentions"] >= row["articles"]
        assert row["negative"] + row["neutral"] + row["positive"] == pytest.approx(1, abs=1e-3)
        assert -1 <= row["net"] <= 1
    order = [(TARGETS.index(r["target"]), r["outlet"].casefold()) for r in data["rows"]]
    assert order == sorted(order)


def test_sample_outlets_and_types(samples):
    rows = compare_json(samples, "--model", "fake")["rows"]
    types = {r["outlet"]: r["outlet_type"] for r in rows}
    assert len(types) == 5
    assert types["Reuters"] == "wire"
    assert types["Sputnik"] == "state-affiliated"
    assert sorted(types.values()).count("wire") == 2  # AP and Reuters, although found on local sites
    russia = {r["outlet"] for r in rows if r["target"] == "Russia"}
    assert russia == set(types)  # every sample mentions Russia


def test_by_type(samples):
    rows = compare_json(samples, "--model", "fake", "--by", "type")["rows"]
    assert all(r["outlet"] == r["outlet_type"] for r in rows)
    wire = [r for r in rows if r["outlet"] == "wire" and r["target"] == "Russia"]
    assert wire and wire[0]["articles"] == 2


def test_fake_scores_reach_the_table(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Officials said on Monday that Russia is a friendly partner of the region.\n\n"
        "A local blog says NATO is a threat to the whole region.\n"
    )
    (row_russia, row_nato) = compare_json(tmp_path, "--model", "fake")["rows"]
    assert (row_russia["target"], row_russia["positive"], row_russia["net"]) == ("Russia", 1.0, 0.5)
    assert (row_nato["target"], row_nato["negative"], row_nato["net"]) == ("NATO", 1.0, -0.6)


FORMATS = [*tabulate_formats, "csv", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format(samples, fmt):
    result = run("compare", samples, "--model", "fake", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "Sputnik" in result.stdout and "NATO" in result.stdout


def test_csv_columns(samples):
    result = run("compare", samples, "--model", "fake", "-f", "csv")
    lines = result.stdout.splitlines()
    assert lines[0].startswith(",".join(ROW_FIELDS) + ",")
    assert "flags" in lines[0].split(",")
    assert len(lines) > 5


def test_output_file(samples, tmp_path):
    out = tmp_path / "table.json"
    result = run("compare", samples, "--model", "fake", "-f", "json", "-o", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["articles"] == 5


def test_output_into_missing_folder(samples, tmp_path):
    result = run("compare", samples, "--model", "fake", "-o", tmp_path / "no" / "t.txt")
    assert result.exit_code == 1 and "cannot write" in result.stderr


def test_user_targets_add_china(samples, tmp_path):
    path = tmp_path / "t.toml"
    path.write_text('[targets.China]\naliases = ["China", "Chinese", "Beijing"]\n')
    rows = compare_json(samples, "--model", "fake", "--targets", path)["rows"]
    targets = [r["target"] for r in rows]
    assert "China" in targets and targets[-1] == "China"


def test_bad_format_is_a_usage_error(samples):
    result = run("compare", samples, "--format", "nope")
    assert result.exit_code == 2 and "unknown format 'nope'" in result.output and "github" in result.output


# --- sentences and outlets ---------------------------------------------------------------


def test_sentences(samples):
    result = run("sentences", samples / "001_b748638787c85d06.txt", "--model", "fake")
    assert result.exit_code == 0, result.output
    assert "«Russia»" in result.stdout and "«NATO»" in result.stdout
    assert "Reuters" in result.stdout and "neutral" in result.stdout


def test_sentences_json_has_spans_and_probabilities(samples):
    result = run("sentences", samples, "--model", "fake", "-f", "json")
    rows = json.loads(result.stdout)
    assert {r["target"] for r in rows} == set(TARGETS)
    for r in rows:
        for a, b in r["spans"]:
            assert 0 <= a < b <= len(r["sentence"])
        assert r["label"] in ("negative", "neutral", "positive")
        assert r["p"] == pytest.approx(r[r["label"]], abs=1e-3)


@pytest.mark.parametrize("fmt", ["simple", "github", "csv"])
def test_sentences_formats(samples, fmt):
    result = run("sentences", samples, "--model", "fake", "-f", fmt)
    assert result.exit_code == 0 and "Sputnik" in result.stdout


def test_outlets():
    result = run("outlets")
    assert result.exit_code == 0
    for name in ("Reuters", "Sputnik", "RT"):
        assert name in result.stdout


def test_outlets_json():
    rows = json.loads(run("outlets", "-f", "json").stdout)
    assert len(rows) >= 40
    assert set(rows[0]) == {"name", "type", "country", "domains", "note"}
    assert {r["type"] for r in rows} <= {"wire", "state-affiliated", "public-broadcaster", "national",
                                         "regional", "partisan", "unknown"}


# --- bad input: a clear message naming the file, the rest still processed -------------------


def test_missing_path_is_skipped_and_the_rest_processed(samples, tmp_path):
    missing = tmp_path / "nope.txt"
    result = run("compare", samples, missing, "--model", "fake")
    assert result.exit_code == 0
    assert "Skipped 1 input" in result.stderr and str(missing) in result.stderr


def test_only_a_missing_path_exits_non_zero(tmp_path):
    result = run("compare", tmp_path / "nope.txt", "--model", "fake")
    assert result.exit_code == 1
    assert "nope.txt" in result.stderr and "no article could be processed" in result.stderr


def test_empty_folder(tmp_path):
    result = run("compare", tmp_path, "--model", "fake")
    assert result.exit_code == 1 and str(tmp_path) in result.stderr


@pytest.mark.parametrize(
    "name, content",
    [("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), ("latin1.txt", "Moskva \xe9t\xe9 Russia".encode("latin-1"))],
)
def test_binary_and_non_utf8_files_are_skipped(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(ARTICLE)
    result = run("compare", tmp_path, "--model", "fake")
    assert result.exit_code == 0
    assert name in result.stderr and "Skipped 1 input" in result.stderr
    assert "1 article read" in result.stderr


def test_malformed_jsonl_line_names_file_and_line(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text('{"id": "1", "text": "Russia and NATO met."}\n{"id": "2", "text": \n{"id": "3", "text": "EU too."}\n')
    result = run("compare", path, "--model", "fake", "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["articles"] == 2
    (skip,) = data["skipped"]
    assert "articles.jsonl" in skip["source"] and "2" in skip["source"] + skip["reason"]
    assert "articles.jsonl" in result.stderr


def test_article_with_no_text_is_skipped(tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text('{"id": "1", "text": "Russia and NATO met."}\n{"id": "2", "text": "   "}\n')
    data = compare_json(path, "--model", "fake")
    assert data["articles"] == 1 and len(data["skipped"]) == 1


def test_manifest_naming_a_missing_file(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,outlet\na.txt,Reuters\nmissing.txt,Sputnik\n")
    result = run("compare", tmp_path, "--manifest", manifest, "--model", "fake", "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["articles"] == 1 and data["rows"][0]["outlet"] == "Reuters"
    assert any("missing.txt" in s["source"] + s["reason"] for s in data["skipped"])


def test_malformed_targets_file(samples, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[targets.China\n")
    result = run("compare", samples, "--targets", bad, "--model", "fake")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and str(bad) in result.stderr


def test_missing_option_file_is_a_usage_error(samples, tmp_path):
    result = run("compare", samples, "--targets", tmp_path / "none.toml")
    assert result.exit_code == 2 and "none.toml" in result.output


def test_missing_model_folder_is_a_clean_error(samples, tmp_path):
    result = run("compare", samples, "--model", tmp_path / "no-model")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "no-model" in result.stderr


def test_no_arguments_shows_help():
    result = run()
    assert "compare" in result.output and "sentences" in result.output


# --- start-up -----------------------------------------------------------------------------


def test_help_imports_no_heavy_library():
    code = (
        "import sys; from typer.testing import CliRunner; from biascheck.cli import app;"
        "CliRunner().invoke(app, ['--help']); CliRunner().invoke(app, ['compare', '--help']);"
        "print(sorted(m for m in ('torch', 'transformers', 'vaderSentiment', 'trafilatura', 'nltk') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_python_dash_m():
    result = subprocess.run([sys.executable, "-m", "biascheck", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "compare" in result.stdout
