"""Chunked extraction: the same facts whichever process or cluster extracts them."""

from __future__ import annotations

import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

import flows.chunks as chunk_module
import flows.runners as runners
from flows.chunks import chunked, process_chunk
from flows.runners import local_pool, make_task_runner, ordered_window, run_chunk, task_runner_kind, worker_count
from flows.settings import SAMPLE_DIR
from flows.sources.discover import discover_files
from flows.sources.scan import prescan

MARTS = ("dim_articles", "fct_counts", "fct_country_mentions", "fct_funding_mentions", "fct_events")


def _sample_chunks(size: int = 2):
    scan = prescan(discover_files(SAMPLE_DIR))
    return [scan.pending[i : i + size] for i in range(0, len(scan.pending), size)]


def _rows(result):
    return {name: frame.sort(frame.columns[0]).rows() for name, frame in result.frames.items()}


def test_chunks_are_contiguous_bounded_and_cover_every_file():
    items = list(range(10_001))
    chunks = chunked(items, workers=2)
    assert [x for c in chunks for x in c] == items
    assert all(chunk_module.MIN_CHUNK_FILES <= len(c) <= chunk_module.MAX_CHUNK_FILES for c in chunks[:-1])
    assert len(chunks) >= 8  # a few per worker, so both stay busy to the end
    assert chunked([], workers=2) == []
    assert len(chunked(list(range(30)), workers=8)) == 2  # never below the minimum chunk


def test_ordered_window_keeps_order_and_bounds_work_in_flight():
    active, peak, lock = 0, 0, threading.Lock()

    def work(n: int) -> int:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.01 * (n % 3))  # later items finish first sometimes
        with lock:
            active -= 1
        return n * n

    with ThreadPoolExecutor(max_workers=8) as pool:
        out = list(ordered_window(lambda n: pool.submit(work, n), range(40), window=3))
    assert out == [n * n for n in range(40)]
    assert peak <= 3


def test_worker_processes_extract_exactly_what_the_flow_process_does(monkeypatch):
    chunks = _sample_chunks()
    inline = [process_chunk(c) for c in chunks]
    monkeypatch.setattr(runners, "LOCAL_POOL_MIN_FILES", 1)
    with local_pool(workers=2, files=len(chunks)) as pool:
        assert pool is not None
        pooled = [run_chunk(c) for c in chunks]
    assert [_rows(r) for r in pooled] == [_rows(r) for r in inline]
    assert [[(r.source_file, r.status) for r in x.records] for x in pooled] == [
        [(r.source_file, r.status) for r in x.records] for x in inline
    ]
    assert sum(r.frames["articles"].height for r in pooled) >= len(chunks)


def test_small_batches_and_one_worker_need_no_pool():
    with local_pool(workers=2, files=runners.LOCAL_POOL_MIN_FILES - 1) as pool:
        assert pool is None
    with local_pool(workers=1, files=10_000) as pool:
        assert pool is None


def test_settings_are_checked(monkeypatch):
    monkeypatch.setenv("PRESSFACTS_TASK_RUNNER", "ray")
    with pytest.raises(ValueError, match="not one of local, dask"):
        task_runner_kind()
    monkeypatch.setenv("PRESSFACTS_TASK_RUNNER", "DASK")
    assert task_runner_kind() == "dask"
    monkeypatch.setenv("PRESSFACTS_WORKERS", "zero")
    with pytest.raises(ValueError, match="whole number"):
        worker_count()
    monkeypatch.setenv("PRESSFACTS_WORKERS", "0")
    with pytest.raises(ValueError, match="at least 1"):
        worker_count()
    monkeypatch.setenv("PRESSFACTS_WORKERS", "3")
    assert worker_count() == 3
    assert type(make_task_runner("dask", 2)).__name__ == "DaskTaskRunner"
    assert type(make_task_runner("local", 2)).__name__ == "ThreadPoolTaskRunner"


