"""The Prefect flow: the pipeline's table of contents.

discover -> read (hash; unchanged files settled) -> extract chunks (decode, segment, extract) and load
raw.* -> validate (the GX gate) -> dbt build (marts) -> docs -> publish. Tasks are coarse (one per
stage over the whole batch, one per chunk of files); the logic lives in plain functions in the stage
folders (sources/, articles/, language/, facts/, store/, checks/, serve/).
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows import interrupts
from flows.chunks import ChunkResult, chunked, drop_repeated_texts
from flows.runners import local_pool, make_task_runner, ordered_window, run_chunk, worker_count
from flows.serve.docs import build_docs, write_docs_index
from flows.settings import MAX_REMOVAL_SHARE
from flows.sources.discover import FoundFile, discover_files
from flows.sources.ledger import FileRecord, share_fate
from flows.sources.scan import Prescan, RawFile, known_stats, loaded_contents, prescan
from flows.store import unpublished
from flows.store.build import (
    append_audit,
    append_facts,
    assign_source_files,
    build_path,
    discard_build,
    publish,
    remove_stale_builds,
    replace_state,
    start_build,
    warehouse_lock,
    withdraw_facts,
)
from flows.store.runs import record_run
from flows.store.state import PriorState, RemovalRefused, plan_sources, read_prior_state, refuse_mass_removal
from flows.summary import ChunkProgress, RunSummary, format_markdown
from flows.versions import build_version


@task(name="discover files", cache_policy=NO_CACHE)
def discover_task(source_dir: Path) -> list[FoundFile]:
    return discover_files(source_dir)


@task(name="read files", cache_policy=NO_CACHE)
def prescan_task(
    files: list[FoundFile], skip_content: frozenset[str], previous: dict[str, str], known: dict[str, tuple[str, str]]
) -> Prescan:
    """Read and hash every file (but those the stat cache trusts); settle the unchanged, unreadable
    and byte-identical ones."""
    return prescan(files, skip_content, previous, known)


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
    progress = ChunkProgress(get_run_logger(), len(scan.pending), len(chunks))
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
                progress.chunk_done(len(result.records))
    finally:
        con.close()
    share_fate(scan, records)
    ids = pl.concat(inserted) if inserted else pl.DataFrame(schema={"article_id": pl.String})
    return Extraction(records, ids, {k: round(v, 3) for k, v in seconds.items()}, sorted(processes))


@dataclass
class Changes:
    """What this run changed in the build, and so what validation and dbt must cover."""

    records: list[FileRecord]  # every file seen, then every file gone since the last run
    inserted: pl.DataFrame  # article_id of each article this run appended
    rebuild_all: bool  # new extractor, dbt project or suite, or a first build: check and rebuild all
    changed: bool  # anything to validate and rebuild at all
    removed_articles: int = 0  # published articles of the files gone from the source folder


def load_state(
    build: Path,
    prior: PriorState,
    files: list[FoundFile],
    scan: Prescan,
    extraction: Extraction,
    withdrawn: pl.DataFrame,
    summary: RunSummary,
    full_refresh: bool,
) -> Changes:
    """Write the new ``raw.sources`` and ``raw.changed_articles`` into the build and count the run's files.

    A new extractor, dbt project or suite (or a first build) re-checks and rebuilds everything;
    otherwise validation and the marts cover only the articles this run inserted or withdrew.
    """
    order = {f.source_file: n for n, f in enumerate(files)}
    records = sorted(scan.records + extraction.records, key=lambda r: order.get(r.source_file, len(order)))
    sources, removed = plan_sources(prior, records, summary.run_id, scan.stat_keys)
    summary.count_files(records, removed)
    summary.files_not_read = scan.not_read
    summary.count_articles(set(extraction.inserted["article_id"]), set(withdrawn["article_id"]))
    con = duckdb.connect(str(build))
    try:
        replace_state(con, "sources", sources)
        renamed = assign_source_files(con)  # a renamed file's articles keep their facts, under the new name
        changed_articles = pl.concat([withdrawn.select("article_id"), extraction.inserted, renamed]).unique()
        replace_state(con, "changed_articles", changed_articles)
    finally:
        con.close()
    rebuild_all = full_refresh or prior.build_version != build_version()
    changed = bool(scan.pending or not withdrawn.is_empty() or removed or renamed.height) or rebuild_all
    articles_by_file = dict(zip(prior.sources["source_file"], prior.sources["articles"], strict=True))
    kept = {r.content_sha256 for r in records if r.status in ("loaded", "unchanged")}
    gone = [r for r in removed if r.content_sha256 not in kept]  # a renamed file's content is still read
    removed_articles = sum(articles_by_file.get(r.source_file) or 0 for r in gone)
    return Changes(records + removed, extraction.inserted, rebuild_all, changed, removed_articles)


def withdraw_replaced(build: Path, prior: PriorState, scan: Prescan) -> pl.DataFrame:
    """Withdraw from the build the facts of every content not kept as ``unchanged`` (or by a file
    unreadable this run: ``failed`` with its previous content); re-extracted contents are withdrawn,
    then appended again. Returns the withdrawn articles' ids."""
    kept = {r.content_sha256 for r in scan.records if r.status in ("unchanged", "failed") and r.content_sha256}
    con = duckdb.connect(str(build))
    try:
        return withdraw_facts(con, set(prior.extracted) - kept)
    finally:
        con.close()


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
    from flows.checks.gate import validate_facts
    from flows.checks.quarantine import apply_quarantine
    from flows.checks.suites import EXPECTATIONS_DIR

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
    from flows.store.dbt_runner import run_dbt_build

    # one dbt target folder per published warehouse, so partial parsing carries across runs
    return run_dbt_build(build, build_dir=published.parent / ".dbt", full_refresh=full_refresh)


