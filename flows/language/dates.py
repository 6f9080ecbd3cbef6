"""The date grammar: dates and periods in running text, and the project's one month table.

``find_dates`` finds every date or period in a text and resolves partial ones ("March 5-6",
"In August", "Last month") against an anchor, the article's published date. Impossible dates
("45 March", "31/02/2019") are never returned. A page's own date line is read by the segmenter
(:mod:`flows.articles.segment`), with the month names of :data:`MONTHS`.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import ahocorasick

from flows.language.text import build_automaton, offset_safe_lower, trie_alternation

# Month names and abbreviations (English, Spanish) -> month number: the project's one month table.
MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}  # fmt: skip

# Longest names first so "September" is not read as "Sep" + "tember".
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
# Weekday names, as the finite word lists the scanner's vocabulary below needs.
_WEEKDAYS_EN = tuple(
    stem + suffix
    for stem in ("mon", "tue", "tues", "wed", "wednes", "thu", "thurs", "fri", "sat", "satur", "sun")
    for suffix in ("", "day")
)
_WEEKDAYS_ES = (
    "lunes",
    "martes",
    "miercoles",
    "miércoles",
    "jueves",
    "viernes",
    "sabado",
    "sábado",
    "domingo",
)
_WEEKDAY = (
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
    r"|lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo),?\s+"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th|º)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DASH = r"\s*[-\u2010-\u2015]\s*"
_SP = r"[\s,]+"
# A year that is not the "2030" of "2030 Agenda".
_YEAR_OK = r"(?!\s+agenda)"

# Day-precision forms, most specific first; named groups d1/d2 (days), m1/m2 (months), y (year).
_PATTERNS: list[tuple[str, str]] = [
    ("iso", rf"\b(?P<y>{_YEAR})-(?P<m1>[01]\d)-(?P<d1>[0-3]\d)\b"),
    ("numeric", r"\b(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/(?P<y>(?:1[89]|20)\d\d)\b"),
    # from the 27th to the 30th of November 2017 / from Tuesday 8 to Friday 11 September
    (
        "range_dm",
        rf"\b(?:from\s+)?(?:the\s+)?(?:{_WEEKDAY})?(?P<d1>{_DAY})\s+(?:to|until|through|and|al|y)"
        rf"\s+(?:the\s+)?(?:{_WEEKDAY})?(?P<d2>{_DAY})\s+(?:of\s+|de\s+)?(?P<m1>{_MONTH})"
        rf"(?:{_SP}(?:de\s+)?(?P<y>{_YEAR}))?\b",
    ),
    # 27-28 February 2019 / 29-30 October
    (
        "range_dm_dash",
        rf"\b(?P<d1>{_DAY}){_DASH}(?P<d2>{_DAY})\s+(?:of\s+|de\s+)?(?P<m1>{_MONTH})"
        rf"(?:{_SP}(?:de\s+)?(?P<y>{_YEAR}))?\b",
    ),
    # March 5-6, 2019 / May 22 and 27 / February 27-\n28
    (
        "range_md",
        rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})(?:{_DASH}|\s+(?:and|to|through|until)\s+)"
        rf"(?P<d2>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?",
    ),
    # March 30 to April 2, 2019
    (
        "range_md_md",
        rf"\b(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})(?:{_DASH}|\s+(?:to|through|until)\s+)"
        rf"(?P<m2>{_MONTH})\s+(?P<d2>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?",
    ),
    # Tuesday, 6 June, 2019 / the 15th of November / 25 de enero de 2017
    (
        "dmy",
        rf"\b(?:{_WEEKDAY})?(?:the\s+)?(?P<d1>{_DAY})\s+(?:of\s+|de\s+)?(?P<m1>{_MONTH})"
        rf"(?:{_SP}(?:de\s+)?(?P<y>{_YEAR}))?\b",
    ),
    # June 6, 2019 / April 12th, 2020 / Tuesday, June 6
    ("mdy", rf"\b(?:{_WEEKDAY})?(?P<m1>{_MONTH})\s+(?P<d1>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?"),
]

# Month- and year-precision forms.
_PERIODS: list[tuple[str, str]] = [
    # between January and June 2019 / from March to June 2014
    (
        "month_range",
        rf"\b(?:between|from)\s+(?P<m1>{_MONTH})(?:\s+(?P<y1>{_YEAR}))?\s+(?:and|to|until|through)"
        rf"\s+(?P<m2>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?\b",
    ),
    ("month_year", rf"\b(?P<m1>{_MONTH}),?\s+(?:of\s+|de\s+)?(?P<y>{_YEAR})\b"),
    # In August / the month of August / since October / during May
    (
        "month",
        rf"\b(?:in|since|during|until|by|of|early|late|mid-?|last|this|next|en|desde)\s+(?:the\s+month\s+of\s+)?"
        rf"(?P<m1>{_MONTH})\b(?!\s+\d)",
    ),
    # 2014-2016 / between 2005 and 2009 / from 2005 to 2009
    (
        "year_range",
        rf"\b(?:(?:between|from)\s+)?(?P<y1>{_YEAR})(?:{_DASH}|\s+(?:and|to|until)\s+)"
        rf"(?P<y>{_YEAR}){_YEAR_OK}\b",
    ),
    (
        "year",
        rf"\b(?:in|since|during|from|by|until|of|before|after|early|late|mid-?|the|year|en|desde)"
        rf"\s+(?P<y>{_YEAR}){_YEAR_OK}\b(?!\s*[-\u2010-\u2015/]\s*\d)",
    ),
]

_RELATIVE = re.compile(
    r"\b(?P<rel>last\s+month|last\s+year|this\s+year|this\s+month|this\s+week|today|yesterday|tomorrow"
    r"|last\s+week|next\s+week|next\s+month|earlier\s+this\s+month)\b",
    re.IGNORECASE,
)

_COMPILED = [(name, re.compile(p, re.IGNORECASE)) for name, p in _PATTERNS + _PERIODS]

# How far after the anchor a year-less day may fall before it is read as last year's.
_FUTURE_SLACK = timedelta(days=62)
# How far (characters) after a year-less date an explicit year still sets its year.
_LOCAL_YEAR_REACH = 80


@dataclass(frozen=True)
class DateMention:
    """A date or period found in text; ``start``/``end`` are ``None`` when no year could be resolved."""

    char_start: int
    char_end: int
    start: date | None
    end: date | None
    precision: str  # day | month | year


def _safe_date(y: int | None, m: int | None, d: int | None) -> date | None:
    """``date(y, m, d)`` or ``None`` when any part is missing or the date cannot exist."""
    if y is None or m is None or d is None:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month(s: str | None) -> int | None:
    return MONTHS.get(s.lower().rstrip(".")) if s else None


_LEADING_DIGITS = re.compile(r"\d+")


def _day(s: str | None) -> int | None:
    if not s:
        return None
    digits = _LEADING_DIGITS.match(s)
    return int(digits.group(0)) if digits else None


def _resolve_year(m: int, d: int, anchor: date | None) -> int | None:
    """The year of a year-less day: the anchor's, or the one before when that lands well after the anchor."""
    if anchor is None:
        return None
    candidate = _safe_date(anchor.year, m, d)
    if candidate is not None and candidate > anchor + _FUTURE_SLACK:
        return anchor.year - 1
    return anchor.year


