"""Great Expectations as the gate of the real flow: impossible facts are quarantined, a broken suite
fails the run and leaves the published warehouse as it was."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from flows.checks.suites import EXPECTATIONS_DIR
from flows.flow import pressfacts_flow

pytestmark = pytest.mark.e2e  # every test here runs the real flow (the module's `gated` runs)

CLEAN = """Forty officials trained on asylum law in Honduras

Tegucigalpa - Forty officials from the migration institute took part in a two-day workshop on
the new asylum law, funded by the European Union.
"""
IMPOSSIBLE = """Return programme in Honduras exceeds its goals

Tegucigalpa - The programme reached 140 per cent of its annual target, and 25 officials were trained.
"""


def _rows(warehouse, sql, params=()):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def gated(tmp_path_factory, prefect_harness):
    src = tmp_path_factory.mktemp("landing")
    (src / "clean.txt").write_text(CLEAN)
    (src / "impossible.txt").write_text(IMPOSSIBLE)
    out = tmp_path_factory.mktemp("wh")
    warehouse = out / "pressfacts.duckdb"
    summary = pressfacts_flow(src, warehouse, out / "docs")
    return src, warehouse, summary, out


def test_impossible_share_is_quarantined_with_a_reason_and_not_published(gated):
    _, warehouse, summary, _ = gated
    assert summary.status == "succeeded" and summary.quarantined >= 1
    held = _rows(
        warehouse,
        "select fact_table, expectation, reason, payload, source_file from audit.quarantine where run_id = ?",
        [summary.run_id],
    )
    share = [r for r in held if r[0] == "counts" and json.loads(r[3])["value"] == 140]
    assert share, held
    assert "140" in share[0][2] and share[0][4] == "impossible.txt"
    assert not _rows(warehouse, "select * from marts.fct_counts where value = 140")
    # the rest of the same page is published
    assert _rows(warehouse, "select * from marts.fct_counts where value = 25")


def test_clean_page_passes_every_critical_expectation(gated):
    _, warehouse, summary, _ = gated
    held_files = {
        r[0] for r in _rows(warehouse, "select source_file from audit.quarantine where run_id = ?", [summary.run_id])
    }
    assert "clean.txt" not in held_files
    results = _rows(
        warehouse,
        "select suite, expectation, severity, success from audit.validation_results where run_id = ?",
        [summary.run_id],
    )
    assert results and {r[2] for r in results} <= {"critical", "warning"}
    assert {r[0] for r in results} >= {"articles", "counts", "country_mentions", "funding_mentions", "events"}


def test_data_docs_are_built(gated):
    _, _, _, out = gated
    assert (out / "docs" / "gx" / "index.html").exists()
    assert (out / "docs" / "dbt" / "static_index.html").exists()
    assert (out / "docs" / "index.html").exists()


def test_broken_suite_fails_the_run_and_keeps_the_published_warehouse(gated, tmp_path):
    src, warehouse, _, _ = gated
    before = _rows(warehouse, "select * from marts.fct_counts order by all")
    runs_before = _rows(warehouse, "select count(*) from audit.runs")
    broken = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, broken)
    suite = json.loads((broken / "counts.json").read_text())
    suite["expectations"][0]["type"] = "expect_column_values_to_be_a_thing_that_does_not_exist"
    (broken / "counts.json").write_text(json.dumps(suite))
    (src / "new.txt").write_text(CLEAN.replace("Forty", "Sixty"))
    try:
        with pytest.raises(Exception, match="counts"):
            pressfacts_flow(src, warehouse, expectations_dir=broken)
    finally:
        (src / "new.txt").unlink()
    assert _rows(warehouse, "select * from marts.fct_counts order by all") == before
    assert _rows(warehouse, "select count(*) from audit.runs") == runs_before
    kept = list((warehouse.parent / "failed").glob("*.duckdb"))
    assert kept and _rows(kept[0], "select status from audit.runs order by started_at desc limit 1") == [("failed",)]


def test_what_is_held_back_is_visible_to_analysts(gated, tmp_path):
    """marts.quarantined_facts, the run summary (CLI and Prefect artifact) and the report all name it."""
    from flows.serve.report import write_report
    from flows.summary import format_markdown, format_summary

    _, warehouse, summary, _ = gated
    published = _rows(warehouse, "select source_file, fact_table, reason, article_title from marts.quarantined_facts")
    share = [r for r in published if r[0] == "impossible.txt" and r[1] == "counts"]
    assert share and "140" in share[0][2]
    assert share[0][3] == "Return programme in Honduras exceeds its goals"
    assert ("impossible.txt", "counts", share[0][2]) in summary.held_back
    assert "held back by the checks (marts.quarantined_facts): " in format_summary(summary, 1.0)
    assert f"| impossible.txt | counts | {share[0][2]} |" in format_markdown(summary)
    html = write_report(warehouse, tmp_path / "report.html").read_text()
    assert "Held back by the checks" in html and "impossible.txt" in html


IMPOSSIBLE_DATE = """Border officials trained in Lima

Lima - Twenty border officials took part in a workshop on 45 March 2019 on the identification of victims.

On 2 April 2019, IOM launched an information campaign on safe migration in Lima.

A regional conference on migration was held in Lima on 10 April 2019.
"""


def test_an_impossible_date_holds_the_event_back_with_the_reason(tmp_path, prefect_harness):
    """The date grammar used to skip "45 March 2019" and the event took another date or none, silently."""
    src = tmp_path / "landing"
    src.mkdir()
    (src / "date.txt").write_text(IMPOSSIBLE_DATE)
    warehouse = tmp_path / "w" / "pressfacts.duckdb"
    summary = pressfacts_flow(src, warehouse, None)
    assert summary.status == "succeeded"
    held = _rows(warehouse, "select fact_table, reason from marts.quarantined_facts")
    assert ("events", "45 March 2019 is not a date") in held
    assert not _rows(warehouse, "select * from marts.fct_events where trigger = 'workshop'")
    assert _rows(warehouse, "select * from marts.fct_events where event_type = 'campaign'")  # the rest is published


IMPOSSIBLE_PART = """Returns from Mexico continue

Tegucigalpa - IOM helped 5 migrants, 48 of whom were children, return to Honduras on 3 May 2019.

Another 120 migrants received hygiene kits at the reception centre, and 30 officials were trained.
"""


def test_a_part_larger_than_its_whole_is_held_back_with_the_reason(tmp_path, prefect_harness):
    """The counts grammar used to refuse the link and publish 48 as a standalone count, silently."""
    src = tmp_path / "landing"
    src.mkdir()
    (src / "part.txt").write_text(IMPOSSIBLE_PART)
    warehouse = tmp_path / "w" / "pressfacts.duckdb"
    assert pressfacts_flow(src, warehouse, None).status == "succeeded"
    held = _rows(warehouse, "select fact_table, reason from marts.quarantined_facts")
    assert any(
        table == "counts" and reason.startswith("part 48") and "> its whole 5" in reason for table, reason in held
    )
    assert not _rows(warehouse, "select * from marts.fct_counts where value = 48")
    assert _rows(warehouse, "select * from marts.fct_counts where value = 120")
