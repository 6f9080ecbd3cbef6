"""The HTML report: numbers on a small warehouse made here, on the flow's warehouse, in headless Chromium."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from test_export import build_sample_warehouse

from flows.serve.export import ExportError
from flows.serve.report import nice_ticks, wrap_label, write_report

CHARTS = ("chart-timeline", "chart-countries", "chart-funders", "chart-event-types")


class Page(HTMLParser):
    """The parts of the report the tests look at: elements by id, SVG roles and labels, outside links."""

    def __init__(self, text: str):
        super().__init__()
        self.ids: dict[str, dict[str, str]] = {}
        self.text_by_id: dict[str, str] = {}
        self.svgs: list[dict[str, str]] = []
        self.external: list[str] = []
        self.scripts_with_src: list[str] = []
        self._open: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if "id" in attrs:
            self.ids[attrs["id"]] = attrs
            self.text_by_id[attrs["id"]] = ""
            self._open.append(attrs["id"])
        if tag == "svg":
            self.svgs.append(attrs)
        for key in ("src", "href"):
            if re.match(r"(?i)(https?:)?//", attrs.get(key, "")):
                self.external.append(attrs[key])
        if tag == "script" and attrs.get("src"):
            self.scripts_with_src.append(attrs["src"])
        if tag == "link":
            self.external.append(attrs.get("href", ""))

    def handle_endtag(self, tag):
        if tag in ("title", "desc", "h2") and self._open:
            self._open.pop()

    def handle_data(self, data):
        for open_id in self._open:
            self.text_by_id[open_id] += data


def make_warehouse(path: Path) -> Path:
    """A tiny warehouse with known answers: 4 articles (one undated), 3 countries, 2 funders, 4 events."""
    with duckdb.connect(str(path)) as con:
        con.execute("""
            create schema marts;
            create schema audit;
            create table audit.runs as select * from (values
                ('run-old', timestamptz '2025-01-01 10:00:00+00', 'succeeded', 1, 1),
                ('run-new', timestamptz '2025-03-05 09:30:00+00', 'succeeded', 3, 4),
                ('run-failed', timestamptz '2025-03-06 09:30:00+00', 'failed', 0, 0))
                t(run_id, finished_at, status, files_loaded, articles);
            create table marts.dim_articles as select * from (values
                ('a1', date '2024-01-15'), ('a2', date '2024-01-20'), ('a3', date '2024-03-02'), ('a4', null))
                t(article_id, published_date);
            create table marts.dim_countries as select * from (values
                ('HND', 'Honduras'), ('GTM', 'Guatemala'), ('CRI', 'Costa Rica'), ('FRA', 'France'))
                t(country_iso3, country_name);
            create table marts.fct_country_mentions as select * from (values
                ('a1', 'GTM'), ('a1', 'GTM'), ('a2', 'GTM'), ('a3', 'GTM'), ('a1', 'HND'), ('a2', 'HND'),
                ('a4', 'CRI')) t(article_id, country_iso3);
            create table marts.fct_events as select * from (values
                ('e1', 'a1', 'training', 'GTM', 30.0), ('e2', 'a1', 'training', 'GTM', null),
                ('e3', 'a3', 'return', 'HND', null), ('e4', 'a4', 'survey', 'CRI', null))
                t(event_id, article_id, event_type, country_iso3, participants);
            create table marts.fct_counts as select * from (values
                ('c1', 'a1', 'persons'), ('c2', 'a2', 'money'), ('c3', 'a3', 'persons'))
                t(count_id, article_id, unit);
            create table marts.dim_funders as select * from (values
                ('f-usa', 'Example Agency for Development', 'EAD'),
                ('f-ngo', 'Hypothetical Foundation', null)) t(funder_id, funder_name, acronym);
            create table marts.fct_funding_mentions as select * from (values
                ('a1', 'f-usa', 'e1'), ('a1', 'f-usa', 'e2'), ('a2', 'f-ngo', null), ('a3', 'f-ngo', null))
                t(article_id, funder_id, event_id);
        """)
    return path


@pytest.fixture
def report(tmp_path) -> Path:
    return write_report(make_warehouse(tmp_path / "small.duckdb"), tmp_path / "out" / "report.html")


def test_report_holds_four_accessible_charts(report):
    page = Page(report.read_text(encoding="utf-8"))

    assert [svg["id"] for svg in page.svgs] == [
        "chart-timeline",
        "chart-countries",
        "chart-event-types",
        "chart-funders",
    ]
    for chart in CHARTS:
        svg = page.ids[chart]
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert page.text_by_id[title_id].strip() and page.text_by_id[desc_id].strip(), chart
        assert page.text_by_id[f"{chart}-heading"].strip(), chart
    assert page.external == [] and page.scripts_with_src == [], "the report must work offline"


def test_report_numbers_match_the_warehouse(report):
    text = report.read_text(encoding="utf-8")
    page = Page(text)

    assert "run-new" in text and "05 March 2025" in text, "the latest successful run dates the report"
    assert "run-failed" not in text
    assert re.search(r'class="value">4</span><span class="label">Articles', text)
    assert re.search(r'class="value">2</span><span class="label">Funders credited', text)
    assert "1 articles give no date" in text
    # countries ranked by articles mentioning them: Guatemala (3) before Honduras (2) before Costa Rica (1)
    countries = page.text_by_id["chart-countries-desc"]
    assert countries.index("Guatemala 3") < countries.index("Honduras 2") < countries.index("Costa Rica 1")
    assert "France" not in countries
    # funders ranked by activities: the agency credited for two events first, with its acronym
    funders = page.text_by_id["chart-funders-desc"]
    assert funders.index("Example Agency for Development (EAD) 2 activities, 1 articles") < funders.index(
        "Hypothetical Foundation 0 activities, 2 articles"
    )
    assert "training 2" in page.text_by_id["chart-event-types-desc"]
    # every month from January to March 2024, February included with nothing in it
    assert re.search(r"<td>2024-01</td><td>2</td><td>2</td><td>2</td>", text)
    assert re.search(r"<td>2024-02</td><td>0</td><td>0</td><td>0</td>", text)
    assert re.search(r"<td>2024-03</td><td>1</td><td>1</td><td>1</td>", text)


def test_report_escapes_names_from_the_text(tmp_path):
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update marts.dim_funders set funder_name = 'A <b>bold</b> & \"quoted\" fund' where funder_id = 'f-ngo'"
        )
    text = write_report(warehouse, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<b>bold</b>" not in text and "A &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; fund" in text


def test_report_on_an_empty_warehouse_says_no_data(tmp_path):
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        for table in (
            "dim_articles",
            "fct_country_mentions",
            "fct_events",
            "fct_counts",
            "fct_funding_mentions",
        ):
            con.execute(f"delete from marts.{table}")
    page = Page(write_report(warehouse, tmp_path / "r.html").read_text(encoding="utf-8"))
    assert all(page.text_by_id[f"{chart}-desc"] == "No data in the warehouse yet." for chart in CHARTS)


def test_report_refuses_a_missing_warehouse(tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        write_report(tmp_path / "missing.duckdb", tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_wrap_label_keeps_two_lines_and_marks_a_cut():
    assert wrap_label("Mexico", 24) == ["Mexico"]
    assert wrap_label("United States Agency for International Development", 24) == [
        "United States Agency for",
        "International Development"[:23] + "…",
    ]
    assert all(len(line) <= 24 for line in wrap_label("a " * 40, 24))


def test_nice_ticks_cover_the_maximum_in_round_steps():
    assert nice_ticks(25) == [0, 5, 10, 15, 20, 25]
    assert nice_ticks(8) == [0, 2, 4, 6, 8]
    assert nice_ticks(1) == [0, 1]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(1234)[-1] >= 1234 and len(nice_ticks(1234)) <= 7


@pytest.mark.e2e
def test_report_on_the_flows_warehouse(tmp_path_factory, prefect_harness, tmp_path):
    warehouse = build_sample_warehouse(tmp_path_factory)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        run_id = con.execute("select run_id from audit.runs where status = 'succeeded'").fetchall()[-1][0]
        articles = con.execute("select count(*) from marts.dim_articles").fetchall()[0][0]
    text = write_report(warehouse, tmp_path / "report.html").read_text(encoding="utf-8")
    page = Page(text)
    assert run_id in text
    assert re.search(rf'class="value">{articles}</span><span class="label">Articles', text)
    assert all(chart in page.ids for chart in CHARTS)
    assert "No data yet" not in text


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [shutil.which("chromium"), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def _png_size_and_colours(png: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct byte values in the decoded image data (1-2 when blank)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    pos, idat = 8, b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        if kind == b"IDAT":
            idat += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return width, height, len(set(zlib.decompress(idat)))


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not on PATH (apt-get install chromium)")
def test_report_renders_in_headless_chromium(report, tmp_path):
    url = report.resolve().as_uri()

    dom = _chromium("--dump-dom", url, profile=tmp_path / "profile-dom").stdout

    for chart in CHARTS:
        svg = re.search(rf'<svg id="{chart}".*?</svg>', dom, re.DOTALL)
        assert svg and "<rect" in svg.group(0), f"{chart} is not in the rendered DOM"
    assert 'data-charts-rendered="4"' in dom, "the browser laid out all four charts with a size"

    shot = tmp_path / "report.png"
    _chromium(f"--screenshot={shot}", "--window-size=1200,1600", url, profile=tmp_path / "profile-shot")
    width, height, colours = _png_size_and_colours(shot.read_bytes())
    assert (width, height) == (1200, 1600)
    assert colours > 50, "the screenshot is blank"


def test_month_axis_spans_years(tmp_path):
    """December to February crosses a year: three months, none skipped."""
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update marts.dim_articles set published_date = ? where article_id = 'a1'", [date(2023, 12, 31)])
        con.execute(
            "update marts.dim_articles set published_date = ? where article_id in ('a2', 'a3')",
            [date(2024, 2, 1)],
        )
    text = write_report(warehouse, tmp_path / "r.html").read_text(encoding="utf-8")
    assert re.findall(r"<td>(\d{4}-\d\d)</td>", text) == ["2023-12", "2024-01", "2024-02"]