def _resolve_month_year(m: int, anchor: date | None) -> int | None:
    if anchor is None:
        return None
    if date(anchor.year, m, 1) > anchor + _FUTURE_SLACK:
        return anchor.year - 1
    return anchor.year


def _numeric(a: int, b: int, y: int) -> date | None:
    """Month/day/year as US pages print it, unless the first number cannot be a month."""
    if a > 12:
        return _safe_date(y, b, a)
    return _safe_date(y, a, b)


def _mention_from_match(name: str, m: re.Match[str], anchor: date | None) -> DateMention | None:
    """Turn one pattern match into a DateMention; ``None`` when the date cannot exist."""
    groups = m.groups()
    if name in _ANCHORLESS or (_YEAR_GROUP[name] and groups[_YEAR_GROUP[name] - 1]):
        anchor = None  # the match's own year decides: one cache entry whatever the anchor
    resolved = _resolve_groups(name, groups, anchor)
    if resolved is None:
        return None
    return DateMention(m.start(), m.end(), *resolved)


# Each pattern's group names, in group order (what ``Match.groups`` lists).
_GROUP_NAMES: dict[str, tuple[str, ...]] = {
    name: tuple(sorted(rx.groupindex, key=rx.groupindex.__getitem__)) for name, rx in _COMPILED
}
# The number of each pattern's year group ("y"), 0 (the whole match, never empty) when it has none.
_YEAR_GROUP: dict[str, int] = {name: rx.groupindex.get("y", 0) for name, rx in _COMPILED}
# Patterns whose matches always carry their year: the anchor never matters.
_ANCHORLESS = frozenset({"iso", "numeric", "year_range", "year"})


