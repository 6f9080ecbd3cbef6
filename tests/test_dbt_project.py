"""The dbt project, built for real: dbt build over a real DuckDB file written like the load step writes it.

The raw and audit tables come from ``flows/schema.py`` with a few hand-written rows, written in bulk
through polars -> Arrow. Until the reference seeds exist, a temporary copy of ``dbt_project/`` gets
tiny stand-in CSVs; the last test builds the real project once its seeds are there.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import NamedTuple

import duckdb
import polars as pl
import pytest

from flows.articles.model import stable_id
from flows.reference import read_seed
from flows.store.dbt_runner import (
    DBT_PROJECT_DIR,
    DbtBuildError,
    DbtBuildResult,
    run_dbt_build,
    run_dbt_docs,
    run_dbt_parse,
)
from flows.store.schema import AUDIT_TABLES, RAW_STATE_TABLES, RAW_TABLES

# warehouse-contract.md: the published tables and the columns each must have.
CONTRACT: dict[str, list[str]] = {
    "dim_articles": [
        "article_id", "source_file", "title", "published_date", "dateline_place",
        "dateline_country_iso3", "primary_country_iso3",
    ],
    "dim_countries": ["country_iso3", "country_iso2", "country_name", "region_name", "subregion_name"],
    "fct_country_mentions": ["article_id", "country_iso3", "mention_text", "char_start", "char_end"],
    "fct_counts": [
        "count_id", "article_id", "value", "value_max", "qualifier", "unit", "category", "counted",
        "currency", "country_iso3", "part_of_count_id", "event_id", "sentence", "char_start", "char_end",
    ],
    "dim_funders": ["funder_id", "funder_name", "acronym", "funder_kind", "country_iso3", "iati_org_id"],
    "fct_funding_mentions": [
        "article_id", "funder_id", "role", "mention_text", "event_id", "char_start", "char_end",
    ],
    "fct_events": [
        "event_id", "article_id", "event_type", "trigger", "country_iso3", "city", "start_date",
        "end_date", "date_precision", "participants",
    ],
}  # fmt: skip
# Columns the project adds beyond the contract and that other steps rely on.
EXTRA_COLUMNS = {
    "dim_articles": ["article_text", "content_sha256", "ordinal", "body_start"],
    "fct_country_mentions": ["mention_id", "match_kind"],
    "fct_funding_mentions": ["funding_mention_id"],
}

# Stand-in reference data: just enough rows for the facts below (the real seeds are far larger).
STAND_IN_SEEDS = {
    "countries.csv": "country_iso3,country_iso2,country_name,region_name,subregion_name,m49_code\n"
    "GTM,GT,Guatemala,Americas,Central America,320\n"
    "USA,US,United States of America,Americas,Northern America,840\n"
    "NAM,NA,Namibia,Africa,Southern Africa,516\n"
    "AFG,AF,Afghanistan,Asia,Southern Asia,004\n",
    "country_aliases.csv": "alias,country_iso3,kind,match_case\nGuatemalan,GTM,demonym,false\n",
    "places.csv": "place_name,country_iso3,place_kind,is_default\nGuatemala City,GTM,capital,true\n",
    "regions.csv": "region_name,alias\nCentral America,Mesoamerica\n",
    "funders.csv": "funder_id,funder_name,acronym,funder_kind,country_iso3,iati_org_id,parent_funder_id\n"
    "usaid,United States Agency for International Development,USAID,government,USA,US-GOV-1,\n",
    "funder_aliases.csv": "alias,funder_id,match_case\nUSAID,usaid,true\n",
    "event_triggers.csv": "trigger,event_type\nworkshop,training\n",
    "count_units.csv": "word,unit\npeople,persons\n",
    "number_words.csv": "word,value,kind,in_grammar,language\none,1,unit,true,en\n",
    # the gazetteer with coordinates (tools/build_places.py): a country, its capital, a subdivision,
    # a city with an alternate name, and a name ("Santa Rosa") that is a place in two countries
    "place_coordinates.csv": "place_name,country_iso3,place_kind,admin1_code,admin1_name,latitude,longitude,"
    "population,alternate_names,geonames_id,coordinate_source,admin1_match,source\n"
    "Guatemala,GTM,country,GT-01,Guatemala,14.64072,-90.51327,,,3598132,capital,,ISO 3166-1\n"
    "Guatemala,GTM,admin1,GT-01,Guatemala,14.64072,-90.51327,,,3598132,largest_city,,ISO 3166-2\n"
    "Santa Rosa,GTM,admin1,GT-06,Santa Rosa,14.28,-90.30,,,,iso3166_2_latlng,,ISO 3166-2\n"
    "Guatemala City,GTM,capital,GT-01,Guatemala,14.64072,-90.51327,994938,Ciudad de Guatemala,3598132,geonames,name,"
    "GeoNames\n"
    "Quetzaltenango,GTM,city,GT-09,Quetzaltenango,14.83472,-91.51806,180706,Xelaju,3590979,geonames,name,GeoNames\n"
    "Santa Rosa,USA,city,US-CA,California,38.44047,-122.71443,178127,,5393287,geonames,name,GeoNames\n"
    "United States,USA,country,US-DC,District of Columbia,38.89511,-77.03637,,,4140963,capital,,ISO 3166-1\n"
    "Kabul,AFG,capital,AF-KAB,Kabul,34.52813,69.17233,4434550,,1138958,geonames,name,GeoNames\n"
    "Afghanistan,AFG,country,AF-KAB,Kabul,34.52813,69.17233,,,1138958,capital,,ISO 3166-1\n"
    "Namibia,NAM,country,NA-KH,Khomas,-22.55941,17.08323,,,3352136,capital,,ISO 3166-1\n",
}

RUN_ID = "run-test-1"
TEXT = (
    "IOM trains officials in Guatemala\n"
    "Guatemala City - With funding from USAID and the Government of Ruritania, IOM trained 120 "
    "officials, 48 of whom were women, in a workshop on 5 March 2024. About 300 more will follow."
)
ARTICLE_ID = stable_id("pages/gtm.txt", 0)


def span(needle: str) -> tuple[int, int]:
    """The [start, end) offsets of the first ``needle`` in TEXT."""
    start = TEXT.index(needle)
    return start, start + len(needle)


def fact_rows() -> dict[str, list[dict]]:
    """One article with a country, three counts, two funders (one unregistered) and an event."""
    workshop, total, part, more = span("workshop"), span("120"), span("48"), span("About 300")
    usaid, ruritania = span("USAID"), span("Government of Ruritania")
    event_id = stable_id(ARTICLE_ID, "event", *workshop, 0)
    count = {
        "article_id": ARTICLE_ID,
        "value_max": None,
        "qualifier": "exact",
        "unit": "persons",
        "category": "participants",
        "counted": "officials",
        "currency": None,
        "country_iso3": None,
        "part_of_count_id": None,
        "event_id": event_id,
        "sentence": TEXT.split("\n")[1],
    }
    funding = {"article_id": ARTICLE_ID, "role": "funder", "event_id": event_id, "sentence": None}
    return {
        "articles": [
            {
                "article_id": ARTICLE_ID,
                "source_file": "pages/gtm.txt",
                "content_sha256": "0" * 64,
                "ordinal": 0,
                "title": "IOM trains officials in Guatemala",
                "published_date": date(2024, 3, 6),
                "dateline_place": "Guatemala City",
                "dateline_country_iso3": "GTM",
                "primary_country_iso3": "GTM",
                "article_text": TEXT,
                "body_start": TEXT.index("\n") + 1,
                "extractor_version": "test",
            }
        ],
        "country_mentions": [
            {
                "mention_id": stable_id(ARTICLE_ID, "country", *span("Guatemala City")),
                "article_id": ARTICLE_ID,
                "country_iso3": "GTM",
                "mention_text": "Guatemala City",
                "match_kind": "place",
                "char_start": span("Guatemala City")[0],
                "char_end": span("Guatemala City")[1],
            }
        ],
        "counts": [
            {**count, "count_id": "c-total", "value": 120.0, "char_start": total[0], "char_end": total[1]},
            {
                **count,
                "count_id": "c-part",
                "value": 48.0,
                "part_of_count_id": "c-total",
                "counted": "women",
                "char_start": part[0],
                "char_end": part[1],
            },
            {
                **count,
                "count_id": "c-held-back",
                "value": 300.0,
                "qualifier": "approx",
                "event_id": None,
                "char_start": more[0],
                "char_end": more[1],
            },
        ],
        "funding_mentions": [
            {
                **funding,
                "funding_mention_id": "f-usaid",
                "funder_id": "usaid",
                "funder_name": "USAID",
                "mention_text": "USAID",
                "char_start": usaid[0],
                "char_end": usaid[1],
            },
            {
                **funding,
                "funding_mention_id": "f-ruritania",
                "funder_id": None,
                "funder_name": "Government of Ruritania",
                "mention_text": "Government of Ruritania",
                "char_start": ruritania[0],
                "char_end": ruritania[1],
            },
        ],
        "events": [
            {
                "event_id": event_id,
                "article_id": ARTICLE_ID,
                "event_type": "training",
                "trigger": "workshop",
                "country_iso3": "GTM",
                "city": "Guatemala City",
                "start_date": date(2024, 3, 5),
                "end_date": date(2024, 3, 5),
                "date_precision": "day",
                "participants": 120.0,
                "sentence": None,
                "char_start": workshop[0],
                "char_end": workshop[1],
            }
        ],
        "validation_run": [{"run_id": RUN_ID}],
        "quarantine": [
            {
                "run_id": RUN_ID,
                "fact_table": "counts",
                "fact_id": "c-held-back",
                "article_id": ARTICLE_ID,
                "source_file": "pages/gtm.txt",
                "expectation": "test_expectation",
                "reason": "held back by test",
                "payload": "{}",
            }
        ],
    }


def write_warehouse(path: Path, rows: dict[str, list[dict]]) -> None:
    """Create every raw and audit table of flows/schema.py in ``path``, bulk-loading ``rows`` via Arrow."""
    con = duckdb.connect(str(path))
    try:
        for schema_name, tables in (("raw", RAW_TABLES | RAW_STATE_TABLES), ("audit", AUDIT_TABLES)):
            con.execute(f"create schema if not exists {schema_name}")
            for table, schema in tables.items():
                frame = pl.DataFrame(rows.get(table, []), schema=schema, orient="row")
                arrow_table = frame.to_arrow()  # noqa: F841 (read by DuckDB's replacement scan)
                con.execute(f"create or replace table {schema_name}.{table} as select * from arrow_table")
    finally:
        con.close()


def make_project(tmp_path: Path) -> Path:
    """A copy of dbt_project/ with the stand-in seeds (the real CSVs, if any, are left out)."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("*.csv", "target", "logs", "dbt_packages"))
    for name, content in STAND_IN_SEEDS.items():
        (project / "seeds" / name).write_text(content, encoding="utf-8")
    return project


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of ``sql`` run on a fresh read-only connection (dbt must have released the file)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


