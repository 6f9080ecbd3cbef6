"""The events extractor's fast paths give what the plain versions give (sentences written for these tests)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.articles.model import Article
from flows.facts.events import (
    _LIST_JOIN,
    _LOCATIVE,
    _SEAT_BEFORE,
    _Found,
    _inside_any,
    _merge,
    _same_activity,
    _same_type_and_days,
    extract_events,
)
from flows.facts.events import _event_places as event_places
from flows.facts.model import CountryMention, Event


def _plain_places(text: str, sent: tuple[int, int], countries: list[CountryMention]) -> list[CountryMention]:
    """``_event_places`` as first written: every country filtered per sentence, the whole prefix sliced."""
    inside = [c for c in countries if sent[0] <= c.char_start < sent[1] and c.match_kind != "demonym"]
    inside.sort(key=lambda c: c.char_start)
    places: list[CountryMention] = []
    prev_end: int | None = None
    for c in inside:
        before = text[sent[0] : c.char_start]
        is_place = bool(_LOCATIVE.search(before[-60:])) and not _SEAT_BEFORE.search(before[-60:])
        if not is_place and places and prev_end is not None:
            is_place = bool(_LIST_JOIN.match(text[prev_end : c.char_start]))
        if is_place:
            places.append(c)
        prev_end = c.char_end
    return places


_PIECES = [
    "IOM held a workshop in ", "Kenya", ", ", "and ", "Chad", " at the ", "office in ", "Peru",
    " across the region of ", "Mali", " / ", "headquartered in ", "Niger", ". ", "the city of ",
    "Lima", " with partners from ", "a long stretch of words that pushes the place well past sixty chars ",
]  # fmt: skip
_KINDS = ["name", "variant", "abbreviation", "place", "demonym"]


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14),
    st.lists(st.sampled_from(_KINDS), min_size=14, max_size=14),
    st.integers(0, 40),
    st.randoms(use_true_random=False),
)
def test_places_by_sorted_starts_equal_places_by_filtering(pieces, kinds, cut, rnd) -> None:  # type: ignore[no-untyped-def]
    text = "".join(pieces)
    countries: list[CountryMention] = []
    pos = 0
    for i, piece in enumerate(pieces):
        if piece[:1].isupper() and piece.strip().isalpha():
            countries.append(CountryMention("a1", piece[:3].upper(), piece, pos, pos + len(piece), kinds[i]))
        pos += len(piece)
    rnd.shuffle(countries)  # the extractor's list need not be in text order
    sent = (min(cut, len(text)), len(text))
    assert event_places(text, sent, countries) == _plain_places(text, sent, countries)


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)), max_size=8),
    st.integers(0, 70),
    st.integers(0, 15),
)
def test_inside_a_name_by_bisect_equals_a_scan_of_every_name(raw, start, length) -> None:  # type: ignore[no-untyped-def]
    spans = sorted((a, a + n) for a, n in raw)
    reach: list[int] = []
    for _, b in spans:
        reach.append(max(b, reach[-1]) if reach else b)
    end = start + length
    assert _inside_any(spans, reach, start, end) == any(a <= start and end <= b for a, b in spans)


def _plain_merge(found: list[_Found]) -> tuple[list[_Found], list[tuple[tuple[int, int], int]]]:
    """``_merge`` as first written: every mention compared with every kept event."""
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
            country_iso3=t.country_iso3 if t.country_iso3 == e.country_iso3 or not f.explicit_place else None,
            city=t.city or e.city,
            start_date=t.start_date or e.start_date,
            end_date=t.end_date if t.start_date else e.end_date,
            date_precision=t.date_precision if t.start_date else e.date_precision,
            participants=t.participants if t.participants is not None else e.participants,
        )
    return kept, owners


_MENTION = st.tuples(
    st.sampled_from(["training", "meeting", "return", "assistance"]),
    st.sampled_from([None, "KEN", "TCD"]),
    st.sampled_from([None, "day", "month"]),
    st.integers(1, 3),
    st.booleans(),
    st.sampled_from([None, 10.0, 25.0]),
    st.integers(0, 3),
)


@settings(max_examples=300)
@given(st.lists(_MENTION, max_size=10))
def test_merging_by_type_equals_merging_against_every_kept_event(mentions) -> None:  # type: ignore[no-untyped-def]
    def found() -> list[_Found]:
        out = []
        for n, (kind, iso3, precision, day, explicit, participants, sentence) in enumerate(mentions):
            when = date(2020, 5, day) if precision else None
            event = Event("a1", kind, kind, n, n + 1, iso3, None, when, None, precision, participants)
            out.append(_Found(event, (10 * sentence, 10 * sentence + 9), explicit))
        return out

    kept, owners = _merge(found())
    plain_kept, plain_owners = _plain_merge(found())
    assert [k.event for k in kept] == [k.event for k in plain_kept]
    assert owners == plain_owners


def _article(text: str, published: date | None = date(2019, 6, 6)) -> Article:
    return Article("a1", "f.txt", "sha", 0, "T", text, published_date=published)


def test_aid_in_a_sentence_about_return_is_that_return_only_when_the_article_reports_a_return() -> None:
    with_return = "IOM facilitated the voluntary return of 40 migrants. On their return, IOM donated kits."
    assert [e.event_type for e in extract_events(_article(with_return), [], [], [])] == ["return"]
    # the sentence says "return", but no return activity is reported anywhere: the donation stays aid
    without = "Officials hope people can return home. On the day people return, IOM donated kits."
    assert [e.event_type for e in extract_events(_article(without), [], [], [])] == ["assistance"]
    # a return programme elsewhere does not turn aid in a sentence without a return word into it
    elsewhere = "IOM facilitated the voluntary return of 40 migrants. Separately, IOM donated computers."
    assert [e.event_type for e in extract_events(_article(elsewhere), [], [], [])] == ["return", "assistance"]


def test_dates_come_from_the_sentence_or_the_one_before_when_worked_out_lazily() -> None:
    text = "Two activities took place in August 2018. The first was a workshop for officials."
    events = extract_events(_article(text, None), [], [], [])
    assert [(e.event_type, e.start_date, e.date_precision) for e in events] == [("training", date(2018, 8, 1), "month")]
    # a trigger that turns out to be no activity leaves no events, dated or not
    assert extract_events(_article("The training is vital for service providers in May 2019."), [], [], []) == []
