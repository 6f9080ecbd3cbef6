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
            data = fh.read(MAX_FILE_BYTES + 1)
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


def read_and_segment(
    files: list[FoundFile], skip_content: Collection[str] = frozenset()
) -> tuple[list[Article], list[FileRecord]]:
    """Articles of every readable file, and one record per file seen.

    Files with the same bytes, or the same text once decoded (one page saved in two encodings,
    or compressed), as an earlier file are recorded as ``ignored`` (their facts are the earlier
    file's), so nothing is counted twice. Files whose content digest is in ``skip_content``
    (already extracted by this extractor version) are recorded as ``unchanged`` and not read again.
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
            data = read_bounded(found.path)
        except OSError as exc:
            records.append(FileRecord(found.source_file, None, None, None, "failed", f"cannot read: {exc.strerror}"))
            continue
        except UnreadableFile as exc:
            records.append(FileRecord(found.source_file, None, _size(found.path), None, "failed", str(exc)))
            continue
        digest = sha256_hex(data)

        def record(status: str, reason: str | None, encoding: str | None = None, n: int = 0) -> None:
            records.append(FileRecord(found.source_file, digest, len(data), encoding, status, reason, n))  # noqa: B023

        if digest in skip_content and digest not in seen_content:
            seen_content[digest] = found.source_file
            record("unchanged", "content already extracted by this extractor version; its facts are kept")
            continue
        if digest in seen_content:
            record("ignored", f"same content as {seen_content[digest]} (facts recorded once, under that file)")
            continue
        try:
            page = read_page(data)
        except UnreadableFile as exc:
            record("ignored" if "empty file" in str(exc) else "failed", str(exc))
            continue
        text_key = "text:" + hashlib.sha256(page.text.encode("utf-8", "surrogatepass")).hexdigest()
        if text_key in seen_content:
            record(
                "ignored",
                f"same text as {seen_content[text_key]} once decoded (facts recorded once, under that file)",
                page.encoding,
            )
            continue
        try:
            file_articles = segment_page(page.text, found.source_file, digest, resolve_place)
        except Exception as exc:  # a segmenter bug must not lose the rest of the batch
            record("failed", f"segmentation error: {exc!r}", page.encoding)
            continue
        if not file_articles:
            record("ignored", "no article found (no headline followed by body text)", page.encoding)
            continue
        seen_content[digest] = seen_content[text_key] = found.source_file
        capped = [cap_article(a) for a in file_articles]
        cut = [f"article {n + 1} cut from {len(a.text):,} to {len(c.text):,} characters"
               for n, (a, c) in enumerate(zip(file_articles, capped, strict=True)) if c is not a]  # fmt: skip
        reason = f"{'; '.join(cut)} (the {MAX_ARTICLE_CHARS:,}-character limit per article)" if cut else None
        articles.extend(capped)
        record("loaded", reason, page.encoding, len(capped))
    return articles, records
