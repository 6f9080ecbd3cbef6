"""The cheap pre-tests that let the counts extractor skip slow regex searches must never skip a match.

Each pre-test (a substring or last-character check) is compared with the full pattern it guards, on
sentences written here and on random text made of the words and characters the patterns look at,
including the letters an ignore-case pattern matches beyond ``lower()`` ("İ", "ı", "K", "ſ").
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.facts import counts
from flows.language import numerals as numbers

_PIECES = [
    " ", "  ", "\n", ",", ":", "(", ";", "-", "of", "Of", "OF", "whom", "them", "these", "including", "INCLUDING",
    "İncluding", "ıncluding", "among", "they", "include", "alone", "ALONE", "another", "a", "further", "an",
    "additional", "addİtional", "the", "other", "remaining", "remaınıng", "or", "OR", "in", "İn", "ın", "IN",
    "living", "lıving", "residing", "based", "working", "woKing", "settled", "ſettled", "The", "THE", "grant",
    "worth", "totalling", "Honduras", "x", "7", "%",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=14).map("".join)


@pytest.mark.parametrize(
    "before",
    [
        "The agency helped 900 people, including ",
        "of whom ",
        "Among them: ",
        "They include ",
        "In 2023 alone, ",
        "Another ",
        "a further ",
        "the remaining ",
        "an additional ",
        "one or ",
        "nothing to see here ",
        "INCLUDING ",
        "İncluding ",
    ],
)
def test_before_pretests_agree_with_patterns_on_written_text(before: str) -> None:
    assert counts._part_before(before) == bool(counts._PART_BEFORE.search(before))
    assert counts._alone_before(before) == bool(counts._ALONE_BEFORE.search(before))
    assert counts._another_before(before) == bool(counts._ANOTHER_BEFORE.search(before))
    assert counts._or_before(before) == bool(counts._OR_BEFORE.search(before))


def test_turkish_capital_i_is_still_an_opener() -> None:
    # the ignore-case pattern reads "İncluding" as "including": the pre-test must let it through
    assert counts._part_before("Staff, İncluding ")
    assert counts._residence_before("people lİvİng İn ", 0, len("people lİvİng İn "))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_before_pretests_agree_with_patterns(before: str) -> None:
    assert counts._part_before(before) == bool(counts._PART_BEFORE.search(before))
    assert counts._alone_before(before) == bool(counts._ALONE_BEFORE.search(before))
    assert counts._another_before(before) == bool(counts._ANOTHER_BEFORE.search(before))
    assert counts._or_before(before) == bool(counts._OR_BEFORE.search(before))


@settings(max_examples=400, deadline=None)
@given(_TEXT, _TEXT)
def test_residence_pretest_agrees_with_pattern(head: str, window: str) -> None:
    text = head + window
    start, end = len(head), len(text)
    assert counts._residence_before(text, start, end) == bool(counts._RESIDENCE.search(text, start, end))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_last_visible_pretests_agree_with_patterns(window: str) -> None:
    # the percent and money look-backs run their pattern only when the last visible character allows it
    if counts._NAME_BEFORE_PERCENT.search(window):
        assert counts._last_visible(window, 0, len(window)) in ("(", ",", ":")
    if counts._MONEY_NOUN_BEFORE.search(window):
        assert counts._last_visible(window, 0, len(window)) in counts._LOWER_OR_HYPHEN


@pytest.mark.parametrize(
    "text",
    [
        "They met 30 November in the hall.",
        "Since January, 3,000 people arrived.",
        "The hotline 1234 is open; call 5678 now.",
        "Children under 5 and 300 adults were seen.",
        "1 in 5 children and 3 out of 10 adults.",
        "On May 22 and 27 the teams met 45 officials.",
        "Items:\n1. Training for 20 staff\n2. Kits",
        "About 300 families, over 40 schools and up to 12 trucks.",
        "It lasted four months; 20 consecutive years; 15-year-old boys.",
    ],
)
def test_before_exclusions_same_with_and_without_shared_words(text: str) -> None:
    # the caller may pass the words before a number, read once; the rules must not depend on who reads them
    for i, ch in enumerate(text):
        if ch.isdigit() and (i == 0 or not text[i - 1].isdigit()):
            for is_word in (False, True):
                words = numbers._last_words(text, i)
                assert numbers._excluded_by_before(text, i, is_word, words) == numbers._excluded_by_before(
                    text, i, is_word
                )
            assert numbers._qualifier(text, i, numbers._last_words(text, i)) == numbers._qualifier(text, i)
