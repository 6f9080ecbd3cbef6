"""Read and hash the discovered files, bounded: settle every file that needs no decoding.

A file over :data:`~flows.articles.decode.MAX_FILE_BYTES` is never read into memory; unchanged
files (same SHA-256 as content already extracted by this extractor version) and byte-identical
copies are settled here, before any decoding.

A stat cache stands in front of the hash, as git's index does: a file whose size, times, device
and inode (:func:`~flows.sources.discover.stat_key`) are what they were when it was last read is
not read again, and keeps the digest recorded then. A stat is recorded only when the file had
been still for :data:`SETTLED_NS` when it was read (so a file written again within the same
timestamp tick is hashed again next run); any change of the stat, a full refresh or a new
extractor version makes the hash the truth again.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from flows.sources.discover import FoundFile, sha256_hex, stat_key
from flows.sources.ledger import FileRecord

MAX_FILE_BYTES = 20 * 1024 * 1024  # a saved press release is a few kB; nothing larger is read
# a file's stat is trusted next run only if it had not changed for this long when it was read:
# coarse file-system clocks (1-2 s on FAT and some shares) cannot then hide a second write
SETTLED_NS = 2_000_000_000


class UnreadableFile(Exception):
    """The file cannot be read as a web page; ``str(exc)`` says why."""


# open without following a link in the last component and without waiting on a pipe
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_bounded(path: Path, identity: tuple[int, int] | None = None) -> bytes:
    """The file's bytes; see :func:`read_with_stat`."""
    return read_with_stat(path, identity)[0]


def read_with_stat(path: Path, identity: tuple[int, int] | None = None) -> tuple[bytes, os.stat_result]:
    """The file's bytes and the stat of the open file they were read from; raises
    :class:`UnreadableFile`, having read nothing, when it is over the
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
                return data, st
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
    ``duplicates`` maps a pending file to the later files with the same bytes, which share its fate;
    ``stat_keys`` the stat to trust next run of each file read or trusted now (settled files only);
    ``not_read`` how many files the stat cache settled without reading them.
    """

    pending: list[RawFile]
    records: list[FileRecord]
    duplicates: dict[str, list[FileRecord]]
    stat_keys: dict[str, str] = field(default_factory=dict)
    not_read: int = 0


def loaded_contents(sources) -> dict[str, str]:
    """File -> the content it held when last read, for every file whose facts are published
    (``raw.sources`` rows ``loaded``, or ``failed`` while keeping what it held before)."""
    rows = sources.select("source_file", "content_sha256", "status").iter_rows()
    return {name: digest for name, digest, status in rows if digest and status in ("loaded", "failed")}


def known_stats(sources) -> dict[str, tuple[str, str]]:
    """File -> (stat key, digest) recorded when it was last read, for every ``loaded`` file with a
    settled stat (a warehouse written before the stat cache has none: every file is hashed once)."""
    if "stat_key" not in sources.columns:
        return {}
    rows = sources.select("source_file", "stat_key", "content_sha256", "status").iter_rows()
    return {name: (key, digest) for name, key, digest, status in rows if key and digest and status == "loaded"}


def settled_stat_key(st: os.stat_result, now_ns: int) -> str | None:
    """The file's stat key when it had been still for :data:`SETTLED_NS` (else None: hash it next run)."""
    return stat_key(st) if max(st.st_mtime_ns, st.st_ctime_ns) <= now_ns - SETTLED_NS else None


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
    files: list[FoundFile],
    skip_content: Collection[str] = frozenset(),
    previous: Mapping[str, str] | None = None,
    known: Mapping[str, tuple[str, str]] | None = None,
    now_ns: int | None = None,
) -> Prescan:
    """Read and hash every readable file; settle every file that needs no decoding.

    Files whose digest is in ``skip_content`` (already extracted by this extractor version) are
    ``unchanged``; a file with the same bytes as an earlier one is ``ignored`` (its facts are the
    earlier file's). A file that cannot be read now (permission denied, an I/O error of the share,
    replaced since discovery) is ``failed`` and, when ``previous`` (:func:`loaded_contents`) says
    what it held, records that content, which the run keeps. A file whose stat is the one ``known``
    (:func:`known_stats`) recorded, with a digest in ``skip_content``, is ``unchanged`` without
    being read (``now_ns``, the clock the stats are settled against, is for tests).
    Memory holds the bytes of the pending files (the caller chunks them on).
    """
    previous, known = previous or {}, known or {}
    pending: list[RawFile] = []
    records: list[FileRecord] = []
    duplicates: dict[str, list[FileRecord]] = {}
    stat_keys: dict[str, str] = {}
    not_read = 0
    seen: dict[str, str] = {}  # digest -> the first file with it
    now_ns = time.time_ns() if now_ns is None else now_ns
    # real files first: of a file and a link to it, the file is the source and the link the duplicate
    for found in sorted(files, key=lambda f: f.via_link):
        if found.skip_reason:
            records.append(FileRecord(found.source_file, None, None, None, "ignored", found.skip_reason))
            continue
        cached = known.get(found.source_file)
        if cached is not None and found.stat_key == cached[0] and cached[1] in skip_content:
            digest, size, data = cached[1], int(cached[0].split(":", 1)[0]), b""
            stat_keys[found.source_file] = cached[0]
            not_read += 1
        else:
            try:
                data, st = read_with_stat(found.path, found.identity)
            except OSError as exc:
                records.append(_kept_on_failure(found, previous, f"cannot read: {exc.strerror or exc}"))
                continue
            except UnreadableFile as exc:
                if "since it was found" in str(exc):
                    records.append(_kept_on_failure(found, previous, str(exc)))
                else:
                    records.append(FileRecord(found.source_file, None, _size(found.path), None, "failed", str(exc)))
                continue
            digest, size = sha256_hex(data), len(data)
            key = settled_stat_key(st, now_ns)
            if key is not None:
                stat_keys[found.source_file] = key
        if digest in seen:
            dup = FileRecord(
                found.source_file,
                digest,
                size,
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
            records.append(FileRecord(found.source_file, digest, size, None, "unchanged", kept))
            continue
        pending.append(RawFile(found.source_file, digest, data))
    # a kept content that another file brings again is extracted again (from that file): the failed
    # file must not keep its old facts beside the new ones
    again = {raw.content_sha256 for raw in pending}
    for r in records:
        if r.status == "failed" and r.content_sha256 in again:
            r.content_sha256 = None
    return Prescan(pending, records, duplicates, stat_keys, not_read)
