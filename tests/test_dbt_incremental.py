"""Incremental dbt builds give the same marts as a full refresh of the same raw data.

Real dbt, real DuckDB files, the stand-in project of test_dbt_project: a warehouse is built in full,
then raw changes the way a flow run changes it (an article inserted, one withdrawn, one re-validated
with facts now held back, raw.changed_articles listing them); one copy is built incrementally, the
other with --full-refresh, and every mart must match row for row.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from test_dbt_project import make_project, query, write_warehouse

from flows.articles.model import stable_id
from flows.store.dbt_runner import DbtBuildError, run_dbt_build
from flows.store.schema import AUDIT_TABLES, RAW_STATE_TABLES, RAW_TABLES

pytestmark = pytest.mark.e2e  # every test here runs a real dbt build

MARTS = [
    "dim_articles",
    "dim_countries",
    "dim_funders",
    "fct_country_mentions",
    "fct_counts",
    "fct_events",
    "fct_funding_mentions",
    "dim_places",
]
FACT_TABLES = ["articles", "country_mentions", "counts", "funding_mentions", "events"]
RUN_ID = "run-incremental-1"
TEMPLATE = (
    "IOM trains officials in {place}\n"
    "{place} City - With funding from USAID and the {funder}, IOM trained 120 officials, 48 of whom "
    "were women, in a workshop on 5 March 2024. About 300 more will follow."
)


def article(n: int, place: str, funder: str) -> dict[str, list[dict]]:
    """Article ``n`` with a country mention, three linked counts, two fundings and an event."""
    text = TEMPLATE.format(place=place, funder=funder)
    aid = stable_id(f"pages/{n}.txt", 0)

    def span(needle: str) -> tuple[int, int]:
        start = text.index(needle)
        return start, start + len(needle)

    workshop, total, part, more = span("workshop"), span("120"), span("48"), span("About 300")
    event_id = stable_id(aid, "event", *workshop, 0)
    count = {
        "article_id": aid,
        "value_max": None,
        "qualifier": "exact",
        "unit": "persons",
        "category": "participants",
        "counted": "officials",
        "currency": None,
        "country_iso3": "GTM",
        "part_of_count_id": None,
        "event_id": event_id,
        "sentence": text.split("\n")[1],
    }
    funding = {"article_id": aid, "role": "funder", "event_id": event_id, "sentence": None}
    city = span(f"{place} City")
    return {
        "articles": [
            {
                "article_id": aid,
                "source_file": f"pages/{n}.txt",
                "content_sha256": f"{n:064d}",
                "ordinal": 0,
                "title": text.split("\n")[0],
                "published_date": date(2024, 3, n),
                "dateline_place": f"{place} City",
                "dateline_country_iso3": "gtm",
                "primary_country_iso3": "GTM",
                "article_text": text,
                "body_start": text.index("\n") + 1,
                "extractor_version": "test",
            }
        ],
        "country_mentions": [
            {
                "mention_id": stable_id(aid, "country", *city),
                "article_id": aid,
                "country_iso3": "GTM",
                "mention_text": f"{place} City",
                "match_kind": "place",
                "char_start": city[0],
                "char_end": city[1],
            }
        ],
        "counts": [
            {**count, "count_id": f"{aid}-total", "value": 120.0, "char_start": total[0], "char_end": total[1]},
            {
                **count,
                "count_id": f"{aid}-part",
                "value": 48.0,
                "part_of_count_id": f"{aid}-total",
                "counted": "women",
                "char_start": part[0],
                "char_end": part[1],
            },
            {
                **count,
                "count_id": f"{aid}-more",
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
                "funding_mention_id": f"{aid}-usaid",
                "funder_id": "usaid",
                "funder_name": "USAID",
                "mention_text": "USAID",
                "char_start": span("USAID")[0],
                "char_end": span("USAID")[1],
            },
            {
                **funding,
                "funding_mention_id": f"{aid}-other",
                "funder_id": None,
                "funder_name": funder,
                "mention_text": funder,
                "char_start": span(funder)[0],
                "char_end": span(funder)[1],
            },
        ],
        "events": [
            {
                "event_id": event_id,
                "article_id": aid,
                "event_type": "training",
                "trigger": "workshop",
                "country_iso3": "GTM",
                "city": f"{place} City",
                "start_date": date(2024, 3, 5),
                "end_date": date(2024, 3, 5),
                "date_precision": "day",
                "participants": 120.0,
                "sentence": None,
                "char_start": workshop[0],
                "char_end": workshop[1],
            }
        ],
    }


def merged(*parts: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The rows of several articles, table by table."""
    rows: dict[str, list[dict]] = {table: [] for table in FACT_TABLES}
    for part in parts:
        for table, table_rows in part.items():
            rows[table].extend(table_rows)
    return rows


