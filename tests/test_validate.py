"""The validation gate on a real DuckDB file: clean facts pass, impossible facts are quarantined.

GX costs seconds to import and run, so the database is validated twice per module
(a default run with Data Docs, and a strict run with a broken suite); the
tests read those two outcomes.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.checks.frames import read_frame, span_holds_number
from flows.checks.gate import ValidationFailed, validate_facts
from flows.checks.suites import (
    ARTICLE_QUARANTINED,
    EXPECTATIONS_DIR,
    SUITE_RAN,
    SUITES,
    ReferenceSets,
    SuiteDefinitionError,
    load_suite_definition,
)
from flows.store.schema import AUDIT_TABLES, RAW_TABLES

REFERENCE = ReferenceSets(country_codes=("MEX", "GTM", "USA", "HND"), funder_ids=("US-GOV-1", "CA-3"))

CLEAN_TEXT = (
    "Aid reaches 1,195 migrants in Mexico\n"
    "TIJUANA, Mexico - IOM assisted 1,195 migrants, 48 of whom were unaccompanied minors. "
    "About 40% were women. A workshop on 5-6 March drew thirty participants. "
    "The programme was funded by USAID with US$ 2.5 million."
)
ODD_TEXT = (
    "Shelters in Guatemala\n"
    "Guatemala City - A survey found 140% of shelters full. Of 300 families, 500 were hosted in "
    "Guatemala and Honduras. Many people arrived. A meeting took place."
)
FUTURE_TEXT = "A story from the future\nMexico - 12 people met."


def _at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """The span of the ``nth`` occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _article(article_id: str, text: str, published: date, **extra: object) -> dict:
    return {
        "article_id": article_id,
        "source_file": f"pages/{article_id}.txt",
        "content_sha256": "0" * 64,
        "ordinal": 0,
        "title": text.split("\n", 1)[0],
        "published_date": published,
        "article_text": text,
        "body_start": text.index("\n") + 1,
        "extractor_version": "test",
    } | extra


def _count(count_id: str, article_id: str, text: str, needle: str, value: float, nth: int = 0, **extra) -> dict:
    start, end = _at(text, needle, nth)
    row = {"count_id": count_id, "article_id": article_id, "value": value, "qualifier": "exact"}
    return row | {"unit": "persons", "category": "migrants", "char_start": start, "char_end": end} | extra


def _mention(mention_id: str, article_id: str, text: str, needle: str, iso3: str, nth: int = 0) -> dict:
    start, end = _at(text, needle, nth)
    return {
        "mention_id": mention_id,
        "article_id": article_id,
        "country_iso3": iso3,
        "mention_text": needle,
        "match_kind": "name",
        "char_start": start,
        "char_end": end,
    }


def _event(event_id: str, article_id: str, text: str, trigger: str, **extra) -> dict:
    start, end = _at(text, trigger)
    row = {"event_id": event_id, "article_id": article_id, "event_type": "meeting", "trigger": trigger}
    return row | {"char_start": start, "char_end": end} | extra


