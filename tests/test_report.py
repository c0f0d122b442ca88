"""The statistical report through the CLI: formats, options, the extended JSON schema, and explain."""

import csv
import io
import json
import re

from typer.testing import CliRunner

from biascheck.cli import app
from biascheck.report.table import ROW_FIELDS

runner = CliRunner()


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_table_shows_intervals_flags_and_method(samples):
    result = run("compare", samples, "--model", "fake")
    assert result.exit_code == 0, result.output
    assert "net [95% CI]" in result.stdout and "vs others" in result.stdout
    assert "few-articles" in result.stdout  # one article per sample outlet
    assert "Benjamini-Hochberg" in result.stdout and "bootstrap over articles" in result.stdout


def test_no_stats_gives_the_base_table(samples):
    result = run("compare", samples, "--model", "fake", "--no-stats")
    assert result.exit_code == 0 and "CI" not in result.stdout and "net" in result.stdout


def test_json_with_stats_extends_the_base_schema(samples):
    result = run("compare", samples, "--model", "fake", "-f", "json", "--stats", "--evidence", "2",
                 "--min-articles", "1", "--min-mentions", "3", "--correction", "holm")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[:4] == ["rows", "model", "articles", "skipped"]
    assert data["method"]["correction"] == "holm" and data["method"]["min_mentions"] == 3
    assert data["model"] == "fake@1" and data["articles"] == 5
    for row in data["rows"]:
        assert list(row)[: len(ROW_FIELDS)] == list(ROW_FIELDS)
        assert set(row) - set(ROW_FIELDS) == {"interval", "flags", "difference", "evidence"}
        assert set(row["interval"]) == {"net", "negative", "neutral", "positive"}
        assert "few-articles" not in row["flags"]
        assert row["flags"] == ([] if row["mentions"] >= 3 else ["few-mentions"])
        assert len(row["evidence"]["positive"]) <= 2 and len(row["evidence"]["negative"]) <= 2
        for e in row["evidence"]["positive"] + row["evidence"]["negative"]:
            assert set(e["article"]) == {"id", "title", "outlet", "source", "url"}
            assert e["article"]["outlet"] == row["outlet"]
            start, end = e["spans"][0]
            assert e["sentence"][start:end]
    assert any(r["difference"] for r in data["rows"])


def test_json_and_csv_flag_cells_by_default_and_keep_the_base_fields_first(samples):
    data = json.loads(run("compare", samples, "--model", "fake", "-f", "json").stdout)
    assert list(data)[:4] == ["rows", "model", "articles", "skipped"]
    assert all("flags" in row for row in data["rows"])
    plain = json.loads(run("compare", samples, "--model", "fake", "-f", "json", "--no-stats").stdout)
    assert list(plain) == ["rows", "model", "articles", "skipped"]
    header = run("compare", samples, "--model", "fake", "-f", "csv").stdout.splitlines()[0]
    assert header.startswith(",".join(ROW_FIELDS) + ",net_low,net_high")
    assert "flags" in header and "p_adjusted" in header


def test_csv_with_stats_has_one_row_per_cell(samples):
    text = run("compare", samples, "--model", "fake", "-f", "csv", "--stats").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) >= 10 and all(r["flags"] for r in rows)


def test_markdown_report_has_sections_evidence_and_method(samples, tmp_path):
    out = tmp_path / "report.md"
    result = run("compare", samples, "--model", "fake", "-f", "markdown", "-o", out)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    for heading in ("## Russia", "## NATO", "## EU", "## Evidence", "## Method"):
        assert heading in text
    assert "| outlet" in text and "**" in text


def test_charts_folder(samples, tmp_path):
    result = run("compare", samples, "--model", "fake", "--charts", tmp_path / "charts")
    assert result.exit_code == 0 and "3 charts" in result.stderr
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == ["eu.svg", "nato.svg", "russia.svg"]


