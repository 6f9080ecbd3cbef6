"""The events extractor: specific activities an article reports as happening or about to happen.

A trigger lexicon (``event_triggers.csv``: phrase -> event type) finds the words
naming an activity; the sentence around it gives the place (countries from the
country extractor), dates (``flows.extract.dates``) and participants (counts).
One event per place; repeated mentions of one activity in one place merge.
Counts and funding mentions that belong to an event get its ``event_id``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from flows.extract.dates import DateMention, find_dates
from flows.extract.funders import find_alias_matches
from flows.extract.text import contact_block_start, sentence_spans
from flows.model import Article, Count, CountryMention, Event, FundingMention
from flows.reference import read_seed

# A plan, guide or study becomes a launch when the sentence presents or releases it.
_PRESENTED = re.compile(
    r"\b(?:launch(?:es|ed|ing)?|present(?:s|ed|ing)?|releas(?:e|es|ed|ing)|publish(?:es|ed|ing)?"
    r"|unveil(?:s|ed|ing)?|sign(?:s|ed|ing)?|adopt(?:s|ed|ing)?|approv(?:e|es|ed|ing)|introduc(?:e|es|ed|ing)"
    r"|compiles?|compiled)\b",
    re.IGNORECASE,
)
# A trigger in a statement about why activities matter is not an activity ("training is vital").
_GENERIC_AFTER = re.compile(
    r"\s+(?:is|are|remains?)\s+(?:\w+\s+)?(?:vital|key|important|essential|crucial|necessary|fundamental"
    r"|a\s+crime|needed|critical)\b",
    re.IGNORECASE,
)
# Where an activity happens: a place after one of these (or in a list after one) hosts it.
_LOCATIVE = re.compile(
    r"\b(?:in|at|across|throughout|within|inside|held\s+in|hold\s+in)\s+(?:the\s+)?"
    r"(?:(?:city|municipality|department|province|state|region|capital)\s+of\s+)?$",
    re.IGNORECASE,
)
_LIST_JOIN = re.compile(
    r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|/\s*|\(\s*|\)\s*,?\s*)(?:the\s+)?$", re.IGNORECASE
)
_RETURN_WORD = re.compile(r"\breturn(?:s|ed|ing|ees?)?\b", re.IGNORECASE)
_BRING_TOGETHER = re.compile(r"\bbr(?:ing|ings|ought|inging)\s+together\s+$", re.IGNORECASE)
_CITY_KINDS = frozenset({"capital", "city", "town", "municipality"})
_EVENT_PLACE_KINDS = frozenset({"name", "variant", "abbreviation", "place"})


@dataclass(frozen=True)
class Trigger:
    """A lexicon entry: ``event_type`` by default, ``presented_type`` when presented/released."""

    phrase: str
    event_type: str | None
    presented_type: str | None



@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern[str], dict[str, Trigger]]:
    """One compiled alternation of every trigger (longest first) and the entries by lower-case phrase."""
    entries: dict[str, Trigger] = {}
    for phrase, event_type, presented in read_seed("event_triggers").iter_rows():
        key = " ".join(phrase.lower().split())
        entries[key] = Trigger(key, event_type or None, presented or None)
    alternation = "|".join(
        r"\s+".join(re.escape(w) for w in k.split()) for k in sorted(entries, key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE), entries


_NO_TRIGGER = Trigger("", None, None)


@dataclass
class _Found:
    event: Event
    sent: tuple[int, int]
    explicit_place: bool


def _event_places(text: str, sent: tuple[int, int], countries: list[CountryMention]) -> list[CountryMention]:
    """Country mentions in the sentence that say where something happens ("in X", "at X", or listed after)."""
    inside = [
        c for c in countries
        if sent[0] <= c.char_start < sent[1] and c.match_kind in _EVENT_PLACE_KINDS
    ]  # fmt: skip
    inside.sort(key=lambda c: c.char_start)
    places: list[CountryMention] = []
    prev_end: int | None = None
    for c in inside:
        before = text[sent[0] : c.char_start]
        is_place = bool(_LOCATIVE.search(before[-60:]))
        if not is_place and places and prev_end is not None:
            is_place = bool(_LIST_JOIN.match(text[prev_end : c.char_start]))
        if is_place:
            places.append(c)
        prev_end = c.char_end
    return places


def _city_for(place: CountryMention, places: list[CountryMention]) -> str | None:
    """The city named for an event in ``place``'s country, if one is."""
    for c in places:
        if c.country_iso3 == place.country_iso3 and c.match_kind == "place" and c.place_kind in _CITY_KINDS:
            return c.mention_text
    return None


