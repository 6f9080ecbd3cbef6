"""Runs that never reached the published warehouse: failed, interrupted or killed ones.

A failed run records itself in its own build, which is discarded (or kept under ``failed/``), so the
published ``audit.runs`` would never show it. Each run therefore leaves a marker beside the warehouse
when it starts (``.runs/<run_id>.json``) and settles it when it ends: removed once its build is
published, rewritten with the outcome when it fails. The next run that publishes adds every marker
left to ``audit.runs`` (a marker still saying "running" belonged to a run that was killed: recorded
as ``killed``) and removes them. Markers are only read under the writer lock, so none is a live run's.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from flows.store.build import append_audit
from flows.store.schema import AUDIT_TABLES


def markers_dir(warehouse: Path) -> Path:
    return warehouse.parent / ".runs"


def mark_started(warehouse: Path, run_id: str, started_at: datetime, source_dir: Path) -> None:
    """Leave the marker of a run that has started (under the writer lock)."""
    _write(warehouse, {"run_id": run_id, "started_at": started_at.isoformat(), "status": "running",
                       "source_dir": str(source_dir), "message": None})  # fmt: skip


def mark_ended(warehouse: Path, run_id: str, status: str, message: str | None) -> None:
    """A run that failed or was interrupted says so in its marker, for the next run to publish."""
    path = markers_dir(warehouse) / f"{run_id}.json"
    try:
        row = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    row.update(status=status, message=message, finished_at=datetime.now(UTC).isoformat())
    _write(warehouse, row)


def clear(warehouse: Path, run_id: str) -> None:
    """The run was published: its own ``audit.runs`` row says so."""
    (markers_dir(warehouse) / f"{run_id}.json").unlink(missing_ok=True)


def record_unpublished(con: duckdb.DuckDBPyConnection, warehouse: Path, current_run_id: str) -> list[str]:
    """Add the runs that never reached the published warehouse to ``audit.runs`` in the build; returns
    their ids (their markers are removed by :func:`forget` once this build is published)."""
    rows = []
    for path in sorted(markers_dir(warehouse).glob("*.json")):
        try:
            row = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if row.get("run_id") == current_run_id:
            continue
        killed = row.get("status") == "running"
        rows.append({
            "run_id": row["run_id"],
            "started_at": datetime.fromisoformat(row["started_at"]),
            "finished_at": datetime.fromisoformat(row["finished_at"]) if row.get("finished_at") else None,
            "status": "killed" if killed else row.get("status", "failed"),
            "source_dir": row.get("source_dir"),
            "files_seen": None, "files_loaded": None, "files_failed": None, "articles": None,
            "extractor_version": None,
            "message": "the run ended without finishing (killed or the machine stopped); recorded by the next run"
            if killed else row.get("message"),
        })  # fmt: skip
    if rows:
        have = {r[0] for r in con.execute("select run_id from audit.runs").fetchall()}
        rows = [r for r in rows if r["run_id"] not in have]
    if rows:
        append_audit(con, "runs", pl.DataFrame(rows, schema=AUDIT_TABLES["runs"], orient="row"))
    return [r["run_id"] for r in rows]


def forget(warehouse: Path, run_ids: list[str]) -> None:
    for run_id in run_ids:
        (markers_dir(warehouse) / f"{run_id}.json").unlink(missing_ok=True)


def _write(warehouse: Path, row: dict) -> None:
    folder = markers_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{row['run_id']}.tmp"
    tmp.write_text(json.dumps(row), encoding="utf-8")
    os.replace(tmp, folder / f"{row['run_id']}.json")
