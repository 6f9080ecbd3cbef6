"""The vectorised span check answers exactly as the row-by-row ``span_holds_number``."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.checks.frames import span_holds_number, spans_hold_numbers

PIECES = st.sampled_from(
    ["1", "12", "195", "2.5", "1,195", "1 195", "4,000,000", "0.75", "40", "%", "$", "US$ ", "€", " ", "-", "'",
     "million", "M", "k", "bn", "Million", "thousand", "dozen", "Twenty", "one", "third", "people", "and", "between",
     "mil", "millón", "moitié", "\u00a0", "\u202f", "٣", "the", ".", ","]
)  # fmt: skip
SPANS = st.lists(PIECES, max_size=6).map("".join)
VALUES = st.one_of(
    st.sampled_from([1.0, 12.0, 195.0, 1195.0, 2.5, 2.5e6, 4e6, 0.75, 40.0, 12e6, 1e3, 25.0, float("nan")]),
    st.floats(min_value=0, max_value=1e10, allow_nan=False),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), SPANS), st.one_of(st.none(), VALUES)), min_size=1, max_size=30))
def test_vectorised_spans_agree_with_the_row_by_row_reading(rows: list[tuple[str | None, float | None]]) -> None:
    spans = pl.Series([s for s, _ in rows], dtype=pl.String)
    values = pl.Series([v for _, v in rows], dtype=pl.Float64)
    expected = [span_holds_number(s, v) for s, v in rows]
    assert spans_hold_numbers(spans, values).to_list() == expected


def test_vectorised_spans_on_written_examples() -> None:
    rows = [
        ("1,195", 1195.0), ("US$ 2.5 million", 2.5e6), ("between 24 and 33", 33.0), ("a dozen", 12.0),
        ("€4.8 million", 4.8e6), ("people", 75.0), ("40%", 140.0), ("", 3.0), (None, 3.0), ("12", None),
    ]  # fmt: skip
    got = spans_hold_numbers(pl.Series([s for s, _ in rows]), pl.Series([v for _, v in rows]))
    assert got.to_list() == [True, True, True, True, True, False, False, False, False, False]
