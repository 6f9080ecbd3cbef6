"""Read and hash the discovered files, bounded: settle every file that needs no decoding.

A file over :data:`~flows.articles.decode.MAX_FILE_BYTES` is never read into memory; unchanged
files (same SHA-256 as content already extracted by this extractor version) and byte-identical
copies are settled here, before any decoding.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from flows.sources.discover import FoundFile, sha256_hex
from flows.sources.ledger import FileRecord

MAX_FILE_BYTES = 20 * 1024 * 1024  # a saved press release is a few kB; nothing larger is read


class UnreadableFile(Exception):
    """The file cannot be read as a web page; ``str(exc)`` says why."""


def read_bounded(path: Path) -> bytes:
    """The file's bytes; raises :class:`UnreadableFile`, having read nothing, when it is over the limit.

    The size is checked on the open file before reading, and the read itself stops one byte past
    the limit, so a file that grows meanwhile is refused too: memory never holds more than the limit.
    """
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size <= MAX_FILE_BYTES:
            # ask for the size stat gave (+1 to notice growth), not for the limit: a 20 MB read buffer
            # shrunk to a 3 KB page stays a memory mapping of its own, and 65,530 of them (the kernel's
            # default map count) end the process when a batch holds 100,000 pages' bytes
            data = fh.read(size + 1)
            if len(data) > size:  # the file grew since stat: read on, still bounded
                data += fh.read(MAX_FILE_BYTES + 1 - len(data))
            if len(data) <= MAX_FILE_BYTES:
                return data
            size = max(size, len(data))
    raise UnreadableFile(f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit (not read)")


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:  # gone since it was opened
        return None


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:  # gone since it was opened
        return None


@dataclass(frozen=True)
class RawFile:
    """A file's bytes, read once by :func:`prescan` and handed to whoever segments it (a worker
    process, or a machine of a cluster: no shared file system needed)."""

    source_file: str
    content_sha256: str
    data: bytes


@dataclass
class Prescan:
    """What :func:`prescan` decided for each file, in file order.

    ``pending`` are the files to decode, segment and extract; ``records`` the files settled
    already (unreadable, skipped, unchanged, byte-identical to an earlier file);
    ``duplicates`` maps a pending file to the later files with the same bytes, which share its fate.
    """

    pending: list[RawFile]
    records: list[FileRecord]
    duplicates: dict[str, list[FileRecord]]


def prescan(files: list[FoundFile], skip_content: Collection[str] = frozenset()) -> Prescan:
    """Read and hash every readable file; settle every file that needs no decoding.

    Files whose digest is in ``skip_content`` (already extracted by this extractor version) are
    ``unchanged``; a file with the same bytes as an earlier one is ``ignored`` (its facts are the
    earlier file's). Memory holds the bytes of the pending files (the caller chunks them on).
    """
    pending: list[RawFile] = []
    records: list[FileRecord] = []
    duplicates: dict[str, list[FileRecord]] = {}
    seen: dict[str, str] = {}  # digest -> the first file with it
    for found in files:
        if found.skip_reason:
            records.append(FileRecord(found.source_file, None, None, None, "ignored", found.skip_reason))
            continue
        try:
            data = read_bounded(found.path)
        except OSError as exc:
            records.append(FileRecord(found.source_file, None, None, None, "failed", f"cannot read: {exc.strerror}"))
            continue
        except UnreadableFile as exc:
            records.append(FileRecord(found.source_file, None, _size(found.path), None, "failed", str(exc)))
            continue
        digest = sha256_hex(data)
        if digest in seen:
            dup = FileRecord(
                found.source_file,
                digest,
                len(data),
                None,
                "ignored",
                f"same content as {seen[digest]} (facts recorded once, under that file)",
            )
            records.append(dup)
            duplicates.setdefault(seen[digest], []).append(dup)
            continue
        seen[digest] = found.source_file
        if digest in skip_content:
            kept = "content already extracted by this extractor version; its facts are kept"
            records.append(FileRecord(found.source_file, digest, len(data), None, "unchanged", kept))
            continue
        pending.append(RawFile(found.source_file, digest, data))
    return Prescan(pending, records, duplicates)