def held_back(fact_table: str, fact_id: str, article_id: str) -> dict:
    """A quarantine row (audit.quarantine and raw.quarantine share these columns)."""
    return {
        "run_id": RUN_ID,
        "fact_table": fact_table,
        "fact_id": fact_id,
        "article_id": article_id,
        "source_file": None,
        "expectation": "test",
        "reason": "held back by the test",
        "payload": "{}",
    }


def insert(con: duckdb.DuckDBPyConnection, schema_name: str, table: str, rows: list[dict]) -> None:
    """Append ``rows`` to ``schema_name.table`` in bulk through Arrow, typed as flows/schema.py says."""
    schema = (RAW_TABLES | RAW_STATE_TABLES)[table] if schema_name == "raw" else AUDIT_TABLES[table]
    arrow_table = pl.DataFrame(rows, schema=schema, orient="row").to_arrow()  # noqa: F841 (read by DuckDB)
    con.execute(f"insert into {schema_name}.{table} select * from arrow_table")


def change_raw(
    warehouse: Path,
    *,
    insert_rows: dict[str, list[dict]],
    withdraw: list[str],
    reinsert: dict[str, list[dict]],
    quarantine: list[dict],
) -> None:
    """Change raw the way a flow run does, and list every touched article in raw.changed_articles.

    ``reinsert`` articles are deleted and written again (re-extracted and re-validated); the
    quarantine rows go to raw.quarantine and to audit.quarantine under the validation run, so either
    reading of stg_quarantine sees them.
    """
    gone = withdraw + [row["article_id"] for row in reinsert["articles"]]
    con = duckdb.connect(str(warehouse))
    try:
        for table in FACT_TABLES:
            con.execute(f"delete from raw.{table} where article_id in (select unnest($1::varchar[]))", [gone])
            insert(con, "raw", table, reinsert[table] + insert_rows[table])
        con.execute("delete from raw.quarantine where article_id in (select unnest($1::varchar[]))", [gone])
        insert(con, "raw", "quarantine", quarantine)
        insert(con, "audit", "quarantine", quarantine)
        changed = gone + [row["article_id"] for row in insert_rows["articles"]]
        con.execute("delete from raw.changed_articles")
        insert(con, "raw", "changed_articles", [{"article_id": a} for a in changed])
    finally:
        con.close()


def mart_rows(warehouse: Path, mart: str) -> list[tuple]:
    """Every row of a mart in a fixed order."""
    return query(warehouse, f"select * from marts.{mart} order by all")


def mart_columns(warehouse: Path, mart: str) -> list[tuple]:
    return query(
        warehouse,
        "select column_name, data_type from information_schema.columns "
        f"where table_schema = 'marts' and table_name = '{mart}' order by ordinal_position",
    )


A1, A2, A3 = (
    article(1, "Guatemala", "Government of Ruritania"),
    article(2, "Escuintla", "Fund of Elbonia"),
    article(3, "Zacapa", "Government of Ruritania"),
)
A4 = article(4, "Mixco", "Freedonia Relief Fund")


def id_of(part: dict[str, list[dict]]) -> str:
    return part["articles"][0]["article_id"]


