"""Read and segment a batch of raw files: bytes -> pages -> articles, with a record per file.

Every file seen gets a :class:`FileRecord` (its status and, unless loaded, why);
one unreadable file never stops the batch. Limits keep a run bounded whatever
lands in the folder: a file over :data:`~flows.reading.MAX_FILE_BYTES` is never
read into memory, and an article longer than :data:`MAX_ARTICLE_CHARS` is cut
(extraction time grows faster than linearly with article length), which the
file's record says.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from flows.discover import FoundFile, sha256_hex
from flows.model import Article
from flows.reading import MAX_FILE_BYTES, UnreadableFile, read_page
from flows.segment import segment_page

# Press releases run to a few thousand characters; 100,000 is twenty times the longest
# page seen and keeps extraction of the worst (fact-dense) article near one second.
MAX_ARTICLE_CHARS = 100_000


@dataclass
class FileRecord:
    """One row of ``audit.files`` (without the run id).

    ``reason`` is set for every status but ``loaded``; a loaded file has one too when the
    flow changed what it read (an article cut at the size limit).
    """

    source_file: str
    content_sha256: str | None
    size_bytes: int | None
    encoding: str | None
    status: str  # loaded | unchanged | failed | ignored
    reason: str | None
    articles: int = 0


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


def cap_article(article: Article, limit: int = MAX_ARTICLE_CHARS) -> Article:
    """``article`` itself when short enough, else a copy whose text is cut at a paragraph (or word) break.

    The title, the head and the dateline stay whole (they sit at the top); only the body's tail goes.
    """
    if len(article.text) <= limit:
        return article
    floor = max(article.body_start, article.dateline_end or 0, limit // 2)
    cut = article.text.rfind("\n\n", floor, limit)
    if cut < 0:
        cut = article.text.rfind(" ", floor, limit)
    if cut < 0:
        cut = max(limit, floor)
    return dataclasses.replace(article, text=article.text[:cut].rstrip())


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
            dup = FileRecord(found.source_file, digest, len(data), None, "ignored",
                             f"same content as {seen[digest]} (facts recorded once, under that file)")  # fmt: skip
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


def segment_files(raw_files: list[RawFile]) -> tuple[list[Article], list[FileRecord], dict[str, str]]:
    """Decode and segment each file: its articles, a record per file, and the digest of each loaded
    file's decoded text (``source_file -> text key``) so a caller can drop a file whose text an
    earlier batch already holds. Within the batch, a file with the same text as an earlier one
    (one page saved in two encodings, or compressed) is ``ignored``."""
    from flows.extract.countries import resolve_place

    articles: list[Article] = []
    records: list[FileRecord] = []
    text_keys: dict[str, str] = {}
    seen_text: dict[str, str] = {}
    for raw in raw_files:
        name, digest, size = raw.source_file, raw.content_sha256, len(raw.data)
        try:
            page = read_page(raw.data)
        except UnreadableFile as exc:
            records.append(FileRecord(name, digest, size, None, "ignored" if "empty file" in str(exc) else "failed",
                                      str(exc)))  # fmt: skip
            continue
        text_key = text_digest(page.text)
        if text_key in seen_text:
            records.append(
                FileRecord(name, digest, size, page.encoding, "ignored", same_text_reason(seen_text[text_key]))
            )
            continue
        try:
            file_articles = segment_page(page.text, name, digest, resolve_place)
        except Exception as exc:  # a segmenter bug must not lose the rest of the batch
            records.append(FileRecord(name, digest, size, page.encoding, "failed", f"segmentation error: {exc!r}"))
            continue
        if not file_articles:
            records.append(FileRecord(name, digest, size, page.encoding, "ignored",
                                      "no article found (no headline followed by body text)"))  # fmt: skip
            continue
        seen_text[text_key] = name
        text_keys[name] = text_key
        capped = [cap_article(a) for a in file_articles]
        cut = [f"article {n + 1} cut from {len(a.text):,} to {len(c.text):,} characters"
               for n, (a, c) in enumerate(zip(file_articles, capped, strict=True)) if c is not a]  # fmt: skip
        reason = f"{'; '.join(cut)} (the {MAX_ARTICLE_CHARS:,}-character limit per article)" if cut else None
        articles.extend(capped)
        records.append(FileRecord(name, digest, size, page.encoding, "loaded", reason, len(capped)))
    return articles, records, text_keys


def text_digest(text: str) -> str:
    """The key under which a decoded text counts as seen (same text, whatever the bytes)."""
    return "text:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def same_text_reason(first: str) -> str:
    return f"same text as {first} once decoded (facts recorded once, under that file)"


def share_fate(scan: Prescan, records: list[FileRecord]) -> None:
    """Byte-identical copies of a file that did not load take its status and reason
    (they were set aside as its duplicates before anyone knew whether it would load)."""
    for r in records:
        if r.status != "loaded":
            for dup in scan.duplicates.get(r.source_file, ()):
                dup.status, dup.reason, dup.encoding = r.status, r.reason, r.encoding


def read_and_segment(
    files: list[FoundFile], skip_content: Collection[str] = frozenset()
) -> tuple[list[Article], list[FileRecord]]:
    """Articles of every readable file, and one record per file seen (in file order): :func:`prescan`
    then :func:`segment_files` over one batch."""
    scan = prescan(files, skip_content)
    articles, segmented, _ = segment_files(scan.pending)
    share_fate(scan, segmented)
    order = {f.source_file: n for n, f in enumerate(files)}
    records = sorted(scan.records + segmented, key=lambda r: order[r.source_file])
    return articles, records
