"""The HTML report: self-contained, complete, escaped, and rendered by a real headless Chromium."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from biascheck.cli import app
from biascheck.report.html import render_html
from biascheck.report.model import Method

from browser import find_chromium, render
from test_stats import corpus

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
TARGETS = ("Russia", "NATO", "EU")


class Links(HTMLParser):
    """Every tag and every attribute that could load something."""

    def __init__(self):
        super().__init__()
        self.tags, self.urls, self.styles = [], [], []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "action", "poster", "data", "background") and value:
                self.urls.append(value)
            if name == "style" and value:
                self.styles.append(value)

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    """The samples' report, made by the command a user would run."""
    folder = tmp_path_factory.mktemp("report")
    out, charts = folder / "report.html", folder / "charts"
    result = CliRunner().invoke(app, ["compare", str(ROOT / "samples"), "--model", "lexicon", "--format", "html",
                                      "--output", str(out), "--charts", str(charts)])
    assert result.exit_code == 0, result.output
    return out, charts


def test_html_is_self_contained(sample_report):
    html = sample_report[0].read_text(encoding="utf-8")
    links = Links()
    links.feed(html)
    assert links.urls, "the page has its in-page links"
    assert all(u.startswith("#") for u in links.urls), links.urls
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(links.tags)
    css = "\n".join(links.styles)
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)


def test_html_has_charts_table_evidence_and_method(sample_report):
    html = sample_report[0].read_text(encoding="utf-8")
    for target in TARGETS:
        assert f'data-target="{target}"' in html
    assert html.count("<svg") == 2 * len(TARGETS)  # a wide and a narrow chart per target
    assert html.count("<table") == len(TARGETS)
    assert "Evidence" in html and "<mark>" in html
    assert "Benjamini-Hochberg" in html and "permutation test" in html and "bootstrap" in html
    assert "lexicon@" in html and "not target stance" in html
    assert "few-articles" in html and "@media print" in html and "max-width: 640px" in html


def test_charts_folder_has_one_valid_svg_per_target(sample_report):
    files = sorted(p.name for p in sample_report[1].iterdir())
    assert files == ["eu.svg", "nato.svg", "russia.svg"]
    for name in files:
        root = ET.parse(sample_report[1] / name).getroot()
        assert root.tag.endswith("svg")
        assert len(root.findall(".//{http://www.w3.org/2000/svg}rect")) > 3


def test_text_from_articles_is_escaped():
    from biascheck.aggregate import aggregate
    from biascheck.report.build import build_report
    from biascheck.types import Comparison

    data = corpus({"<b>Evil</b> & Co": [[0.5, -0.5], [0.2]], "B": [[0.1]]})
    comparison = Comparison(aggregate(data), "m<script>", 3, scored=tuple(data))
    html = render_html(build_report(comparison, Method(resamples=50, permutations=50)))
    assert "<b>Evil" not in html and "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html
    assert "<script" not in html


needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed")

VISIBLE_CHARTS = (
    "Array.from(document.querySelectorAll('svg.chart'))"
    ".filter(s => s.getBoundingClientRect().width > 0 && s.querySelectorAll('g.bar rect').length > 0).length"
)
CHECKS = {
    "charts": VISIBLE_CHARTS,
    "wide": "Array.from(document.querySelectorAll('.chart-wide')).filter(e => e.offsetParent !== null).length",
    "narrow": "Array.from(document.querySelectorAll('.chart-narrow')).filter(e => e.offsetParent !== null).length",
    "overflow": "document.documentElement.scrollWidth - window.innerWidth",
    "tables": "document.querySelectorAll('table tbody tr').length",
    "title": "document.title",
}


def _check_page(result, page):
    assert result.requests == [page.resolve().as_uri()], "the page loaded nothing else"
    assert result.failed == []
    assert result.console_errors == []
    assert result.values["charts"] == len(TARGETS)
    assert result.values["tables"] > 0 and "Russia" in result.values["title"]
    assert result.values["overflow"] <= 0, "no sideways scrolling of the page"
    assert result.screenshot[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
@needs_chromium
def test_report_renders_in_chromium_on_a_desktop(sample_report):
    page = sample_report[0]
    result = render(page, width=1100, evaluate=CHECKS)
    _check_page(result, page)
    assert (result.values["wide"], result.values["narrow"]) == (len(TARGETS), 0)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.png").write_bytes(result.screenshot)


@pytest.mark.slow
@needs_chromium
def test_report_renders_on_a_phone_and_in_print(sample_report):
    page = sample_report[0]
    phone = render(page, width=390, height=800, evaluate=CHECKS)
    _check_page(phone, page)
    assert (phone.values["wide"], phone.values["narrow"]) == (0, len(TARGETS))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-phone.png").write_bytes(phone.screenshot)
    printed = render(page, width=800, media="print", evaluate=CHECKS)
    _check_page(printed, page)
    assert (printed.values["wide"], printed.values["narrow"]) == (len(TARGETS), 0)


@pytest.mark.slow
@needs_chromium
def test_the_page_check_catches_network_requests_and_console_errors(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><title>bad</title><img src="https://example.invalid/x.png">'
                    '<script>console.error("boom")</script>')
    result = render(page, width=400)
    assert "https://example.invalid/x.png" in result.requests
    assert result.failed
    assert any("boom" in e for e in result.console_errors)
