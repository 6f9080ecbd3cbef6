"""The real flow (``pressfacts run`` through the CLI) over hostile landing folders and warehouses.

* one run over a folder holding what used to be lost or to break every run: pages with stray NULs,
  cut UTF-8, Windows-1252 that looks like UTF-8, a declared charset, zero-width characters, random
  bytes, file names with newlines and pipes, a folder 1,500 levels deep, files swapped for a link
  or a pipe between discovery and reading, into a warehouse whose path holds an apostrophe;
* a file that cannot be read for one run keeps its published facts;
* a crashed read-write client's WAL beside the published file.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import flows.flow
from flows.cli import main
from flows.sources.discover import discover_files

PAGE_A = """Forty officials trained on asylum law in Honduras

Tegucigalpa - Forty officials from the migration institute took part in a two-day workshop on
the new asylum law, funded by the European Union.
"""
PAGE_B = """Job fair in San Pedro Sula hires 120 returned migrants

San Pedro Sula - On May 10, 120 returned migrants were hired by 25 companies at a job fair
organized with the support of USAID.
"""
PAGE_C = """Shelter in Tapachula receives 300 hygiene kits

Tapachula - IOM delivered 300 hygiene kits to a shelter that hosts about 150 migrants in Mexico.
"""
BOGOTA = """Job fair in Bogota hires 80 returned migrants

Bogota - On June 3, 80 returned migrants from Venezuela were hired at a job fair in Colombia, in Bogotá"""
PERU = """Workshop in Lima trains 35 officials

Lima - Thirty-five officials from PERÚ” took part in a workshop on migration data in Peru, the ministry said.
"""
CYRILLIC_HTML = (
    '<html><head><meta charset="windows-1251"><title>t</title></head><body><article>'
    "<h1>Training in Kyiv for 45 officials</h1><p>Kyiv - Forty-five officials took part in a workshop "
    "in Ukraine on border management (Київ).</p></article></body></html>"
)
ZERO_WIDTH = """Shelter in Guate\u200bmala receives 200 kits