class Built(NamedTuple):
    warehouse: Path
    result: DbtBuildResult
    project: Path
    build_dir: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A warehouse built once by dbt from the stand-in project, with RUN_ID's quarantine applied."""
    tmp_path = tmp_path_factory.mktemp("dbt_built")
    project = make_project(tmp_path)
    warehouse = tmp_path / "pressfacts.duckdb"
    write_warehouse(warehouse, fact_rows())
    result = run_dbt_build(warehouse, project_dir=project, build_dir=tmp_path / "build")
    return Built(warehouse, result, project, tmp_path / "build")


def test_dbt_parse_succeeds_with_warnings_as_errors(tmp_path: Path) -> None:
    run_dbt_parse(make_project(tmp_path), build_dir=tmp_path / "build")


def test_dbt_parse_fails_on_a_misspelled_property(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    marts_yml = project / "models" / "marts" / "_marts.yml"
    marts_yml.write_text(marts_yml.read_text().replace("description:", "descripton:", 1))
    with pytest.raises(DbtBuildError, match="descripton"):
        run_dbt_parse(project, build_dir=tmp_path / "build")


@pytest.mark.e2e
def test_build_publishes_every_contract_table_and_column(built: Built) -> None:
    warehouse, result = built.warehouse, built.result
    columns: dict[str, set[str]] = {}
    sql = "select table_name, column_name from information_schema.columns where table_schema = 'marts'"
    for table, column in query(warehouse, sql):
        columns.setdefault(table, set()).add(column)
    for table, required in CONTRACT.items():
        assert table in columns, f"marts.{table} missing"
        missing = (set(required) | set(EXTRA_COLUMNS.get(table, []))) - columns[table]
        assert not missing, f"marts.{table} lacks {sorted(missing)}"
    assert result.nodes["model"] >= 7
    assert result.nodes["unit_test"] >= 1
    assert result.elapsed_seconds > 0


@pytest.mark.e2e
def test_dim_countries_holds_every_seed_country_typed_as_text(built: Built) -> None:
    warehouse = built.warehouse
    rows = query(warehouse, "select country_iso3, country_iso2, m49_code from marts.dim_countries order by 1")
    # Namibia's ISO2 "NA" must not become a null, nor an M49 code a number
    assert rows == [("AFG", "AF", "004"), ("GTM", "GT", "320"), ("NAM", "NA", "516"), ("USA", "US", "840")]


@pytest.mark.e2e
def test_unregistered_funder_gets_a_dim_funders_row_and_its_mentions_point_at_it(
    built: Built,
) -> None:
    warehouse = built.warehouse
    expected_id = "unregistered-" + stable_id("government of ruritania")
    funders = dict(query(warehouse, "select funder_id, is_registered from marts.dim_funders"))
    assert funders == {"usaid": True, expected_id: False}
    mentions = dict(query(warehouse, "select funding_mention_id, funder_id from marts.fct_funding_mentions"))
    assert mentions == {"f-usaid": "usaid", "f-ruritania": expected_id}
    kind = query(warehouse, f"select funder_kind from marts.dim_funders where funder_id = '{expected_id}'")
    assert kind == [(None,)]


@pytest.mark.e2e
def test_quarantined_count_is_absent_from_fct_counts(built: Built) -> None:
    warehouse = built.warehouse
    counts = dict(query(warehouse, "select count_id, part_of_count_id from marts.fct_counts"))
    assert counts == {"c-total": None, "c-part": "c-total"}


@pytest.mark.e2e
def test_docs_site_is_generated_as_one_static_page(built: Built, tmp_path: Path) -> None:
    page = run_dbt_docs(built.warehouse, tmp_path / "docs", project_dir=built.project, build_dir=built.build_dir)
    assert page.name == "static_index.html"
    html = page.read_text(encoding="utf-8")
    # the marts' YAML descriptions made it into the inlined manifest
    assert "dim_funders" in html and "unregistered" in html


@pytest.mark.e2e
def test_docs_after_a_full_build_reuse_its_compiled_sql(built: Built, tmp_path: Path) -> None:
    """The flow's docs step skips dbt's compile (the full build just compiled every node): the page
    still shows each model's compiled SQL and the catalog still lists every mart."""
    run_dbt_docs(
        built.warehouse, tmp_path / "docs", project_dir=built.project, build_dir=built.build_dir, compile=False
    )
    manifest = json.loads((tmp_path / "docs" / "manifest.json").read_text(encoding="utf-8"))
    assert "from" in manifest["nodes"]["model.pressfacts.fct_counts"]["compiled_code"].lower()
    catalog = json.loads((tmp_path / "docs" / "catalog.json").read_text(encoding="utf-8"))
    assert {"model.pressfacts.fct_counts", "model.pressfacts.dim_articles"} <= set(catalog["nodes"])


@pytest.mark.e2e
def test_quarantine_only_in_the_audit_history_holds_nothing_back(tmp_path: Path) -> None:
    # audit.quarantine keeps every validation's rows; only raw.quarantine (the current set) holds back
    project = make_project(tmp_path)
    warehouse = tmp_path / "pressfacts.duckdb"
    write_warehouse(warehouse, fact_rows())
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("delete from raw.quarantine")
    finally:
        con.close()
    run_dbt_build(warehouse, project_dir=project, build_dir=tmp_path / "build")
    ids = {row[0] for row in query(warehouse, "select count_id from marts.fct_counts")}
    assert ids == {"c-total", "c-part", "c-held-back"}


@pytest.mark.e2e
def test_broken_input_fails_the_build_naming_each_failed_test(tmp_path: Path) -> None:
    # three defects in one build (one build is ~10 s): a dangling part_of link, a unit outside the
    # accepted values, and an event that ends before it starts
    rows = fact_rows()
    by_id = {row["count_id"]: row for row in rows["counts"]}
    by_id["c-part"]["part_of_count_id"] = "nowhere"
    by_id["c-total"]["unit"] = "kilograms"
    rows["events"][0]["end_date"] = date(2024, 3, 1)
    project = make_project(tmp_path)
    warehouse = tmp_path / "pressfacts.duckdb"
    write_warehouse(warehouse, rows)
    with pytest.raises(DbtBuildError) as failure:
        run_dbt_build(warehouse, project_dir=project, build_dir=tmp_path / "build")
    message = str(failure.value)
    for failing_test in (
        "relationships_fct_counts_part_of_count_id",
        "accepted_values_fct_counts_unit",
        "expression_is_true_fct_events",
    ):
        assert failing_test in message
    # the fact that was fine is untouched: the failure is the tests', not the models'
    assert query(warehouse, "select count(*) from marts.fct_counts") == [(2,)]


@pytest.mark.e2e
def test_a_null_in_a_required_mart_column_fails_its_model(tmp_path: Path) -> None:
    """Required columns are NOT NULL constraints of the marts' contracts (checked by DuckDB as rows are
    written, not by a test node per column): a null stops the build, naming the model and column."""
    rows = fact_rows()
    rows["counts"][0]["value"] = None
    project = make_project(tmp_path)
    warehouse = tmp_path / "pressfacts.duckdb"
    write_warehouse(warehouse, rows)
    with pytest.raises(DbtBuildError) as failure:
        run_dbt_build(warehouse, project_dir=project, build_dir=tmp_path / "build")
    message = str(failure.value)
    assert "model.pressfacts.fct_counts" in message
    assert "NOT NULL" in message and "value" in message


@pytest.mark.parametrize("seed", sorted((DBT_PROJECT_DIR / "seeds").glob("*.csv")), ids=lambda p: p.name)
def test_seed_uses_one_line_ending(seed: Path) -> None:
    # dbt-duckdb loads seeds with DuckDB's COPY, which cannot sniff a file mixing CRLF and LF rows
    data = seed.read_bytes()
    crlf = data.count(b"\r\n")
    lf_only = data.count(b"\n") - crlf
    assert crlf == 0 or lf_only == 0, f"{seed.name}: {crlf} CRLF and {lf_only} LF line endings"


@pytest.mark.skipif(
    not (DBT_PROJECT_DIR / "seeds" / "countries.csv").exists(), reason="real reference seeds not written yet"
)
@pytest.mark.e2e
def test_real_project_builds_with_the_real_seeds(tmp_path: Path) -> None:
    # the stand-in facts, with USAID under whatever id the real registry gives it
    usaid_id = read_seed("funders").filter(pl.col("acronym") == "USAID")["funder_id"].first()
    rows = fact_rows()
    rows["funding_mentions"][0]["funder_id"] = usaid_id
    warehouse = tmp_path / "pressfacts.duckdb"
    write_warehouse(warehouse, rows)
    result = run_dbt_build(warehouse, build_dir=tmp_path / "build")
    assert result.nodes["seed"] >= 7
    (n_countries,) = query(warehouse, "select count(*) from marts.dim_countries")[0]
    assert n_countries >= 193
    mentions = dict(query(warehouse, "select funding_mention_id, funder_id from marts.fct_funding_mentions"))
    assert mentions == {
        "f-usaid": usaid_id,
        "f-ruritania": "unregistered-" + stable_id("government of ruritania"),
    }
