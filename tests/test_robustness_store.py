"""The writer lock, live builds and kept failed builds (flows/store/build.py), with real processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.store.build import build_path, discard_build, remove_stale_builds, start_build, warehouse_lock

REPO = Path(__file__).resolve().parent.parent

# a run stand-in: takes the writer lock, starts its build, says so, then keeps both until killed
HOLDER = """
import sys, time
from pathlib import Path
from flows.store.build import start_build, warehouse_lock
warehouse = Path(sys.argv[1])
with warehouse_lock(warehouse):
    start_build(warehouse, "20260101T000000Z-live01")
    print("ready", flush=True)
    time.sleep(600)
"""


@pytest.fixture
def live_run(tmp_path):
    warehouse = tmp_path / "wh" / "pressfacts.duckdb"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(warehouse)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield warehouse, proc
    finally:
        proc.kill()
        proc.wait()


def test_a_deleted_lock_file_lets_no_second_run_in(live_run) -> None:
    warehouse, _ = live_run
    (warehouse.parent / f".{warehouse.name}.lock").unlink()
    with pytest.raises(RuntimeError, match="another run is writing"):
        with warehouse_lock(warehouse):
            pass


def test_a_live_runs_build_is_never_removed(live_run) -> None:
    warehouse, _ = live_run
    build = build_path(warehouse, "20260101T000000Z-live01")
    assert build.exists()
    assert remove_stale_builds(warehouse) == []
    assert build.exists()


def test_a_killed_runs_build_is_removed(live_run) -> None:
    warehouse, proc = live_run
    build = build_path(warehouse, "20260101T000000Z-live01")
    proc.kill()
    proc.wait()
    assert remove_stale_builds(warehouse) == [build]
    assert not build.exists() and not list(warehouse.parent.glob(".*.build-*"))


def test_the_lock_is_taken_again_after_its_file_was_replaced(tmp_path) -> None:
    warehouse = tmp_path / "pressfacts.duckdb"
    with warehouse_lock(warehouse):
        pass
    (tmp_path / f".{warehouse.name}.lock").unlink()
    with warehouse_lock(warehouse):
        assert (tmp_path / f".{warehouse.name}.lock").exists()


def _failed_builds(tmp_path: Path, count: int, budget: int | None = None, share: float | None = None) -> list[str]:
    published = tmp_path / "w.duckdb"
    for i in range(count):
        run_id = f"20260101T00000{i}Z-cccccc"
        build = start_build(published, run_id)
        discard_build(build, keep_as=tmp_path / "failed" / f"{run_id}.duckdb", max_bytes=budget, max_disk_share=share)
    return sorted(p.name for p in (tmp_path / "failed").glob("*.duckdb"))


def test_kept_failed_builds_stay_within_a_byte_budget(tmp_path) -> None:
    one = _failed_builds(tmp_path / "probe", 1)
    size = (tmp_path / "probe" / "failed" / one[0]).stat().st_size
    kept = _failed_builds(tmp_path / "budget", 4, budget=2 * size + size // 2)
    assert kept == ["20260101T000002Z-cccccc.duckdb", "20260101T000003Z-cccccc.duckdb"]  # the newest two


def test_kept_failed_builds_stay_within_a_share_of_the_disk(tmp_path, monkeypatch) -> None:
    import shutil

    class Usage:
        total, used, free = 10**12, 0, 0  # a full disk: nothing is worth keeping

    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage)
    assert _failed_builds(tmp_path, 2) == []
    assert not list((tmp_path / "failed").glob("*.wal"))


def test_no_owner_file_is_left_behind(tmp_path) -> None:
    published = tmp_path / "w.duckdb"
    build = start_build(published, "r1")
    discard_build(build)
    time.sleep(0)
    assert list(tmp_path.glob(".*")) == []
