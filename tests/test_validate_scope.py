"""Incremental validation on a real DuckDB file with real GX checkpoints.

A scoped run reads and judges only the facts of the scoped articles; folding its
quarantine rows into ``raw.quarantine`` with :func:`apply_quarantine` must leave the
same held-back facts as one validation of everything.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from test_validate import CLEAN_TEXT, ODD_TEXT, REFERENCE, _article, _count, _tables, _write_db

from flows.checks.frames import SCOPE_VIEW
from flows.checks.gate import validate_facts
from flows.checks.quarantine import apply_quarantine
from flows.checks.suites import SUITES
from flows.store.schema import RAW_STATE_TABLES, RAW_TABLES

REPO = Path(__file__).resolve().parent.parent


def _with_state(path: Path) -> Path:
    """Add ``raw.quarantine`` (typed as RAW_STATE_TABLES) to a warehouse written by ``_write_db``."""
    con = duckdb.connect(str(path))
    empty = pl.DataFrame(schema=RAW_STATE_TABLES["quarantine"]).to_arrow()  # noqa: F841 - read by DuckDB
    con.execute("create table raw.quarantine as select * from empty")
    con.close()
    return path


def _held(con: duckdb.DuckDBPyConnection) -> set[tuple]:
    return set(con.sql("select fact_table, fact_id, expectation from raw.quarantine").fetchall())


def _scope(*article_ids: str) -> pl.DataFrame:
    return pl.DataFrame({"article_id": list(article_ids)}, schema={"article_id": pl.String})


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _with_state(_write_db(tmp_path_factory.mktemp("scope") / "warehouse.duckdb", _tables()))


@pytest.fixture(scope="module")
def full(db: Path):
    """One validation of everything, applied to raw.quarantine; the outcome and the held facts."""
    con = duckdb.connect(str(db))
    outcome = validate_facts(con, "full", reference=REFERENCE)
    apply_quarantine(con, outcome.quarantine, None)
    held = _held(con)
    con.close()
    return outcome, held


@pytest.fixture(scope="module")
def odd_only(db: Path):
    con = duckdb.connect(str(db), read_only=True)
    outcome = validate_facts(con, "odd", reference=REFERENCE, fail_threshold=0.4, scope=_scope("odd"))
    con.close()
    return outcome


def test_full_validation_holds_back_facts(full) -> None:
    outcome, held = full
    assert held and held == {(r["fact_table"], r["fact_id"], r["expectation"]) for r in outcome.quarantine.to_dicts()}


def test_a_scope_validates_only_its_articles_facts(odd_only, full) -> None:
    assert set(odd_only.quarantine["article_id"]) == {"odd"}
    expected = full[0].quarantine.filter(pl.col("article_id") == "odd")
    assert sorted(odd_only.quarantine["fact_id"].to_list(), key=str) == sorted(expected["fact_id"].to_list(), key=str)
    # element counts are the scope's: the odd article has 5 counts (one without an id) and 1 of 3 articles
    counts = odd_only.results.filter((pl.col("suite") == "counts") & (pl.col("expectation") == "count_id_present"))
    assert counts["element_count"].to_list() == [5]
    articles = odd_only.results.filter(pl.col("suite") == "articles")
    assert set(articles["element_count"]) == {1}


def test_the_threshold_is_a_share_of_the_scope(odd_only, full) -> None:
    # over all articles 1 of 4 mentions fails (25%); within the odd article it is 1 of 2 (50%, above 40%)
    assert "country_mentions" not in full[0].failed_suites
    assert "1 of 2 facts (50%)" in odd_only.failure_reasons["country_mentions"]


def test_two_scoped_steps_equal_one_full_validation(tmp_path: Path, full) -> None:
    """Articles arrive in two runs; each run validates and applies only its own articles."""
    tables = _tables()
    first = {"clean"}
    step = _with_state(
        _write_db(
            tmp_path / "steps.duckdb",
            {name: [r for r in rows if r["article_id"] in first] for name, rows in tables.items()},
        )
    )
    con = duckdb.connect(str(step))
    one = validate_facts(con, "step-1", reference=REFERENCE, scope=_scope(*first))
    apply_quarantine(con, one.quarantine, _scope(*first))
    for name, rows in tables.items():
        later = pl.DataFrame([r for r in rows if r["article_id"] not in first], schema=RAW_TABLES[name])
        arrow = later.to_arrow()  # noqa: F841 - read by DuckDB
        con.execute(f"insert into raw.{name} by name select * from arrow")
    rest = _scope("odd", "future")
    two = validate_facts(con, "step-2", reference=REFERENCE, scope=rest)
    apply_quarantine(con, two.quarantine, rest)
    held = _held(con)
    con.close()
    assert held == full[1]


def test_revalidating_a_scope_replaces_its_rows_and_withdrawn_articles_leave(tmp_path: Path, full) -> None:
    db = _with_state(_write_db(tmp_path / "again.duckdb", _tables()))
    con = duckdb.connect(str(db))
    apply_quarantine(con, validate_facts(con, "a", reference=REFERENCE).quarantine, None)
    # the same scope validated twice: no duplicated rows
    again = validate_facts(con, "b", reference=REFERENCE, scope=_scope("odd"))
    apply_quarantine(con, again.quarantine, _scope("odd"))
    assert _held(con) == full[1]
    assert con.execute("select count(*) from raw.quarantine").fetchall() == [(len(full[1]),)]
    runs = con.execute("select distinct run_id from raw.quarantine where article_id = 'odd'").fetchall()
    assert runs == [("b",)]
    # the future article is withdrawn (article and facts deleted): its rows go with the next scoped apply
    for name in RAW_TABLES:
        con.execute(f"delete from raw.{name} where article_id = 'future'")
    apply_quarantine(con, validate_facts(con, "c", reference=REFERENCE, scope=_scope()).quarantine, _scope())
    left = con.sql("select distinct article_id from raw.quarantine order by 1").fetchall()
    con.close()
    assert left == [("odd",)]


def test_facts_whose_article_is_missing_stay_held_until_they_leave_raw(tmp_path: Path) -> None:
    """A fact without its article fails article_exists in a full validation; a scoped apply keeps it."""
    orphan = _count("c-orphan", "odd", ODD_TEXT, "300", 300.0) | {"article_id": "ghost"}
    tables = {"articles": [_article("clean", CLEAN_TEXT, date(2019, 6, 6))], "counts": [orphan]}
    db = _with_state(_write_db(tmp_path / "orphan.duckdb", tables))
    con = duckdb.connect(str(db))
    apply_quarantine(con, validate_facts(con, "a", reference=REFERENCE).quarantine, None)
    assert ("counts", "c-orphan", "article_exists") in _held(con)
    apply_quarantine(
        con, validate_facts(con, "b", reference=REFERENCE, scope=_scope("clean")).quarantine, _scope("clean")
    )
    assert ("counts", "c-orphan", "article_exists") in _held(con)
    con.execute("delete from raw.counts")
    apply_quarantine(con, pl.DataFrame(schema=RAW_STATE_TABLES["quarantine"]), _scope("clean"))
    assert _held(con) == set()
    con.close()


def test_the_scope_view_is_removed_and_an_unknown_scope_finds_nothing(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    outcome = validate_facts(con, "nobody", reference=REFERENCE, scope=_scope("no-such-article"))
    views = con.sql("select view_name from duckdb_views() where view_name = ?", params=[SCOPE_VIEW]).fetchall()
    con.close()
    assert views == [] and outcome.quarantine.is_empty() and outcome.failed_suites == []
    assert set(outcome.results["suite"]) == set(SUITES)
    assert set(outcome.results["element_count"]) == {0}


def test_an_empty_scope_returns_at_once_without_great_expectations(db: Path) -> None:
    code = (
        "import sys, duckdb, polars as pl\n"
        "from flows.checks.gate import validate_facts\n"
        f"con = duckdb.connect({str(db)!r}, read_only=True)\n"
        "out = validate_facts(con, 'r', scope=pl.DataFrame({'article_id': []}, schema={'article_id': pl.String}))\n"
        "assert out.results.is_empty() and out.quarantine.is_empty() and out.failed_suites == []\n"
        "assert 'great_expectations' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