@lru_cache(maxsize=4096)
def _resolve_groups(
    name: str, groups: tuple[str | None, ...], anchor: date | None
) -> tuple[date | None, date | None, str] | None:
    """``(start, end, precision)`` of a ``name`` match with these groups, or ``None`` when it cannot exist.

    A pure function of the written date and the anchor, so cached: pages repeat their dates.
    """
    g = dict(zip(_GROUP_NAMES[name], groups, strict=True))
    year = int(g["y"]) if g.get("y") else None
    if name == "iso":
        d = _safe_date(year, int(g["m1"]), int(g["d1"]))
        return (d, None, "day") if d else None
    if name == "numeric":
        d = _numeric(int(g["a"]), int(g["b"]), int(g["y"]))
        return (d, None, "day") if d else None
    if name in ("month_range", "month_year", "month"):
        m1 = _month(g["m1"])
        m2 = _month(g.get("m2"))
        if m1 is None:
            return None
        y1 = int(g["y1"]) if g.get("y1") else None
        if year is None:
            year = _resolve_month_year(m2 or m1, anchor)
        y_start = y1 or year
        start = _safe_date(y_start, m1, 1) if y_start else None
        end = _safe_date(year, m2, 1) if (m2 and year) else None
        return (start, end, "month")
    if name in ("year_range", "year"):
        y1 = int(g["y1"]) if g.get("y1") else None
        if y1 is not None and y1 > year:
            return None
        start = date(y1 or year, 1, 1)
        end = date(year, 1, 1) if y1 else None
        return (start, end, "year")
    # day precision
    m1 = _month(g.get("m1"))
    m2 = _month(g.get("m2")) or m1
    d1 = _day(g.get("d1"))
    d2 = _day(g.get("d2"))
    if m1 is None or d1 is None or not 1 <= d1 <= 31 or (d2 is not None and not 1 <= d2 <= 31):
        return None
    if d2 is not None and m2 == m1 and d2 < d1:
        return None
    if year is None:
        year = _resolve_year(m1, d1, anchor)
        if year is None:
            # no year to resolve against: still a date mention, but only if it can exist in some year
            if _safe_date(2000, m1, d1) is None:
                return None
            return (None, None, "day")
    start = _safe_date(year, m1, d1)
    if start is None:
        return None
    end = None
    if d2 is not None:
        end = _safe_date(year, m2, d2)
        if end is None:
            return None
    return (start, end, "day")


def _relative(rel: str, anchor: date | None) -> tuple[date | None, str]:
    """Resolve a relative expression against the anchor."""
    rel = " ".join(rel.lower().split())
    if anchor is None:
        return None, "day"
    if rel == "last month":
        first = anchor.replace(day=1) - timedelta(days=1)
        return first.replace(day=1), "month"
    if rel in ("this month", "earlier this month"):
        return anchor.replace(day=1), "month"
    if rel == "next month":
        nxt = (anchor.replace(day=28) + timedelta(days=4)).replace(day=1)
        return nxt, "month"
    if rel == "last year":
        return date(anchor.year - 1, 1, 1), "year"
    if rel == "this year":
        return date(anchor.year, 1, 1), "year"
    if rel == "yesterday":
        return anchor - timedelta(days=1), "day"
    if rel == "tomorrow":
        return anchor + timedelta(days=1), "day"
    if rel == "last week":
        return anchor - timedelta(days=7), "day"
    if rel == "next week":
        return anchor + timedelta(days=7), "day"
    return anchor, "day"