def check_and_build(
    build: Path,
    warehouse: Path,
    changes: Changes,
    summary: RunSummary,
    expectations_dir: Path | None,
    rebuilt_docs: bool,
) -> None:
    """The gate, then the marts, then the docs: raises when a critical expectation failed."""
    outcome = validate_task(
        build, summary.run_id, summary.docs_dir, expectations_dir, None if changes.rebuild_all else changes.inserted
    )
    summary.lap("validate")
    summary.quarantined = outcome.quarantine.height
    summary.held_back = [
        (r["source_file"] or "", r["fact_table"], r["reason"]) for r in outcome.quarantine.iter_rows(named=True)
    ]
    failed = int((~outcome.results["success"]).sum()) if outcome.results.height else 0
    summary.validation = (
        f"{outcome.results.height} expectations, {failed} with failures, {summary.quarantined} facts quarantined"
    )
    if outcome.failed_suites:
        from flows.checks.gate import ValidationFailed

        raise ValidationFailed(outcome)
    transform_task(build, warehouse, changes.rebuild_all)
    summary.lap("dbt")
    if summary.docs_dir is not None:
        # dbt's docs describe models and columns, not data: rebuild them only when the project changed
        # (or they are missing); the GX pages are rebuilt every run
        if rebuilt_docs or not (summary.docs_dir / "dbt" / "static_index.html").exists():
            build_docs(build, warehouse, summary.docs_dir, get_run_logger(), compiled=changes.rebuild_all)
        else:
            write_docs_index(summary.docs_dir)
        summary.lap("docs")


def import_later_stages() -> None:
    """Import what validation and dbt need (Great Expectations ~2 s, dbt ~1 s), for a caller that is
    waiting anyway (for Prefect's temporary server to start); otherwise the stages import them when
    first needed. In the calling thread: imports in a thread beside a running flow could deadlock."""
    import great_expectations  # noqa: F401
    from dbt.adapters.duckdb import DuckDBAdapter  # noqa: F401 - dbt loads its adapter per invocation

    import flows.checks.gate  # noqa: F401
    import flows.store.dbt_runner  # noqa: F401


def _uses_local_pool() -> bool:
    """Whether chunk tasks run in this process's threads (then they need the local worker pool);
    under a Dask task runner they run on the cluster's workers."""
    from prefect.context import FlowRunContext
    from prefect.task_runners import ThreadPoolTaskRunner

    context = FlowRunContext.get()
    return context is None or isinstance(context.task_runner, ThreadPoolTaskRunner)


def _record_unpublished(build: Path, warehouse: Path, run_id: str) -> list[str]:
    con = duckdb.connect(str(build))
    try:
        return unpublished.record_unpublished(con, warehouse, run_id)
    finally:
        con.close()


# the id of the flow run this process is in, for the CLI to mark it Cancelled when interrupted
CURRENT_FLOW_RUN_ID: str | None = None


def _note_flow_run_id() -> None:
    global CURRENT_FLOW_RUN_ID
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    CURRENT_FLOW_RUN_ID = str(context.flow_run.id) if context and context.flow_run else None


def _publish_artifact(summary: RunSummary) -> None:
    """The run summary as a Prefect markdown artifact (visible in the UI)."""
    from prefect.artifacts import create_markdown_artifact

    create_markdown_artifact(
        key="pressfacts-run-summary", markdown=format_markdown(summary), description=f"pressfacts run {summary.run_id}"
    )