def _marts(warehouse: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {m: con.sql(f"select * from marts.{m} order by all").fetchall() for m in MARTS}
    finally:
        con.close()


@pytest.mark.e2e
def test_a_text_repeated_in_a_later_chunk_is_recorded_once(tmp_path, monkeypatch, prefect_harness):
    """One page saved as UTF-8 and as UTF-16 lands in two chunks: facts once, the copy ignored."""
    from flows.flow import pressfacts_flow

    src = tmp_path / "landing"
    src.mkdir()
    page = (SAMPLE_DIR / "a_nav_honduras_returns.txt").read_text(encoding="utf-8")
    (src / "a.txt").write_text(page, encoding="utf-8")
    (src / "b.txt").write_bytes((SAMPLE_DIR / "b_news_bangladesh_coxs_bazar.txt").read_bytes())
    (src / "c.txt").write_text(page, encoding="utf-16")
    monkeypatch.setattr(chunk_module, "MIN_CHUNK_FILES", 1)
    monkeypatch.setattr(chunk_module, "MAX_CHUNK_FILES", 1)  # one file per chunk
    summary = pressfacts_flow(src, tmp_path / "wh" / "pressfacts.duckdb")
    assert (summary.files_loaded, summary.files_ignored) == (2, 1)
    con = duckdb.connect(str(tmp_path / "wh" / "pressfacts.duckdb"), read_only=True)
    try:
        files = dict(con.sql("select source_file, reason from audit.files where status = 'ignored'").fetchall())
        sources = {r[0] for r in con.sql("select distinct source_file from marts.dim_articles").fetchall()}
    finally:
        con.close()
    assert files == {"c.txt": "same text as a.txt once decoded (facts recorded once, under that file)"}
    assert sources == {"a.txt", "b.txt"}


@pytest.mark.e2e
def test_a_local_dask_cluster_of_two_workers_builds_the_same_warehouse(tmp_path, monkeypatch, prefect_harness):
    """The distributed runner (prefect-dask, two worker processes) against the default one, row for row."""
    from prefect.settings import PREFECT_API_URL

    from flows.flow import pressfacts_flow

    # the Dask workers are other processes: they find the test server through the environment
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    monkeypatch.setattr(chunk_module, "MIN_CHUNK_FILES", 2)
    local = pressfacts_flow(SAMPLE_DIR, tmp_path / "local" / "pressfacts.duckdb")
    on_dask = pressfacts_flow.with_options(task_runner=make_task_runner("dask", workers=2))
    distributed = on_dask(SAMPLE_DIR, tmp_path / "dask" / "pressfacts.duckdb")
    assert local.status == distributed.status == "succeeded"
    assert distributed.files_loaded == local.files_loaded > 0
    assert _marts(tmp_path / "dask" / "pressfacts.duckdb") == _marts(tmp_path / "local" / "pressfacts.duckdb")
    # the chunks really ran in the cluster's worker processes, not in the flow process
    assert distributed.extract_processes
    assert f"{socket.gethostname()}:{os.getpid()}" not in distributed.extract_processes
    assert local.extract_processes == [f"{socket.gethostname()}:{os.getpid()}"]  # small batch: in-process


@pytest.mark.e2e
def test_progress_is_reported_per_chunk(tmp_path, monkeypatch, prefect_harness):
    """A run of several chunks logs each one and keeps a progress artifact in Prefect's UI at 100%."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, LogFilter, LogFilterFlowRunId

    from flows import flow

    monkeypatch.setattr(chunk_module, "MIN_CHUNK_FILES", 2)
    monkeypatch.setattr(chunk_module, "MAX_CHUNK_FILES", 2)  # the sample's 7 files: 4 chunks
    summary = flow.pressfacts_flow(SAMPLE_DIR, tmp_path / "wh" / "pressfacts.duckdb")
    assert summary.status == "succeeded"

    async def read():
        async with get_client() as client:
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["pressfacts-extraction"]))
            )
            logs = await client.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow.CURRENT_FLOW_RUN_ID]))
            )
            return artifacts, [log.message for log in logs]

    for _ in range(20):  # logs reach the API in batches
        artifacts, messages = asyncio.run(read())
        if any("extracted chunk 4/4 (7 of 7 files)" in m for m in messages):
            break
        time.sleep(0.5)
    assert any("extracted chunk 4/4 (7 of 7 files)" in m for m in messages), messages
    assert artifacts[-1].type == "progress" and float(artifacts[-1].data) == 100.0
