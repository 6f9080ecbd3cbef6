"""The stat cache in front of SHA-256: a file whose stat is the one recorded when it was read is
not read again; any change of the stat, a full refresh or a new extractor makes the hash the truth."""

from __future__ import annotations

import dataclasses
import os
import time

import duckdb
import polars as pl
import pytest

from flows.flow import pressfacts_flow
from flows.sources.discover import discover_files
from flows.sources.scan import SETTLED_NS, known_stats, prescan, settled_stat_key
from flows.store.schema import RAW_STATE_TABLES

PAGE = "Forty officials trained on asylum law in Honduras\n\nTegucigalpa - Forty officials took part.\n"


def _later() -> int:
    """A clock by which every file written so far has settled."""
    return time.time_ns() + 10 * SETTLED_NS


def _found(folder):
    return {f.source_file: f for f in discover_files(folder)}


def _first_read(folder):
    """Discover and read the folder once, as the run that loaded it: the stats it would record."""
    scan = prescan(list(_found(folder).values()), now_ns=_later())
    return {raw.source_file: (scan.stat_keys[raw.source_file], raw.content_sha256) for raw in scan.pending}


def test_a_file_with_its_recorded_stat_is_settled_without_being_read(tmp_path):
    (tmp_path / "a.txt").write_text(PAGE)
    known = _first_read(tmp_path)
    digest = known["a.txt"][1]
    # the path now leads nowhere: the file cannot have been opened if it is settled
    found = dataclasses.replace(_found(tmp_path)["a.txt"], path=tmp_path / "not-there.txt")
    scan = prescan([found], skip_content={digest}, known=known, now_ns=_later())
    (record,) = scan.records
    assert (record.status, record.content_sha256, record.size_bytes) == ("unchanged", digest, len(PAGE))
    assert scan.not_read == 1 and scan.pending == [] and scan.stat_keys == {"a.txt": known["a.txt"][0]}


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.write_text(PAGE.replace("Forty", "Fifty!")),  # rewritten in place, another size
        lambda p: (
            p.with_name("new.tmp").write_text(PAGE.replace("Forty", "Fifty")),
            p.with_name("new.tmp").replace(p),
        ),
        lambda p: (p.write_text(PAGE.replace("Forty", "Fifty")), os.utime(p, ns=(1, 1))),  # same size, old mtime
    ],
    ids=["size", "replaced-by-rename", "same-size-with-mtime-set-back"],
)
def test_a_file_whose_stat_changed_is_read_and_hashed_again(tmp_path, change):
    path = tmp_path / "a.txt"
    path.write_text(PAGE)
    known = _first_read(tmp_path)
    change(path)
    scan = prescan(list(_found(tmp_path).values()), skip_content={known["a.txt"][1]}, known=known, now_ns=_later())
    (raw,) = scan.pending
    assert raw.data == path.read_bytes() and raw.content_sha256 != known["a.txt"][1] and scan.not_read == 0


def test_a_recorded_stat_does_not_keep_content_this_extractor_has_not_extracted(tmp_path):
    (tmp_path / "a.txt").write_text(PAGE)
    known = _first_read(tmp_path)
    scan = prescan(list(_found(tmp_path).values()), skip_content=frozenset(), known=known, now_ns=_later())
    assert [raw.source_file for raw in scan.pending] == ["a.txt"] and scan.not_read == 0


def test_a_file_written_less_than_two_seconds_before_it_is_read_gets_no_stat(tmp_path):
    (tmp_path / "a.txt").write_text(PAGE)
    files = list(_found(tmp_path).values())
    assert prescan(files).stat_keys == {}  # just written: a second write in the same tick could hide
    assert set(prescan(files, now_ns=time.time_ns() + SETTLED_NS + 10**8).stat_keys) == {"a.txt"}
    st = os.stat(tmp_path / "a.txt")
    assert settled_stat_key(st, max(st.st_mtime_ns, st.st_ctime_ns) + SETTLED_NS - 1) is None


def test_known_stats_are_those_of_loaded_files_with_a_settled_stat():
    sources = pl.DataFrame(
        [
            {"source_file": "a.txt", "content_sha256": "d1", "status": "loaded", "stat_key": "1:2:3:4:5"},
            {"source_file": "b.txt", "content_sha256": "d2", "status": "loaded", "stat_key": None},
            {"source_file": "c.txt", "content_sha256": "d3", "status": "failed", "stat_key": "1:2:3:4:6"},
        ],
        schema=RAW_STATE_TABLES["sources"],
    )
    assert known_stats(sources) == {"a.txt": ("1:2:3:4:5", "d1")}
    assert known_stats(sources.drop("stat_key")) == {}  # a warehouse from before the stat cache


def _stat_keys(warehouse) -> dict[str, str | None]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return dict(con.execute("select source_file, stat_key from raw.sources").fetchall())
    finally:
        con.close()


@pytest.mark.e2e
def test_runs_trust_recorded_stats_and_read_what_changed(tmp_path, prefect_harness):
    src, warehouse = tmp_path / "landing", tmp_path / "w" / "pressfacts.duckdb"
    src.mkdir()
    (src / "a.txt").write_text(PAGE)
    (src / "b.txt").write_text(PAGE.replace("Honduras", "Guatemala").replace("Tegucigalpa", "Guatemala City"))
    time.sleep(SETTLED_NS / 1e9 + 0.2)  # the files settle before the first run reads them
    first = pressfacts_flow(src, warehouse)
    assert first.files_loaded == 2 and first.files_not_read == 0
    assert all(_stat_keys(warehouse).values())

    second = pressfacts_flow(src, warehouse)
    assert (second.files_unchanged, second.files_not_read, second.articles) == (2, 2, 0)

    (src / "a.txt").write_text(PAGE.replace("Forty", "Fifty"))  # same size, new content
    third = pressfacts_flow(src, warehouse)
    assert (third.files_loaded, third.files_not_read) == (1, 1)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        titles = {t for (t,) in con.execute("select title from marts.dim_articles").fetchall()}
    finally:
        con.close()
    assert "Fifty officials trained on asylum law in Honduras" in titles
    assert _stat_keys(warehouse)["a.txt"] is None  # read within 2 s of its write: hashed again next run

    # a warehouse written before the stat cache: every file is hashed once, and its stat recorded
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("alter table raw.sources drop column stat_key")
    finally:
        con.close()
    time.sleep(SETTLED_NS / 1e9 + 0.2)
    fourth = pressfacts_flow(src, warehouse)
    assert (fourth.files_unchanged, fourth.files_not_read) == (2, 0) and all(_stat_keys(warehouse).values())
    assert pressfacts_flow(src, warehouse).files_not_read == 2
