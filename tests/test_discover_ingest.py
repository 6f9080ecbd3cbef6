"""Discovery and reading on real files in a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows.chunks import read_and_segment
from flows.sources.discover import discover_files

ARTICLE = (
    "Forty officials trained in Tegucigalpa\n\nTegucigalpa - Forty officials took part in a workshop on asylum law.\n"
)


def test_discovery_is_recursive_sorted_and_stays_inside(tmp_path):
    src = tmp_path / "landing"
    (src / "b").mkdir(parents=True)
    (src / "a.txt").write_text(ARTICLE)
    (src / "b" / "c.txt").write_text(ARTICLE.replace("Forty", "Fifty"))
    (src / ".hidden.txt").write_text(ARTICLE)
    outside = tmp_path / "secret.txt"
    outside.write_text("do not read")
    os.symlink(outside, src / "link_out.txt")
    os.symlink(src, src / "b" / "loop")
    found = discover_files(src)
    names = [f.source_file for f in found]
    assert names == sorted(names)
    by_name = {f.source_file: f for f in found}
    assert by_name["a.txt"].skip_reason is None and by_name["b/c.txt"].skip_reason is None
    assert "outside" in by_name["link_out.txt"].skip_reason
    assert by_name[".hidden.txt"].skip_reason == "hidden file"
    assert not any("loop/" in n for n in names)


def test_every_file_gets_a_record_and_bad_ones_a_reason(tmp_path):
    src = tmp_path / "landing"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE)
    (src / "same.txt").write_text(ARTICLE)
    (src / "empty.txt").write_text("  \n")
    (src / "scan.txt").write_bytes(b"%PDF-1.7 binary")
    (src / "latin1.txt").write_bytes(ARTICLE.replace("Tegucigalpa -", "San José -").encode("cp1252"))
    articles, records = read_and_segment(discover_files(src))
    status = {r.source_file: (r.status, r.reason) for r in records}
    assert status["good.txt"] == ("loaded", None)
    assert status["same.txt"][0] == "ignored" and "same content as good.txt" in status["same.txt"][1]
    assert status["empty.txt"][0] == "ignored" and "empty" in status["empty.txt"][1]
    assert status["scan.txt"][0] == "failed" and "PDF" in status["scan.txt"][1]
    assert status["latin1.txt"][0] == "loaded"
    assert any("San José" in a.text for a in articles)
    assert len(records) == 5


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_holding_many_files_bytes_costs_no_memory_mapping_per_file(tmp_path):
    # a read buffer sized for the 20 MB limit and shrunk to the page stays a mapping of its own;
    # a batch of 100,000 pages then hits the kernel's 65,530 mappings and the process dies
    from flows.sources.scan import prescan

    for n in range(3000):
        (tmp_path / f"{n:05d}.txt").write_text(f"Headline {n}\n\nGeneva - Page {n} body text.\n")
    before = len(Path("/proc/self/maps").read_text().splitlines())
    scan = prescan(discover_files(tmp_path))
    after = len(Path("/proc/self/maps").read_text().splitlines())
    assert len(scan.pending) == 3000
    assert after - before < 300, f"{after - before} new memory mappings for 3,000 files"
