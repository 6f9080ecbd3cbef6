"""Read and hash the discovered files, bounded: settle every file that needs no decoding.

A file over :data:`~flows.articles.decode.MAX_FILE_BYTES` is never read into memory; unchanged
files (same SHA-256 as content already extracted by this extractor version) and byte-identical
copies are settled here, before any decoding.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from flows.sources.discover import FoundFile, sha256_hex
from flows.sources.ledger import FileRecord

MAX_FILE_BYTES = 20 * 1024 * 1024  # a saved press release is a few kB; nothing larger is read


class UnreadableFile(Exception):
    """The file cannot be read as a web page; ``str(exc)`` says why."""


# open without following a link in the last component and without waiting on a pipe
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_bounded(path: Path, identity: tuple[int, int] | None = None) -> bytes:
    """The file's bytes; raises :class:`UnreadableFile`, having read nothing, when it is over the
    limit, or when what is at ``path`` now is not the regular file discovery saw.

    The file is opened without following a symbolic link and without blocking (a pipe put in its
    place is not waited on), and the open descriptor is checked: a regular file, and, when
    ``identity`` (``st_dev``, ``st_ino`` at discovery) is given, that very file. So a file swapped
    for a link to something outside the folder between discovery and reading is never read.
    The size is checked on the open file before reading, and the read itself stops one byte past
    the limit, so a file that grows meanwhile is refused too: memory never holds more than the limit.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFile("replaced by a symbolic link since it was found (not read)") from None
        raise
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile(
                "no longer a regular file (a pipe, socket, device or folder since it was found; not read)"
            )
        if identity is not None and (st.st_dev, st.st_ino) != identity:
            raise UnreadableFile("replaced by another file since it was found (not read; read again next run)")
        size = st.st_size
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


def loaded_contents(sources) -> dict[str, str]:
    """File -> the content it held when last read, for every file whose facts are published
    (``raw.sources`` rows ``loaded``, or ``failed`` while keeping what it held before)."""
    rows = sources.select("source_file", "content_sha256", "status").iter_rows()
    return {name: digest for name, digest, status in rows if digest and status in ("loaded", "failed")}


def _kept_on_failure(found: FoundFile, previous: Mapping[str, str], why: str) -> FileRecord:
    """A file that could not be read this time: ``failed`` (read again next run); when it was
    read before, it keeps its previous content (so its published facts stay)."""
    digest = previous.get(found.source_file)
    if digest is None:
        return FileRecord(found.source_file, None, None, None, "failed", why)
    return FileRecord(
        found.source_file, digest, None, None, "failed", f"{why}; its published facts are kept (read again next run)"
    )


def prescan(
    files: list[FoundFile], skip_content: Collection[str] = frozenset(), previous: Mapping[str, str] | None = None
) -> Prescan:
    """Read and hash every readable file; settle every file that needs no decoding.

    Files whose digest is in ``skip_content`` (already extracted by this extractor version) are
    ``unchanged``; a file with the same bytes as an earlier one is ``ignored`` (its facts are the
    earlier file's). A file that cannot be read now (permission denied, an I/O error of the share,
    replaced since discovery) is ``failed`` and, when ``previous`` (:func:`loaded_contents`) says
    what it held, records that content, which the run keeps. Memory holds the bytes of the pending
    files (the caller chunks them on).
    """
    previous = previous or {}
    pending: list[RawFile] = []
    records: list[FileRecord] = []
    duplicates: dict[str, list[FileRecord]] = {}
    seen: dict[str, str] = {}  # digest -> the first file with it
    # real files first: of a file and a link to it, the file is the source and the link the duplicate
    for found in sorted(files, key=lambda f: f.via_link):
        if found.skip_reason:
            records.append(FileRecord(found.source_file, None, None, None, "ignored", found.skip_reason))
            continue
        try:
            data = read_bounded(found.path, found.identity)
        except OSError as exc:
            records.append(_kept_on_failure(found, previous, f"cannot read: {exc.strerror or exc}"))
            continue
        except UnreadableFile as exc:
            if "since it was found" in str(exc):
                records.append(_kept_on_failure(found, previous, str(exc)))
            else:
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
    # a kept content that another file brings again is extracted again (from that file): the failed
    # file must not keep its old facts beside the new ones
    again = {raw.content_sha256 for raw in pending}
    for r in records:
        if r.status == "failed" and r.content_sha256 in again:
            r.content_sha256 = None
    return Prescan(pending, records, duplicates)