def find_dates(text: str, anchor: date | None = None) -> list[DateMention]:
    """Every date or period in ``text``, left to right, non-overlapping, resolved against ``anchor``.

    Earlier (more specific) patterns win where matches overlap.
    """
    scanned = _scan(text)
    taken: list[DateMention] = []
    # year-less matches, re-resolved below when the text itself gives a year just after them
    yearless: list[tuple[str, re.Match[str]]] = []
    explicit: list[tuple[int, int]] = []
    # the characters the taken mentions cover: a match is free when it covers none of them
    covered = bytearray(len(text))

    for name, matches in scanned.patterns:
        year_group = _YEAR_GROUP[name]
        for m in matches:
            year = m.group(year_group) if year_group else None
            if year:
                explicit.append((m.start(), int(year)))
            s, e = m.span()
            if covered.find(1, s, e) >= 0:
                continue
            mention = _mention_from_match(name, m, anchor)
            if mention is not None:
                taken.append(mention)
                covered[s:e] = b"\x01" * (e - s)
                if not year and name not in ("numeric", "iso", "year", "year_range"):
                    yearless.append((name, m))
    explicit.sort()
    explicit_at = [pos for pos, _ in explicit]
    for name, m in yearless:
        # "began in May and continued through August 2022": May is 2022's, whatever the anchor says
        lo = bisect_left(explicit_at, m.end())
        hi = bisect_right(explicit_at, m.end() + _LOCAL_YEAR_REACH, lo)
        later = [y for _, y in explicit[lo:hi]]
        if later:
            local = _mention_from_match(name, m, date(min(later), 12, 31))
            old = next(t for t in taken if t.char_start == m.start() and t.char_end == m.end())
            taken.remove(old)
            taken.append(local or old)
    for m in scanned.relative:
        s, e = m.span()
        if covered.find(1, s, e) < 0:
            start, precision = _relative(m.group("rel"), anchor)
            taken.append(DateMention(s, e, start, None, precision))
            covered[s:e] = b"\x01" * (e - s)
    return sorted(taken, key=lambda t: t.char_start)


# --- Scanning only where a date can be -------------------------------------------------------
#
# Every pattern above consumes nothing but non-word characters and whole words from a small
# vocabulary (month and weekday names, connectors such as "from", "the", "of", digit runs with
# an ordinal), and every match holds a key word, whole: a year ("2019"), a month name or a relative
# word ("month", "today").  So a match lies inside the maximal run of such words around one of its
# key words, and scanning those runs (plus a few characters of look-ahead) finds exactly the matches
# a scan of the whole text finds, at a fraction of the cost: most of a press release is words no date
# is made of, and figures ("5,000 people") without a month or year make none either.


_RELATIVE_WORDS = ("month", "year", "week", "today", "yesterday", "tomorrow")
_CONNECTORS = (
    "from", "the", "to", "until", "through", "and", "al", "y", "of", "de", "between", "in", "since",
    "during", "by", "early", "late", "mid", "last", "this", "next", "en", "desde", "before", "after",
    "agenda", "earlier",
)  # fmt: skip
_VOCABULARY = sorted({*MONTHS, *_WEEKDAYS_EN, *_WEEKDAYS_ES, *_RELATIVE_WORDS, *_CONNECTORS}, key=len, reverse=True)
_ORDINAL = r"(?:st|nd|rd|th|º)"
# A maximal run of date vocabulary read forwards from a word start, and backwards (on the reversed
# text, so with reversed words and ordinals) from just before one.  These and the scanning patterns
# below work on lower-cased text: case-sensitive matching is much faster, and equals the
# case-insensitive patterns' wherever lower-casing keeps every character's place (checked before
# they are used).
_RUN_FORWARD = re.compile(r"(?:\W+|(?:" + trie_alternation(_VOCABULARY) + rf"|\d+{_ORDINAL}?)\b)*")
_RUN_BACKWARD = re.compile(
    r"(?:\W+|(?:" + trie_alternation([w[::-1] for w in _VOCABULARY]) + r"|(?:ts|dn|dr|ht|º)?\d+)\b)*"
)
_COMPILED_LOWER = [(name, re.compile(rx.pattern)) for name, rx in _COMPILED]
_RELATIVE_LOWER = re.compile(_RELATIVE.pattern)
# A year as a whole word (what ``_YEAR`` matches between word boundaries); opening with a character
# class lets the regex engine skip ahead to the next "1" or "2" fast.
_YEAR_WORD = re.compile(r"[12](?<!\w[12])(?:(?<=1)[89]|(?<=2)0)\d\d(?!\w)")
# Characters ``re.IGNORECASE`` equates with an ASCII letter that ``str.lower`` does not map to one:
# where they occur the lower-case search could miss a month name, so the whole text is scanned.
# Look-ahead the patterns need past a run's end ("(?!\s+agenda)"), with room to spare.
_LOOKAHEAD = 16
_WORD_TAIL = re.compile(r"\w*")
# Runs closer than this are scanned as one window: a second scan costs more than the gap.
_MERGE_GAP = 20

