"""Exports of the marts (Parquet, HXL-tagged CSV) and the SQLAlchemy route BI tools use, on a real warehouse.

The warehouse is built once per session by the real flow (Prefect harness, dbt, GX)
from three of the project's fictional sample pages; tests/test_report.py reuses it.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import sqlalchemy

from flows.serve.export import HXL_TAGS, ExportError, export_marts, hxl_row
from flows.settings import SAMPLE_DIR

SAMPLE_PAGES = ("a_nav_honduras_returns.txt", "c_regional_costa_rica_survey.txt", "d_listing_mesoamerica.txt")
CONTRACT_TABLES = {
    "dim_articles",
    "dim_countries",
    "fct_country_mentions",
    "fct_counts",
    "dim_funders",
    "fct_funding_mentions",
    "fct_events",
}
# HXL 1.1 core hashtags (https://hxlstandard.org/standard/1-1final/dictionary/)
HXL_CORE = set(
    (
        "access activity adm1 adm2 adm3 adm4 adm5 affected beneficiary capacity cause channel "
        "contact country crisis currency date delivery description event frequency geo group impact "
        "indicator inneed item loc meta modality need operations org output population position "
        "reached region respondee sector service severity status subsector targeted value"
    ).split()
)
HXL_TAG = re.compile(r"^#([a-z][a-z0-9_]*)(\+[a-z][a-z0-9_]*)*$")


def build_sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The flow's warehouse for three sample pages, built once per test session (cached in basetemp)."""
    root = tmp_path_factory.getbasetemp() / "sample_warehouse"
    warehouse = root / "pressfacts.duckdb"
    if warehouse.exists():
        return warehouse
    from flows.flow import pressfacts_flow

    source = root / "pages"
    source.mkdir(parents=True, exist_ok=True)
    for name in SAMPLE_PAGES:
        shutil.copyfile(SAMPLE_DIR / name, source / name)
    summary = pressfacts_flow(source, warehouse, None)
    assert summary.status == "succeeded"
    return warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, prefect_harness) -> Path:
    return build_sample_warehouse(tmp_path_factory)


def _mart_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        return {t: con.execute(f'select count(*) from marts."{t}"').fetchall()[0][0] for t in tables}


@pytest.mark.e2e
def test_parquet_export_round_trips_every_mart(warehouse, tmp_path):
    counts = _mart_counts(warehouse)
    assert CONTRACT_TABLES <= set(counts)
    assert counts["fct_counts"] > 0 and counts["fct_events"] > 0

    files = export_marts(warehouse, tmp_path / "out", "parquet")

    assert {f.name for f in files} == {f"{t}.parquet" for t in counts}
    assert not list((tmp_path / "out").glob(".*")), "no partial file is left behind"
    with duckdb.connect() as con, duckdb.connect(str(warehouse), read_only=True) as src:
        for path in files:
            table = path.stem
            assert pq.read_metadata(path).num_rows == counts[table]
            exported = con.execute(f"describe select * from read_parquet('{path}')").fetchall()
            original = src.execute(f'describe select * from marts."{table}"').fetchall()
            assert [(c[0], c[1]) for c in exported] == [(c[0], c[1]) for c in original], table
        # values survive, not just shapes: the same facts, row for row
        facts = "select sum(value), count(distinct count_id) from {}"
        exported_facts = con.execute(facts.format(f"read_parquet('{tmp_path}/out/fct_counts.parquet')")).fetchall()
        assert exported_facts == src.execute(facts.format("marts.fct_counts")).fetchall()


