"""The ``raw`` schema: what the load step writes and dbt's sources read.

One polars schema per table, in column order. The load step writes exactly
these columns (bulk, through Arrow); ``dbt_project/models/staging/__sources.yml``
declares the same tables.
"""

from __future__ import annotations

import polars as pl

RAW_TABLES: dict[str, dict[str, pl.DataType]] = {
    # one row per article cut from a raw file
    "articles": {
        "article_id": pl.String,
        "source_file": pl.String,  # path relative to the source folder, "/"-separated
        "content_sha256": pl.String,
        "ordinal": pl.Int32,  # position of the article within its file, from 0
        "title": pl.String,
        "published_date": pl.Date,
        "dateline_place": pl.String,
        "dateline_country_iso3": pl.String,
        "primary_country_iso3": pl.String,
        "article_text": pl.String,  # every span of every fact indexes into this
        "body_start": pl.Int32,
        "extractor_version": pl.String,
    },
    "country_mentions": {
        "mention_id": pl.String,
        "article_id": pl.String,
        "country_iso3": pl.String,
        "mention_text": pl.String,
        "match_kind": pl.String,  # name | variant | abbreviation | demonym | place
        "char_start": pl.Int32,
        "char_end": pl.Int32,
    },
    "counts": {
        "count_id": pl.String,
        "article_id": pl.String,
        "value": pl.Float64,
        "value_max": pl.Float64,
        "qualifier": pl.String,
        "unit": pl.String,
        "category": pl.String,
        "counted": pl.String,
        "currency": pl.String,
        "country_iso3": pl.String,
        "part_of_count_id": pl.String,
        "event_id": pl.String,
        "sentence": pl.String,
        "char_start": pl.Int32,
        "char_end": pl.Int32,
    },
    "funding_mentions": {
        "funding_mention_id": pl.String,
        "article_id": pl.String,
        "funder_id": pl.String,  # registry id, null when the name is not in the registry
        "funder_name": pl.String,  # canonical name, or the name as written when unregistered
        "role": pl.String,  # funder | supporter
        "mention_text": pl.String,
        "event_id": pl.String,
        "sentence": pl.String,
        "char_start": pl.Int32,
        "char_end": pl.Int32,
    },
    "events": {
        "event_id": pl.String,
        "article_id": pl.String,
        "event_type": pl.String,
        "trigger": pl.String,
        "country_iso3": pl.String,
        "city": pl.String,
        "start_date": pl.Date,
        "end_date": pl.Date,
        "date_precision": pl.String,  # day | month | year
        "participants": pl.Float64,
        "sentence": pl.String,
        "char_start": pl.Int32,
        "char_end": pl.Int32,
        # why the event cannot be published as extracted (a written date that does not exist)
        "date_issue": pl.String,
    },
}

# State kept in raw between runs (incremental runs): written by the flow, read by dbt.
# A fact held back by validation: audit.quarantine (every run's, kept) and raw.quarantine (held back now).
QUARANTINE_COLUMNS: dict[str, pl.DataType] = {
    "run_id": pl.String,
    "fact_table": pl.String,
    "fact_id": pl.String,
    "article_id": pl.String,
    "source_file": pl.String,
    "expectation": pl.String,
    "reason": pl.String,
    "payload": pl.String,  # the fact as JSON
}

RAW_STATE_TABLES: dict[str, dict[str, pl.DataType]] = {
    # the landing folder as last seen: one row per file
    "sources": {
        "source_file": pl.String,
        "content_sha256": pl.String,
        "size_bytes": pl.Int64,
        "encoding": pl.String,
        "status": pl.String,  # loaded | failed | ignored (as of the run that last read it)
        "reason": pl.String,
        "articles": pl.Int32,
        "extractor_version": pl.String,
        "last_read_run_id": pl.String,
        # size:mtime_ns:ctime_ns:dev:inode when the loaded file was read, settled (the stat cache of
        # flows.sources.scan); null when it must be hashed again next run
        "stat_key": pl.String,
    },
    # the latest validation and the build version (code, dbt project, suites) it checked with: one row
    "validation_run": {"run_id": pl.String, "build_version": pl.String},
    # the facts held back now: the quarantine rows (audit.quarantine's columns) of the validations
    # that still hold, i.e. of facts still in raw; validation of a run's new articles adds rows,
    # withdrawing an article removes its rows, a full validation replaces them all
    "quarantine": QUARANTINE_COLUMNS,
    # the articles this run inserted or withdrew: what incremental dbt models rebuild
    # (a full refresh, on a dbt project or suite change, rebuilds everything)
    "changed_articles": {"article_id": pl.String},
}

# The audit schema (warehouse-contract.md): written by the flow, kept across runs.
AUDIT_TABLES: dict[str, dict[str, pl.DataType]] = {
    "runs": {
        "run_id": pl.String,
        "started_at": pl.Datetime("us", "UTC"),
        "finished_at": pl.Datetime("us", "UTC"),
        "status": pl.String,  # running | succeeded | failed
        "source_dir": pl.String,
        "files_seen": pl.Int32,
        "files_loaded": pl.Int32,
        "files_failed": pl.Int32,
        "articles": pl.Int32,
        "extractor_version": pl.String,
        "message": pl.String,
    },
    "files": {
        "run_id": pl.String,
        "source_file": pl.String,
        "content_sha256": pl.String,
        "size_bytes": pl.Int64,
        "encoding": pl.String,
        "status": pl.String,  # loaded | unchanged | failed | ignored
        "reason": pl.String,
        "articles": pl.Int32,
    },
    "validation_results": {
        "run_id": pl.String,
        "suite": pl.String,
        "expectation": pl.String,
        "column_name": pl.String,
        "success": pl.Boolean,
        "unexpected_count": pl.Int64,
        "element_count": pl.Int64,
        "severity": pl.String,  # critical | warning
        "details": pl.String,
    },
    "quarantine": QUARANTINE_COLUMNS,
}