_YEAR_WORD_KIND, _MONTH_WORD, _RELATIVE_WORD = 1, 2, 4
# Which key words a pattern's match must contain (all of the bits).
_NEEDS: dict[str, int] = {
    "iso": _YEAR_WORD_KIND, "numeric": _YEAR_WORD_KIND, "year_range": _YEAR_WORD_KIND, "year": _YEAR_WORD_KIND,
    "month_year": _YEAR_WORD_KIND | _MONTH_WORD,
}  # fmt: skip
_NEEDS_DEFAULT = _MONTH_WORD  # the day-precision forms, "month" and "month_range"


@lru_cache(maxsize=1)
def _anchor_words() -> ahocorasick.Automaton:
    """Month names and relative words, lower case, for one Aho-Corasick pass over the text."""
    months = ((word, (len(word), _MONTH_WORD)) for word in MONTHS)
    relative = ((word, (len(word), _RELATIVE_WORD)) for word in _RELATIVE_WORDS)
    return build_automaton(itertools.chain(months, relative))


@dataclass(frozen=True)
class _Scanned:
    """Every pattern's matches over a text (pattern order, left to right) and the relative ones."""

    patterns: tuple[tuple[str, tuple[re.Match[str], ...]], ...]
    relative: tuple[re.Match[str], ...]


def _anchors(lowered: str) -> list[tuple[int, int]]:
    """Start and kind bit of every whole year and every month name or relative word (maybe inside a
    longer word: ``_windows`` drops those)."""
    found = [(m.start(), _YEAR_WORD_KIND) for m in _YEAR_WORD.finditer(lowered)]
    found.extend((end - length + 1, kind) for end, (length, kind) in _anchor_words().iter(lowered))
    found.sort()
    return found


def _windows(lowered: str) -> list[tuple[int, int, int]]:
    """``(start, end, kinds)`` of the stretches of lower-cased text a date match can lie in."""
    n = len(lowered)
    windows: list[list[int]] = []
    reversed_text: str | None = None
    run_end = -1
    for pos, kind in _anchors(lowered):
        if pos < run_end:
            windows[-1][2] |= kind
            continue
        if pos > 0 and (lowered[pos - 1].isalnum() or lowered[pos - 1] == "_"):
            continue  # inside a word: no date pattern starts a token there
        forward = _RUN_FORWARD.match(lowered, pos)
        if forward is None or forward.end() == pos:
            continue  # "Mayor", "years": the anchor is not a whole date word
        if reversed_text is None:
            reversed_text = lowered[::-1]
        backward = _RUN_BACKWARD.match(reversed_text, n - pos)
        start = pos - (backward.end() - (n - pos)) if backward else pos
        run_end = forward.end()
        if windows and start <= windows[-1][1] + _MERGE_GAP:
            windows[-1][1] = run_end
            windows[-1][2] |= kind
        else:
            windows.append([start, run_end, kind])
    # a window ends at a word's end: cut inside "Mayor", it would show a month ("Mayo") that is not there
    return [(s, _WORD_TAIL.match(lowered, min(n, e + _LOOKAHEAD)).end(), k) for s, e, k in windows]


# --- Trying each pattern only where its first word stands ---------------------------------------
#
# Every pattern opens with ``\b`` and a word consumed whole (a digit run, a month or weekday name, or
# a connector such as "from" or "the"), so a match can only start at the start of a ``\w+`` token that
# is one of the pattern's first words.  Matching at those starts, in order and skipping past each
# match, finds exactly what ``finditer`` finds, without running the engine at every character.

_WORD = re.compile(r"\w+")
_WEEKDAY_WORDS = frozenset(_WEEKDAYS_EN + _WEEKDAYS_ES)
_MONTH_WORDS = frozenset(MONTHS)
_RELATIVE_NAME = "relative"


def _words(*words: str) -> Callable[[str], bool]:
    return frozenset(words).__contains__


def _fullmatch(pattern: str) -> Callable[[str], bool]:
    rx = re.compile(pattern)
    return lambda token: rx.fullmatch(token) is not None


