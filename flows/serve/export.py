"""Export the published marts as files a spreadsheet, a notebook or the Humanitarian Data Exchange can read.

    pressfacts export --format parquet|csv --out DIR [--warehouse FILE]

One file per table of schema ``marts`` (``<table>.parquet`` or ``<table>.csv``).
The CSV files follow the HXL convention (https://hxlstandard.org): the row right
under the header holds a hashtag per column, so HXL tools (HXL Proxy, HDX
Quick Charts, libhxl) recognise country codes, dates, funders and events
without a data dictionary. A column with no fitting hashtag gets an empty cell.

The warehouse is opened read-only: an export never blocks a run (a run writes a
private copy and swaps it in atomically) nor another reader.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"
FORMATS = ("parquet", "csv")

# HXL 1.1 core hashtags with attributes, by column name. Column names are shared across the marts
# (country_iso3 means an ISO alpha-3 code wherever it appears), so one map serves every table; a
# column added later without an entry here exports with an empty tag cell, which HXL allows.
HXL_TAGS: dict[str, str] = {
    # keys and provenance
    "article_id": "#meta+id+article",
    "source_file": "#meta+source",
    "content_sha256": "#meta+checksum",
    "extractor_version": "#meta+version",
    "mention_id": "#meta+id+mention",
    "funding_mention_id": "#meta+id+funding",
    "count_id": "#meta+id+count",
    "part_of_count_id": "#meta+id+count+parent",
    "match_kind": "#meta+match_kind",
    "char_start": "#meta+char_start",
    "char_end": "#meta+char_end",
    # articles
    "title": "#description+title",
    "published_date": "#date+reported",
    "article_text": "#description+text",
    "dateline_place": "#loc+name+dateline",
    "dateline_country_iso3": "#country+code+v_iso3+dateline",
    "primary_country_iso3": "#country+code+v_iso3+main",
    # countries
    "country_iso3": "#country+code+v_iso3",
    "country_iso2": "#country+code+v_iso2",
    "m49_code": "#country+code+v_m49",
    "country_name": "#country+name",
    "region_name": "#region+main+name",
    "subregion_name": "#region+sub+name",
    "mention_text": "#description+mention",
    "sentence": "#description+sentence",
    # counts: a row may count people, money or places, so the generic #indicator fits every row
    # (#affected or #inneed would claim a meaning only some rows have)
    "value": "#indicator+value+num",
    "value_max": "#indicator+value+num+max",
    "qualifier": "#indicator+qualifier",
    "unit": "#indicator+unit",
    "category": "#indicator+type",
    "counted": "#indicator+name",
    "currency": "#currency",
    # funders
    "funder_id": "#org+funder+code",
    "funder_name": "#org+funder+name",
    "funder_name_as_extracted": "#org+funder+name+extracted",
    "acronym": "#org+funder+acronym",
    "funder_kind": "#org+funder+type",
    "iati_org_id": "#org+funder+code+v_iati",
    "parent_funder_id": "#org+funder+code+parent",
    "role": "#org+funder+role",
    # events
    "event_id": "#event+id",
    "event_type": "#event+type",
    "trigger": "#event+name",
    "city": "#loc+name",
    "start_date": "#date+start",
    "end_date": "#date+end",
    "date_precision": "#date+precision",
    # people taking part in an activity are the people it reached
    "participants": "#reached+ind",
    # figures (fct_figures): one per distinct figure, the row to add up
    "figure_id": "#meta+id+figure",
    "story_id": "#meta+id+story",
    "part_of_figure_id": "#meta+id+figure+parent",
    "is_subtotal": "#indicator+subtotal",
    "is_cumulative": "#indicator+cumulative",
    "has_rounded_headline": "#meta+rounded_headline",
    "mention_count": "#meta+mentions+num",
    "article_count": "#meta+articles+num",
    "count_ids": "#meta+id+count+list",
    "first_count_id": "#meta+id+count+first",
    "first_sentence": "#description+sentence",
    "first_char_start": "#meta+char_start",
    "first_char_end": "#meta+char_end",
    # places (dim_places; place_id on events and articles): HXL's #loc, #adm1 and #geo
    "place_id": "#loc+code",
    "place_key": "#loc+code+key",
    "place_name": "#loc+name",
    "place_kind": "#loc+type",
    "admin1_code": "#adm1+code",
    "admin1_name": "#adm1+name",
    "latitude": "#geo+lat",
    "longitude": "#geo+lon",
    "resolution": "#meta+resolution",
    "resolution_note": "#meta+resolution+note",
    "coordinate_source": "#meta+source+coordinates",
    "geonames_id": "#loc+code+v_geonames",
    "names_as_written": "#loc+name+as_written",
    # what the checks held back (quarantined_facts)
    "fact_table": "#meta+table",
    "fact_id": "#meta+id+fact",
    "article_title": "#description+title",
    "article_published_date": "#date+reported",
    "expectation": "#meta+check",
    "reason": "#description+reason",
    "payload": "#meta+payload",
    "held_back_by_run_id": "#meta+id+run",
}


class ExportError(RuntimeError):
    """The warehouse cannot be exported (missing file or schema, bad format)."""


def hxl_row(columns: list[str]) -> list[str]:
    """The HXL hashtag for each column, in order; an empty string when none fits."""
    return [HXL_TAGS.get(column, "") for column in columns]


def open_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``warehouse``; ExportError with a plain message when it is missing."""
    if not warehouse.is_file():
        raise ExportError(f"warehouse {warehouse} does not exist: run `pressfacts run` first")
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise ExportError(f"cannot open warehouse {warehouse} read-only: {exc}") from exc


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table (or view) of schema ``marts``, sorted; ExportError when the schema has none."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ? order by table_name",
        [MARTS_SCHEMA],
    ).fetchall()
    if not rows:
        raise ExportError(f"the warehouse has no schema {MARTS_SCHEMA!r} (or it is empty): did the run finish?")
    return [name for (name,) in rows]


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [MARTS_SCHEMA, table],
    ).fetchall()
    return [name for (name,) in rows]


