"""The date grammar: page date lines and dates in running text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.extract.dates import find_dates, parse_date_text


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
def test_parse_date_text_reads_date_lines(line: str, expected: date) -> None:
    assert parse_date_text(line) == expected


@pytest.mark.parametrize(
    "line", ["Date Publish:", "45 March 2019", "31/02/2019", "2019-13-01", "no date here"]
)
def test_parse_date_text_rejects_missing_or_impossible_dates(line: str) -> None:
    assert parse_date_text(line) is None


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
def test_parse_date_text_never_raises(text: str) -> None:
    parse_date_text(text)
