"""The article: one news item cut from a raw file, and the content-derived ids every record uses.

Ids are derived from content (see :func:`stable_id`), so the same input gives the same ids on any
machine. Every fact later carries its article id and a character span into ``Article.text``, the
article text exactly as stored in the warehouse (``raw.articles.article_text``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date


def stable_id(*parts: object) -> str:
    """A 16-hex-digit id derived from ``parts``; equal parts give equal ids."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


@dataclass
class Article:
    """One news item cut from a raw file.

    ``text`` holds the title line, any tag/date lines and the body; ``title``
    is ``text[title_start:title_end]``, and the body starts at ``body_start``.
    """

    article_id: str
    source_file: str
    content_sha256: str
    ordinal: int
    title: str
    text: str
    title_start: int = 0
    title_end: int = 0
    body_start: int = 0
    published_date: date | None = None
    dateline_place: str | None = None
    dateline_start: int | None = None
    dateline_end: int | None = None
    dateline_country_iso3: str | None = None
    primary_country_iso3: str | None = None