def _tables() -> dict[str, list[dict]]:
    """A clean article, an article holding impossible facts, and an article dated in the future."""
    c, o, f = CLEAN_TEXT, ODD_TEXT, FUTURE_TEXT
    usaid = _at(c, "USAID")
    return {
        "articles": [
            _article("clean", c, date(2019, 6, 6), primary_country_iso3="MEX", dateline_country_iso3="MEX"),
            _article("odd", o, date(2020, 1, 10), primary_country_iso3="GTM"),
            _article("future", f, date(2999, 1, 1), primary_country_iso3="MEX"),
        ],
        "country_mentions": [
            _mention("m-mex", "clean", c, "Mexico", "MEX"),
            _mention("m-gtm", "odd", o, "Guatemala", "GTM"),
            _mention("m-unknown", "odd", o, "Honduras", "XXX"),  # no such country code
            _mention("m-future", "future", f, "Mexico", "MEX"),
        ],
        "counts": [
            _count("c-whole", "clean", c, "1,195", 1195.0, nth=1, category="assisted"),
            _count("c-part", "clean", c, "48", 48.0, part_of_count_id="c-whole", counted="minors"),
            _count("c-share", "clean", c, "40%", 40.0, qualifier="approx", unit="percent", category="percent"),
            _count("c-money", "clean", c, "US$ 2.5 million", 2.5e6, unit="money", category="money", currency="USD"),
            _count("c-words", "clean", c, "thirty", 30.0, category="participants"),
            _count("c-140", "odd", o, "140%", 140.0, unit="percent", category="percent"),
            _count("c-300", "odd", o, "300", 300.0),
            _count("c-500", "odd", o, "500", 500.0, part_of_count_id="c-300"),
            _count("c-nospan", "odd", o, "people", 75.0),  # the span holds no number
            _count(None, "odd", o, "300", 300.0),  # no id: held back, reported with a null fact_id
            _count("c-future", "future", f, "12", 12.0),
        ],
        "funding_mentions": [
            {
                "funding_mention_id": "f-usaid",
                "article_id": "clean",
                "funder_id": "US-GOV-1",
                "funder_name": "United States Agency for International Development",
                "role": "funder",
                "mention_text": "USAID",
                "char_start": usaid[0],
                "char_end": usaid[1],
            }
        ],
        "events": [
            _event(
                "e-workshop",
                "clean",
                c,
                "workshop",
                event_type="training",
                country_iso3="MEX",
                start_date=date(2019, 3, 5),
                end_date=date(2019, 3, 6),
                date_precision="day",
                participants=30.0,
            ),
            _event(
                "e-survey",
                "odd",
                o,
                "survey",
                event_type="survey",
                country_iso3="GTM",
                start_date=date(2019, 12, 20),
                end_date=date(2019, 12, 2),
                date_precision="day",
            ),
            # far before publication: a warning only
            _event(
                "e-meeting", "odd", o, "meeting", country_iso3="GTM", start_date=date(1960, 1, 1), date_precision="year"
            ),
        ],
    }


def _write_db(path: Path, tables: dict[str, list[dict]]) -> Path:
    """A DuckDB file whose ``raw`` schema holds ``tables``, typed exactly as RAW_TABLES."""
    con = duckdb.connect(str(path))
    con.execute("create schema raw")
    for name, schema in RAW_TABLES.items():
        frame = pl.DataFrame(tables.get(name, []), schema=schema)
        arrow = frame.to_arrow()  # noqa: F841 (read by DuckDB's replacement scan)
        con.execute(f"create table raw.{name} as select * from arrow")
    con.close()
    return path