def _after(chars: str = "", space: bool = False, dash: bool = False) -> Callable[[str], bool]:
    """A test of the character after a first word ("" at the end of the text): one of ``chars``,
    white space (``\\s``) or a dash (``_DASH``)."""
    return lambda c: c != "" and (c in chars or (space and c.isspace()) or (dash and c in _DASH_CHARS))


_DASH_CHARS = "-" + "".join(map(chr, range(0x2010, 0x2016)))
_IS_YEAR, _IS_DAY = _fullmatch(_YEAR), _fullmatch(_DAY)
_IS_WEEKDAY, _IS_MONTH = _WEEKDAY_WORDS.__contains__, _MONTH_WORDS.__contains__
_SPACE, _WEEKDAY_AFTER, _MONTH_AFTER = _after(space=True), _after(".,", space=True), _after(".", space=True)
_MONTH_PREPOSITIONS = _words(*"in since during until by of early late mid last this next en desde".split())
_YEAR_PREPOSITIONS = _words(*"in since during from by until of before after early late mid the year en desde".split())
# How each pattern's match can open: (pattern, a test of the first word, a test of the character
# after it), read off the patterns above: "27th" then white space opens "dmy", "March" then "." or
# white space opens "mdy", "12" then "/" opens "numeric", and so on.
_OPENINGS: list[tuple[str, Callable[[str], bool], Callable[[str], bool]]] = [
    ("iso", _IS_YEAR, _after("-")),
    ("numeric", _fullmatch(r"[0-3]?\d"), _after("/")),
    ("range_dm", _words("from", "the"), _SPACE),
    ("range_dm", _IS_WEEKDAY, _WEEKDAY_AFTER),
    ("range_dm", _IS_DAY, _SPACE),
    ("range_dm_dash", _IS_DAY, _after(space=True, dash=True)),
    ("range_md", _IS_MONTH, _MONTH_AFTER),
    ("range_md_md", _IS_MONTH, _MONTH_AFTER),
    ("dmy", _IS_WEEKDAY, _WEEKDAY_AFTER),
    ("dmy", _words("the"), _SPACE),
    ("dmy", _IS_DAY, _SPACE),
    ("mdy", _IS_WEEKDAY, _WEEKDAY_AFTER),
    ("mdy", _IS_MONTH, _MONTH_AFTER),
    ("month_range", _words("between", "from"), _SPACE),
    ("month_year", _IS_MONTH, _after(".,", space=True)),
    ("month", _MONTH_PREPOSITIONS, _SPACE),
    ("month", _words("mid"), _after("-")),
    ("year_range", _words("between", "from"), _SPACE),
    ("year_range", _IS_YEAR, _after(space=True, dash=True)),
    ("year", _YEAR_PREPOSITIONS, _SPACE),
    ("year", _words("mid"), _after("-")),
    (_RELATIVE_NAME, _words("last", "this", "next", "earlier"), _SPACE),
    (_RELATIVE_NAME, _words("today", "yesterday", "tomorrow"), lambda c: True),
]
# Scan order: the patterns, then the relative expressions.
_SCAN_NAMES = [name for name, _ in _COMPILED] + [_RELATIVE_NAME]
_BIT = {name: 1 << i for i, name in enumerate(_SCAN_NAMES)}
_NEEDS[_RELATIVE_NAME] = _RELATIVE_WORD
_MASKS: dict[tuple[str, str], int] = {}
_MASKS_LIMIT = 100_000  # the memo is cleared past this many entries


def _start_mask(token: str, after: str) -> int:
    """Bits (``_BIT``) of the patterns a match of which may open with the whole word ``token``
    followed by the character ``after`` ("" at the end of the text)."""
    key = (token, after)
    mask = _MASKS.get(key)
    if mask is None:
        mask = 0
        for name, first, then in _OPENINGS:
            if first(token) and then(after):
                mask |= _BIT[name]
        if len(_MASKS) >= _MASKS_LIMIT:
            _MASKS.clear()
        _MASKS[key] = mask
    return mask


@lru_cache(maxsize=256)
def _pattern_indices(mask: int) -> tuple[int, ...]:
    """The indices into ``_SCAN_NAMES`` of the bits set in ``mask``."""
    return tuple(i for i in range(len(_SCAN_NAMES)) if mask >> i & 1)


@lru_cache(maxsize=64)
def _allowed(kinds: int) -> int:
    """Bits of the patterns a window holding these anchor ``kinds`` can match."""
    return sum(
        _BIT[name]
        for name in _SCAN_NAMES
        if kinds & _NEEDS.get(name, _NEEDS_DEFAULT) == _NEEDS.get(name, _NEEDS_DEFAULT)
    )


