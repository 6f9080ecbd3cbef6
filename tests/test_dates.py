"""The date grammar (dates in running text), and the segmenter's reading of page date lines."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.articles.segment import parse_date_line
from flows.language.dates import find_dates


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("6 June, 2019", date(2019, 6, 6)),
        ("10 October, 2019", date(2019, 10, 10)),
        ("June 6, 2019", date(2019, 6, 6)),
        ("Tue, 12/18/2018 - 08:58", date(2018, 12, 18)),
        ("Mon, 03/04/2019 - 10:00", date(2019, 3, 4)),  # month/day/year when both could be months
        ("2019-03-08", date(2019, 3, 8)),
        ("April 12th, 2020", date(2020, 4, 12)),
        ("Date Publish: 25 January 2017", date(2017, 1, 25)),
        ("Publicado el 3 de marzo de 2021", date(2021, 3, 3)),
    ],
)
def test_page_date_lines_are_read(line: str, expected: date) -> None:
    assert parse_date_line(line) == expected


@pytest.mark.parametrize("line", ["Date Publish:", "45 March 2019", "31/02/2019", "2019-13-01", "no date here"])
def test_page_date_lines_without_a_real_date_give_none(line: str) -> None:
    assert parse_date_line(line) is None


ANCHOR = date(2019, 6, 20)


def _one(text: str, anchor: date | None = ANCHOR):
    found = find_dates(text, anchor)
    assert len(found) == 1, found
    m = found[0]
    return text[m.char_start : m.char_end], m.start, m.end, m.precision


def test_day_range_takes_the_anchor_year() -> None:
    assert _one("The fair ran March 5-6 at the town hall.") == (
        "March 5-6",
        date(2019, 3, 5),
        date(2019, 3, 6),
        "day",
    )


def test_two_days_joined_by_and() -> None:
    assert _one("Sessions took place on May 22 and 27.")[1:3] == (date(2019, 5, 22), date(2019, 5, 27))


def test_ordinal_range_with_month_after() -> None:
    text = "The forum met from the 27th to the 30th of November 2017 in the capital."
    assert _one(text)[1:] == (date(2017, 11, 27), date(2017, 11, 30), "day")


def test_weekday_range() -> None:
    assert _one("It runs from Tuesday 8 to Friday 11 September.", date(2020, 9, 1))[1:3] == (
        date(2020, 9, 8),
        date(2020, 9, 11),
    )


def test_year_less_day_after_anchor_by_months_is_last_year() -> None:
    assert _one("They gathered on the 18th of December.", date(2018, 1, 5))[1] == date(2017, 12, 18)
    assert _one("They gathered on the 15th of November.", date(2017, 12, 4))[1] == date(2017, 11, 15)


def test_month_and_year_precision() -> None:
    assert _one("In August the team returned.")[1:] == (date(2019, 8, 1), None, "month")
    assert _one("Data were gathered between January and June 2018.")[1:] == (
        date(2018, 1, 1),
        date(2018, 6, 1),
        "month",
    )
    assert _one("The project ran 2014-2016.")[1:] == (date(2014, 1, 1), date(2016, 1, 1), "year")
    assert _one("It started in 2005.")[1:] == (date(2005, 1, 1), None, "year")


def test_relative_dates_resolve_against_the_anchor() -> None:
    assert _one("Last month the office opened.")[1:] == (date(2019, 5, 1), None, "month")
    assert _one("Compared with last year, more came.")[1] == date(2018, 1, 1)
    assert _one("The course opens today.")[1] == ANCHOR


def test_text_year_beats_anchor_for_a_nearby_month() -> None:
    found = find_dates("Clashes began in May and continued through August 2022.", ANCHOR)
    assert [m.start for m in found] == [date(2022, 5, 1), date(2022, 8, 1)]


def test_no_year_without_anchor_gives_no_date() -> None:
    assert _one("It opened on March 5.", None)[1] is None


def test_impossible_dates_and_non_dates_are_not_returned() -> None:
    assert find_dates("On 45 March nothing happened.", ANCHOR) == []
    assert find_dates("It supports the 2030 Agenda.", ANCHOR) == []
    assert find_dates("On February 30, 2019 it rained.", ANCHOR) == []


@given(st.text(max_size=300), st.one_of(st.none(), st.dates()))
def test_find_dates_never_raises_and_spans_stay_inside(text: str, anchor: date | None) -> None:
    for m in find_dates(text, anchor):
        assert 0 <= m.char_start < m.char_end <= len(text)
        assert m.precision in ("day", "month", "year")


@given(st.text(max_size=200))
def test_date_line_reading_never_raises(text: str) -> None:
    parse_date_line(text)


# --- The fast scanner finds exactly what a scan of the whole text finds ---------------------------

_DATE_WORDS = [
    "March", "mar", "Sept.", "MAY", "Mayor", "June", "julio", "diciembre", "Tuesday", "Wed,", "sábado",
    "from", "the", "to", "and", "y", "al", "of", "de", "between", "in", "since", "mid-", "early", "late",
    "last", "this", "next", "year", "month", "week", "today", "Yesterday", "earlier", "Agenda", "agendas",
    "5", "05", "27th", "3rd", "1º", "2019", "2030", "1999", "12/18/2018", "2019-03-08", "31/02/2019",
    "5km", "COVID-19", "decade", "Marching", "workshop", "people", "ſept", "\u0130n", "Auguſt", "a",
]  # fmt: skip
_SEPARATORS = [" ", " ", " ", ", ", "-", " – ", "/", "\n", "  ", ". ", ""]


@st.composite
def _date_texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_DATE_WORDS), max_size=25))
    return "".join(w + draw(st.sampled_from(_SEPARATORS)) for w in words)


def _full_scan(text: str) -> list[tuple[str, tuple[int, int], dict]]:
    from flows.language.dates import _COMPILED, _RELATIVE

    found = [(name, m.span(), m.groupdict()) for name, rx in _COMPILED for m in rx.finditer(text)]
    return found + [("relative", m.span(), {}) for m in _RELATIVE.finditer(text)]


def _fast_scan(text: str) -> list[tuple[str, tuple[int, int], dict]]:
    from flows.language.dates import _scan

    scanned = _scan(text)
    found = [(name, m.span(), m.groupdict()) for name, ms in scanned.patterns for m in ms]
    return found + [("relative", m.span(), {}) for m in scanned.relative]


def _casefree(found: list[tuple[str, tuple[int, int], dict]]) -> list:
    return [(n, span, {k: v.lower() if v else v for k, v in g.items()}) for n, span, g in found]


# A small vocabulary, so that whole date phrases ("from the 5th to the 6th of March 2019") come up often.
_TIGHT_WORDS = [
    "from", "the", "to", "and", "of", "in", "between", "Tuesday", "5", "27th", "March", "May", "2019", "2020",
    "agendas", "Agenda", "people", "last", "month", "-", "/",
]  # fmt: skip


@st.composite
def _tight_date_texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_TIGHT_WORDS), min_size=2, max_size=12))
    return " ".join(words)


@settings(max_examples=300)
@given(_date_texts())
def test_windowed_scan_equals_a_whole_text_scan(text: str) -> None:
    assert _casefree(_fast_scan(text)) == _casefree(_full_scan(text))


@settings(max_examples=1000)
@given(_tight_date_texts())
def test_windowed_scan_equals_a_whole_text_scan_on_date_phrases(text: str) -> None:
    assert _casefree(_fast_scan(text)) == _casefree(_full_scan(text))


def test_windowed_scan_skips_text_without_dates_but_keeps_every_date() -> None:
    text = "Mayor Lopez said the workshop for 30 people ran on 5 March, 2019, far from the 2030 Agenda."
    assert _casefree(_fast_scan(text)) == _casefree(_full_scan(text))
    assert [text[m.char_start : m.char_end] for m in find_dates(text, ANCHOR)] == ["5 March, 2019"]
