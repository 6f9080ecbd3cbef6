"""Run every extractor over a batch of articles and turn the facts into raw-table frames."""

from __future__ import annotations

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


def extract_facts(articles: list[Article]) -> list[ArticleFacts]:
    """Facts of every article, in article order (each article gets its ``primary_country_iso3``).

    An article on which an extractor raised comes back with ``error`` set and no facts. Runs in
    this process: parallelism is by chunks of files (:mod:`flows.parallel`).
    """
    return [extract_article_safely(a) for a in articles]


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
