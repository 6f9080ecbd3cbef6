"""The number grammar: find number expressions in text and read their value.

One compiled regular expression recognises digits ("1,195", "24 000", "2.5"),
number words ("twenty-five", "one hundred and twenty", "a dozen"), scale words
("1.2 million"), ranges ("between 24 and 33", "24-33", "from 5 to 7 million"),
percentages ("80 per cent", "90%"), fractions ("one third", "over half"), and
money ("US$ 2 million", "NOK 4,000,000", "2 million dollars"). Qualifiers in
front ("about", "more than", "up to") or behind ("or more") are read too.

Numbers that are not counts by the spec's rules (dates, times, ages, durations,
ordinals, phone/law numbers, identifiers) are dropped here. Whether a number
is a count also depends on what follows it (a bare year-like "1974" is a count
only before a counted noun), so year-like numbers are kept and flagged; the
counts extractor decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import ahocorasick
import polars as pl

from flows.language.text import build_automaton, offset_safe_lower, trie_alternation
from flows.reference import read_seed


def _grammar_words(kind: str) -> dict[str, int]:
    """The number words of one kind the grammar reads (``number_words`` seed, ``in_grammar``)."""
    rows = read_seed("number_words").filter((pl.col("kind") == kind) & (pl.col("in_grammar") == "true"))
    return {word: int(value) for word, value in rows.select("word", "value").iter_rows()}


# One vocabulary for the grammar and the checks (dbt_project/seeds/number_words.csv)
_UNITS = _grammar_words("unit")  # zero .. nineteen
_TENS = _grammar_words("ten")  # twenty .. ninety
_SCALES = _grammar_words("scale")  # hundred .. trillion

_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_TENS_RE = "|".join(_TENS)
# below one hundred: "twenty-five", "twenty five", "seven"
_W_SMALL = rf"(?:(?:{_TENS_RE})(?:[- ](?:{_UNIT_RE}))?|(?:{_UNIT_RE}))"
_W_HUNDREDS = rf"(?:(?:{_UNIT_RE}|a)\s+hundred(?:\s+(?:and\s+)?{_W_SMALL})?)"
_W_LT1000 = rf"(?:{_W_HUNDREDS}|{_W_SMALL})"
_W_NUMBER = rf"(?:(?:{_UNIT_RE}|a)\s+dozen\b|a\s+(?:thousand|million|billion)\b|{_W_LT1000}(?:\s+(?:thousand|million|billion)(?:,?\s+(?:and\s+)?{_W_LT1000}(?!\s+(?:thousand|million|billion)))?)?|a\s+dozen|dozen)"  # noqa: E501

_SPACE_GROUP = "[ \u00a0\u202f]"
_DIGITS = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:{_SPACE_GROUP}\d{{3}})*(?:\.\d+)?(?![\d,]\d|\d)"  # 1,195  1,195.50  5,700 000
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d.]\d|\d)"  # 1.234.567 (Spanish style, unambiguous)
    rf"|\d{{1,3}}(?:{_SPACE_GROUP}\d{{3}})+(?![\d,.]\d|\d)"  # 24 000
    r"|\d+,\d{1,2}(?=\s*(?:%|per\s?cent))"  # 36,5 % (decimal comma, only before a percent)
    r"|\d{1,3},\d{1,2}(?=\s*(?:million|billion|thousand|lakhs?|crores?)\b)"  # 1,5 million (and before a scale)
    r"|\d+(?:\.\d+)?)"  # 1195  2.5
)
# "lakh" (100,000) and "crore" (10,000,000): the Indian numbering system's scale words
_SCALE_WORD = r"(?:million|billion|trillion|thousand|lakhs?|crores?|mn|bn|m)\b"
_PERCENT = r"(?:\s?%|\s*per\s?cent\b|\s*percent\b|\s*pct\b|\s*percentage\s+points?\b)"


@cache
def seed_rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of seed ``name`` as dicts of strings (empty cells as "")."""
    frame = read_seed(name)
    return tuple({k: (v or "") for k, v in row.items()} for row in frame.iter_rows(named=True))


