"""The Prefect flow: the pipeline's table of contents.

discover -> read & segment (new or changed files only) -> extract -> load raw
-> validate (GX) -> dbt build -> publish. Tasks are coarse (one per stage over
the whole batch); the logic lives in plain functions in the modules they call.
"""

from __future__ import annotations

import fcntl
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.discover import FoundFile, discover_files
from flows.ingest import FileRecord, Prescan, RawFile, prescan, same_text_reason, share_fate
from flows.parallel import (
    ChunkResult,
    chunked,
    local_pool,
    make_task_runner,
    ordered_window,
    run_chunk,
    worker_count,
)
from flows.schema import AUDIT_TABLES, RAW_STATE_TABLES
from flows.versioning import build_version, extractor_version
from flows.warehouse import (
    append_audit,
    append_facts,
    assign_source_files,
    discard_build,
    publish,
    read_build_version,
    read_extracted_versions,
    read_sources,
    remove_stale_builds,
    replace_state,
    start_build,
    withdraw_facts,
)


@dataclass
class RunSummary:
    """What a run did, printed by the CLI, kept in ``audit.runs`` and published as an artifact."""

    run_id: str
    status: str
    warehouse: Path
    files_seen: int = 0
    files_loaded: int = 0
    files_unchanged: int = 0
    files_failed: int = 0
    files_ignored: int = 0
    files_removed: int = 0
    articles: int = 0
    articles_withdrawn: int = 0
    facts: dict[str, int] = field(default_factory=dict)  # facts in the published marts
    validation: str = "not run"
    quarantined: int = 0
    docs_dir: Path | None = None
    refused: list[tuple[str, str, str]] = field(default_factory=list)  # (file, status, reason)
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per stage (consecutive laps)
    # seconds spent in chunks, summed over the processes that extracted them (segment, extract, frames)
    # and the flow's own time appending them to the build (load), which overlaps the "extract" lap
    extract_seconds: dict[str, float] = field(default_factory=dict)
    top_countries: list[tuple[str, int]] = field(default_factory=list)
    extract_processes: list[str] = field(default_factory=list)  # host:pid of each process that extracted
    message: str | None = None


@dataclass
class PriorState:
    """What the published warehouse already holds."""

    sources: pl.DataFrame
    extracted: dict[str, str]  # content digest -> extractor version
    build_version: str | None


def new_run_id() -> str:
    """Sortable and unique: UTC timestamp plus random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


@contextmanager
def warehouse_lock(warehouse: Path, wait_seconds: float = 0) -> Iterator[None]:
    """Exclusive right to write ``warehouse``: one run at a time, across processes.

    Raises ``RuntimeError`` when another run holds the lock for longer than ``wait_seconds``.
    """
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.parent / f".{warehouse.name}.lock"
    with open(lock_path, "w") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RuntimeError(
                        f"another run is writing {warehouse} (lock {lock_path}); this run did not start"
                    ) from None
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_prior_state(warehouse: Path) -> PriorState:
    """The published warehouse's raw state, read-only (an absent warehouse holds nothing)."""
    empty = pl.DataFrame(schema=RAW_STATE_TABLES["sources"])
    if not warehouse.exists():
        return PriorState(empty, {}, None)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = {r[0] for r in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
        ).fetchall()}  # fmt: skip
        if not {"raw.sources", "raw.articles", "raw.validation_run"} <= tables:
            return PriorState(empty, {}, None)
        return PriorState(read_sources(con), read_extracted_versions(con), read_build_version(con))
    finally:
        con.close()


