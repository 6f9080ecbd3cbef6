"""The real flow (Prefect harness, real dbt build, real GX checkpoint) on the real pages in ../shared.

Scores the built warehouse with ../shared/eval/score.py against the gold and
asserts floors: raise them as extraction improves so a regression fails CI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.e2e

CONTRACT = {
    "dim_articles": {"article_id", "source_file", "title", "published_date", "dateline_place",
                     "dateline_country_iso3", "primary_country_iso3"},
    "dim_countries": {"country_iso3", "country_iso2", "country_name", "region_name", "subregion_name"},
    "fct_country_mentions": {"article_id", "country_iso3", "mention_text", "char_start", "char_end"},
    "fct_counts": {"count_id", "article_id", "value", "value_max", "qualifier", "unit", "category", "counted",
                   "currency", "country_iso3", "part_of_count_id", "event_id", "sentence", "char_start", "char_end"},
    "dim_funders": {"funder_id", "funder_name", "acronym", "funder_kind", "country_iso3", "iati_org_id"},
    "fct_funding_mentions": {"article_id", "funder_id", "role", "mention_text", "event_id", "char_start", "char_end"},
    "fct_events": {"event_id", "article_id", "event_type", "trigger", "country_iso3", "city", "start_date",
                   "end_date", "date_precision", "participants"},
}  # fmt: skip
AUDIT = {
    "runs": {"run_id", "started_at", "finished_at", "status", "files_seen", "files_loaded", "files_failed"},
    "files": {"run_id", "source_file", "content_sha256", "status", "reason", "articles"},
    "validation_results": {"run_id", "suite", "expectation", "column_name", "success", "unexpected_count",
                           "severity"},
    "quarantine": {"run_id", "fact_table", "fact_id", "article_id", "source_file", "expectation", "reason",
                   "payload"},
}  # fmt: skip

# Floors (score.py F1, and accuracy for the "acc:" entries), each set scored apart, a little under
# what the extractors reach (2026-12-03: dev .978, world .969, seeds .978, sample 1.000). Raise them
# when extraction improves; never lower them to pass.
FLOORS = {
    "dev": {
        "articles": 0.99, "countries": 0.99, "counts": 0.98, "funders": 0.99, "events": 0.90,
        "acc:title": 0.99, "acc:published_date": 0.99, "acc:primary_country": 0.99, "acc:count_unit": 0.98,
        "acc:count_category": 0.98, "acc:count_part_of": 0.99, "acc:count_country": 0.99,
        "acc:funder_role": 0.99, "acc:event_country": 0.94, "acc:event_start_date": 0.90,
    },
    "world": {
        "articles": 0.99, "countries": 0.99, "counts": 0.97, "funders": 0.97, "events": 0.89,
        "acc:title": 0.99, "acc:published_date": 0.99, "acc:primary_country": 0.99, "acc:count_unit": 0.98,
        "acc:count_category": 0.94, "acc:count_part_of": 0.62, "acc:count_country": 0.89,
        "acc:funder_role": 0.96, "acc:event_country": 0.97, "acc:event_start_date": 0.79,
    },
    "seeds": {
        "articles": 0.99, "countries": 0.99, "counts": 0.99, "funders": 0.99, "events": 0.90,
        "acc:title": 0.99, "acc:published_date": 0.99, "acc:count_category": 0.99, "acc:event_country": 0.99,
    },
    "sample": {
        "articles": 0.99, "countries": 0.99, "counts": 0.99, "funders": 0.99, "events": 0.99,
        "acc:title": 0.99, "acc:published_date": 0.99, "acc:count_unit": 0.97, "acc:count_category": 0.95,
        "acc:count_part_of": 0.99, "acc:event_start_date": 0.99,
    },
}  # fmt: skip
SETS = {  # set -> (pages, gold), the pages under ../shared except the project's own sample
    "dev": ("corpus/dev", "gold/dev.jsonl"),
    "world": ("corpus/world", "gold/world.jsonl"),
    "seeds": ("seeds", "gold/seeds.jsonl"),
    "sample": (None, None),
}


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory, shared_dir, prefect_harness):
    from flows.flow import pressfacts_flow

    src = tmp_path_factory.mktemp("landing")
    for path in sorted((shared_dir / "seeds").glob("*")) + sorted((shared_dir / "corpus" / "dev").glob("*.txt")):
        shutil.copyfile(path, src / path.name)
    out = tmp_path_factory.mktemp("warehouse")
    warehouse = out / "pressfacts.duckdb"
    summary = pressfacts_flow(src, warehouse, out / "docs")
    assert summary.status == "succeeded"
    return warehouse, summary


def test_contract_tables_exist_with_their_columns(real_warehouse):
    warehouse, _ = real_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for schema, tables in (("marts", CONTRACT), ("audit", AUDIT)):
            for table, columns in tables.items():
                have = {r[0] for r in con.execute(f"describe {schema}.{table}").fetchall()}
                assert columns <= have, f"{schema}.{table} lacks {columns - have}"
        assert con.execute("select count(*) from marts.dim_countries").fetchone()[0] >= 249
        runs = con.execute("select status, files_seen, files_loaded from audit.runs").fetchall()
        assert runs and runs[-1][0] == "succeeded" and runs[-1][1] == runs[-1][2] == 36
    finally:
        con.close()


def test_every_span_points_at_its_own_text(real_warehouse):
    warehouse, _ = real_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table in ("fct_country_mentions", "fct_funding_mentions"):
            bad = con.execute(
                f"""select count(*) from marts.{table} m join marts.dim_articles a using (article_id)
                    where substr(a.article_text, m.char_start + 1, m.char_end - m.char_start) <> m.mention_text"""
            ).fetchone()[0]
            assert bad == 0, table
        # an event's span is its trigger; a count's span writes its number (digits or words)
        bad_events = con.execute(
            """select count(*) from marts.fct_events e join marts.dim_articles a using (article_id)
               where lower(substr(a.article_text, e.char_start + 1, e.char_end - e.char_start)) <> lower(e.trigger)"""
        ).fetchone()[0]
        assert bad_events == 0
        number_words = (
            "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
            "sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen|half|third|quarter"
        )
        bad_counts = con.execute(
            """select count(*) from marts.fct_counts c join marts.dim_articles a using (article_id)
               where c.char_start < 0 or c.char_end > length(a.article_text)
                  or not regexp_matches(substr(a.article_text, c.char_start + 1, c.char_end - c.char_start),
                                        '[0-9]|' || ?, 'i')""",
            [number_words],
        ).fetchone()[0]
        assert bad_counts == 0
    finally:
        con.close()


def test_no_personal_data_in_published_text(real_warehouse):
    warehouse, _ = real_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        emails = con.execute(
            r"select count(*) from marts.dim_articles where regexp_matches(article_text, '[\w.+-]+@[\w-]+\.[\w.]+')"
        ).fetchone()[0]
        assert emails == 0
    finally:
        con.close()


@pytest.fixture(scope="module", params=sorted(SETS))
def scored_set(request, tmp_path_factory, shared_dir, prefect_harness) -> tuple[str, dict]:
    """One labelled set built into a warehouse of its own by the real flow, and its score.py result."""
    from flows.flow import pressfacts_flow
    from flows.settings import SAMPLE_DIR

    name = request.param
    pages, gold = SETS[name]
    source = SAMPLE_DIR if pages is None else shared_dir / pages
    gold_path = REPO / "tests" / "sample_expected.jsonl" if gold is None else shared_dir / gold
    out = tmp_path_factory.mktemp(f"set-{name}")
    summary = pressfacts_flow(source, out / "pressfacts.duckdb", None)
    assert summary.status == "succeeded"
    report = out / "score.json"
    subprocess.run(
        [sys.executable, str(shared_dir / "eval" / "score.py"), "--warehouse", str(out / "pressfacts.duckdb"),
         "--gold", str(gold_path), "--json", str(report)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return name, json.loads(report.read_text())


def test_scores_stay_above_floors(scored_set):
    name, result = scored_set
    got = {k: v["f1"] for k, v in result["prf"].items()}
    got |= {f"acc:{k}": v["accuracy"] for k, v in result["accuracy"].items()}
    low = {m: (got[m], floor) for m, floor in FLOORS[name].items() if got[m] < floor}
    assert not low, f"{name}: below the floors (score, floor): {low}"


def test_places_the_facts_name_are_on_the_map(real_warehouse):
    # marts.dim_places on the real pages: nearly every dateline and event city is placed at a
    # gazetteer point in the country its fact carries, and every place_id joins
    warehouse, _ = real_warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        named = con.execute(
            """
            with facts as (
                select place_id, upper(dateline_country_iso3) as country_iso3 from marts.dim_articles
                where dateline_place is not null
                union all
                select place_id, upper(country_iso3) from marts.fct_events where city is not null
            )
            select p.resolution, p.latitude, p.country_iso3, facts.country_iso3
            from facts left join marts.dim_places as p using (place_id)
            """
        ).fetchall()
        assert named and all(row[0] is not None for row in named)  # every place_id is in dim_places
        placed = [row for row in named if row[0] in ("exact", "by_country")]
        assert len(placed) / len(named) >= 0.9, f"{len(placed)} of {len(named)} places resolved"
        assert all(lat is not None for _, lat, _, _ in placed)
        # a place is never moved to another country than the one its fact says
        moved = [row for row in placed if row[3] is not None and row[2] != row[3]]
        assert not moved
        tapachula = con.execute(
            "select country_iso3, admin1_code, round(latitude) from marts.dim_places where place_name = 'Tapachula'"
        ).fetchall()
        assert tapachula == [("MEX", "MX-CHP", 15.0)]
    finally:
        con.close()