@lru_cache(maxsize=1)
def _currencies() -> tuple[dict[str, str], str, str]:
    """Currency tokens from the ``count_currencies`` seed: (token -> ISO 4217, prefix re, suffix re)."""
    table: dict[str, str] = {}
    prefix: list[str] = []
    suffix: list[str] = []
    for row in seed_rows("count_currencies"):
        token, iso, position = row["token"], row["iso4217"], row["position"]
        table[token.lower()] = iso
        (prefix if position in ("prefix", "both") else []).append(token)
        (suffix if position in ("suffix", "both") else []).append(token)

    def alternation(tokens: list[str]) -> str:
        # tries of the tokens; a token ending in a letter must end a word ("eur", not "europe")
        words = [t.lower() for t in tokens if t[-1].isalnum()]
        signs = [t.lower() for t in tokens if not t[-1].isalnum()]
        return (
            "(?:(?:"
            + trie_alternation(words).replace(r"\ ", r"\s+")
            + r")(?![^\W\d_])"  # a code may touch its digits: "USD1 million"
            + ("|" + trie_alternation(signs) if signs else "")
            + ")"
        )

    return table, alternation(prefix), alternation(suffix)


def _number_core(name: str, words: bool = True) -> str:
    """A single number (digits, or words when ``words``) with an optional scale word, as group ``name``."""
    digits = rf"(?P<{name}_d>{_DIGITS})(?:\s*(?P<{name}_s>{_SCALE_WORD}))?"
    if not words:
        return rf"(?P<{name}>{digits})"
    return rf"(?P<{name}>{digits}|(?P<{name}_w>{_W_NUMBER})\b)"


@lru_cache(maxsize=1)
def _grammar() -> re.Pattern[str]:
    """The compiled number-expression grammar, matched against lower-cased text.

    One number ``a`` (digits or words, optional scale), optionally opened by "between"/"from"
    and closed by a range end ``b`` ("-33", "to 7 million", "and 33" only after "between"),
    a percent sign or word, and currency signs, codes or words on either side.
    """
    _, cur_prefix, cur_suffix = _currencies()
    a = _number_core("a")
    b = _number_core("b")
    bd = _number_core("bd", words=False)
    pattern = rf"""
        (?<![\w$€£¥₹₦₱৳₴₺₫฿₩₪₽₸₾₵₡₲₮₭])
        (?:(?P<cur1>{cur_prefix})\s*)?
        (?:(?P<between>between|from)\s+)?
        (?:(?P<big>(?:half\s+a|(?:a|one|three)\s+quarters?\s+of\s+a)\s+(?:million|billion))\b
          |(?P<frac>(?:(?P<fnum>one|a|two|three)[\s-]+)?(?P<fden>half|thirds?|quarters?)\b)|{a})
        (?P<apct>{_PERCENT})?
        (?:
            \s*[-–—]\s*(?:(?P<cur1c>{cur_prefix})\s*)?{bd}
          | \s+(?(between)(?:and|to|-|–)|to)\s+(?:(?P<cur1d>{cur_prefix})\s*)?{b}
        )?
        (?P<pct>{_PERCENT})?
        (?:\s+(?P<cur2>{cur_suffix}))?
    """
    return re.compile(pattern, re.VERBOSE)


# Digits and the currency signs a number may open with (the signs of the count_currencies seed)
_DIGIT_ANCHOR = re.compile(r"[0-9$€£¥₹₦₱৳₴₺₫฿₩₪₽₸₾₵₡₲₮₭][0-9]*")
# Currency codes and letter-led signs are written in capitals ("USD", "NOK", "US$", "C$").
_CODE_ANCHOR = re.compile(r"[A-Z](?:[A-Z]{0,2}\$|[A-Z]{2}(?![^\W\d_]))")
_ANCHOR_WORDS = (*_UNITS, *_TENS, "dozen", "half", "third", "thirds", "quarter", "quarters", "between",
                 "from",
                 "hundred", "thousand", "million", "billion")  # fmt: skip


@lru_cache(maxsize=1)
def _word_anchor() -> ahocorasick.Automaton:
    """An Aho-Corasick automaton of the words a number expression can begin with."""
    return build_automaton((word, len(word)) for word in _ANCHOR_WORDS)


