"""Incremental, idempotent runs and readers that never block the writer (the real flow)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from flows.flow import pressfacts_flow
from flows.store.build import warehouse_lock

PAGE_A = """Forty officials trained on asylum law in Honduras

Tegucigalpa - Forty officials from the migration institute took part in a two-day workshop on
the new asylum law, funded by the European Union.
"""
PAGE_B = """Job fair in San Pedro Sula hires 120 returned migrants

San Pedro Sula - On May 10, 120 returned migrants were hired by 25 companies at a job fair
organized with the support of USAID.
"""
PAGE_C = """Shelter in Tapachula receives 300 hygiene kits

Tapachula - IOM delivered 300 hygiene kits to a shelter that hosts about 150 migrants in Mexico.
"""


def _marts(warehouse) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            t: con.execute(f"select * from marts.{t} order by all").fetchall()
            for t in (
                "dim_articles",
                "fct_counts",
                "fct_country_mentions",
                "fct_funding_mentions",
                "fct_events",
                "dim_places",
            )
        }
    finally:
        con.close()


def _files(warehouse, run_id) -> dict[str, tuple[str, str | None]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute("select source_file, status, reason from audit.files where run_id = ?", [run_id])
        return {name: (status, reason) for name, status, reason in rows.fetchall()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory, prefect_harness):
    """Four runs over one landing folder: first, again unchanged, then add/change/remove files."""
    src = tmp_path_factory.mktemp("landing")
    warehouse = tmp_path_factory.mktemp("wh") / "pressfacts.duckdb"
    (src / "a.txt").write_text(PAGE_A)
    (src / "b.txt").write_text(PAGE_B)
    first = pressfacts_flow(src, warehouse)
    marts_first = _marts(warehouse)
    second = pressfacts_flow(src, warehouse)
    marts_second = _marts(warehouse)
    (src / "b.txt").unlink()
    (src / "c.txt").write_text(PAGE_C)
    (src / "a.txt").write_text(PAGE_A.replace("Forty", "Fifty"))
    third = pressfacts_flow(src, warehouse)
    return {
        "warehouse": warehouse,
        "src": src,
        "first": first,
        "second": second,
        "third": third,
        "marts_first": marts_first,
        "marts_second": marts_second,
        "marts_third": _marts(warehouse),
    }


@pytest.mark.e2e
def test_second_run_on_same_input_changes_nothing(runs):
    second = runs["second"]
    assert second.files_unchanged == 2 and second.files_loaded == 0 and second.articles == 0
    assert second.validation.startswith("skipped")
    assert runs["marts_second"] == runs["marts_first"]
    status = _files(runs["warehouse"], second.run_id)
    assert {s for s, _ in status.values()} == {"unchanged"} and all(r for _, r in status.values())


@pytest.mark.e2e
def test_changed_new_and_removed_files(runs):
    third, warehouse = runs["third"], runs["warehouse"]
    status = _files(warehouse, third.run_id)
    assert status["a.txt"][0] == "loaded" and status["c.txt"][0] == "loaded"
    assert status["b.txt"][0] == "ignored" and "withdrawn" in status["b.txt"][1]
    titles = {
        row[0]
        for row in duckdb.connect(str(warehouse), read_only=True)
        .execute("select title from marts.dim_articles")
        .fetchall()
    }
    assert titles == {
        "Fifty officials trained on asylum law in Honduras",
        "Shelter in Tapachula receives 300 hygiene kits",
    }
    values = {
        r[0]
        for r in duckdb.connect(str(warehouse), read_only=True).execute("select value from marts.fct_counts").fetchall()
    }
    assert 120 not in values and 40 not in values and 300 in values


@pytest.mark.e2e
def test_ids_are_stable_across_runs(runs):
    first_ids = {row[0] for row in runs["marts_first"]["dim_articles"]}
    third_ids = {row[0] for row in runs["marts_third"]["dim_articles"]}
    # b.txt is gone and a.txt changed, so no id survives; but c.txt's id depends on its content only
    assert not first_ids & third_ids
    assert len(third_ids) == 2


@pytest.mark.e2e
def test_incremental_runs_give_the_marts_one_full_run_gives(runs, tmp_path):
    # the third run rebuilt only the changed articles' rows (and dim_places in full); one run from
    # scratch on the same folder must give the same rows, place_id and dim_places included
    fresh = tmp_path / "fresh.duckdb"
    assert pressfacts_flow(runs["src"], fresh).status == "succeeded"
    assert _marts(fresh) == runs["marts_third"]
    # a.txt's and c.txt's datelines are on the map; b.txt's San Pedro Sula left with its article
    named = {row[2]: row[5] for row in runs["marts_third"]["dim_places"] if row[-1]}  # place_name: admin1
    assert named == {"Tegucigalpa": "HN-FM", "Tapachula": "MX-CHP"}


@pytest.mark.e2e
def test_a_reader_in_another_process_never_blocks_a_run(runs, tmp_path):
    warehouse, src = runs["warehouse"], runs["src"]
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(warehouse)!r}, read_only=True)
            print(con.execute("select count(*) from marts.dim_articles").fetchone()[0], flush=True)
            sys.stdin.readline()  # hold the connection open until told
            print(con.execute("select count(*) from marts.dim_articles").fetchone()[0], flush=True)
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "2"
        (src / "d.txt").write_text(PAGE_B)
        summary = pressfacts_flow(src, warehouse)
        assert summary.status == "succeeded" and summary.files_loaded == 1
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "2"  # its snapshot, still readable
    finally:
        reader.kill()
        reader.wait()
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from marts.dim_articles").fetchone()[0] == 3


def test_runs_never_overlap(tmp_path):
    warehouse = tmp_path / "pressfacts.duckdb"
    with warehouse_lock(warehouse):
        with pytest.raises(RuntimeError, match="another run is writing"):
            with warehouse_lock(warehouse):
                pass