def _anchor(article: Article) -> date | None:
    """What year-less dates resolve against: the published date, else the article's latest explicit year."""
    if article.published_date is not None:
        return article.published_date
    years = [
        m.start.year
        for m in find_dates(article.text[: contact_block_start(article.text)], None)
        if m.start is not None and m.precision in ("year", "month", "day")
    ]
    return date(max(years), 12, 31) if years else None


_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


def _dates_for(dates: list[DateMention], sent: tuple[int, int], trigger_start: int) -> DateMention | None:
    """The sentence's most precise resolved date ("on the 31st of January ... for the year 2018"),
    the one nearest the trigger among equals."""
    inside = [d for d in dates if sent[0] <= d.char_start < sent[1] and d.start is not None]
    if not inside:
        return None
    return min(inside, key=lambda d: (_PRECISION_RANK[d.precision], abs(d.char_start - trigger_start)))


def _participants(
    text: str, counts: list[Count], sent: tuple[int, int], next_sent: tuple[int, int] | None
) -> float | None:
    """People taking part: a participants count in the sentence, else the number after "bring together"."""
    in_sent = [c for c in counts if sent[0] <= c.char_start < sent[1]]
    for c in in_sent:
        if c.unit == "persons" and c.category == "participants":
            return c.value
    for c in in_sent:
        if c.unit == "persons" and _BRING_TOGETHER.search(
            text[max(sent[0], c.char_start - 40) : c.char_start]
        ):
            return c.value
    if next_sent is not None:
        for c in counts:
            if (
                next_sent[0] <= c.char_start < next_sent[1]
                and c.unit == "persons"
                and (
                    c.category == "participants"
                    or _BRING_TOGETHER.search(text[max(next_sent[0], c.char_start - 40) : c.char_start])
                )
            ):
                return c.value
    return None


def _type_of(trigger: Trigger, text: str, sent: tuple[int, int]) -> str | None:
    if trigger.presented_type and _PRESENTED.search(text, sent[0], sent[1]):
        return trigger.presented_type
    return trigger.event_type


def extract_events(
    article: Article,
    countries: list[CountryMention],
    counts: list[Count],
    funders: list[FundingMention],
) -> list[Event]:
    """The article's events, one per activity and place, with dates, place and participants.

    Sets ``event_id`` on the counts and funding mentions that belong to an event.
    """
    text = article.text
    limit = contact_block_start(text)
    pattern, entries = _lexicon()
    anchor = _anchor(article)
    # the page's own date line (between title and body) dates the page, not an activity
    dates = [
        d
        for d in find_dates(text[:limit], anchor)
        if not article.title_end <= d.char_start < article.body_start
    ]
    sentences = list(sentence_spans(text, 0, limit))
    default_country = article.dateline_country_iso3 or article.primary_country_iso3
    # a trigger word inside an organisation's name ("Regional Conference on Migration") names no event
    org_spans = [(m.start, m.end) for m in find_alias_matches(text, limit)]
    has_return = bool(_RETURN_WORD.search(text, 0, limit)) and any(
        entries.get(" ".join(m.group(0).lower().split()), _NO_TRIGGER).event_type == "return"
        for m in pattern.finditer(text, 0, limit)
    )
    found: list[_Found] = []
    for i, sent in enumerate(sentences):
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        places = _event_places(text, sent, countries)
        if not places and nxt is not None:
            places = _event_places(text, nxt, countries)
        for m in pattern.finditer(text, sent[0], sent[1]):
            trig = entries.get(" ".join(m.group(0).lower().split()))
            if trig is None or _GENERIC_AFTER.match(text, m.end(), sent[1]):
                continue
            if any(a <= m.start() and m.end() <= b for a, b in org_spans):
                continue
            event_type = _type_of(trig, text, sent)
            if event_type is None:
                continue
            if event_type == "assistance" and has_return and _RETURN_WORD.search(text, sent[0], sent[1]):
                # kits, transport, reintegration help given within a return programme are that programme
                event_type = "return"
            when = _dates_for(dates, sent, m.start())
            if when is None and i > 0 and not pattern.search(text, sentences[i - 1][0], sentences[i - 1][1]):
                # "Two activities took place in August. The first was a workshop ...": a date set
                # by the sentence before, when that sentence names no activity of its own
                when = _dates_for(dates, sentences[i - 1], sentences[i - 1][1])
            base = Event(
                article_id=article.article_id,
                event_type=event_type,
                trigger=text[m.start() : m.end()],
                char_start=m.start(),
                char_end=m.end(),
                start_date=when.start if when else None,
                end_date=when.end if when else None,
                date_precision=when.precision if when else None,
                participants=_participants(text, counts, sent, nxt),
                sentence=text[sent[0] : sent[1]],
            )
            countries_here = list(dict.fromkeys(p.country_iso3 for p in places))
            if event_type == "incident" and len(countries_here) > 1:
                # a disaster striking several countries is one incident, not one per country
                found.append(_Found(replace(base, country_iso3=None), sent, True))
                continue
            if not countries_here:
                found.append(_Found(replace(base, country_iso3=default_country), sent, False))
                continue
            for slot, iso3 in enumerate(countries_here):
                place = next(p for p in places if p.country_iso3 == iso3)
                found.append(
                    _Found(
                        replace(base, country_iso3=iso3, city=_city_for(place, places), slot=slot), sent, True
                    )
                )
    events, owners = _merge(found)
    _link(events, owners, counts, funders)
    return [f.event for f in events]