def _anchors(text: str, low: str, start: int, end: int) -> list[int]:
    """Sorted offsets where a number expression may begin: a digit run, a currency sign or
    code, a number word or fraction ("a dozen" is anchored at "a"), "between"/"from".

    Trying the full grammar only at these places keeps the scan fast: three C-speed passes
    (two regexes and one Aho-Corasick automaton) instead of a regex attempt at every character.
    """
    table, _, _ = _currencies()
    spots = [m.start() for m in _DIGIT_ANCHOR.finditer(text, start, end)]
    spots += [m.start() for m in _CODE_ANCHOR.finditer(text, start, end) if m.group(0).lower() in table]
    n = len(low)
    # (``iter_automaton`` inlined: a generator step per hit costs more than the test of the hit)
    for last, length in _word_anchor().iter(low[start:end]):
        last += start
        s = last - length + 1
        if (s > 0 and low[s - 1].isalpha()) or (last + 1 < n and low[last + 1].isalpha()):
            continue  # inside a longer word: "someone", "often"
        if s >= 2 and low[s - 2 : s] == "a " and (s < 3 or not low[s - 3].isalpha()):
            spots.append(s - 2)  # "a dozen", "a thousand", "a third"
        spots.append(s)
    spots.sort()
    return spots


@dataclass(slots=True)
class NumberMatch:
    """A number expression found in text.

    ``start``/``end`` cover the number as written (currency sign, scale word
    and percent sign included, qualifier words excluded); ``qual_start`` is
    where a leading qualifier begins (== ``start`` when there is none).
    """

    start: int
    end: int
    value: float
    value_max: float | None
    qualifier: str
    qual_start: int
    is_percent: bool
    currency: str | None
    is_word: bool
    is_year_like: bool
    is_fraction: bool


# Words before a number that qualify it (extraction.md: qualifier), as lower-case word tuples.
_QUALIFIER_PHRASES = {
    "approx": "about|around|some|nearly|almost|approximately|approx.|approx|an estimated|estimated|roughly"
              "|close to|circa|ca.|just under|just over|approaching|an approximate|an average of",
    "min": "more than|over|at least|exceeding|in excess of|upwards of|greater than|above|no fewer than"
           "|no less than|a minimum of|well over|beyond|higher than|over a|more then|exceeded|exceeds|surpassed|topped",
    "max": "up to|less than|fewer than|under|below|a maximum of|at most|no more than|not more than"
           "|lower than",
}  # fmt: skip
_QUALIFIER_WORDS = {
    tuple(phrase.split()): name for name, phrases in _QUALIFIER_PHRASES.items() for phrase in phrases.split("|")
}
# The last word of every qualifier ("of" also ends "a total of", which is looked through).
_QUALIFIER_LAST = frozenset(key[-1] for key in _QUALIFIER_WORDS) | {"of"}
_QUAL_AFTER = re.compile(r"\s*(?:\+|or\s+more\b|and\s+more\b|or\s+above\b|and\s+above\b|plus\b)", re.I)

# Words after a number that make it a duration or an age ("four months", "15-year-old", "two-day").
_TIME_UNITS = frozenset(
    "second seconds sec secs minute minutes min mins hour hours hr hrs day days night nights week weeks "
    "weekend weekends month months year years yr yrs decade decades century centuries semester "
    "semesters".split()
)
_CLOCK = frozenset("a.m. p.m. am pm a.m p.m o'clock hrs h gmt utc".split())
_PUNCT = ".,;:!?()[]\"'“”‘’"

# Words just before a number that make it a phone, hotline, law or other identifier number.
_ID_CUES = frozenset(
    "hotline hotlines helpline helplines line lines number numbers no. nos. no nº n° # law laws decree "
    "decrees "
    "resolution resolutions article articles agenda chapter chapters section sections paragraph paragraphs "
    "convention conventions code codes tel tel. phone fax ext ext. room route routes highway box iso covid "
    "sdg sdgs goal goals target targets indicator indicators phase level version volume page pages grade "
    "protocol step call dial text sms bill act acts case ruling regulation order directive platform window "
    "gate ward district zone block lot street avenue calle avenida edition cohort km kilometre kilometer "
    "mile article. art. session".split()
)
_MONTH_WORDS = frozenset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept september oct "
    "october nov november dec december".split()
)
# A first word after a number that makes it a date, a time or a duration.
_AFTER_EXCLUDES = _MONTH_WORDS | _CLOCK | _TIME_UNITS
_AGE_NOUNS = frozenset("children minors persons people adults youth youths those girls boys adolescents".split())
_AGE_PREPS = frozenset("under over below above aged between".split())
_LIST_JOINERS = frozenset("and & , - – to".split())
# Every word before a number that a rule of ``_excluded_by_before`` looks at.
_BEFORE_CUES = _ID_CUES | _MONTH_WORDS | _AGE_PREPS | _LIST_JOINERS | {"the", "aged", "age", "ages", "of", "in"}
_DIGIT_TOKEN = re.compile(r"^[+(]?\d+\)?$")
_DAY_AFTER_MONTH = re.compile(r"(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\b(?![,.]\d)")
_YEAR_AFTER_MONTH = re.compile(r"(?:19|20)\d\d\b(?![,.]\d)")
_DAY = re.compile(r"^\d{1,2}(?:st|nd|rd|th)?,?$")
_YEAR_RANGE = re.compile(r"^(?:19|20)\d\d$")


