"""A run's own record: ``audit.runs`` and ``audit.files`` rows, and the published marts' sizes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from flows.sources.ledger import FileRecord
from flows.store.build import append_audit, connect_build, ensure_schemas
from flows.store.schema import AUDIT_TABLES
from flows.versions import extractor_version

if TYPE_CHECKING:
    from flows.summary import RunSummary

_MARTS = ("fct_counts", "fct_country_mentions", "fct_funding_mentions", "fct_events", "dim_articles")


def record_run(build: Path, summary: RunSummary, records: list[FileRecord]) -> None:
    """The run and its files in ``audit``; for a run that succeeded, the marts' sizes in ``summary``."""
    con = connect_build(build)
    try:
        ensure_schemas(con)  # a run that failed before its build was set up still gets its record
        if records:
            files = pl.DataFrame(
                [{"run_id": summary.run_id, **r.__dict__} for r in records],
                schema=AUDIT_TABLES["files"],
                orient="row",
            )
            append_audit(con, "files", files)
        run = {
            "run_id": summary.run_id,
            "started_at": summary.started_at,
            "finished_at": datetime.now(UTC),
            "status": summary.status,
            "source_dir": None,
            "files_seen": summary.files_seen,
            "files_loaded": summary.files_loaded,
            "files_failed": summary.files_failed,
            "articles": summary.articles,
            "extractor_version": extractor_version(),
            "message": summary.message,
        }
        append_audit(con, "runs", pl.DataFrame([run], schema=AUDIT_TABLES["runs"], orient="row"))
        if summary.status == "succeeded":
            tables = {
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_schema = 'marts'"
                ).fetchall()
            }
            for name in _MARTS:
                if name in tables:
                    summary.facts[name] = con.execute(f"select count(*) from marts.{name}").fetchone()[0]
            if "fct_country_mentions" in tables:
                summary.top_countries = con.execute(
                    """select country_iso3, count(distinct article_id) as articles from marts.fct_country_mentions
                       group by 1 order by 2 desc, 1 limit 5"""
                ).fetchall()
    finally:
        con.close()


def read_status(warehouse: Path) -> str:
    """The last recorded run of ``warehouse`` and what the published marts hold, as a few lines."""
    if not warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse} (run `pressfacts run` first)")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        last = con.execute(
            """select run_id, status, started_at, finished_at, files_seen, files_loaded, files_failed, articles,
                      message from audit.runs order by started_at desc limit 1"""
        ).fetchone()
        marts = {
            name: con.execute(f"select count(*) from marts.{name}").fetchone()[0]
            for name in _MARTS
            if con.execute(
                "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = ?", [name]
            ).fetchone()[0]
        }
    finally:
        con.close()
    lines = [f"warehouse {warehouse}"]
    if last is None:
        lines.append("last run  none recorded")
    else:
        run_id, status, started, finished, seen, loaded, failed, articles, message = last
        took = (finished - started).total_seconds() if finished and started else 0.0
        lines.append(f"last run  {run_id}: {status}, {started:%Y-%m-%d %H:%M:%S} UTC ({took:.1f} s)")
        lines.append(f"  files   {seen} seen, {loaded} loaded, {failed} failed; {articles} articles read")
        if message:
            lines.append(f"  message {message}")
    lines.append("  marts   " + ", ".join(f"{n} {c:,}" for n, c in marts.items()) if marts else "  marts   none")
    docs = warehouse.parent / "docs" / "index.html"
    lines.append(f"  docs    {docs if docs.exists() else 'not built'}")
    return "\n".join(lines)
