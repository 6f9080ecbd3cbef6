"""The facts extracted from an article: country mentions, counts, funding mentions, events.

Every fact carries its article id and a character span into ``Article.text``; its id is
content-derived (:func:`flows.articles.model.stable_id`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flows.articles.model import Article, stable_id


@dataclass
class CountryMention:
    """A country named in an article (by name, variant, demonym, place or inside an org name)."""

    article_id: str
    country_iso3: str
    mention_text: str
    char_start: int
    char_end: int
    # how it was recognised: name | variant | abbreviation | demonym | place
    match_kind: str = "name"
    # for match_kind == "place": the place's own kind (capital, city, admin1, ...)
    place_kind: str | None = None

    @property
    def mention_id(self) -> str:
        return stable_id(self.article_id, "country", self.char_start, self.char_end)


@dataclass
class Count:
    """A number measuring people, things, a percentage or money (extraction.md, Counts)."""

    article_id: str
    value: float
    char_start: int
    char_end: int
    value_max: float | None = None
    qualifier: str = "exact"  # exact | approx | min | max
    unit: str = "persons"  # persons organizations countries places events items percent money
    category: str = "other_persons"
    counted: str | None = None
    currency: str | None = None  # ISO 4217 when unit == "money"
    country_iso3: str | None = None
    part_of_count_id: str | None = None
    event_id: str | None = None
    sentence: str | None = None

    @property
    def count_id(self) -> str:
        return stable_id(self.article_id, "count", self.char_start, self.char_end)


@dataclass
class FundingMention:
    """A funder or supporter credited in an article.

    ``funder_id`` is the registry id (``dbt_project/seeds/funders.csv``) when the
    name resolves, else ``None``; ``funder_name`` is then the name as written,
    so an unknown funder is never dropped.
    """

    article_id: str
    funder_id: str | None
    funder_name: str
    role: str  # funder | supporter
    mention_text: str
    char_start: int
    char_end: int
    event_id: str | None = None
    sentence: str | None = None

    @property
    def funding_mention_id(self) -> str:
        return stable_id(self.article_id, "funding", self.char_start, self.char_end)


@dataclass
class Event:
    """A specific activity at a time or place (extraction.md, Events)."""

    article_id: str
    event_type: str
    trigger: str
    char_start: int
    char_end: int
    country_iso3: str | None = None
    city: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    date_precision: str | None = None  # day | month | year
    participants: float | None = None
    sentence: str | None = None
    # disambiguates several events sharing one trigger span (one per country)
    slot: int = 0
    # set when the sentence writes a date that cannot exist ("45 March 2019 is not a date")
    date_issue: str | None = None

    @property
    def event_id(self) -> str:
        return stable_id(self.article_id, "event", self.char_start, self.char_end, self.slot)


@dataclass
class ArticleFacts:
    """Everything extracted from one article."""

    article: Article
    countries: list[CountryMention] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    funders: list[FundingMention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # set when an extractor raised on this article: its facts are then empty
    error: str | None = None