_LOWER_BY_INDEX = [rx for _, rx in _COMPILED_LOWER] + [_RELATIVE_LOWER]


def _scan_at_words(lowered: str, windows: list[tuple[int, int, int]]) -> list[list[re.Match[str]]]:
    """Per pattern (``_SCAN_NAMES`` order), its matches in each window, as ``finditer`` per window finds them."""
    found: list[list[re.Match[str]]] = [[] for _ in _SCAN_NAMES]
    for s, e, kinds in windows:
        allowed = _allowed(kinds)
        if not allowed:
            continue
        resume = [s] * len(_SCAN_NAMES)  # where each pattern's scan of this window goes on
        for w in _WORD.finditer(lowered, s, e):
            p, q = w.span()
            mask = _start_mask(w.group(), lowered[q] if q < e else "") & allowed
            if not mask:
                continue
            for i in _pattern_indices(mask):
                if p >= resume[i]:
                    m = _LOWER_BY_INDEX[i].match(lowered, p, e)
                    if m is not None:
                        found[i].append(m)
                        resume[i] = m.end()
    return found


@lru_cache(maxsize=16)
def _scan(text: str) -> _Scanned:
    """All pattern matches in ``text``, found by trying the patterns only at their first words in the
    windows around date anchors.

    The matches are over the lower-cased text (same offsets); where lower-casing would move or
    miss characters, over ``text`` itself, whole. Cached: an article's text is scanned once
    however many anchors its dates are resolved against.
    """
    lowered = offset_safe_lower(text)
    if lowered is None:
        patterns = tuple((name, tuple(rx.finditer(text))) for name, rx in _COMPILED)
        return _Scanned(patterns, tuple(_RELATIVE.finditer(text)))
    found = _scan_at_words(lowered, _windows(lowered))
    patterns = tuple((name, tuple(found[i])) for i, (name, _) in enumerate(_COMPILED))
    return _Scanned(patterns, tuple(found[-1]))


# A day written before its month (and a year after, or "on" before), or after the month with a year:
# the forms in which a number is certainly meant as a day. "March 45 people" is a count, not a date.
_DAY_FIRST = re.compile(
    rf"\b(?:on\s+(?:the\s+)?)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+|de\s+)?(?P<m>{_MONTH})"
    rf"(?P<y>,?\s+(?:de\s+)?(?:19|20)\d{{2}})?\b",
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(
    rf"\b(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{{2}})\b", re.IGNORECASE
)
_DIGIT = re.compile(r"\d")
_ON_DAY = re.compile(r"\bon\s+(?:the\s+)?\d", re.IGNORECASE)  # how a kept ``_DAY_FIRST`` match without a year opens
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def impossible_dates(text: str) -> list[tuple[int, int]]:
    """Spans of dates written in ``text`` that cannot exist ("45 March 2019", "on 31 April", "February
    30, 2020"): :func:`find_dates` skips them, and a fact dated by one must say so, not take another date."""
    # Cheap tests first, each implied by any match the loop below keeps: both patterns need a digit,
    # a kept match needs a year ("19" or "20" then two digits) or opens with "on" before its day.
    if _DIGIT.search(text) is None:
        return []
    if "19" not in text and "20" not in text:
        if _ON_DAY.search(text) is None:
            return []
        patterns: tuple[re.Pattern[str], ...] = (_DAY_FIRST,)  # _MONTH_FIRST needs a year
    else:
        patterns = (_DAY_FIRST, _MONTH_FIRST)
    found = []
    for rx in patterns:
        for m in rx.finditer(text):
            if rx is _DAY_FIRST and not (m.group("y") or m.group(0).lower().startswith("on")):
                continue
            month = MONTHS.get(m.group("m").lower().rstrip("."))
            day = int(m.group("d"))
            if month is None:
                continue
            year = re.search(r"(?:19|20)\d{2}", m.group(0))
            leap = year is None or _is_leap(int(year.group(0)))
            last = 29 if month == 2 and leap else 28 if month == 2 else _DAYS_IN_MONTH[month - 1]
            if not 1 <= day <= last:
                start = m.start("d") if rx is _DAY_FIRST else m.start("m")
                found.append((start, m.end()))
    return sorted(found)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
