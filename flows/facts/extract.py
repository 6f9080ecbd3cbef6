"""Run every extractor over a batch of articles."""

from __future__ import annotations

from flows.articles.model import Article
from flows.facts.model import ArticleFacts


def extract_article(article: Article) -> ArticleFacts:
    """Countries first (they feed the primary country), then counts, funders, events."""
    from flows.facts.countries import extract_countries, primary_country
    from flows.facts.counts import extract_counts
    from flows.facts.events import extract_events
    from flows.facts.funders import extract_funders

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
    this process: parallelism is by chunks of files (:mod:`flows.runners`).
    """
    return [extract_article_safely(a) for a in articles]
