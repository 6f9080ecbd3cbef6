"""The Prefect flow: the pipeline's table of contents.

discover -> read & segment -> extract -> load raw -> validate (GX) -> dbt build -> publish.
Tasks are coarse (one per stage over the whole batch); the logic lives in plain
functions in the modules they call.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
from prefect import flow, get_run_logger, task

from flows.discover import FoundFile, discover_files
from flows.facts import extract_facts, extractor_version, facts_to_frames
from flows.ingest import FileRecord, read_and_segment
from flows.model import Article
from flows.schema import AUDIT_TABLES
from flows.warehouse import append_audit, discard_build, publish, start_build, write_raw


@dataclass
class RunSummary:
    """What a run did, printed by the CLI and kept in ``audit.runs``."""

    run_id: str
    status: str
    warehouse: Path
    files_seen: int = 0
    files_loaded: int = 0
    files_failed: int = 0
    files_ignored: int = 0
    articles: int = 0
    facts: dict[str, int] = field(default_factory=dict)
    validation: str = "not run"
    quarantined: int = 0
    docs_dir: Path | None = None
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (file, status, reason)
    message: str | None = None


def new_run_id() -> str:
    """Sortable and unique: UTC timestamp plus random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


@task(name="discover files")
def discover_task(source_dir: Path) -> list[FoundFile]:
    return discover_files(source_dir)


@task(name="read and segment")
def read_task(files: list[FoundFile]) -> tuple[list[Article], list[FileRecord]]:
    return read_and_segment(files)


@task(name="extract facts")
def extract_task(articles: list[Article]) -> dict[str, pl.DataFrame]:
    return facts_to_frames(extract_facts(articles))


@task(name="load raw")
def load_task(build: Path, frames: dict[str, pl.DataFrame]) -> None:
    con = duckdb.connect(str(build))
    try:
        write_raw(con, frames)
    finally:
        con.close()


@task(name="validate facts")
def validate_task(build: Path, run_id: str, docs_dir: Path | None):
    from flows.validate import validate_facts

    con = duckdb.connect(str(build))
    try:
        outcome = validate_facts(con, run_id, docs_dir=docs_dir)
        append_audit(con, "validation_results", outcome.results)
        append_audit(con, "quarantine", outcome.quarantine)
    finally:
        con.close()
    return outcome


@task(name="dbt build")
def transform_task(build: Path, run_id: str):
    from flows.transform import run_dbt_build

    return run_dbt_build(build, run_id)


def _record_run(build: Path, summary: RunSummary, started: datetime, records: list[FileRecord]) -> None:
    con = duckdb.connect(str(build))
    try:
        if records:
            files = pl.DataFrame(
                [{"run_id": summary.run_id, **r.__dict__} for r in records],
                schema=AUDIT_TABLES["files"],
                orient="row",
            )
            append_audit(con, "files", files)
        run = pl.DataFrame(
            [
                {
                    "run_id": summary.run_id,
                    "started_at": started,
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
            ],
            schema=AUDIT_TABLES["runs"],
            orient="row",
        )
        append_audit(con, "runs", run)
    finally:
        con.close()


@flow(name="pressfacts", log_prints=True)
def pressfacts_flow(source_dir: Path, warehouse: Path, docs_dir: Path | None = None) -> RunSummary:
    """Run the whole pipeline on ``source_dir`` and publish ``warehouse`` if every check passes."""
    logger = get_run_logger()
    run_id = new_run_id()
    started = datetime.now(UTC)
    summary = RunSummary(run_id=run_id, status="running", warehouse=warehouse, docs_dir=docs_dir)
    files = discover_task(source_dir)
    articles, records = read_task(files)
    summary.files_seen = len(records)
    summary.files_loaded = sum(r.status == "loaded" for r in records)
    summary.files_failed = sum(r.status == "failed" for r in records)
    summary.files_ignored = sum(r.status == "ignored" for r in records)
    summary.articles = len(articles)
    summary.refused = [(r.source_file, r.status, r.reason or "") for r in records if r.status in ("failed", "ignored")]
    build = start_build(warehouse, run_id)
    try:
        frames = extract_task(articles)
        summary.facts = {name: frame.height for name, frame in frames.items()}
        load_task(build, frames)
        outcome = validate_task(build, run_id, docs_dir)
        summary.quarantined = outcome.quarantine.height
        failed = int((~outcome.results["success"]).sum()) if outcome.results.height else 0
        summary.validation = (
            f"{outcome.results.height} expectations, {failed} with failures, {summary.quarantined} facts quarantined"
        )
        if outcome.failed_suites:
            from flows.validate import ValidationFailed

            raise ValidationFailed(f"suites failed beyond their threshold: {', '.join(outcome.failed_suites)}")
        transform_task(build, run_id)
        summary.status = "succeeded"
        _record_run(build, summary, started, records)
        publish(build, warehouse)
    except Exception as exc:
        summary.status = "failed"
        summary.message = f"{type(exc).__name__}: {exc}"
        logger.error("run %s failed: %s; the published warehouse is unchanged", run_id, summary.message)
        try:
            _record_run(build, summary, started, records)
        finally:
            discard_build(build, keep_as=warehouse.parent / "failed" / f"{run_id}.duckdb")
        raise
    logger.info("run %s published %s", run_id, warehouse)
    return summary
