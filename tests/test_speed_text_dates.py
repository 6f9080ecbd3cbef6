"""The fast date scanner and the cached sentence splitter give what the plain versions give."""

from __future__ import annotations

import re

from flows.language.dates import _COMPILED, _RELATIVE, _scan, find_dates
from flows.language.text import sentence_spans


def _full(text: str) -> list[tuple[str, tuple[int, int]]]:
    found = [(name, m.span()) for name, rx in _COMPILED for m in rx.finditer(text)]
    return found + [("relative", m.span()) for m in _RELATIVE.finditer(text)]


def _fast(text: str) -> list[tuple[str, tuple[int, int]]]:
    scanned = _scan(text)
    found = [(name, m.span()) for name, ms in scanned.patterns for m in ms]
    return found + [("relative", m.span()) for m in scanned.relative]


def test_a_window_cut_inside_a_word_shows_no_month_that_is_not_there() -> None:
    # the look-ahead after "last year" used to end inside "Mayor", showing a month "Mayo"
    text = "Talks between March last year agendas \u2013 5 Mayor Lopez spoke."
    assert _fast(text) == _full(text)
    assert "Mayo" not in [text[m.char_start : m.char_end].split()[-1] for m in find_dates(text)]


def test_figures_without_month_or_year_make_no_date_but_dates_next_to_them_are_kept() -> None:
    text = "About 5,000 people, 12 of them children, arrived on 5 March 2019 and 300 more in 2020."
    assert _fast(text) == _full(text)
    assert [text[m.char_start : m.char_end] for m in find_dates(text)] == ["5 March 2019", "in 2020"]


def test_sentence_spans_are_the_same_every_time_they_are_asked_for() -> None:
    text = "Mr. Smith met U.S. officials. They agreed!\n\nNext steps follow in May.  "
    first = list(sentence_spans(text, 0, len(text)))
    assert first == list(sentence_spans(text, 0, len(text))) == list(sentence_spans(text))
    assert [text[a:b] for a, b in first] == [
        "Mr. Smith met U.S. officials.",
        "They agreed!",
        "Next steps follow in May.",
    ]
    assert not re.search(r"^\s|\s$", "".join(text[a:b] for a, b in first))
