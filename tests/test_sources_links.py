"""Of a file and a symbolic link to it inside the source folder, the file is the article's source and the
link its duplicate, whichever name sorts first."""

from __future__ import annotations

from flows.settings import SAMPLE_DIR
from flows.sources.discover import discover_files
from flows.sources.scan import prescan


def test_the_real_file_wins_over_a_link_that_sorts_first(tmp_path):
    page = (SAMPLE_DIR / "a_nav_honduras_returns.txt").read_bytes()
    (tmp_path / "z_real.txt").write_bytes(page)
    (tmp_path / "a_link.txt").symlink_to(tmp_path / "z_real.txt")
    files = discover_files(tmp_path)
    assert [f.source_file for f in files] == ["a_link.txt", "z_real.txt"]
    scan = prescan(files)
    assert [p.source_file for p in scan.pending] == ["z_real.txt"]
    [dup] = scan.records
    assert dup.source_file == "a_link.txt" and dup.status == "ignored" and "z_real.txt" in dup.reason
