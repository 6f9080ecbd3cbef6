"""The build/publish helpers on real DuckDB files."""

from __future__ import annotations

import duckdb

from flows.store.build import (
    STORAGE_VERSION,
    build_path,
    discard_build,
    publish,
    remove_stale_builds,
    start_build,
    storage_version,
)


def test_publish_replaces_the_file_and_failed_builds_are_kept_then_pruned(tmp_path):
    published = tmp_path / "w.duckdb"
    build = start_build(published, "20260101T000000Z-aaaaaa")
    con = duckdb.connect(str(build))
    con.execute("create table raw.marker as select 1 as x")
    con.close()
    publish(build, published)
    assert not build.exists()
    assert duckdb.connect(str(published), read_only=True).execute("select x from raw.marker").fetchone() == (1,)
    for i in range(7):
        failed = start_build(published, f"20260101T00000{i}Z-bbbbbb")
        discard_build(failed, keep_as=tmp_path / "failed" / f"20260101T00000{i}Z-bbbbbb.duckdb", keep_last=3)
    kept = sorted(p.name for p in (tmp_path / "failed").glob("*.duckdb"))
    assert kept == [f"20260101T00000{i}Z-bbbbbb.duckdb" for i in (4, 5, 6)]


def test_stale_builds_are_swept(tmp_path):
    published = tmp_path / "w.duckdb"
    stale = build_path(published, "dead-run")
    stale.write_bytes(b"half a database")
    assert remove_stale_builds(published) == [stale]
    assert not stale.exists()


def test_a_file_in_another_storage_format_is_copied_into_the_fixed_one(tmp_path):
    """A warehouse DuckDB wrote in its own newest format (as before the format was fixed) keeps every
    table and row, in a build written in STORAGE_VERSION; the published file is not touched."""
    published = tmp_path / "pressfacts.duckdb"
    con = duckdb.connect(str(published), config={"storage_compatibility_version": "latest"})
    con.execute("create schema marts")
    con.execute("create table marts.fct_counts as select range as n from range(5)")
    con.close()
    native = storage_version(published)
    assert native.removesuffix("+") != STORAGE_VERSION, "this DuckDB writes the fixed format by default"
    build = start_build(published, "20260101T000000Z-cccccc")
    assert storage_version(build) == STORAGE_VERSION + "+"
    con = duckdb.connect(str(build), read_only=True)
    try:
        assert con.execute("select sum(n) from marts.fct_counts").fetchone()[0] == 10
        assert con.execute("select count(*) from audit.runs").fetchone()[0] == 0  # schemas set up too
    finally:
        con.close()
    assert storage_version(published) == native