def plan_sources(prior: PriorState, records: list[FileRecord], run_id: str) -> tuple[pl.DataFrame, list[FileRecord]]:
    """The new ``raw.sources`` and audit records for files that disappeared since the last run."""
    previous = {row["source_file"]: row for row in prior.sources.iter_rows(named=True)}
    version = extractor_version()
    rows = []
    for r in records:
        if r.status == "unchanged":
            before = previous.get(r.source_file, {})
            rows.append({**before, "source_file": r.source_file, "content_sha256": r.content_sha256,
                         "size_bytes": r.size_bytes, "status": "loaded", "reason": None,
                         "extractor_version": version,
                         "last_read_run_id": before.get("last_read_run_id", run_id)})  # fmt: skip
        else:
            rows.append({"source_file": r.source_file, "content_sha256": r.content_sha256,
                         "size_bytes": r.size_bytes, "encoding": r.encoding, "status": r.status,
                         "reason": r.reason, "articles": r.articles, "extractor_version": version,
                         "last_read_run_id": run_id})  # fmt: skip
    seen = {r.source_file for r in records}
    removed = [
        FileRecord(
            name,
            row["content_sha256"],
            row["size_bytes"],
            row["encoding"],
            "ignored",
            "no longer in the source folder: its facts were withdrawn from the marts",
        )  # fmt: skip
        for name, row in previous.items()
        if name not in seen and row["status"] == "loaded"
    ]
    return pl.DataFrame(rows, schema=RAW_STATE_TABLES["sources"], orient="row"), removed


@task(name="discover files", cache_policy=NO_CACHE)
def discover_task(source_dir: Path) -> list[FoundFile]:
    return discover_files(source_dir)


@task(name="read files", cache_policy=NO_CACHE)
def prescan_task(files: list[FoundFile], skip_content: frozenset[str]) -> Prescan:
    """Read and hash every file; settle the unchanged, unreadable and byte-identical ones."""
    return prescan(files, skip_content)


@task(name="extract chunk", cache_policy=NO_CACHE)
def extract_chunk_task(raw_files: list[RawFile]) -> ChunkResult:
    """Decode, segment and extract one chunk of files (on the local pool, or a Dask worker)."""
    return run_chunk(raw_files)


LOAD_MEMORY_LIMIT = "1GB"


@dataclass
class Extraction:
    """What extract-and-load put in the build."""

    records: list[FileRecord]  # one per pending file (and byte-identical copies), final status
    inserted: pl.DataFrame  # article_id of every article appended
    seconds: dict[str, float]  # worker seconds by step, and the flow's loading seconds
    processes: list[str]  # host:pid of each process that extracted a chunk


def extract_and_load(build: Path, scan: Prescan, uses_local_pool: bool) -> Extraction:
    """Extract the pending files chunk by chunk (Prefect tasks, in parallel) and append each chunk's
    facts to the build as it arrives, in file order; memory holds the pending files' bytes (read once
    for hashing) and a few chunks' articles and facts, not the batch's.

    A file whose decoded text an earlier file already gave is ``ignored`` and its facts dropped.
    """
    workers = worker_count()
    chunks = chunked(scan.pending, workers)
    seen_text: dict[str, str] = {}
    records: list[FileRecord] = []
    inserted: list[pl.DataFrame] = []
    seconds: dict[str, float] = {"load": 0.0}
    processes: set[str] = set()
    # appended blocks can be written out and evicted: DuckDB's default cache (80% of RAM) would keep
    # the whole archive's facts resident in the flow process
    con = duckdb.connect(str(build), config={"memory_limit": LOAD_MEMORY_LIMIT})
    try:
        with local_pool(workers, len(scan.pending)) if uses_local_pool else nullcontext():
            # quote() as for prescan_task; prefect-dask hands a quoted input to the task still wrapped,
            # and its inputs are pickled for the workers anyway
            wrap = quote if uses_local_pool else (lambda chunk: chunk)
            submit = lambda chunk: extract_chunk_task.submit(wrap(chunk))  # noqa: E731
            for result in ordered_window(submit, chunks, window=2 * workers):
                began = time.perf_counter()
                frames = drop_repeated_texts(result, seen_text)
                append_facts(con, frames)
                inserted.append(frames["articles"].select("article_id"))
                records += result.records
                processes.add(result.process)
                for step, spent in result.seconds.items():
                    seconds[step] = seconds.get(step, 0.0) + spent
                seconds["load"] += time.perf_counter() - began
    finally:
        con.close()
    share_fate(scan, records)
    ids = pl.concat(inserted) if inserted else pl.DataFrame(schema={"article_id": pl.String})
    return Extraction(records, ids, {k: round(v, 3) for k, v in seconds.items()}, sorted(processes))


