"""Literal prefilters in front of regexes find what the regexes alone find (texts built for these tests)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.facts.events import (
    _GRAMMAR_TRIGGERS,
    _PROGRAMME_NEEDS,
    _PROGRAMME_SUBJECT,
    _SUBJECT_REACH,
    _lexicon,
    _not_an_activity,
    _written,
)
from flows.language import dates
from flows.language import text as text_module
from flows.language.text import finditer_at, literal_offsets, offset_safe_lower, sentence_spans

_PHRASES = (
    "opened two new water systems", "SET UP the legal counselling centres", "the rebuilding of the clinic",
    "Inaugurated shelters", "a project which will aim to support", "programmes to help", "Programs that assist",
    "walks against", "Marches Against", "races against", "took over the rotating presidency", "assumed the chair",
    "handed over the chairmanship", "on the 31 April", "45 March 2019", "February 30, 2020", "Sept. 31, 2021",
    "31 de junio de 2021", "On 0 May", "on 29 February 1999", "20 19", "Sub-project to support",
    "\u017fet up centres", "\u0130naugurated hubs", "ta\u212aes over the chair", "taken", "setting",
)  # fmt: skip
_WORDS = ("IOM", "the", "of", "and", "in", "Panama", "2018", "12", "people", "settlement", "brand", "overrun")
_GAPS = (" ", "  ", "\n", ", ", ". ", "-", "", "(", ")")


@st.composite
def _texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_PHRASES) | st.sampled_from(_WORDS), max_size=30))
    gaps = draw(st.lists(st.sampled_from(_GAPS), min_size=len(words), max_size=len(words)))
    return "".join(g + w for g, w in zip(gaps, words, strict=True))


@settings(max_examples=400, deadline=None)
@given(_texts(), st.integers(min_value=0, max_value=400))
def test_grammar_triggers_tried_only_at_their_literals_match_as_finditer(text: str, cut: int) -> None:
    limit = min(cut, len(text))
    lowered = offset_safe_lower(text[:limit])
    for pattern, _, literals in _GRAMMAR_TRIGGERS:
        plain = [m.span("t") for m in pattern.finditer(text, 0, limit)]
        if lowered is None:
            continue
        fast = [m.span("t") for m in finditer_at(pattern, text, literal_offsets(lowered, literals, limit), limit)]
        assert fast == plain


def _plain_impossible(text: str) -> list[tuple[int, int]]:
    found = []
    for rx in (dates._DAY_FIRST, dates._MONTH_FIRST):
        for m in rx.finditer(text):
            if rx is dates._DAY_FIRST and not (m.group("y") or m.group(0).lower().startswith("on")):
                continue
            month = dates.MONTHS.get(m.group("m").lower().rstrip("."))
            day = int(m.group("d"))
            if month is None:
                continue
            year = re.search(r"(?:19|20)\d{2}", m.group(0))
            leap = year is None or dates._is_leap(int(year.group(0)))
            last = 29 if month == 2 and leap else 28 if month == 2 else dates._DAYS_IN_MONTH[month - 1]
            if not 1 <= day <= last:
                found.append((m.start("d") if rx is dates._DAY_FIRST else m.start("m"), m.end()))
    return sorted(found)


@settings(max_examples=400, deadline=None)
@given(_texts())
def test_impossible_dates_prefilter_keeps_every_span(text: str) -> None:
    assert dates.impossible_dates(text) == _plain_impossible(text)


def test_impossible_dates_examples() -> None:
    for text in ("It opened on 31 April.", "On the 30 February people met.", "February 30, 2020 and 45 March 2019"):
        assert dates.impossible_dates(text) == _plain_impossible(text) != []


_PLAIN_BOUNDARY = re.compile(r"""[.!?]["'\u201d\u2019)\]]*(?=\s)|\n\s*\n""")


def _plain_is_abbreviation(text: str, dot: int) -> bool:
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    if word in text_module._ABBREVIATIONS:
        return True
    if len(word) == 1 and text[dot - 1].isupper():
        return True
    nxt = text[dot + 1 : dot + 3].lstrip()
    return bool(nxt) and nxt[0].islower()


def _plain_sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``sentence_spans`` as first written."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _PLAIN_BOUNDARY.finditer(text, start, end):
        if m.group(0).startswith(".") and _plain_is_abbreviation(text, m.start()):
            continue
        stop = m.end() if not m.group(0).startswith("\n") else m.start()
        spans.extend(text_module._strip_span(text, pos, stop))
        pos = m.end()
    spans.extend(text_module._strip_span(text, pos, end))
    return spans


_SENTENCE_BITS = st.sampled_from(
    ["Mr.", "U.S.", "e.g.", "approx.", "J.", "Smith", "people.", "arrived!", "Why?", '"Go."', "(end.)", "x.y",
     "\u00b2.", "Approximately.", "etc.", "\n", "\n\n", " \n \n", "\u2019", "]", " ", "  ", "\t", "\u00a0", "a", "B"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_SENTENCE_BITS, max_size=40), st.integers(0, 5), st.integers(0, 5))