# the task runner comes from the settings (PRESSFACTS_TASK_RUNNER, see flows.runners)
@flow(name="pressfacts", log_prints=True, task_runner=make_task_runner())
def pressfacts_flow(
    source_dir: Path,
    warehouse: Path,
    docs_dir: Path | None = None,
    full_refresh: bool = False,
    expectations_dir: Path | None = None,
    allow_removals: bool = False,
) -> RunSummary:
    """Run the pipeline on ``source_dir`` and publish ``warehouse`` if every check passes.

    Only new or changed files are read and extracted (``full_refresh`` re-extracts all); removed
    files' facts are withdrawn, but a run that would withdraw all or most of the published articles
    is refused unless ``allow_removals`` (``PRESSFACTS_MAX_REMOVAL_SHARE``, default one half).
    ``expectations_dir`` replaces the suites in ``expectations/`` (for testing a broken suite). When
    nothing changed (files, extractor, dbt project, suites), validation and dbt are skipped and only
    the run is recorded.
    """
    logger = get_run_logger()
    summary = RunSummary.start(warehouse, docs_dir)
    _note_flow_run_id()
    with warehouse_lock(warehouse):
        for stale in remove_stale_builds(warehouse):
            logger.warning("removed %s, left by a run that did not finish", stale.name)
        files = discover_task(source_dir)
        prior = read_prior_state(warehouse)
        summary.lap("discover")
        # quote(): Prefect would otherwise walk (and copy) every element of these large inputs
        scan = prescan_task(
            quote(files),
            quote(prior.contents_to_keep(full_refresh)),
            quote(loaded_contents(prior.sources)),
            quote(known_stats(prior.sources)),
        )
        summary.lap("read")
        unpublished.mark_started(warehouse, summary.run_id, summary.started_at, source_dir)
        build = build_path(warehouse, summary.run_id)
        records: list[FileRecord] = list(scan.records)
        try:
            start_build(warehouse, summary.run_id)
            summary.lap("start_build")
            withdrawn = withdraw_replaced(build, prior, scan)
            extraction = extract_and_load(build, scan, _uses_local_pool())
            summary.extract_seconds, summary.extract_processes = extraction.seconds, extraction.processes
            summary.lap("extract")
            changes = load_state(build, prior, files, scan, extraction, withdrawn, summary, full_refresh)
            records = changes.records
            if not allow_removals:
                refuse_mass_removal(prior, changes.removed_articles, source_dir, MAX_REMOVAL_SHARE)
            summary.lap("load")
            if changes.changed:
                check_and_build(
                    build,
                    warehouse,
                    changes,
                    summary,
                    expectations_dir,
                    rebuilt_docs=prior.build_version != build_version(),
                )
            else:
                summary.validation = "skipped: nothing changed since the last run"
            summary.status = "succeeded"
            record_run(build, summary, records)
            earlier = _record_unpublished(build, warehouse, summary.run_id)
            publish(build, warehouse)
            unpublished.forget(warehouse, [*earlier, summary.run_id])
            summary.lap("publish")
        except Exception as exc:
            if interrupts.received() is not None:  # a signal that reached us as a query's or a pool's error
                _abandon_interrupted(build, warehouse, summary.run_id)
                raise
            summary.status, summary.message = "failed", f"{type(exc).__name__}: {exc}"
            logger.error("run %s failed: %s; the published warehouse is unchanged", summary.run_id, summary.message)
            unpublished.mark_ended(warehouse, summary.run_id, "failed", summary.message)
            try:
                record_run(build, summary, records)
            finally:
                # a refused run changed nothing worth inspecting: no copy of the warehouse is kept
                failed_copy = warehouse.parent / "failed" / f"{summary.run_id}.duckdb"
                discard_build(build, keep_as=None if isinstance(exc, RemovalRefused) else failed_copy)
            raise
        except BaseException:  # Ctrl-C, SIGTERM (Prefect's TerminationSignal): nothing published, nothing kept
            _abandon_interrupted(build, warehouse, summary.run_id)
            raise
    _publish_artifact(summary)
    logger.info("run %s published %s", summary.run_id, warehouse)
    return summary


def _abandon_interrupted(build: Path, warehouse: Path, run_id: str) -> None:
    """An interrupted run publishes nothing and keeps no copy; its marker says it was interrupted."""
    unpublished.mark_ended(warehouse, run_id, "interrupted", "interrupted (Ctrl-C or SIGTERM)")
    discard_build(build)
