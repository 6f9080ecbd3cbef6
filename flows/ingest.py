"""Read and segment a batch of raw files: bytes -> pages -> articles, with a record per file.

Every file seen gets a :class:`FileRecord` (its status and, unless loaded, why);
one unreadable file never stops the batch.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flows.discover import FoundFile, sha256_hex
from flows.model import Article
from flows.reading import MAX_FILE_BYTES, UnreadableFile, read_page
from flows.segment import segment_page


@dataclass
class FileRecord:
    """One row of ``audit.files`` (without the run id)."""

    source_file: str
    content_sha256: str | None
    size_bytes: int | None
    encoding: str | None
    status: str  # loaded | unchanged | failed | ignored
    reason: str | None
    articles: int = 0


def read_and_segment(
    files: list[FoundFile], skip_content: Collection[str] = frozenset()
) -> tuple[list[Article], list[FileRecord]]:
    """Articles of every readable file, and one record per file seen.

    Files with the same content as an earlier one are recorded as ``ignored``
    (their facts are the earlier file's), so nothing is counted twice. Files
    whose content digest is in ``skip_content`` (already extracted by this
    extractor version) are recorded as ``unchanged`` and not segmented again.
    """
    from flows.extract.countries import resolve_place

    articles: list[Article] = []
    records: list[FileRecord] = []
    seen_content: dict[str, str] = {}
    for found in files:
        if found.skip_reason:
            records.append(FileRecord(found.source_file, None, None, None, "ignored", found.skip_reason))
            continue
        try:
            size = found.path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise UnreadableFile(f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
            data = found.path.read_bytes()
        except OSError as exc:
            records.append(FileRecord(found.source_file, None, None, None, "failed", f"cannot read: {exc}"))
            continue
        except UnreadableFile as exc:
            records.append(FileRecord(found.source_file, None, size, None, "failed", str(exc)))
            continue
        digest = sha256_hex(data)
        if digest in skip_content and digest not in seen_content:
            seen_content[digest] = found.source_file
            records.append(
                FileRecord(
                    found.source_file, digest, len(data), None, "unchanged",
                    "content already extracted by this extractor version; its facts are kept",
                )
            )  # fmt: skip
            continue
        if digest in seen_content:
            records.append(
                FileRecord(
                    found.source_file, digest, len(data), None, "ignored",
                    f"same content as {seen_content[digest]} (facts recorded once, under that file)",
                )
            )  # fmt: skip
            continue
        try:
            page = read_page(data)
        except UnreadableFile as exc:
            status = "ignored" if "empty file" in str(exc) else "failed"
            records.append(FileRecord(found.source_file, digest, len(data), None, status, str(exc)))
            continue
        try:
            file_articles = segment_page(page.text, found.source_file, digest, resolve_place)
        except Exception as exc:  # a segmenter bug must not lose the rest of the batch
            records.append(
                FileRecord(
                    found.source_file,
                    digest,
                    len(data),
                    page.encoding,
                    "failed",
                    f"segmentation error: {exc!r}",
                )
            )
            continue
        if not file_articles:
            records.append(
                FileRecord(
                    found.source_file, digest, len(data), page.encoding, "ignored",
                    "no article found (no headline followed by body text)",
                )
            )  # fmt: skip
            continue
        seen_content[digest] = found.source_file
        articles.extend(file_articles)
        records.append(
            FileRecord(
                found.source_file, digest, len(data), page.encoding, "loaded", None, len(file_articles)
            )
        )
    return articles, records