@lru_cache(maxsize=4096)
def words_to_number(words: str) -> float:
    """The value of an English number phrase ("one hundred and twenty" -> 120.0, "a dozen" -> 12.0)."""
    tokens = re.split(r"[\s,-]+", words.lower().strip())
    if tokens[-1] == "dozen":
        return 12.0 * _UNITS.get(tokens[0], 1)  # "a dozen", "two dozen"
    total = 0
    current = 0
    for tok in tokens:
        if tok in ("and", ""):
            continue
        if tok == "a":
            current = 1
        elif tok in _UNITS:
            current += _UNITS[tok]
        elif tok in _TENS:
            current += _TENS[tok]
        elif tok == "hundred":
            current = max(current, 1) * 100
        elif tok in _SCALES:
            total += max(current, 1) * _SCALES[tok]
            current = 0
    return float(total + current)


def _word_scale(words: str) -> int:
    """The scale word ending a number in words ("four million" -> 1,000,000), else 0."""
    last = words.lower().split()[-1]
    return _SCALES.get(last, 0) if last != "hundred" else 0


_SHORT_SCALES = {"m": 1e6, "mn": 1e6, "bn": 1e9, "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7}


@lru_cache(maxsize=1)
def _counted_words() -> frozenset[str]:
    """Plural and singular forms of the counted nouns of the ``count_nouns`` seed (one word, not measures)."""
    words = {r["noun"].lower() for r in seed_rows("count_nouns") if r["unit"] != "none" and " " not in r["noun"]}
    return frozenset(words | {w + "s" for w in words} | {"people", "children", "women", "men"})


_WORD_AFTER = re.compile(r"\s+([a-z]+)")


def _counted_word_after(text: str, end: int) -> bool:
    """True when a counted noun ("people", "migrants") follows ``end``, maybe after one adjective."""
    m = _WORD_AFTER.match(text, end)
    if m is None:
        return False
    if m.group(1) in _counted_words():
        return True
    m2 = _WORD_AFTER.match(text, m.end())
    return m2 is not None and m2.group(1) in _counted_words()


def _digits_value(raw: str, scale: str | None) -> float:
    """The value of a digit string with its separators and an optional scale word."""
    if raw.isdigit():
        s = raw  # the common case, "1195": no separator to read
    else:
        s = _separated_digits(raw)
    value = float(s)
    if scale:
        value *= _SHORT_SCALES.get(scale.lower(), _SCALES.get(scale.lower(), 1))
    return value


def _separated_digits(raw: str) -> str:
    """A digit string with group separators ("1,195", "24 000", "1.234.567") as ``float`` reads it."""
    s = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if s.count(".") > 1:
        s = s.replace(".", "")  # "1.234.567" (the grammar admits several dots only as groups)
    elif "," in s and "." not in s and len(s) - s.rindex(",") <= 3:
        s = s.replace(",", ".")  # "36,5 %": a decimal comma (the grammar admits it only before %)
    else:
        s = s.replace(",", "")
    return s


def _last_words(text: str, start: int, n: int = 4) -> list[str]:
    """The last ``n`` whitespace-separated tokens before ``start``, lower case."""
    return text[max(0, start - 48) : start].lower().split()[-n:]


@lru_cache(maxsize=256)
def _qualifier_spot(key: tuple[str, ...]) -> re.Pattern[str]:
    """Where the qualifier words ``key`` are written (any spacing, any case)."""
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, key)) + r"\s", re.IGNORECASE)