def drop_repeated_texts(result: ChunkResult, seen_text: dict[str, str]) -> dict[str, pl.DataFrame]:
    """The chunk's frames without the files whose decoded text an earlier chunk held (marked ``ignored``)."""
    dropped = []
    for r in result.records:
        key = result.text_keys.get(r.source_file)
        if r.status != "loaded" or key is None:
            continue
        if key in seen_text:
            r.status, r.reason, r.articles = "ignored", same_text_reason(seen_text[key]), 0
            dropped.append(r.content_sha256)
        else:
            seen_text[key] = r.source_file
    if not dropped:
        return result.frames
    gone = result.frames["articles"].filter(pl.col("content_sha256").is_in(dropped))["article_id"]
    return {name: frame.filter(~pl.col("article_id").is_in(gone.implode())) for name, frame in result.frames.items()}


def _in_order(files: list[FoundFile], records: list[FileRecord]) -> list[FileRecord]:
    order = {f.source_file: n for n, f in enumerate(files)}
    return sorted(records, key=lambda r: order.get(r.source_file, len(order)))


@task(name="validate facts", cache_policy=NO_CACHE)
def validate_task(
    build: Path,
    run_id: str,
    docs_dir: Path | None,
    expectations_dir: Path | None = None,
    scope: pl.DataFrame | None = None,
):
    """GX over the facts of the articles in ``scope`` (``article_id``), or of every article when None;
    records the results and updates the facts held back now (``raw.quarantine``)."""
    from flows.validate import EXPECTATIONS_DIR, apply_quarantine, validate_facts

    con = duckdb.connect(str(build))
    try:
        outcome = validate_facts(
            con,
            run_id,
            docs_dir=docs_dir,
            expectations_dir=expectations_dir or EXPECTATIONS_DIR,
            scope=scope,
        )
        append_audit(con, "validation_results", outcome.results)
        append_audit(con, "quarantine", outcome.quarantine)
        apply_quarantine(con, outcome.quarantine, scope)
        replace_state(con, "validation_run", pl.DataFrame([{"run_id": run_id, "build_version": build_version()}]))
    finally:
        con.close()
    return outcome


@task(name="dbt build", cache_policy=NO_CACHE)
def transform_task(build: Path, published: Path, full_refresh: bool):
    """``dbt build``: incremental marts rebuild only ``raw.changed_articles`` unless ``full_refresh``."""
    from flows.transform import run_dbt_build

    # one dbt target folder per published warehouse, so partial parsing carries across runs
    return run_dbt_build(build, build_dir=published.parent / ".dbt", full_refresh=full_refresh)


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
        run = {
            "run_id": summary.run_id, "started_at": started, "finished_at": datetime.now(UTC),
            "status": summary.status, "source_dir": None, "files_seen": summary.files_seen,
            "files_loaded": summary.files_loaded, "files_failed": summary.files_failed,
            "articles": summary.articles, "extractor_version": extractor_version(), "message": summary.message,
        }  # fmt: skip
        append_audit(con, "runs", pl.DataFrame([run], schema=AUDIT_TABLES["runs"], orient="row"))
        if summary.status == "succeeded":
            tables = {r[0] for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()}  # fmt: skip
            for name in (
                "fct_counts",
                "fct_country_mentions",
                "fct_funding_mentions",
                "fct_events",
                "dim_articles",
            ):
                if name in tables:
                    summary.facts[name] = con.execute(f"select count(*) from marts.{name}").fetchone()[0]
            if "fct_country_mentions" in tables:
                summary.top_countries = con.execute(
                    """select country_iso3, count(distinct article_id) as articles from marts.fct_country_mentions
                       group by 1 order by 2 desc, 1 limit 5"""
                ).fetchall()
    finally:
        con.close()


