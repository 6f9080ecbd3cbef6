"""The fast paths of the funders and countries extractors give the results of the plain forms they replace."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.articles.model import Article
from flows.facts.countries import _FOLD, _longest_non_overlapping, _Match, extract_countries, fold
from flows.facts.funders import _IRREGULAR_SPACE, _collapse, find_alias_matches

# Characters that exercise every branch: ASCII, accents, characters whose lower case is longer
# ("İ"), characters outside the fold table, and every kind of white space.
_ALPHABET = list("abcXYZ09 .,-'$()&\t\n\r\x0b\x0c\x1c\x85\xa0\u2009\u2019\u2018\u3000\u2028éÉçñßİıÅ中😀")
_TEXT = st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40)


@given(_TEXT)
@settings(max_examples=400, deadline=None)
def test_fold_equals_table_translation(text: str) -> None:
    assert fold(text) == text.translate(_FOLD)


def test_fold_keeps_one_character_per_character() -> None:
    text = "Côte d’Ivoire, İzmir and Straße"
    assert fold(text) == text.translate(_FOLD)
    assert len(fold(text)) == len(text)
    assert fold("Guinea-Bissau") == "guinea bissau"


# The pattern the collapse used before: a non-plain white space and its run, or a plain space and more.
_OTHER_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_REFERENCE_SPACE = re.compile(rf"[{_OTHER_SPACE}]\s*| \s+")


@given(_TEXT, st.integers(0, 40), st.integers(0, 40))
@settings(max_examples=400, deadline=None)
def test_irregular_space_runs_match_reference(text: str, a: int, b: int) -> None:
    spans = [m.span() for m in _IRREGULAR_SPACE.finditer(text, a, b)]
    assert spans == [m.span() for m in _REFERENCE_SPACE.finditer(text, a, b)]


@given(_TEXT)
@settings(max_examples=400, deadline=None)
def test_collapse_maps_every_character_back(text: str) -> None:
    collapsed, offsets = _collapse(text)
    assert collapsed == " ".join(text.split()).replace("\u2019", "'").replace("\u2018", "'").lower()
    for i, ch in enumerate(collapsed):
        original = text[offsets[i]]
        if ch == " ":
            assert original.isspace()
        elif len(collapsed) == len(" ".join(text.split())):
            assert original.replace("\u2019", "'").replace("\u2018", "'").lower() == ch


def test_exact_case_alias_needs_its_case() -> None:
    # "US" is an exact-case alias: the pronoun "us" names nobody, the abbreviation does; names
    # broken over irregular white space are still found, with spans into the original text
    text = "Money came from the US. It helped us.\n\nThe  European\n  Union gave too."
    found = [(text[m.start : m.end], m.funder_id) for m in find_alias_matches(text)]
    assert ("US", "us-government") in found
    assert not any(written == "us" for written, _ in found)
    assert ("European\n  Union", "eu") in found


def _longest_first(matches: list[_Match]) -> list[_Match]:
    """The plain selection: longest first (earlier on ties), a hit kept when its characters are free."""
    taken: set[int] = set()
    chosen = []
    for m in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        if not taken.intersection(range(m.start, m.end)):
            chosen.append(m)
            taken.update(range(m.start, m.end))
    return sorted(chosen, key=lambda m: m.start)


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), max_size=8))
@settings(max_examples=400, deadline=None)
def test_longest_non_overlapping_matches_plain_selection(spans: list[tuple[int, int]]) -> None:
    matches = [_Match(start, start + length, ()) for start, length in spans]
    got = _longest_non_overlapping(matches)
    assert [(m.start, m.end) for m in got] == [(m.start, m.end) for m in _longest_first(matches)]


def test_nested_country_names_keep_the_longest() -> None:
    # "Papua New Guinea" holds "Guinea"; "Guinea" alone later is its own mention
    text = "Aid reached Papua New Guinea and Guinea."
    mentions = extract_countries(
        Article(
            article_id="t",
            source_file="t.txt",
            content_sha256="0",
            ordinal=0,
            title="",
            text=text,
            title_start=0,
            title_end=0,
            body_start=0,
        )
    )
    assert [(m.mention_text, m.country_iso3) for m in mentions] == [("Papua New Guinea", "PNG"), ("Guinea", "GIN")]