def _qualifier(text: str, start: int, last_words: list[str] | None = None) -> tuple[str, int]:
    """The qualifier written just before ``start`` and where it begins, else ("exact", start).

    ``last_words`` may pass ``_last_words(text, start)`` when the caller has it already.
    """
    if start == 0 or not text[start - 1].isspace():
        return "exact", start
    if last_words is None:
        last_words = _last_words(text, start)
    if not last_words or last_words[-1].lstrip('(["“') not in _QUALIFIER_LAST:
        return "exact", start  # every qualifier ends in one of a few words: most numbers stop here
    words = [w.lstrip('(["“') for w in last_words]
    if words[-3:-1] == ["a", "total"] and words[-1] == "of":
        words = words[:-3]  # "more than a total of 300" reads as "more than 300"
    for n in (3, 2, 1):
        key = tuple(words[-n:])
        if len(key) == n and key in _QUALIFIER_WORDS:
            window_start = max(0, start - 60)
            spots = list(_qualifier_spot(key).finditer(text[window_start:start]))
            return _QUALIFIER_WORDS[key], window_start + spots[-1].start() if spots else start
    return "exact", start


def _excluded_by_after(text: str, end: int) -> bool:
    """True when what follows ``end`` makes the number an ordinal, date, time, duration, age or id."""
    nxt = text[end : end + 2]
    if not nxt:
        return False
    if nxt[0].isalpha():
        return True  # glued letters: "27th", "3D", "100km"
    if nxt[0] in "/.:" and nxt[1:].isdigit():
        return True  # "28/11", "12.05.2019", "10:30"
    if nxt[0] == "-" and nxt[1:].isalpha():
        return True  # a compound or identifier: "15-year-old", "two-day", "10-point"
    words = text[end : end + 32].lower().replace("-", " ").split(None, 3)[:3]
    if not words:
        return False
    w0 = words[0]
    w1 = w0.strip(_PUNCT)  # (stripping _PUNCT also strips a trailing ".": "Nov." -> "nov")
    w2 = words[1].strip(_PUNCT) if len(words) > 1 else ""
    if w1 in _AFTER_EXCLUDES or w0 in _CLOCK:
        return True  # "30 November", "10 a.m.", "four months", "20 years", "18 years of age"
    if w1 == "of" and w2 in _MONTH_WORDS:
        return True  # "15 of May"
    if (w1 == "in" or (w1 == "out" and w2 == "of")) and words[-1][:1].isdigit():
        return True  # a ratio: "1 in 5 children", "3 out of 10"
    # one word between the number and the unit: "20 consecutive years", "four more months"
    return (
        w2 in _TIME_UNITS
        and w0[-1:] not in ",;:"
        and w1 not in ("per", "a", "an", "each", "every", "this", "last", "next", "that")
    )


def _excluded_by_before(
    text: str, start: int, is_word: bool, last_words: list[str] | None = None, currency: bool = False
) -> bool:
    """True when the words before ``start`` make the number a date, age, phone/law number or id.

    ``last_words`` may pass ``_last_words(text, start)`` when the caller has it already.
    """
    if start == 0:
        return False
    prev = text[start - 1]
    if not prev.isspace():
        # glued to what precedes: "COVID-19", "A/RES/1325", "+502", "10:30"
        if prev in "-/.:+#" and (prev in "+#" or start >= 2 and text[start - 2].isalnum()):
            return True
    words = _last_words(text, start) if last_words is None else last_words
    if not words:
        return False
    last = words[-1].strip("(:")
    if last.isalpha() and last not in _BEFORE_CUES:
        # a plain word no rule below looks at (most numbers): only list numbering is left to test
        return not is_word and _list_numbering(text, start)
    bracketed = False
    if not last and len(words) >= 2:
        last = words[-2].strip("(:")
        words = words[:-1]
        bracketed = True  # "21 (20 men": a bracket opened after a count, not a phone number's area code
    if (last in _ID_CUES or last.rstrip(".:") in _ID_CUES) and not _GROUPED.match(text, start):
        return True  # "hotline 155", "Goal 8"; but "targets 8,000 families": no identifier has groups
    if last.rstrip(".,") in _MONTH_WORDS or (last == "the" and len(words) > 1 and words[-2] in _MONTH_WORDS):
        # "May 22", "on June the 5"; but "Since January, 3,000 people": no day has a thousands separator
        # ... and "July 2021": a month's year
        return is_word or bool(_DAY_AFTER_MONTH.match(text, start) or _YEAR_AFTER_MONTH.match(text, start))
    if last in ("aged", "age", "ages") or (last == "of" and len(words) > 1 and words[-2] in ("age", "ages")):
        return True
    if last in _AGE_PREPS and len(words) > 1 and words[-2] in _AGE_NOUNS:
        return True  # "children under 5"
    if not is_word and not currency and not bracketed and _DIGIT_TOKEN.match(last):
        return True  # a run of digit groups ("+41 22 717 9111", "(502) 2414 7400") is a phone number
    if (
        last in ("in", "of")
        and len(words) >= 2
        and (
            _DIGIT_TOKEN.match(words[-2])
            or words[-2] in _UNITS
            or (words[-2] == "out" and len(words) >= 3 and (_DIGIT_TOKEN.match(words[-3]) or words[-3] in _UNITS))
        )
    ):
        return True  # the base of a ratio: "1 in 5 children", "3 out of 10"
    # a date list: "May 22 and 27", "8, 15 and 20 March" is caught after; "May 8, 20"
    joined = last if last in _LIST_JOINERS else ""
    if (joined or last.endswith(",")) and len(words) >= 2:
        day = words[-2] if joined else last
        before_day = words[-3] if joined and len(words) >= 3 else (words[-2] if not joined else "")
        if (
            _DAY.match(day)
            and before_day.rstrip(".,") in _MONTH_WORDS
            and (is_word or _DAY_AFTER_MONTH.match(text, start))
        ):
            return True  # ... and the number itself could be a day ("May 22, 45 officials": 45 cannot)
    return not is_word and _list_numbering(text, start)


