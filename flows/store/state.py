"""What the published warehouse already holds, and the new ``raw.sources`` a run writes from it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from flows.sources import ledger
from flows.sources.ledger import FileRecord
from flows.store.build import read_build_version, read_extracted_versions, read_sources
from flows.store.schema import RAW_STATE_TABLES
from flows.versions import extractor_version


class UnreadableWarehouse(RuntimeError):
    """The published file cannot be opened: the run refuses, and says how to recover."""


@dataclass
class PriorState:
    """What the published warehouse already holds."""

    sources: pl.DataFrame
    extracted: dict[str, str]  # content digest -> extractor version
    build_version: str | None
    articles: int = 0  # articles published now

    def contents_to_keep(self, full_refresh: bool) -> frozenset[str]:
        """Digests of the contents extracted by this extractor version (none on a full refresh)."""
        if full_refresh:
            return frozenset()
        version = extractor_version()
        return frozenset(digest for digest, v in self.extracted.items() if v == version)


def read_prior_state(warehouse: Path) -> PriorState:
    """The published warehouse's raw state, read-only (an absent warehouse holds nothing)."""
    empty = pl.DataFrame(schema=RAW_STATE_TABLES["sources"])
    if not warehouse.exists():
        return PriorState(empty, {}, None)
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise UnreadableWarehouse(
            f"the published warehouse {warehouse} cannot be opened ({exc}); nothing was changed. It may be corrupt "
            "or truncated: `pressfacts restore` publishes the newest kept version (`--list` shows them), or move "
            "the file aside and run again to rebuild it from the source folder"
        ) from exc
    try:
        tables = {
            r[0]
            for r in con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
        }
        if not {"raw.sources", "raw.articles", "raw.validation_run"} <= tables:
            return PriorState(empty, {}, None)
        [(articles,)] = con.execute("select count(*) from raw.articles").fetchall()
        return PriorState(read_sources(con), read_extracted_versions(con), read_build_version(con), articles)
    finally:
        con.close()


def plan_sources(
    prior: PriorState, records: list[FileRecord], run_id: str, stat_keys: dict[str, str] | None = None
) -> tuple[pl.DataFrame, list[FileRecord]]:
    """The new ``raw.sources`` and audit records for files that disappeared since the last run;
    a loaded file keeps the stat it was read (or trusted) with (``stat_keys``, from the scan)."""
    stat_keys = stat_keys or {}
    previous = {row["source_file"]: row for row in prior.sources.iter_rows(named=True)}
    version = extractor_version()
    rows = []
    for r in records:
        if r.status == "unchanged":
            before = previous.get(r.source_file, {})
            rows.append(
                {
                    **before,
                    "source_file": r.source_file,
                    "content_sha256": r.content_sha256,
                    "size_bytes": r.size_bytes,
                    "status": "loaded",
                    "reason": None,
                    "extractor_version": version,
                    "last_read_run_id": before.get("last_read_run_id", run_id),
                    "stat_key": stat_keys.get(r.source_file),
                }
            )
        else:
            rows.append(
                {
                    "source_file": r.source_file,
                    "content_sha256": r.content_sha256,
                    "size_bytes": r.size_bytes,
                    "encoding": r.encoding,
                    "status": r.status,
                    "reason": r.reason,
                    "articles": r.articles,
                    "extractor_version": version,
                    "last_read_run_id": run_id,
                    "stat_key": stat_keys.get(r.source_file) if r.status == "loaded" else None,
                }
            )
    seen = {r.source_file for r in records}
    # the file each content is read from now: a removed file whose content another holds was renamed
    present: dict[str, str] = {}
    for r in records:
        if r.status in ("loaded", "unchanged") and r.content_sha256:
            present.setdefault(r.content_sha256, r.source_file)
    removed = [
        ledger.removed(
            name, row["content_sha256"], row["size_bytes"], row["encoding"], present.get(row["content_sha256"])
        )
        for name, row in previous.items()
        if name not in seen and row["status"] == "loaded"
    ]
    return pl.DataFrame(rows, schema=RAW_STATE_TABLES["sources"], orient="row"), removed


class RemovalRefused(RuntimeError):
    """The run would withdraw too many of the published articles (an empty or unmounted source folder?)."""


def refuse_mass_removal(prior: PriorState, withdrawn_for_good: int, source_dir: Path, max_share: float) -> None:
    """Raise :class:`RemovalRefused` when the files gone from the source folder held every published
    article, or more than ``max_share`` of them (changed files are re-extracted, not removed)."""
    if prior.articles == 0 or withdrawn_for_good == 0:
        return
    if withdrawn_for_good >= prior.articles or withdrawn_for_good > max_share * prior.articles:
        raise RemovalRefused(
            f"this run would withdraw {withdrawn_for_good} of the {prior.articles} published articles "
            f"(their files are no longer in {source_dir}); the source folder may be empty or not mounted. "
            "Nothing was changed. Run again with --allow-removals if the files were removed on purpose."
        )