def _uses_local_pool() -> bool:
    """Whether chunk tasks run in this process's threads (then they need the local worker pool);
    under a Dask task runner they run on the cluster's workers."""
    from prefect.context import FlowRunContext
    from prefect.task_runners import ThreadPoolTaskRunner

    context = FlowRunContext.get()
    return context is None or isinstance(context.task_runner, ThreadPoolTaskRunner)


def _publish_artifact(summary: RunSummary) -> None:
    """The run summary as a Prefect markdown artifact (visible in the UI)."""
    from prefect.artifacts import create_markdown_artifact

    from flows.cli import format_markdown

    create_markdown_artifact(key="pressfacts-run-summary", markdown=format_markdown(summary),
                             description=f"pressfacts run {summary.run_id}")  # fmt: skip


# the task runner comes from the settings (PRESSFACTS_TASK_RUNNER, see flows.parallel)
@flow(name="pressfacts", log_prints=True, task_runner=make_task_runner())
def pressfacts_flow(
    source_dir: Path,
    warehouse: Path,
    docs_dir: Path | None = None,
    full_refresh: bool = False,
    expectations_dir: Path | None = None,
) -> RunSummary:
    """Run the pipeline on ``source_dir`` and publish ``warehouse`` if every check passes.

    Only new or changed files are read and extracted (``full_refresh`` re-extracts all);
    removed files' facts are withdrawn. ``expectations_dir`` replaces the suites in
    ``expectations/`` (for testing a broken suite). When nothing changed (files, extractor, dbt project,
    suites), validation and dbt are skipped and only the run is recorded.
    """
    logger = get_run_logger()
    run_id = new_run_id()
    started = datetime.now(UTC)
    summary = RunSummary(run_id=run_id, status="running", warehouse=warehouse, docs_dir=docs_dir)
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        summary.timings[stage] = round(now - clock, 3)
        clock = now

    with warehouse_lock(warehouse):
        for stale in remove_stale_builds(warehouse):
            logger.warning("removed %s, left by a run that did not finish", stale.name)
        files = discover_task(source_dir)
        prior = read_prior_state(warehouse)
        lap("discover")
        version = extractor_version()
        current = frozenset() if full_refresh else frozenset(s for s, v in prior.extracted.items() if v == version)
        # quote(): Prefect would otherwise walk (and copy) every element of these large inputs to
        # track dependencies, 10 s for 100,000 files
        scan = prescan_task(quote(files), quote(current))
        lap("read")
        kept = {r.content_sha256 for r in scan.records if r.status == "unchanged"}
        withdraw = set(prior.extracted) - kept  # re-extracted contents are withdrawn, then appended again
        build = start_build(warehouse, run_id)
        lap("start_build")
        all_records: list[FileRecord] = list(scan.records)
        try:
            con = duckdb.connect(str(build))
            try:
                withdrawn = withdraw_facts(con, withdraw)
            finally:
                con.close()
            extraction = extract_and_load(build, scan, _uses_local_pool())
            summary.extract_seconds = extraction.seconds
            summary.extract_processes = extraction.processes
            lap("extract")
            records = _in_order(files, scan.records + extraction.records)
            sources, removed = plan_sources(prior, records, run_id)
            all_records = records + removed
            summary.files_seen = len(records)
            for status in ("loaded", "unchanged", "failed", "ignored"):
                setattr(summary, f"files_{status}", sum(r.status == status for r in records))
            summary.files_removed = len(removed)
            summary.articles = extraction.inserted.height
            summary.articles_withdrawn = withdrawn.height - len(set(withdrawn["article_id"]) &
                                                                set(extraction.inserted["article_id"]))  # fmt: skip
            summary.refused = [(r.source_file, r.status, r.reason or "") for r in all_records
                               if r.status in ("failed", "ignored")]  # fmt: skip
            # a new extractor, dbt project or suite (or a first build) re-checks and rebuilds everything;
            # otherwise validation and the marts cover only the articles this run inserted or withdrew
            rebuild_all = full_refresh or prior.build_version != build_version()
            changed = bool(scan.pending or withdraw or removed) or rebuild_all
            con = duckdb.connect(str(build))
            try:
                replace_state(con, "sources", sources)
                assign_source_files(con)
                changed_articles = pl.concat([withdrawn.select("article_id"), extraction.inserted]).unique()
                replace_state(con, "changed_articles", changed_articles)
            finally:
                con.close()
            lap("load")
            if changed:
                scope = None if rebuild_all else extraction.inserted
                outcome = validate_task(build, run_id, docs_dir, expectations_dir, scope)
                lap("validate")
                summary.quarantined = outcome.quarantine.height
                failed = int((~outcome.results["success"]).sum()) if outcome.results.height else 0
                summary.validation = (
                    f"{outcome.results.height} expectations, {failed} with failures, "
                    f"{summary.quarantined} facts quarantined"
                )
                if outcome.failed_suites:
                    from flows.validate import ValidationFailed

                    raise ValidationFailed(outcome)
                transform_task(build, warehouse, rebuild_all)
                lap("dbt")
                if docs_dir is not None:
                    # dbt's docs describe models and columns, not data: rebuild them only when the
                    # project changed (or they are missing); the GX pages are rebuilt every run
                    dbt_docs = docs_dir / "dbt" / "static_index.html"
                    if prior.build_version != build_version() or not dbt_docs.exists():
                        _build_docs(build, warehouse, docs_dir, logger)
                    else:
                        write_docs_index(docs_dir)
                    lap("docs")
            else:
                summary.validation = "skipped: nothing changed since the last run"
            summary.status = "succeeded"
            _record_run(build, summary, started, all_records)
            publish(build, warehouse)
            lap("publish")
        except Exception as exc:
            summary.status = "failed"
            summary.message = f"{type(exc).__name__}: {exc}"
            logger.error("run %s failed: %s; the published warehouse is unchanged", run_id, summary.message)
            try:
                _record_run(build, summary, started, all_records)
            finally:
                discard_build(build, keep_as=warehouse.parent / "failed" / f"{run_id}.duckdb")
            raise
    _publish_artifact(summary)
    logger.info("run %s published %s", run_id, warehouse)
    return summary


