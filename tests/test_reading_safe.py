"""Reading is safe at the moment of reading (flows/sources/scan.py): what is read is what discovery saw."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from flows.sources.discover import discover_files
from flows.sources.scan import UnreadableFile, prescan, read_bounded

PAGE = "Shelter in Tapachula receives 300 hygiene kits\n\nTapachula - IOM delivered 300 kits in Mexico.\n"


def _landing(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "landing"
    src.mkdir()
    (src / "page.txt").write_text(PAGE)
    outside = tmp_path / "secret.txt"
    outside.write_text("SECRET")
    return src, outside


def test_a_file_swapped_for_a_link_out_of_the_folder_is_not_read(tmp_path: Path) -> None:
    src, outside = _landing(tmp_path)
    [found] = discover_files(src)
    (src / "page.txt").unlink()
    (src / "page.txt").symlink_to(outside)
    with pytest.raises(UnreadableFile, match="symbolic link"):
        read_bounded(found.path, found.identity)
    [record] = prescan([found]).records
    assert record.status == "failed" and "symbolic link" in record.reason


def test_a_file_swapped_for_a_pipe_is_not_waited_on(tmp_path: Path) -> None:
    src, _ = _landing(tmp_path)
    [found] = discover_files(src)
    (src / "page.txt").unlink()
    os.mkfifo(src / "page.txt")
    done = threading.Event()
    result: list[object] = []

    def read() -> None:
        try:
            read_bounded(found.path, found.identity)
        except UnreadableFile as exc:
            result.append(exc)
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(10), "reading blocked on a pipe"
    assert isinstance(result[0], UnreadableFile) and "regular file" in str(result[0])


def test_a_file_replaced_by_another_is_not_read_as_the_one_found(tmp_path: Path) -> None:
    src, outside = _landing(tmp_path)
    [found] = discover_files(src)
    os.replace(outside, src / "page.txt")  # same name, another file (a hard-link-free swap)
    with pytest.raises(UnreadableFile, match="replaced by another file"):
        read_bounded(found.path, found.identity)


def test_a_link_inside_the_folder_is_still_read(tmp_path: Path) -> None:
    src, _ = _landing(tmp_path)
    (src / "alias.txt").symlink_to(src / "page.txt")
    found = {f.source_file: f for f in discover_files(src)}
    assert read_bounded(found["alias.txt"].path, found["alias.txt"].identity) == PAGE.encode()


def test_an_unreadable_file_keeps_its_previous_content_unless_another_file_brings_it_again(tmp_path: Path) -> None:
    src, _ = _landing(tmp_path)
    (src / "other.txt").write_text("Another page\n\nText.\n")
    found = discover_files(src)
    previous = {"page.txt": "d" * 64, "other.txt": "e" * 64}
    by_name = {f.source_file: f for f in found}
    gone = type(by_name["page.txt"])(src / "missing.txt", "page.txt", identity=by_name["page.txt"].identity)
    [record] = prescan([gone], previous=previous).records  # cannot be opened now (a share hiccup)
    assert (record.status, record.content_sha256) == ("failed", "d" * 64) and "kept" in record.reason
    same = {"page.txt": hashlib.sha256(b"Another page\n\nText.\n").hexdigest()}
    scan = prescan([by_name["other.txt"], gone], previous=same)
    [failed] = [r for r in scan.records if r.status == "failed"]
    assert failed.content_sha256 is None  # other.txt brings that content again: extracted from it
