"""The DuckDB file: build a new version beside the published one, then swap it in atomically.

DuckDB allows one writer or many readers. Readers (BI tools, analysts) open the
published file read-only at any time; a run never writes to it. The run copies
the published file (to keep the audit history), writes the copy, and only when
every check has passed replaces the published file with ``os.replace`` — an
atomic rename, so a reader sees the old version or the new one, never half of one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import polars as pl

from flows.schema import AUDIT_TABLES, RAW_TABLES


def build_path(published: Path, run_id: str) -> Path:
    """Where a run builds its version of the warehouse (same folder, so the rename is atomic)."""
    return published.parent / f".{published.name}.build-{run_id}"


def start_build(published: Path, run_id: str) -> Path:
    """A private copy of the published warehouse (or a new file) for this run to write."""
    published.parent.mkdir(parents=True, exist_ok=True)
    build = build_path(published, run_id)
    for stale in (build, build.with_name(build.name + ".wal")):
        stale.unlink(missing_ok=True)
    if published.exists():
        shutil.copyfile(published, build)
    con = duckdb.connect(str(build))
    try:
        ensure_schemas(con)
    finally:
        con.close()
    return build


def ensure_schemas(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw and audit schemas and the audit tables when missing."""
    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists audit")
    for name, schema in AUDIT_TABLES.items():
        empty = pl.DataFrame(schema=schema).to_arrow()  # noqa: F841 - read by DuckDB by name
        con.execute(f"create table if not exists audit.{name} as select * from empty where false")


def write_raw(con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame]) -> None:
    """Replace every raw table with its frame, in bulk through Arrow."""
    for name in RAW_TABLES:
        arrow = frames[name].to_arrow()  # noqa: F841 - read by DuckDB by name
        con.execute(f"create or replace table raw.{name} as select * from arrow")


def append_audit(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Append rows to ``audit.<table>``, columns in the order ``AUDIT_TABLES`` gives."""
    columns = list(AUDIT_TABLES[table])
    arrow = frame.select(columns).to_arrow()  # noqa: F841 - read by DuckDB by name
    con.execute(f"insert into audit.{table} by name select * from arrow")


def publish(build: Path, published: Path) -> None:
    """Atomically replace the published warehouse with the finished build."""
    con = duckdb.connect(str(build))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(build, published)


def discard_build(build: Path, keep_as: Path | None = None) -> None:
    """Remove a failed build, or keep it at ``keep_as`` for inspection."""
    wal = build.with_name(build.name + ".wal")
    if keep_as is not None and build.exists():
        keep_as.parent.mkdir(parents=True, exist_ok=True)
        os.replace(build, keep_as)
        if wal.exists():
            os.replace(wal, keep_as.with_name(keep_as.name + ".wal"))
        return
    build.unlink(missing_ok=True)
    wal.unlink(missing_ok=True)