def test_sentence_spans_as_first_written(bits: list[str], lo: int, cut: int) -> None:
    text = "".join(bits)
    start, end = min(lo, len(text)), max(min(lo, len(text)), len(text) - cut)
    assert list(sentence_spans(text, start, end)) == _plain_sentence_spans(text, start, end)


def _flat_trigger_pattern() -> re.Pattern[str]:
    """The trigger lexicon as first compiled: a flat alternation, longest phrase first."""
    keys = sorted(_lexicon()[1], key=len, reverse=True)
    alternation = "|".join(r"\s+".join(re.escape(w) for w in k.split()) for k in keys)
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)


@st.composite
def _trigger_texts(draw: st.DrawFn) -> str:
    keys = sorted(_lexicon()[1])
    pieces = []
    for _ in range(draw(st.integers(1, 12))):
        key = draw(st.sampled_from(keys))
        words = key.split()
        cut = draw(st.integers(1, len(words)))  # a phrase, or the start of one
        spaces = draw(st.lists(st.sampled_from([" ", "  ", "\n", "\t"]), min_size=cut, max_size=cut))
        phrase = "".join(w + s for w, s in zip(words[:cut], spaces, strict=True)).rstrip()
        phrase = phrase.upper() if draw(st.booleans()) and draw(st.booleans()) else phrase
        pieces.append(draw(st.sampled_from(["", "re", "-", "s", "ing", "(", ", ", "\u212a"])) + phrase)
        pieces.append(draw(st.sampled_from(["", " ", "s ", "-led ", ". ", "ed, "])))
    return "".join(pieces)


@settings(max_examples=400, deadline=None)
@given(_trigger_texts())
def test_trigger_trie_matches_as_the_flat_alternation(text: str) -> None:
    flat = _flat_trigger_pattern()
    assert [m.span() for m in _lexicon()[0].finditer(text)] == [m.span() for m in flat.finditer(text)]


_ACTIVITY_BITS = (
    "the workshop", "training", "trainings", "a consultation", "assistance", "Training Commission", "visited",
    "must", "should", "ought to", "needs to", "is also needed to", "in urgent need of", "MUST", "Practised",
    "simulated", "rehearsing", "role-play", "roleplays", "future", "Potential", "could", "might", "may", "May",
    "be able to", "initially planned as", "originally conceived as", "was cancelled", "were called off",
    "has been suspended", "IOM works to", "is committed to", "mandate includes", "mission is", "is the leading",
    "the project will provide", "Funds supported", "its campaign includes", "activities to be implemented include",
    "rooms", "people", "in Panama", ",", ".", ";", "(", ")", "\u212a", "IOM's programme covered",
)  # fmt: skip


@st.composite
def _activity_texts(draw: st.DrawFn) -> str:
    bits = draw(st.lists(st.sampled_from(_ACTIVITY_BITS), min_size=1, max_size=25))
    return " ".join(bits)


@settings(max_examples=400, deadline=None)
@given(_activity_texts(), st.integers(0, 30))
def test_activity_guards_searched_only_where_their_words_are_written(text: str, skip: int) -> None:
    lowered = offset_safe_lower(text)
    assert lowered is not None
    sent = (min(skip, len(text)), len(text))
    for m in _lexicon()[0].finditer(text, sent[0]):
        assert _not_an_activity(text, sent, m, lowered) == _not_an_activity(text, sent, m)
    reach = min(sent[1], sent[0] + _SUBJECT_REACH)
    if not _written(lowered, _PROGRAMME_NEEDS, sent[0], reach):
        assert _PROGRAMME_SUBJECT.search(text[sent[0] : reach]) is None


_FOLD_BITS = (
    "IOM", "trained", "TRAINING", "workshop", "distributed", "kits", "in", "Kırıkkale", "İzmir", "Türkiye",
    "fundıng", "FUNDED", "by", "the", "European", "Union", "with", "support", "of", "Japan", "donated",
    "ınaugurated", "a", "centre", "İNJECTED", "ſupported", "DONATİON", "assıstance", "Government", "of",
    "Canada", "\u212aits", ".", ",", "\n\n", "on", "5", "May", "2021", "thanks", "to", "funds", "from", "Norway",
)  # fmt: skip


@st.composite
def _folded_texts(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(st.sampled_from(_FOLD_BITS), min_size=1, max_size=40)))


@settings(max_examples=300, deadline=None)
@given(_folded_texts())
def test_texts_with_dotless_i_or_long_s_give_what_trying_every_offset_gives(text: str) -> None:
    from unittest import mock

    from flows.articles.model import Article
    from flows.facts import events, funders

    article = Article("a1", "f.txt", "sha", 0, "T", text)
    fast_funders = funders.extract_funders(article, [])
    fast_events = events.extract_events(article, [], [], fast_funders)
    with (
        mock.patch.object(events, "offset_fold", lambda _: None),
        mock.patch.object(funders, "offset_fold", lambda _: None),
    ):
        plain_funders = funders.extract_funders(article, [])
        plain_events = events.extract_events(article, [], [], plain_funders)
    assert fast_funders == plain_funders
    assert fast_events == plain_events