def _build_docs(build: Path, published: Path, docs_dir: Path, logger) -> None:
    """dbt's docs site beside the GX Data Docs, from the build (never the published file, which
    readers may hold); a docs failure is logged, not fatal: the docs are a by-product."""
    from flows.transform import run_dbt_docs

    try:
        run_dbt_docs(build, docs_dir / "dbt", build_dir=published.parent / ".dbt")
        write_docs_index(docs_dir)
    except Exception as exc:  # noqa: BLE001 - reported, and the run goes on
        logger.warning("could not build the docs in %s: %s", docs_dir, exc)


def write_docs_index(docs_dir: Path) -> Path:
    """A landing page linking the dbt docs and each suite's latest GX validation page.

    GX's own index lists validations with JavaScript loaded from CDNs, which stays
    empty offline; the validation pages themselves render without it, so link them directly.
    """
    from html import escape

    latest: dict[str, Path] = {}
    for page in sorted((docs_dir / "gx" / "validations").glob("*/**/*.html")):
        suite = page.relative_to(docs_dir / "gx" / "validations").parts[0]
        if suite not in latest or page.stat().st_mtime >= latest[suite].stat().st_mtime:
            latest[suite] = page
    items = "".join(
        f'<li><a href="{escape(str(page.relative_to(docs_dir)))}">{escape(suite)}</a></li>'
        for suite, page in sorted(latest.items())
    )
    index = docs_dir / "index.html"
    index.write_text(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>pressfacts docs</title></head>"
        "<body><h1>pressfacts documentation</h1>"
        '<h2>Models, columns and tests</h2><p><a href="dbt/static_index.html">dbt docs</a></p>'
        f"<h2>Latest validation, by suite (Great Expectations)</h2><ul>{items}</ul>"
        '<p><a href="gx/index.html">All Data Docs</a> (its lists need a network connection)</p>'
        "</body></html>\n",
        encoding="utf-8",
    )
    return index
