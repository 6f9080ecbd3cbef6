"""Decoded pages -> articles: decode and segment a batch of raw files, with a record per file.

One unreadable file never stops the batch. An article longer than :data:`MAX_ARTICLE_CHARS` is
cut (extraction time grows faster than linearly with article length), which the file's record says.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable

from flows.articles.decode import read_page
from flows.articles.model import Article
from flows.articles.segment import segment_page
from flows.sources.ledger import FileRecord, same_text_reason
from flows.sources.scan import RawFile, UnreadableFile

# Press releases run to a few thousand characters; 100,000 is twenty times the longest
# page seen and keeps extraction of the worst (fact-dense) article near one second.
MAX_ARTICLE_CHARS = 100_000


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


def segment_files(
    raw_files: list[RawFile], resolve_place: Callable[[str], str | None]
) -> tuple[list[Article], list[FileRecord], dict[str, str]]:
    """Decode and segment each file: its articles, a record per file, and the digest of each loaded
    file's decoded text (``source_file -> text key``) so a caller can drop a file whose text an
    earlier batch already holds. Within the batch, a file with the same text as an earlier one
    (one page saved in two encodings, or compressed) is ``ignored``. ``resolve_place`` gives the
    country of a dateline's place (the countries gazetteer's, injected by the caller)."""
    articles: list[Article] = []
    records: list[FileRecord] = []
    text_keys: dict[str, str] = {}
    seen_text: dict[str, str] = {}
    for raw in raw_files:
        name, digest, size = raw.source_file, raw.content_sha256, len(raw.data)
        try:
            page = read_page(raw.data)
        except UnreadableFile as exc:
            records.append(
                FileRecord(name, digest, size, None, "ignored" if "empty file" in str(exc) else "failed", str(exc))
            )
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
            records.append(
                FileRecord(
                    name, digest, size, page.encoding, "ignored", "no article found (no headline followed by body text)"
                )
            )
            continue
        seen_text[text_key] = name
        text_keys[name] = text_key
        capped = [cap_article(a) for a in file_articles]
        cut = [
            f"article {n + 1} cut from {len(a.text):,} to {len(c.text):,} characters"
            for n, (a, c) in enumerate(zip(file_articles, capped, strict=True))
            if c is not a
        ]
        reason = f"{'; '.join(cut)} (the {MAX_ARTICLE_CHARS:,}-character limit per article)" if cut else None
        articles.extend(capped)
        records.append(FileRecord(name, digest, size, page.encoding, "loaded", reason, len(capped)))
    return articles, records, text_keys


def text_digest(text: str) -> str:
    """The key under which a decoded text counts as seen (same text, whatever the bytes)."""
    return "text:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