@pytest.mark.e2e
def test_csv_export_has_the_hxl_row_under_the_header(warehouse, tmp_path):
    counts = _mart_counts(warehouse)

    files = export_marts(warehouse, tmp_path, "csv")

    assert {f.name for f in files} == {f"{t}.csv" for t in counts}
    for path in files:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header, tags, data = rows[0], rows[1], rows[2:]
        assert tags[0].startswith("#"), path.name
        assert len(tags) == len(header)
        assert len(data) == counts[path.stem], path.name  # quoted line breaks in sentences stay in their cell
        for tag in filter(None, tags):
            match = HXL_TAG.match(tag)
            assert match and match.group(1) in HXL_CORE, f"{path.name}: {tag} is not an HXL core hashtag"
    with (tmp_path / "fct_events.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        events = dict(zip(next(reader), next(reader), strict=True))
    assert events["country_iso3"] == "#country+code+v_iso3"
    assert events["start_date"] == "#date+start" and events["end_date"] == "#date+end"
    assert events["event_type"] == "#event+type"


def test_hxl_row_leaves_unknown_columns_empty():
    assert hxl_row(["country_name", "ordinal", "funder_name"]) == ["#country+name", "", "#org+funder+name"]
    assert all(HXL_TAG.match(tag) for tag in HXL_TAGS.values())


def test_export_refuses_a_missing_warehouse(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    with pytest.raises(ExportError, match="does not exist"):
        export_marts(missing, tmp_path / "out", "csv")
    assert not missing.exists(), "a read-only export never creates a warehouse"


def test_export_refuses_a_warehouse_without_marts(tmp_path):
    empty = tmp_path / "empty.duckdb"
    with duckdb.connect(str(empty)) as con:
        con.execute("create schema raw; create table raw.articles (article_id varchar)")
    with pytest.raises(ExportError, match="no schema 'marts'"):
        export_marts(empty, tmp_path / "out", "parquet")


def test_export_refuses_an_unknown_format(tmp_path):
    with pytest.raises(ExportError, match="unknown export format 'xlsx'"):
        export_marts(tmp_path / "any.duckdb", tmp_path, "xlsx")


HOLDER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
    con.execute("select count(*) from marts.fct_counts").fetchall()
    print("holding", flush=True)
    sys.stdin.read()  # hold the connection until the test closes our stdin
    """
)


def _hold(warehouse: Path, mode: str) -> subprocess.Popen:
    """Another process holding a connection to ``warehouse`` open (read-only 'ro' or read-write 'rw')."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "holding"
    return proc


def _release(proc: subprocess.Popen) -> None:
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0


def _sqlalchemy_count(warehouse: Path) -> int:
    engine = sqlalchemy.create_engine(f"duckdb:///{warehouse}", connect_args={"read_only": True})
    try:
        with engine.connect() as conn:
            return conn.execute(
                sqlalchemy.text(
                    "select count(*) from marts.fct_counts c join marts.dim_articles a using (article_id) "
                    "where c.unit = :unit"
                ),
                {"unit": "persons"},
            ).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.e2e
def test_sqlalchemy_read_only_reader_is_not_blocked_by_another_reader(warehouse, tmp_path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        expected = con.execute("select count(*) from marts.fct_counts where unit = 'persons'").fetchall()[0][0]
    assert expected > 0

    holder = _hold(warehouse, "ro")
    try:
        assert _sqlalchemy_count(warehouse) == expected
        assert export_marts(warehouse, tmp_path, "parquet")  # and an export runs beside both readers
    finally:
        _release(holder)


@pytest.mark.e2e
def test_sqlalchemy_access_mode_in_the_uri_is_read_only(warehouse):
    engine = sqlalchemy.create_engine(f"duckdb:///{warehouse}?access_mode=read_only")
    try:
        with engine.connect() as conn:
            assert conn.execute(sqlalchemy.text("select current_setting('access_mode')")).scalar_one() == "read_only"
            with pytest.raises(sqlalchemy.exc.DBAPIError, match="read-only"):
                conn.execute(sqlalchemy.text("create table marts.scratch (x int)"))
    finally:
        engine.dispose()


@pytest.mark.e2e
def test_a_writer_would_block_the_reader(warehouse, tmp_path):
    """Control: the lock the tests above rely on is real, so their success means something."""
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse, copy)
    writer = _hold(copy, "rw")
    try:
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="(?i)lock"):
            _sqlalchemy_count(copy)
    finally:
        _release(writer)


def test_csv_export_defuses_spreadsheet_formulas(tmp_path):
    """OWASP CSV injection: a text cell starting with = + - @ tab or CR is shown, never run."""
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.dim_articles (article_id varchar, title varchar, value integer)")
        rows = [
            ("a", '=HYPERLINK("http://x","y")', -5),
            ("b", "+1 234", 1),
            ("c", "-cmd", 2),
            ("d", "@SUM(A1)", 3),
            ("e", "\tTab", 4),
            ("f", "\rCR", 5),
            ("g", "Plain = title", 6),
        ]
        con.executemany("insert into marts.dim_articles values (?, ?, ?)", rows)
    [path] = export_marts(warehouse, tmp_path / "out", "csv")
    with path.open(newline="", encoding="utf-8") as fh:
        table = list(csv.reader(fh))[2:]  # header, HXL row, then the rows
    titles = {r[0]: r[1] for r in table}
    assert titles["a"] == '\'=HYPERLINK("http://x","y")'
    assert all(titles[k].startswith("'") for k in "bcdef")
    assert titles["g"] == "Plain = title"
    assert {r[0]: r[2] for r in table}["a"] == "-5"  # numbers are numbers, not text: left as they are


PII_PAGE = """IOM Opens a Migrant Resource Centre in San Salvador

San Salvador - IOM opened a resource centre that will advise 2,000 migrants a year, funded by the European Union.

For more information please contact:
Ana Example, IOM El Salvador, Tel: +503 2521-0500, Mobile 7012 3456, Email: ana.example@iom.int
Media: PRESS [at] example [dot] org, press(at)example.org, OFFICE@EXAMPLE.ORG, phone (503) 2234-5678
"""
PII_FORMS = [
    r"[\w.+-]+@[\w-]+\.\w+",  # e-mail, any case
    r"\w+\s*[\[(]\s*at\s*[\])]\s*\w+",  # obfuscated e-mail
    r"\d{4}[- ]\d{4}",  # local phone groups
    r"\+503",
]


@pytest.mark.e2e
def test_no_personal_data_in_any_exported_file(tmp_path, prefect_harness):
    """Every form of e-mail and phone number on the page is masked before storage, so no export holds it."""
    from flows.flow import pressfacts_flow

    src = tmp_path / "landing"
    src.mkdir()
    (src / "pii.txt").write_text(PII_PAGE, encoding="utf-8")
    warehouse = tmp_path / "w" / "pressfacts.duckdb"
    assert pressfacts_flow(src, warehouse, None).status == "succeeded"
    files = export_marts(warehouse, tmp_path / "csv", "csv") + export_marts(warehouse, tmp_path / "pq", "parquet")
    for path in files:
        if path.suffix == ".parquet":
            text = "\n".join(str(v) for row in duckdb.sql(f"select * from '{path}'").fetchall() for v in row)
        else:
            text = path.read_text(encoding="utf-8")
        for form in PII_FORMS:
            assert not re.search(form, text, flags=re.IGNORECASE), f"{path.name}: {form} survives"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(kept,)] = con.execute("select count(*) from marts.fct_counts where value = 2000").fetchall()
    assert kept == 1  # the page's own figure is untouched