def _merge(found: list[_Found]) -> tuple[list[_Found], list[tuple[tuple[int, int], int]]]:
    """Several mentions of one activity (same type and place, no conflicting days) become one event.

    A mention naming no place of its own ("the workshop" again) joins the first event of its type.
    Returns the kept events and, for every mention, its sentence and the index of its event.
    """
    kept: list[_Found] = []
    owners: list[tuple[tuple[int, int], int]] = []
    for f in found:
        twin = next((k for k in kept if _same_activity(k.event, f.event)), None)
        if twin is None and not f.explicit_place:
            twin = next((k for k in kept if _same_type_and_days(k.event, f.event)), None)
        if twin is None:
            kept.append(f)
            owners.append((f.sent, len(kept) - 1))
            continue
        owners.append((f.sent, kept.index(twin)))
        e, t = f.event, twin.event
        twin.event = replace(
            t,
            # a programme run in several countries has no one country
            country_iso3=t.country_iso3 if t.country_iso3 == e.country_iso3 or not f.explicit_place else None,
            city=t.city or e.city,
            start_date=t.start_date or e.start_date,
            end_date=t.end_date if t.start_date else e.end_date,
            date_precision=t.date_precision if t.start_date else e.date_precision,
            participants=t.participants if t.participants is not None else e.participants,
        )
    return kept, owners


# Types whose mentions in one article are one programme wherever its parts take place.
_ONE_PROGRAMME_TYPES = frozenset({"return"})


def _same_activity(a: Event, b: Event) -> bool:
    if a.country_iso3 != b.country_iso3 and a.event_type not in _ONE_PROGRAMME_TYPES:
        return False
    return _same_type_and_days(a, b)


def _same_type_and_days(a: Event, b: Event) -> bool:
    if a.event_type != b.event_type:
        return False
    # two mentions dated to different days are two activities (two workshops on different days)
    if a.date_precision == "day" and b.date_precision == "day":
        return a.start_date == b.start_date
    return True


def _link(
    events: list[_Found],
    owners: list[tuple[tuple[int, int], int]],
    counts: list[Count],
    funders: list[FundingMention],
) -> None:
    """Give counts and funding mentions the id of the event reported in their sentence.

    A funder credited outside any event's sentence ("the project is funded by ...") goes to the
    article's only event when there is exactly one.
    """

    def event_at(pos: int) -> str | None:
        return next((events[i].event.event_id for (s, e), i in owners if s <= pos < e), None)

    for c in counts:
        c.event_id = event_at(c.char_start)
    only = events[0].event.event_id if len(events) == 1 else None
    for fm in funders:
        fm.event_id = event_at(fm.char_start) or only