def test_by_type_report(samples):
    data = json.loads(run("compare", samples, "--model", "fake", "--by", "type", "-f", "json", "--stats").stdout)
    wire = [r for r in data["rows"] if r["outlet"] == "wire" and r["target"] == "Russia"][0]
    assert wire["articles"] == 2 and wire["interval"]["net"] is not None
    assert data["by"] == "type"


def test_markdown_refuses_no_stats(samples):
    result = run("compare", samples, "--model", "fake", "-f", "markdown", "--no-stats")
    assert result.exit_code == 2 and "--no-stats" in result.output


def test_explain_a_file_marks_every_mention(samples):
    result = run("explain", samples / "004_21f842e8bf764d39.txt", "--model", "fake",
                 "--manifest", samples / "manifest.csv")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "outlet: Sputnik" in out and "page furniture dropped" in out
    assert "[Russia: " in out and "(Russia): " in out  # "Russian" is marked as a mention of Russia
    assert re.search(r"\[NATO: (negative 0\.70|neutral 0\.80|positive 0\.60)\]", out)
    assert any(re.match(r"Russia: \d+ mentions, net [+-]\d\.\d\d$", line) for line in out.splitlines())


def test_explain_missing_file():
    result = run("explain", "no/such/file.txt", "--model", "fake")
    assert result.exit_code == 1 and "no/such/file.txt" in result.output


def test_explain_from_a_store(samples, tmp_path):
    store = tmp_path / "scores.db"
    scored = run("score", samples, "--store", store, "--model", "fake")
    assert scored.exit_code == 0, scored.output
    data = json.loads(run("compare", "--store", store, "-f", "json", "--stats", "--evidence", "1").stdout)
    article_id = next(r["evidence"]["positive"] or r["evidence"]["negative"] for r in data["rows"]
                      if r["evidence"]["positive"] or r["evidence"]["negative"])[0]["article"]["id"]
    result = run("explain", article_id[:8], "--store", store)
    assert result.exit_code == 0, result.output
    assert "from a store" in result.stdout and "[" in result.stdout
    missing = run("explain", "ffffffffffff", "--store", store)
    assert missing.exit_code == 1 and "has no article" in missing.output


def test_model_card_metrics_reach_the_report(tmp_path):
    from biascheck.report.build import read_model_card

    card = tmp_path / "README.md"
    card.write_text("# m\n\nHeld-out Ukraine-crisis articles (212 rows, never trained on): macro-F1 0.712, "
                    "accuracy 0.781.\n\n| rows | n | macro-F1 | accuracy |\n")
    found = read_model_card(card, "m@1", "target stance")
    assert dict(found.metrics) == {"accuracy": "0.781", "macro F1": "0.712"}
    assert found.summary() == "accuracy 0.781, macro F1 0.712 on held-out Ukraine-crisis articles (212 rows)"
    card.write_text("Test accuracy: 0.81\nmacro F1 = 0.77\n")
    assert read_model_card(card, "m@1").summary() == "accuracy 0.81, macro F1 0.77"
    missing = read_model_card(tmp_path / "none.md", "m@1")
    assert missing.metrics == () and "no measured accuracy" in missing.summary()


def test_model_card_only_for_the_model_that_scored(tmp_path):
    from biascheck.report.build import model_card_for
    from biascheck.types import Comparison

    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "README.md").write_text("Held-out articles (10 rows, never trained on): macro-F1 0.5, accuracy 0.6.\n")
    mine = Comparison(rows=(), model="my-model@abc", articles=0)
    assert dict(model_card_for(str(folder), mine).metrics) == {"accuracy": "0.6", "macro F1": "0.5"}
    other = Comparison(rows=(), model="lexicon@vader-3.3.2", articles=0)
    assert model_card_for(str(folder), other).metrics == ()
    assert model_card_for(str(folder), Comparison(rows=(), model="else@1", articles=0)).metrics == ()