_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)")
_LIST_NUMBER = re.compile(r"\d+[.)]\s")


def _list_numbering(text: str, start: int) -> bool:
    """True when the digits at ``start`` number a list item at the start of a line ("1. Training")."""
    if "\n" not in text[max(0, start - 8) : start]:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and _LIST_NUMBER.match(text[start : start + 6]) is not None


def find_numbers(text: str, start: int = 0, end: int | None = None, lowered: str | None = None) -> list[NumberMatch]:
    """Every number expression in ``text[start:end]`` that may be a count, in text order.

    Dates, times, ages, durations, ordinals, phone/law numbers and identifiers
    are left out; year-like integers (1900-2099 written as four bare digits)
    are returned with ``is_year_like`` set. ``lowered`` may pass ``text.lower()`` when the
    caller scans one text in many pieces (saves lower-casing it each time).
    """
    end = len(text) if end is None else end
    table, _, _ = _currencies()
    low = lowered if lowered is not None and len(lowered) == len(text) else offset_safe_lower(text)
    if low is None:  # lower-casing moved offsets: slow path, try every position on a copy
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    match = _grammar().match
    found: list[NumberMatch] = []
    pos = start
    for at in _anchors(text, low, start, end):
        if at < pos:
            continue
        m = match(low, at, end)
        if m is None:
            continue
        if m.group("between") and m.group("b") is None and m.group("bd") is None:
            continue  # "from 30 countries": not a range; the number is tried at its own anchor
        pos = m.end()
        num = _read_match(text, m, table)
        if num is not None:
            found.append(num)
            pos = min(pos, num.end)  # a match read shorter than it is ("USD 5m to 12 ...") leaves the rest
    return found


