"""Run every extractor over a batch of articles and turn the facts into raw-table frames."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import polars as pl

from flows.model import Article, ArticleFacts
from flows.schema import RAW_TABLES
from flows.versioning import extractor_version


def extract_article(article: Article) -> ArticleFacts:
    """Countries first (they feed the primary country), then counts, funders, events."""
    from flows.extract.countries import extract_countries, primary_country
    from flows.extract.counts import extract_counts
    from flows.extract.events import extract_events
    from flows.extract.funders import extract_funders

    countries = extract_countries(article)
    article.primary_country_iso3 = primary_country(article, countries)
    counts = extract_counts(article, countries)
    funders = extract_funders(article, countries)
    events = extract_events(article, countries, counts, funders)
    return ArticleFacts(article, countries, counts, funders, events)


def extract_article_safely(article: Article) -> ArticleFacts:
    """:func:`extract_article`, but an extractor bug on one article is returned as ``error``
    instead of failing the whole batch."""
    try:
        return extract_article(article)
    except Exception as exc:  # noqa: BLE001 - recorded against the article's file by the caller
        return ArticleFacts(article, error=f"{type(exc).__name__}: {exc}")


# Below this many articles the serial loop wins: each spawned worker pays ~1-2 s to import the
# extractors and build their lexicons before its first article.
PARALLEL_MIN_ARTICLES = 200
_CHUNKS_PER_WORKER = 4  # a few chunks per worker even out uneven article lengths


def extract_facts(articles: list[Article], workers: int | None = None) -> list[ArticleFacts]:
    """Facts of every article, in article order; the output is the same whatever ``workers`` is.

    An article on which an extractor raised comes back with ``error`` set and no facts.

    Large batches are split into contiguous chunks extracted by a process pool
    (``workers`` processes, default: the CPUs this process may use). As in the serial
    path, each input article gets its ``primary_country_iso3`` set and is the
    ``article`` of its facts.
    """
    workers = _default_workers() if workers is None else workers
    if workers < 2 or len(articles) < PARALLEL_MIN_ARTICLES:
        return [extract_article_safely(a) for a in articles]
    size = max(25, -(-len(articles) // (workers * _CHUNKS_PER_WORKER)))
    chunks = [articles[i : i + size] for i in range(0, len(articles), size)]
    # spawn, not fork: the flow runs with Prefect's threads alive, and forking a threaded
    # process can deadlock a child on a lock some other thread held
    ctx = multiprocessing.get_context("spawn")
    facts: list[ArticleFacts] = []
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=ctx) as pool:
        for chunk, chunk_facts in zip(chunks, pool.map(_extract_chunk, chunks), strict=True):
            for article, f in zip(chunk, chunk_facts, strict=True):
                # the worker filled in a copy: give the caller's article the same field back
                article.primary_country_iso3 = f.article.primary_country_iso3
                f.article = article
                facts.append(f)
    return facts


def _extract_chunk(articles: list[Article]) -> list[ArticleFacts]:
    """Worker side of :func:`extract_facts`: the serial loop over one chunk."""
    return [extract_article_safely(a) for a in articles]


def _default_workers() -> int:
    """CPUs this process may run on (its affinity mask when the OS exposes it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def facts_to_frames(facts: list[ArticleFacts]) -> dict[str, pl.DataFrame]:
    """One polars frame per raw table, columns and types exactly as ``RAW_TABLES``."""
    version = extractor_version()
    rows: dict[str, list[dict]] = {name: [] for name in RAW_TABLES}
    for f in facts:
        if f.error is not None:
            continue
        a = f.article
        rows["articles"].append(
            {
                "article_id": a.article_id,
                "source_file": a.source_file,
                "content_sha256": a.content_sha256,
                "ordinal": a.ordinal,
                "title": a.title,
                "published_date": a.published_date,
                "dateline_place": a.dateline_place,
                "dateline_country_iso3": a.dateline_country_iso3,
                "primary_country_iso3": a.primary_country_iso3,
                "article_text": a.text,
                "body_start": a.body_start,
                "extractor_version": version,
            }
        )
        for m in f.countries:
            rows["country_mentions"].append(
                {
                    "mention_id": m.mention_id,
                    "article_id": m.article_id,
                    "country_iso3": m.country_iso3,
                    "mention_text": m.mention_text,
                    "match_kind": m.match_kind,
                    "char_start": m.char_start,
                    "char_end": m.char_end,
                }
            )
        for c in f.counts:
            rows["counts"].append(
                {
                    "count_id": c.count_id,
                    "article_id": c.article_id,
                    "value": c.value,
                    "value_max": c.value_max,
                    "qualifier": c.qualifier,
                    "unit": c.unit,
                    "category": c.category,
                    "counted": c.counted,
                    "currency": c.currency,
                    "country_iso3": c.country_iso3,
                    "part_of_count_id": c.part_of_count_id,
                    "event_id": c.event_id,
                    "sentence": c.sentence,
                    "char_start": c.char_start,
                    "char_end": c.char_end,
                }
            )
        for m in f.funders:
            rows["funding_mentions"].append(
                {
                    "funding_mention_id": m.funding_mention_id,
                    "article_id": m.article_id,
                    "funder_id": m.funder_id,
                    "funder_name": m.funder_name,
                    "role": m.role,
                    "mention_text": m.mention_text,
                    "event_id": m.event_id,
                    "sentence": m.sentence,
                    "char_start": m.char_start,
                    "char_end": m.char_end,
                }
            )
        for e in f.events:
            rows["events"].append(
                {
                    "event_id": e.event_id,
                    "article_id": e.article_id,
                    "event_type": e.event_type,
                    "trigger": e.trigger,
                    "country_iso3": e.country_iso3,
                    "city": e.city,
                    "start_date": e.start_date,
                    "end_date": e.end_date,
                    "date_precision": e.date_precision,
                    "participants": e.participants,
                    "sentence": e.sentence,
                    "char_start": e.char_start,
                    "char_end": e.char_end,
                }
            )
    return {name: pl.DataFrame(rows[name], schema=schema, orient="row") for name, schema in RAW_TABLES.items()}