@pytest.fixture
def base(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in project and a warehouse holding articles 1-3, built in full."""
    project = make_project(tmp_path)
    warehouse = tmp_path / "incremental.duckdb"
    write_warehouse(warehouse, merged(A1, A2, A3) | {"validation_run": [{"run_id": RUN_ID}]})
    run_dbt_build(warehouse, project_dir=project, build_dir=tmp_path / "build", full_refresh=True)
    return project, warehouse


def test_incremental_build_equals_full_refresh(base: tuple[Path, Path], tmp_path: Path) -> None:
    project, warehouse = base
    a3 = id_of(A3)
    # article 4 inserted with one count held back; article 2 withdrawn (its unregistered funder, named
    # only there, must leave dim_funders); article 3 re-validated, its event and total now held back
    change_raw(
        warehouse,
        insert_rows=A4,
        withdraw=[id_of(A2)],
        reinsert=A3,
        quarantine=[
            held_back("counts", f"{id_of(A4)}-more", id_of(A4)),
            held_back("events", A3["events"][0]["event_id"], a3),
            held_back("counts", f"{a3}-total", a3),
        ],
    )
    refreshed = tmp_path / "refreshed.duckdb"
    shutil.copy(warehouse, refreshed)

    incremental = run_dbt_build(warehouse, project_dir=project, build_dir=tmp_path / "build")
    full = run_dbt_build(refreshed, project_dir=project, build_dir=tmp_path / "build-full", full_refresh=True)

    for mart in MARTS:
        assert mart_columns(warehouse, mart) == mart_columns(refreshed, mart), mart
        assert mart_rows(warehouse, mart) == mart_rows(refreshed, mart), mart
    # it was incremental: the seeds were not reloaded, and the fact marts kept their old rows
    assert "seed" not in incremental.nodes and full.nodes["seed"] >= 1
    comments = dict(query(warehouse, "select table_name, comment from duckdb_tables() where schema_name = 'marts'"))
    assert comments["fct_counts"] and comments["fct_counts"].startswith("pressfacts: built incrementally")
    # and the outcome is the intended one, not merely the same mistake twice
    counts = dict(query(warehouse, "select count_id, part_of_count_id from marts.fct_counts"))
    assert f"{id_of(A4)}-more" not in counts and f"{a3}-total" not in counts
    assert counts[f"{a3}-part"] is None  # its larger count is held back: link cleared
    assert query(warehouse, f"select event_id from marts.fct_counts where count_id = '{a3}-more'") == [(None,)]
    articles = {row[0] for row in query(warehouse, "select article_id from marts.dim_articles")}
    assert articles == {id_of(A1), a3, id_of(A4)}
    funders = {row[0] for row in query(warehouse, "select funder_name from marts.dim_funders")}
    assert "Freedonia Relief Fund" in funders and "Fund of Elbonia" not in funders


def test_incremental_build_tests_the_changed_rows_against_the_whole_table(
    base: tuple[Path, Path], tmp_path: Path
) -> None:
    project, warehouse = base
    a1, a5 = id_of(A1), stable_id("pages/5.txt", 0)
    bad = article(5, "Guatemala", "Government of Ruritania")
    for table in FACT_TABLES:  # article 5 is article 1 under another id...
        for row in bad[table]:
            row["article_id"] = a5
    bad["articles"][0]["source_file"] = "pages/5.txt"
    bad["counts"][0]["unit"] = "kilograms"  # ...with a unit outside the accepted values
    for i, row in enumerate(bad["counts"]):
        row["count_id"] = f"{a5}-{i}"
    bad["counts"][1]["part_of_count_id"] = f"{a5}-0"
    for row in bad["funding_mentions"]:
        row["funding_mention_id"] = f"{a5}-{row['funding_mention_id']}"
    bad["events"][0]["event_id"] = f"{a5}-event"
    for row in bad["counts"] + bad["funding_mentions"]:
        row["event_id"] = row["event_id"] and f"{a5}-event"
    # and a mention id that collides with a row of article 1, which is unchanged
    bad["country_mentions"][0]["mention_id"] = A1["country_mentions"][0]["mention_id"]
    change_raw(warehouse, insert_rows=bad, withdraw=[], reinsert=merged(), quarantine=[])
    with pytest.raises(DbtBuildError) as failure:
        run_dbt_build(warehouse, project_dir=project, build_dir=tmp_path / "build")
    message = str(failure.value)
    assert "accepted_values_fct_counts_unit" in message
    assert "unique_fct_country_mentions_mention_id" in message
    # an unchanged article's rows were not what failed, and were kept
    assert query(warehouse, f"select count(*) from marts.fct_counts where article_id = '{a1}'") == [(3,)]
