"""Extracted facts -> one polars frame per raw table, typed exactly as the raw schema, for bulk loading."""

from __future__ import annotations

import polars as pl

from flows.facts.model import ArticleFacts
from flows.store.schema import RAW_TABLES
from flows.versions import extractor_version


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
                    "date_issue": e.date_issue,
                    "sentence": e.sentence,
                    "char_start": e.char_start,
                    "char_end": e.char_end,
                }
            )
    return {name: pl.DataFrame(rows[name], schema=schema, orient="row") for name, schema in RAW_TABLES.items()}