Guatemala City - IOM deliv\u200dered 200 hygiene kits to a shel\u2060ter in Guatemala.\ufeff
"""
FORGED_NAME = "evil\n  files     999 seen: 999 loaded | x |.txt"
DEEP = 1500


def _run(src: Path, warehouse: Path, capsys) -> tuple[int, str]:
    code = main(["run", "--source", str(src), "--warehouse", str(warehouse)])
    return code, capsys.readouterr().out


def _files(warehouse: Path) -> dict[str, tuple[str, str | None]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        last = con.execute("select run_id from audit.runs order by started_at desc limit 1").fetchone()[0]
        rows = con.execute("select source_file, status, reason from audit.files where run_id = ?", [last])
        return {name: (status, reason) for name, status, reason in rows.fetchall()}
    finally:
        con.close()


def _texts(warehouse: Path) -> dict[str, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return dict(con.execute("select source_file, article_text from marts.dim_articles").fetchall())
    finally:
        con.close()


def _make_deep(root: Path) -> Path:
    """``root/d/d/.../d`` (DEEP levels) with a page at the bottom, made with relative steps."""
    here = os.open(root, os.O_RDONLY)
    try:
        for _ in range(DEEP):
            os.mkdir("d", dir_fd=here)
            nxt = os.open("d", os.O_RDONLY, dir_fd=here)
            os.close(here)
            here = nxt
        fd = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=here)
        os.write(fd, PAGE_C.encode())
        os.close(fd)
    finally:
        os.close(here)
    return root / "d"


def _remove_deep(top: Path) -> None:
    """Remove the deep folder bottom-up without recursion (shutil.rmtree recurses)."""
    depth = 0
    path = top
    while (path / "d").exists():
        path, depth = path / "d", depth + 1
    for child in path.iterdir():
        child.unlink()
    while depth >= 0:
        os.rmdir(path)
        path, depth = path.parent, depth - 1


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, prefect_harness):
    tmp = tmp_path_factory.mktemp("hostile")
    src = tmp / "landing"
    src.mkdir()
    outside = tmp / "outside_secret.txt"
    outside.write_text("SECRETWORD " + PAGE_A)
    (src / "good.txt").write_text(PAGE_B)
    nuls = PAGE_A.encode().replace(b"officials", b"offi\x00cials").replace(b"workshop", b"work\x00shop")
    (src / "stray_nuls.txt").write_bytes(nuls)
    (src / "random.txt").write_bytes(random.Random(3).randbytes(300))
    (src / "cut_utf8.txt").write_bytes(BOGOTA.encode()[:-1])
    (src / "cp1252.txt").write_bytes(PERU.encode("cp1252"))
    (src / "cyrillic.html").write_bytes(CYRILLIC_HTML.encode("cp1251"))
    (src / "zero_width.txt").write_text(ZERO_WIDTH, encoding="utf-8")
    (src / FORGED_NAME).write_text(PAGE_C.replace("300", "310"))
    (src / "swapped_link.txt").write_text(PAGE_C.replace("300", "320"))
    (src / "swapped_fifo.txt").write_text(PAGE_C.replace("300", "330"))
    deep_top = _make_deep(src)

    real_discover = flows.flow.discover_files

    def discover_then_swap(source_dir: Path):
        found = real_discover(source_dir)
        # between discovery and reading, two files are replaced: by a link out of the folder, by a pipe
        (src / "swapped_link.txt").unlink()
        (src / "swapped_link.txt").symlink_to(outside)
        (src / "swapped_fifo.txt").unlink()
        os.mkfifo(src / "swapped_fifo.txt")
        return found

    warehouse = tmp / "it's a warehouse" / "o'brien's pressfacts.duckdb"
    mp = pytest.MonkeyPatch()
    mp.setattr(flows.flow, "discover_files", discover_then_swap)
    started = time.monotonic()
    try:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["run", "--source", str(src), "--warehouse", str(warehouse)])
    finally:
        mp.undo()
    yield {"code": code, "out": out.getvalue(), "warehouse": warehouse, "seconds": time.monotonic() - started}
    _remove_deep(deep_top)


@pytest.mark.e2e
def test_the_hostile_run_publishes_into_a_path_with_an_apostrophe(hostile_run) -> None:
    assert hostile_run["code"] == 0, hostile_run["out"]
    assert hostile_run["warehouse"].exists()


@pytest.mark.e2e
def test_files_swapped_after_discovery_are_not_read(hostile_run) -> None:
    files = _files(hostile_run["warehouse"])
    assert files["swapped_link.txt"][0] == "failed" and "symbolic link" in files["swapped_link.txt"][1]
    assert files["swapped_fifo.txt"][0] == "failed" and "regular file" in files["swapped_fifo.txt"][1]
    texts = _texts(hostile_run["warehouse"])
    assert not any("SECRETWORD" in t for t in texts.values())
    assert hostile_run["seconds"] < 600  # the pipe was not waited on


@pytest.mark.e2e
def test_readable_pages_are_not_lost(hostile_run) -> None:
    files = _files(hostile_run["warehouse"])
    texts = _texts(hostile_run["warehouse"])
    for name in ("stray_nuls.txt", "cut_utf8.txt", "cp1252.txt", "cyrillic.html", "zero_width.txt", "good.txt"):
        assert files[name][0] == "loaded", (name, files[name])
    assert "Forty officials from the migration institute" in texts["stray_nuls.txt"]
    assert "Bogot\ufffd" in texts["cut_utf8.txt"] and "Ã" not in texts["cut_utf8.txt"]
    assert "PERÚ”" in texts["cp1252.txt"]
    assert "Київ" in texts["cyrillic.html"]
    assert "Guatemala receives" in texts["zero_width.txt"] and "\u200b" not in texts["zero_width.txt"]
    assert files["random.txt"][0] == "failed" and "binary" in files["random.txt"][1]


@pytest.mark.e2e
def test_a_folder_1500_levels_deep_does_not_end_the_run(hostile_run) -> None:
    files = _files(hostile_run["warehouse"])
    deep = [name for name, (status, reason) in files.items() if "levels deep" in (reason or "")]
    assert len(deep) == 1 and files[deep[0]][0] == "ignored"


@pytest.mark.e2e
def test_a_name_with_a_newline_does_not_forge_summary_lines(hostile_run) -> None:
    out = hostile_run["out"]
    assert sum(line.startswith("  files ") for line in out.splitlines()) == 1, out
    assert "999 seen" not in out or "evil\\n" in out


def test_discovery_of_a_deep_folder_needs_no_recursion(tmp_path: Path) -> None:
    top = _make_deep(tmp_path)
    try:
        found = discover_files(tmp_path)
    finally:
        _remove_deep(top)
    assert [f.skip_reason for f in found if f.skip_reason] == [
        "folder nested over 100 levels deep (its files are not read)"
    ]


@pytest.mark.e2e
def test_a_file_unreadable_for_one_run_keeps_its_facts(tmp_path, prefect_harness, capsys, monkeypatch) -> None:
    src = tmp_path / "landing"
    src.mkdir()
    (src / "a.txt").write_text(PAGE_A)
    (src / "b.txt").write_text(PAGE_B)
    (src / "c.txt").write_text(PAGE_C)
    warehouse = tmp_path / "wh" / "pressfacts.duckdb"
    assert _run(src, warehouse, capsys)[0] == 0
    before = _texts(warehouse)
    assert set(before) == {"a.txt", "b.txt", "c.txt"}

    real_discover = flows.flow.discover_files

    def discover_then_hiccup(source_dir: Path):
        found = real_discover(source_dir)
        # the share hiccups between listing and reading: b.txt cannot be opened this run
        (src / "b.txt").rename(tmp_path / "b.txt.away")
        return found

    monkeypatch.setattr(flows.flow, "discover_files", discover_then_hiccup)
    code, out = _run(src, warehouse, capsys)
    monkeypatch.undo()
    (tmp_path / "b.txt.away").rename(src / "b.txt")
    assert code == 0, out
    files = _files(warehouse)
    assert files["b.txt"][0] == "failed" and "cannot read" in files["b.txt"][1]
    assert "kept" in files["b.txt"][1]
    assert _texts(warehouse) == before  # nothing withdrawn

    code, out = _run(src, warehouse, capsys)  # readable again: settled as unchanged, facts still there
    assert code == 0, out
    assert _files(warehouse)["b.txt"][0] == "unchanged"
    assert _texts(warehouse) == before

    (src / "b.txt").unlink()  # gone: withdrawn
    code, out = _run(src, warehouse, capsys)
    assert code == 0, out
    assert set(_texts(warehouse)) == {"a.txt", "c.txt"}


@pytest.mark.e2e
def test_a_crashed_read_write_client_does_not_break_the_warehouse(tmp_path, prefect_harness, capsys) -> None:
    src = tmp_path / "landing"
    src.mkdir()
    (src / "a.txt").write_text(PAGE_A)
    warehouse = tmp_path / "wh" / "pressfacts.duckdb"
    assert _run(src, warehouse, capsys)[0] == 0
    crash = (
        "import duckdb, os, sys; con = duckdb.connect(sys.argv[1]); con.execute(\"set wal_autocheckpoint='1TB'\");"
        "con.execute(\"create table main.analyst_notes as select 'kept' as note\"); os._exit(9)"
    )
    subprocess.run([sys.executable, "-c", crash, str(warehouse)], check=False)
    assert warehouse.with_name(warehouse.name + ".wal").exists()
    (src / "b.txt").write_text(PAGE_B)
    code, out = _run(src, warehouse, capsys)
    assert code == 0, out
    assert not warehouse.with_name(warehouse.name + ".wal").exists()
    for read_only in (True, False):
        con = duckdb.connect(str(warehouse), read_only=read_only)
        try:
            assert con.execute("select count(*) from marts.dim_articles").fetchone()[0] >= 2
            assert con.execute("select note from main.analyst_notes").fetchall() == [("kept",)]
        finally:
            con.close()
    assert list((warehouse.parent / "backups").glob("*.duckdb.wal"))  # the old version's log, with its backup