def _read_match(text: str, m: re.Match[str], table: dict[str, str]) -> NumberMatch | None:
    """Turn one grammar match ``m`` into a :class:`NumberMatch`, or None when it is not a count candidate."""
    s, e = m.span()
    # trim whitespace the optional groups may have eaten
    while e > s and text[e - 1].isspace():
        e -= 1
    while s < e and text[s].isspace():
        s += 1
    group = m.group
    if _excluded_by_after(text, e):
        return None
    # the words before the number are read by both the exclusion rules and the qualifier: once
    last_words = _last_words(text, s) if s else []
    if group("big"):
        # "half a million", "a quarter of a million": a share of a scale word
        big = group("big").split()
        share = 0.5 if big[0] == "half" else (0.75 if big[0] == "three" else 0.25)
        qualifier, qual_start = _qualifier(text, s, last_words)
        value = share * _SCALES[big[-1]]
        return NumberMatch(s, e, value, None, qualifier, qual_start, False, None, True, False, False)
    if group("frac"):
        if _excluded_by_before(text, s, True, last_words):
            return None
        return _fraction(text, m, s, e, last_words)
    a_w, a_d, a_s, b, bd = group("a_w", "a_d", "a_s", "b", "bd")
    is_word = bool(a_w)
    cur1, cur1c, cur1d, cur2, pct, apct = group("cur1", "cur1c", "cur1d", "cur2", "pct", "apct")
    if _excluded_by_before(text, s, is_word, last_words, currency=bool(cur1)):
        return None
    currency_tok = cur1 or cur1c or cur1d or cur2
    currency = table.get(" ".join(currency_tok.split())) if currency_tok else None
    is_percent = bool(pct or apct)
    if a_w:
        value, a_scaled = words_to_number(a_w), False
    else:
        value, a_scaled = _digits_value(a_d or "0", a_s), bool(a_s)
    value_max = None
    b_d = None
    if b is not None or bd is not None:
        if b is not None:
            b_w, b_d, b_s = group("b_w", "b_d", "b_s")
        else:
            b_w, b_d, b_s = None, *group("bd_d", "bd_s")
        if b_w:
            value_max, b_scaled = words_to_number(b_w), False
        else:
            value_max, b_scaled = _digits_value(b_d or "0", b_s), bool(b_s)
        if b_scaled and not a_scaled and b_s:
            # "from 5 to 7 million": the scale word applies to both ends
            value *= _digits_value("1", b_s)
        elif b_w and a_w and value < 1000 <= value_max:
            # "three to four million": so does a scale word ending a range in words
            scale = _word_scale(b_w)
            if scale and value_max >= scale and value < scale:
                value *= scale
        if value_max <= value:
            if b is None or a_w or not a_scaled or b_s:
                # "24-33" reads as a range only when it rises; "13-30 August" etc. are excluded elsewhere
                return None
            # "USD 5m to 12 partners": the number ends before "to"; the second is read on its own
            e = m.end("apct") if apct else m.end("a")
            value_max, b_d, pct = None, None, None
            is_percent = bool(apct)
            if _excluded_by_after(text, e):
                return None
    if a_s == "m" and not currency and not _counted_word_after(text, e):
        return None  # "5 m" is metres, not millions, without a currency or a counted noun ("3.4m people")
    is_year_like = (
        not currency and not is_percent and not a_s
        and bool(_YEAR_RANGE.match(a_d or ""))
        and (value_max is None or bool(_YEAR_RANGE.match(b_d or "")))
    )  # fmt: skip
    if value_max is not None and is_year_like:
        return None  # "2014-2016", "Plan 2019-2025": a span of years, never a count
    qualifier, qual_start = _qualifier(text, s, last_words)
    if qualifier == "exact" and _QUAL_AFTER.match(text, e, e + 15):
        qualifier = "min"
    if qualifier == "max" and text[qual_start:s].lower().startswith("under") and is_word:
        return None  # "under five": nearly always an age
    return NumberMatch(s, e, value, value_max, qualifier, qual_start, is_percent, currency, is_word,
                       is_year_like, False)  # fmt: skip


_OF_AFTER_FRACTION = re.compile(r"\s+of\b")
_OF_TIME_AFTER_FRACTION = re.compile(r"\s+of\s+(?:the\s+)?(?:year|month|week|day|decade|century|\d)")


def _fraction(text: str, m: re.Match[str], s: int, e: int, last_words: list[str]) -> NumberMatch | None:
    """A fraction ("one third", "over half") read as a percentage, when used as a quantity."""
    den = m.group("fden") or ""
    num = m.group("fnum") or ""
    after = text[e : e + 30].lower()
    # a fraction is a count only when it measures something: "half of the ...", "one third of"
    if not _OF_AFTER_FRACTION.match(after) or _OF_TIME_AFTER_FRACTION.match(after):
        return None
    if den == "half":
        if num and num not in ("a", "one"):
            return None
        value = 50.0
    elif den in ("third", "thirds"):
        n = {"": 1, "a": 1, "one": 1, "two": 2}.get(num)
        if n is None:
            return None
        value = 33.3 if n == 1 else 66.7
    else:
        n = {"": 1, "a": 1, "one": 1, "three": 3}.get(num)
        if n is None:
            return None
        value = 25.0 * n
    qualifier, qual_start = _qualifier(text, s, last_words)
    return NumberMatch(s, e, value, None, qualifier, qual_start, True, None, True, False, True)