# A cell a spreadsheet would run as a formula (OWASP, CSV injection): = + - @ tab or carriage return first.
FORMULA_START = r"^[=+\-@\t\r]"


def _text_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "and data_type = 'VARCHAR'",
        [MARTS_SCHEMA, table],
    ).fetchall()
    return {name for (name,) in rows}


def _defused(column: str) -> str:
    """SQL for ``column`` with a leading apostrophe on a value that starts like a formula."""
    c = _quote_ident(column)
    apostrophe = _quote_literal("'")
    return (
        f"case when regexp_matches({c}, {_quote_literal(FORMULA_START)}) then {apostrophe} || {c} else {c} end as {c}"
    )


def _copy(con: duckdb.DuckDBPyConnection, table: str, target: Path, options: str, defuse: bool = False) -> None:
    """DuckDB writes the file itself: no rows pass through Python. With ``defuse``, a text cell that
    starts like a formula gets a leading apostrophe, so a spreadsheet shows it instead of running it."""
    source = f"{_quote_ident(MARTS_SCHEMA)}.{_quote_ident(table)}"
    columns = "*"
    if defuse:
        text = _text_columns(con, table)
        columns = ", ".join(_defused(c) if c in text else _quote_ident(c) for c in _columns(con, table))
    con.execute(f"copy (select {columns} from {source}) to {_quote_literal(str(target))} ({options})")


def write_parquet(con: duckdb.DuckDBPyConnection, table: str, target: Path) -> None:
    """``marts.<table>`` as one Parquet file (zstd), column types kept."""
    _copy(con, table, target, "format parquet, compression zstd")


def write_hxl_csv(con: duckdb.DuckDBPyConnection, table: str, target: Path) -> None:
    """``marts.<table>`` as UTF-8 CSV: the header, the HXL hashtag row, then the rows.

    DuckDB writes header and rows (RFC 4180 quoting, ISO dates); the hashtag row is
    spliced in after the header line, which is safe because column names hold no line break.
    Text cells that would run as spreadsheet formulas are prefixed with an apostrophe (OWASP).
    """
    body = target.with_name(target.name + ".body")
    _copy(con, table, body, "format csv, header true, delimiter ','", defuse=True)
    try:
        with body.open("rb") as src, target.open("wb") as out:
            out.write(src.readline())
            out.write((",".join(hxl_row(_columns(con, table))) + "\n").encode("utf-8"))
            shutil.copyfileobj(src, out)
    finally:
        body.unlink(missing_ok=True)


def export_marts(warehouse: Path, out_dir: Path, fmt: str) -> list[Path]:
    """Write every table of schema ``marts`` in ``warehouse`` to ``out_dir`` as ``fmt`` (parquet or csv).

    Returns the written files, sorted by table name. Each file is written under a
    temporary name and renamed, so a reader of ``out_dir`` never sees half a file.
    Raises ExportError when the format is unknown or the warehouse or its marts are missing.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    con = open_read_only(warehouse)
    try:
        tables = mart_tables(con)
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for table in tables:
            target = out_dir / f"{table}.{fmt}"
            partial = out_dir / f".{table}.{fmt}.partial"
            if fmt == "parquet":
                write_parquet(con, table, partial)
            else:
                write_hxl_csv(con, table, partial)
            os.replace(partial, target)
            written.append(target)
        return written
    finally:
        con.close()