def _snapshot(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    tables = con.sql("select schema_name, table_name from duckdb_tables() order by all").fetchall()
    return [(s, t, con.execute(f"select count(*) from {s}.{t}").fetchall()) for s, t in tables]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_db(tmp_path_factory.mktemp("db") / "warehouse.duckdb", _tables())


@pytest.fixture(scope="module")
def run(db: Path, tmp_path_factory: pytest.TempPathFactory):
    """The default run (threshold 0.5) with Data Docs, and the database before and after it."""
    con = duckdb.connect(str(db))
    before = _snapshot(con)
    docs = tmp_path_factory.mktemp("docs")
    outcome = validate_facts(con, "run-1", docs_dir=docs, reference=REFERENCE)
    after = _snapshot(con)
    con.close()
    return outcome, before, after, docs


@pytest.fixture(scope="module")
def strict(db: Path, tmp_path_factory: pytest.TempPathFactory):
    """A low threshold, a broken counts suite and no funders registry."""
    suites = tmp_path_factory.mktemp("expectations")
    for f in EXPECTATIONS_DIR.glob("*.json"):
        shutil.copy(f, suites / f.name)
    broken = json.loads((suites / "counts.json").read_text())
    broken["expectations"][0]["type"] = "expect_column_values_to_not_be_nul"  # a typo GX would only log
    (suites / "counts.json").write_text(json.dumps(broken))
    con = duckdb.connect(str(db), read_only=True)
    reference = ReferenceSets(country_codes=REFERENCE.country_codes, funder_ids=None)
    outcome = validate_facts(con, "run-2", fail_threshold=0.2, reference=reference, expectations_dir=suites)
    con.close()
    return outcome


def _held(outcome, fact_table: str) -> dict[str, set[str]]:
    """fact_id -> the expectations that quarantined it."""
    rows = outcome.quarantine.filter(pl.col("fact_table") == fact_table).iter_rows(named=True)
    held: dict[str, set[str]] = {}
    for r in rows:
        held.setdefault(r["fact_id"], set()).add(r["expectation"])
    return held


# --- pure helpers (no GX) ---------------------------------------------------


@pytest.mark.parametrize(
    ("span", "value"),
    [
        ("1,195", 1195), ("1.195", 1195), ("2,5 million", 2.5e6), ("US$ 2.5 million", 2.5e6),
        ("$1.5M", 1.5e6), ("40%", 40), ("33.3 per cent", 33.3), ("between 24 and 33", 24),
        ("Twenty-five", 25), ("a dozen", 12),
        ("One third", 33.3), ("1 195", 1195), ("5 mil", 5000), ("NOK 4,000,000", 4e6),
    ],
)  # fmt: skip
def test_span_holds_number_accepts_numbers_as_written(span: str, value: float) -> None:
    assert span_holds_number(span, value)


@pytest.mark.parametrize(
    ("span", "value"),
    [("people", 75), ("1,195", 1194), ("40%", 140), ("", 3), (None, 3), ("12", float("nan")), ("the", 1)],
)
def test_span_holds_number_rejects_spans_without_the_number(span: str | None, value: float) -> None:
    assert not span_holds_number(span, value)


def test_every_suite_file_loads_with_severities() -> None:
    for name in SUITES:
        suite = load_suite_definition(EXPECTATIONS_DIR / f"{name}.json")
        assert suite.name == name and suite.expectations
        assert {e["meta"]["severity"] for e in suite.expectations} <= {"critical", "warning"}


def test_a_suite_without_severity_is_rejected(tmp_path: Path) -> None:
    raw = json.loads((EXPECTATIONS_DIR / "events.json").read_text())
    del raw["expectations"][1]["meta"]["severity"]
    (tmp_path / "events.json").write_text(json.dumps(raw))
    with pytest.raises(SuiteDefinitionError, match="severity"):
        load_suite_definition(tmp_path / "events.json")


def test_reason_templates_and_columns_exist_in_the_frames(db: Path) -> None:
    import string

    con = duckdb.connect(str(db), read_only=True)
    for name in SUITES:
        suite = load_suite_definition(EXPECTATIONS_DIR / f"{name}.json")
        columns = set(read_frame(con, suite.fact_table).columns)
        for exp in suite.expectations:
            used = {f for _, f, _, _ in string.Formatter().parse(exp["meta"]["reason"]) if f}
            used |= {v for k, v in exp["kwargs"].items() if k in ("column", "column_A", "column_B")}
            assert used <= columns, (name, exp["meta"]["name"], used - columns)
    con.close()


# --- the default run ----------------------------------------------------------


def test_outcome_frames_have_the_audit_columns(run) -> None:
    outcome = run[0]
    assert outcome.results.schema == pl.Schema(AUDIT_TABLES["validation_results"])
    assert outcome.quarantine.schema == pl.Schema(AUDIT_TABLES["quarantine"])


def test_clean_facts_pass_every_critical_expectation(run) -> None:
    outcome = run[0]
    clean = outcome.quarantine.filter(pl.col("article_id") == "clean")
    assert clean.is_empty(), clean.to_dicts()


def test_impossible_facts_are_quarantined_with_a_readable_reason(run) -> None:
    outcome = run[0]
    counts, events, mentions = (
        _held(outcome, "counts"),
        _held(outcome, "events"),
        _held(outcome, "country_mentions"),
    )
    assert counts["c-140"] == {"percent_at_most_100"}
    assert counts["c-500"] == {"part_not_larger_than_whole"}
    assert counts["c-nospan"] == {"span_holds_number"}
    assert events["e-survey"] == {"end_not_before_start"}
    assert mentions["m-unknown"] == {"country_known"}
    # facts that are fine stay out, the far-away start date is only a warning
    assert counts[None] == {"count_id_present"}
    assert "c-300" not in counts and "m-gtm" not in mentions and "e-meeting" not in events
    reasons = {(r["fact_id"], r["expectation"]): r["reason"] for r in outcome.quarantine.iter_rows(named=True)}
    assert reasons[("c-140", "percent_at_most_100")] == "percentage 140 > 100"
    assert reasons[("c-500", "part_not_larger_than_whole")] == "part 500 > its whole 300 (count c-300)"
    assert reasons[("e-survey", "end_not_before_start")] == "end_date 2019-12-02 is before start_date 2019-12-20"
    assert "XXX" in reasons[("m-unknown", "country_known")]
    assert '"people"' in reasons[("c-nospan", "span_holds_number")]


def test_quarantine_rows_carry_provenance_and_payload(run) -> None:
    row = run[0].quarantine.filter(pl.col("fact_id") == "c-140").row(0, named=True)
    assert row["run_id"] == "run-1" and row["article_id"] == "odd" and row["source_file"] == "pages/odd.txt"
    payload = json.loads(row["payload"])
    assert payload["value"] == 140.0 and payload["unit"] == "percent" and set(payload) == set(RAW_TABLES["counts"])


def test_future_article_and_its_facts_are_held_back(run) -> None:
    outcome = run[0]
    assert _held(outcome, "articles") == {"future": {"published_date_not_in_future"}}
    assert _held(outcome, "counts")["c-future"] == {ARTICLE_QUARANTINED}
    assert _held(outcome, "country_mentions")["m-future"] == {ARTICLE_QUARANTINED}


def test_results_cover_every_expectation_with_severity(run) -> None:
    results = run[0].results
    for name in SUITES:
        suite = load_suite_definition(EXPECTATIONS_DIR / f"{name}.json")
        got = results.filter(pl.col("suite") == name)
        assert sorted(got["expectation"]) == sorted(e["meta"]["name"] for e in suite.expectations)
        assert got["severity"].is_in(["critical", "warning"]).all()
        assert got["element_count"].null_count() == 0
    warn = results.filter(pl.col("expectation") == "start_date_near_published_date").row(0, named=True)
    assert warn["severity"] == "warning" and not warn["success"] and warn["unexpected_count"] == 1
    ok = results.filter((pl.col("suite") == "funding_mentions") & (pl.col("expectation") == "role_known"))
    assert ok["success"].to_list() == [True]


def test_shares_below_the_threshold_pass(run) -> None:
    assert run[0].failed_suites == []


def test_nothing_written_to_the_database_or_the_tree(run) -> None:
    _, before, after, _ = run
    assert before == after
    root = EXPECTATIONS_DIR.parent
    assert not (root / "gx").exists() and not (root / "great_expectations.yml").exists()
    assert sorted(p.name for p in EXPECTATIONS_DIR.iterdir() if p.suffix != ".json") == []


def test_data_docs_index_written(run) -> None:
    outcome, *_, docs = run
    assert outcome.docs_index == docs / "gx" / "index.html"
    assert outcome.docs_index.exists() and "counts" in outcome.docs_index.read_text()


# --- the strict run -------------------------------------------------------------


def test_suites_beyond_the_threshold_fail(strict) -> None:
    # 1 of 4 mentions, 1 of 3 events and 1 of 3 articles fail critical expectations: above 20%
    for suite in ("country_mentions", "events", "articles"):
        assert suite in strict.failed_suites
        assert "more than the 20% allowed" in strict.failure_reasons[suite]
    assert "1 of 4 facts (25%)" in strict.failure_reasons["country_mentions"]


def test_a_broken_suite_fails_the_run_instead_of_passing(strict) -> None:
    assert {"counts", "funding_mentions"} <= set(strict.failed_suites)
    assert "not_be_nul" in strict.failure_reasons["counts"]
    assert "funder_ids" in strict.failure_reasons["funding_mentions"]
    ran = strict.results.filter(pl.col("expectation") == SUITE_RAN)
    assert sorted(ran["suite"]) == ["counts", "funding_mentions"] and not ran["success"].any()
    with pytest.raises(ValidationFailed, match="counts: could not run"):
        raise ValidationFailed(strict)


def test_real_reference_seeds_when_present(db: Path) -> None:
    from flows.checks.suites import load_reference

    reference = load_reference()
    if reference.country_codes is None:
        pytest.skip("dbt_project/seeds/countries.csv not written yet")
    assert {"MEX", "GTM", "USA"} <= set(reference.country_codes)


# --- edge cases -------------------------------------------------------------------


def test_empty_tables_pass_and_missing_tables_fail_every_suite(tmp_path: Path) -> None:
    con = duckdb.connect(str(_write_db(tmp_path / "empty.duckdb", {})))
    empty = validate_facts(con, "run-3", reference=REFERENCE)
    assert empty.failed_suites == [] and empty.quarantine.is_empty()
    assert set(empty.results["suite"]) == set(SUITES) and empty.results["success"].all()
    con.execute("drop table raw.articles")
    missing = validate_facts(con, "run-4", reference=REFERENCE)
    con.close()
    assert missing.failed_suites == list(SUITES)
    assert all("could not run" in missing.failure_reasons[s] for s in SUITES)
