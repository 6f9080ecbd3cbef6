"""The ledger of raw files: one :class:`FileRecord` per file seen, and every change of a file's status.

A file is ``loaded`` (its facts are in the warehouse), ``unchanged`` (extracted before by this
extractor version; its facts are kept), ``ignored`` (nothing to extract, or the same content as
another file) or ``failed`` (could not be read or extracted; retried next run). The functions here
are the only code that sets or changes a status after a record is made.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def same_text_reason(first: str) -> str:
    return f"same text as {first} once decoded (facts recorded once, under that file)"


def share_fate(scan, records: list[FileRecord]) -> None:
    """Byte-identical copies of a file that did not load take its status and reason
    (they were set aside as its duplicates before anyone knew whether it would load)."""
    for r in records:
        if r.status != "loaded":
            for dup in scan.duplicates.get(r.source_file, ()):
                dup.status, dup.reason, dup.encoding = r.status, r.reason, r.encoding


def mark_extraction_failures(records: list[FileRecord], failed: dict[str, str]) -> None:
    """Files whose content an extractor failed on become ``failed`` (retried next run), with the error."""
    for r in records:
        if r.status == "loaded" and r.content_sha256 in failed:
            r.status, r.articles = "failed", 0
            r.reason = f"extraction failed (a bug, please report it): {failed[r.content_sha256]}"


def mark_repeated_text(record: FileRecord, first: str) -> None:
    """``record`` held the same decoded text as ``first``, loaded earlier: its facts are recorded once."""
    record.status, record.reason, record.articles = "ignored", same_text_reason(first), 0


def removed(
    source_file: str,
    content_sha256: str | None,
    size_bytes: int | None,
    encoding: str | None,
    now_read_from: str | None = None,
) -> FileRecord:
    """A file that was loaded before and is no longer in the source folder; ``now_read_from`` names the
    file that holds its content now (a rename or a move): then its facts stay, under that name."""
    reason = (
        f"no longer in the source folder, but its content is now read from {now_read_from} (renamed or moved): "
        "its facts stay, under that name"
        if now_read_from
        else "no longer in the source folder: its facts were withdrawn from the marts"
    )
    return FileRecord(source_file, content_sha256, size_bytes, encoding, "ignored", reason)
