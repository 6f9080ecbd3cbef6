"""The counts extractor: numbers that measure people, things, percentages or money.

For each number the grammar (:mod:`flows.language.numerals`) finds in a sentence,
this module reads the noun phrase after it (adjectives + head noun), looks the
head up in the ``count_nouns`` seed to get the unit, picks the category of
people from the cue nearest to the number (``count_cues`` seed), links parts to
wholes ("48 of whom", "including 500", "ten of the women", "In 2023 alone"),
and ties the figure to a country when the sentence does (dev notes, first line).

Rules follow ``extraction.md`` (Counts); every rule is general and every word
list is data in ``dbt_project/seeds/count_*.csv``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

from flows.articles.model import Article
from flows.facts.model import Count, CountryMention
from flows.language.numerals import NumberMatch, find_numbers, seed_rows
from flows.language.text import build_automaton, contact_block_start, offset_safe_lower, sentence_spans

_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|\d+[^\W\d_][\w'’-]*|\S")
_WORD_REST = re.compile(r"\w*")
# Words that end a counted noun phrase: prepositions, articles, pronouns, auxiliaries, conjunctions.
_STOP = frozenset(
    "of in to from for with by at on into through across during since per as among between under over "
    "within without who that which whom whose were are was is be been being have has had will would can "
    "could may might should must do did does and or but than while where when including each this these "
    "those the a an their its our his her it they we he she also not so such both either all if because "
    "after before until via about around against toward towards upon there here out up down off only".split()
)
_IRREGULAR = {
    "women": "woman", "men": "man", "children": "child", "people": "people", "persons": "person",
    "staff": "staff", "personnel": "personnel", "police": "police", "youth": "youth", "feet": "foot",
    "data": "data", "media": "media", "criteria": "criterion", "centres": "centre", "bodies": "body",
    "buses": "bus", "series": "series", "species": "species", "news": "news", "analyses": "analysis",
    "crises": "crisis", "lives": "life", "wives": "wife", "shelves": "shelf", "halves": "half",
}  # fmt: skip
# The plural shape of a people's name ("Haitians", "Congolese", "Pakistanis"), used when no demonym
# mention from the country extractor covers the word.
_DEMONYM_SHAPE = re.compile(r"^[A-Z][a-z]+(?:ans|ese|[^s]is)$")

_PART_BEFORE = re.compile(
    r"(?:\bincluding|\bamong\s+(?:them|whom|these|those|which)|\bof\s+(?:whom|which|them|these|those)"
    r"|\bthey\s+include|\binclud(?:es?|ed))\s*:?\s*$",
    re.IGNORECASE,
)
_ALONE_BEFORE = re.compile(r"\balone\b[,:]?\s*$", re.IGNORECASE)
_ANOTHER_BEFORE = re.compile(
    r"\b(?:another|a\s+further|an\s+additional|the\s+other|the\s+remaining)\s+$", re.IGNORECASE
)
_OF_AFTER = re.compile(r"\s+of\s+(?P<det>whom|which|them|these|those|the|its|their|our|all)\b\s*", re.IGNORECASE)
_COPULA_AFTER = re.compile(r"\s*,?\s*(?:were|are|was|is|being|had\s+been|have\s+been)\s+(?:also\s+)?", re.I)
_RESIDENCE = re.compile(
    r"\b(?:liv(?:e|es|ing)|resid(?:e|es|ing|ent)|based|settled|staying|established|working|work)\s+in\s+"
    r"(?:the\s+)?$", re.IGNORECASE,
)  # fmt: skip
_THOUSANDS_DOT = re.compile(r"^\d{1,3}\.\d{3}$")
# A bare year-like number ("1974") is a count only before nouns no year would qualify.
_YEAR_SAFE_UNITS = frozenset({"persons", "organizations", "countries", "places"})
_OR_BEFORE = re.compile(r"\bor\s+$")
_PERCENT_OF = re.compile(r"\s+(?:of|to)\s+(?:(?:the|these|those|all|their|them|whom)\s+)?|\s+", re.IGNORECASE)
_LIST_BEFORE = re.compile(r"\b(?:and|but|while|whereas|with)\s+$|[,;]\s*$")


# The "...$" searches below scan the whole 40-character window before a number; a substring test
# on words each pattern cannot match without skips nearly all of them. The tested pieces hold no
# "i", "k" or "s": an ignore-case pattern also matches those letters as "İ", "ı", "K" (Kelvin) or
# "ſ", which ``lower()`` does not turn into them.
def _part_before(before: str) -> bool:
    """True when ``before`` ends with a subset opener: "including", "of whom", "among them"."""
    low = before.lower()
    return ("nclud" in low or "among" in low or "of" in low) and _PART_BEFORE.search(before) is not None


def _alone_before(before: str) -> bool:
    """True when ``before`` ends with "alone" ("In 2023 alone, ")."""
    return "alone" in before.lower() and _ALONE_BEFORE.search(before) is not None


def _another_before(before: str) -> bool:
    """True when ``before`` ends with "another", "a further", "the remaining" and the like."""
    low = before.lower()
    return ("other" in low or "further" in low or "add" in low or "rema" in low) and _ANOTHER_BEFORE.search(
        before
    ) is not None


def _or_before(before: str) -> bool:
    """True when ``before`` ends with the word "or"."""
    return "or" in before and _OR_BEFORE.search(before) is not None


@dataclass(frozen=True)
class _Noun:
    unit: str
    category: str
    takes_of: bool


@dataclass
class _Phrase:
    """The counted noun phrase read after a number."""

    start: int
    end: int
    head: str  # lemma of the head noun ("" when unknown)
    noun: _Noun | None


@dataclass
class _Found:
    """A count under construction, with what later numbers need to refer back to it."""

    count: Count
    head: str
    is_part: bool


@lru_cache(maxsize=1)
def _nouns() -> dict[str, _Noun]:
    """Counted nouns (singular, lower case, may be two words) -> unit, default category."""
    return {
        r["noun"].lower(): _Noun(r["unit"], r["category"], r.get("takes_of", "") == "yes")
        for r in seed_rows("count_nouns")
    }


class _Cue(NamedTuple):
    """A category cue found in a sentence (a tuple: built for every cue hit, so cheap to make)."""

    start: int
    end: int
    category: str
    strength: str  # decisive | strong | weak (block entries are dropped once they shield a word)


@lru_cache(maxsize=1)
def _cue_automaton() -> ahocorasick.Automaton:
    """Category cues (``count_cues`` seed) in an Aho-Corasick automaton over lower-cased text.

    A cue ending in ``*`` matches any word it begins ("repatriat*" -> "repatriated").
    """
    cues = ((r["cue"].lower(), r) for r in seed_rows("count_cues"))
    return build_automaton(
        (cue.rstrip("*"), (len(cue.rstrip("*")), r["category"], r["strength"], cue.endswith("*"))) for cue, r in cues
    )


def _cue_hits(text: str, low: str, s0: int, s1: int) -> list[_Cue]:
    """Every category cue in ``low[s0:s1]`` at word boundaries; a cue inside a longer one is dropped
    ("attended" inside "were attended"), and so is a capitalised cue inside a name ("Secretariat
    against Sexual Violence") unless the sentence is a headline."""
    hits: list[_Cue] = []
    headline: bool | None = None
    # (``iter_automaton`` inlined: a generator step per hit costs more than the test of the hit)
    for last, (length, category, strength, is_prefix) in _cue_automaton().iter(low[s0:s1]):
        end = last + s0 + 1
        start = end - length
        if start > 0 and low[start - 1].isalnum():
            continue
        if text[start].isupper() and start > s0:
            if headline is None:
                headline = _looks_heading(text[s0:s1])
            if not headline:
                continue
        if is_prefix:
            end = _WORD_REST.match(low, end, s1).end()
        elif end < len(low) and low[end].isalnum():
            continue
        hits.append(_Cue(start, end, category, strength))
    # on equal spans the higher-ranked cue wins ("employed" decisive over "employ*" strong)
    hits.sort(key=lambda h: (h.start, -h.end, _RANK[h.strength]))
    kept: list[_Cue] = []
    for h in hits:
        if kept and h.start < kept[-1].end and h.end <= kept[-1].end:
            continue
        kept.append(h)
    # a "block" entry only shields a word from a shorter cue ("employers" is not "employ*")
    return [h for h in kept if h.strength != "block"]


@lru_cache(maxsize=8192)
def lemma(word: str) -> str:
    """A crude singular form of an English noun ("women" -> "woman", "centres" -> "centre")."""
    w = word.lower().replace("’", "'")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) > 4 and w.endswith("men"):
        return w[:-3] + "man"  # "fishermen", "policemen"
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@lru_cache(maxsize=16384)
def _lookup(prev: str | None, word: str) -> tuple[str, _Noun | None]:
    """The lexicon entry for the noun ``word`` after ``prev`` (two-word entries first)."""
    nouns = _nouns()
    last = word.lower()
    forms = (last, lemma(last))
    if prev is not None:
        prev = prev.lower()
        for f in forms:
            if f"{prev} {f}" in nouns:
                return f"{prev} {f}", nouns[f"{prev} {f}"]
    for f in forms:
        if f in nouns:
            return f, nouns[f]
    return lemma(last), None


def _read_phrase(text: str, start: int, stop: int, demonym_spans: Sequence[tuple[int, int]]) -> _Phrase | None:
    """The counted noun phrase starting at ``start``: adjectives and a head noun, before a stop word.

    The head is the last lexicon noun of the run (or a demonym such as "Haitians"); after the head
    only more lexicon nouns extend it ("migrant shelters"). None when no noun is found.
    """
    words: list[tuple[str, int, int]] = []
    best: tuple[int, str, _Noun | None] | None = None
    coordinated = False
    for m in _TOKEN.finditer(text, start, min(stop, start + 100)):
        tok = m.group(0)
        if not tok[0].isalpha():
            if tok[0].isdigit() and len(tok) > 1 and words and best is None:
                words.append((tok, *m.span()))
                continue  # a modifier with digits and letters: "ten small 4x4 vehicles"
            if tok == "," and best is None and words and coordinated:
                continue  # "government officials, ngo staff, and academia" stays one phrase
            break
        low = tok.lower()
        if low in _CONJUNCTIONS:
            if best is None:
                if words:
                    coordinated = True
                    continue  # "federal and local officials": coordinated adjectives before the head
            elif _coordinated_noun(text, m.end(), best[2]):
                continue  # "migrants and refugees": two heads of one kind count together
        if low in _STOP and not (not words and low in ("more", "other")):
            break
        if not words and low in _VERB_FIRST:
            break  # "120 found jobs", "80 started businesses": the number is the verb's subject
        prev = words[-1][0] if words else None
        t0, t1 = m.span()
        words.append((tok, t0, t1))
        key, noun = _lookup(prev, tok)
        if low in _SEX_WORDS and _NEXT_WORD.match(text, t1) and not _NEXT_CONJUNCTION.match(text, t1):
            noun = None  # "female headed households", "male participants": an adjective before a word
        if noun is None and tok[0].isupper() and _is_demonym(tok, t0, t1, demonym_spans):
            noun = _nouns().get("national")
        if best is not None and prev is not None and _verb_after_plural(prev, tok, key):
            break  # "migrants return", "families receive": a verb in its base form, not a compound
        if noun is None and best is not None and _person_plural(tok):
            noun = _UNKNOWN_PERSONS  # "job seekers", "border crossers": the last noun is the head
            key = lemma(low)
        if noun is not None:
            best = (len(words) - 1, key, noun)
            if noun.unit == "none":
                break  # "3,000 kilometre journey": the measure word decides
        elif best is not None:
            break  # after the head only lexicon nouns extend the phrase
        if len(words) >= 6:
            break
    if best is None:
        return _unknown_head(words)
    idx, key, noun = best
    return _Phrase(words[0][1], words[idx][2], key, noun)


_CONJUNCTIONS = frozenset(("and", "or", "&"))
# Past-tense verbs that are no adjectives: right after a number they start a predicate, not a noun phrase.
_VERB_FIRST = frozenset(
    "found secured obtained completed started received benefited benefitted attended participated graduated "
    "fled died drowned perished escaped survived got took made went came opened launched joined gained lost".split()
)
# "20 male and 1 female": a head only where no word follows (the lexicon has them as persons)
_SEX_WORDS = frozenset(("male", "female"))
_NEXT_CONJUNCTION = re.compile(r"\s+(?:and|or)\b", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s+([^\W\d_][\w'’-]*)")


def _coordinated_noun(text: str, pos: int, noun: _Noun | None) -> bool:
    """True when the word after a conjunction at ``pos`` is a plural lexicon noun of the same unit
    as the head before it ("migrants and refugees", "women and children")."""
    m = _NEXT_WORD.match(text, pos)
    if m is None or noun is None or noun.unit in ("none", "items"):
        return False
    word = m.group(1)
    other = _lookup(None, word)[1]
    return other is not None and other.unit == noun.unit and _is_plural(word)


def _is_plural(word: str) -> bool:
    """True for a plural noun form ("migrants", "children", "people", "staff" is not)."""
    low = word.lower()
    return low in _PLURAL_ONLY or (lemma(low) != low and low not in _IRREGULAR_SAME)


def _verb_after_plural(prev: str, word: str, key: str) -> bool:
    """True when ``word`` after the plural noun ``prev`` reads as a base-form verb ("migrants return",
    "Families Receive"): a singular form, not an ``-ing`` word, with no two-word lexicon entry joining
    them. A plural subject takes a base-form verb, while a noun modifying another noun is singular."""
    low = word.lower()
    if " " in key or not _is_plural(prev) or _is_plural(low) or low.endswith(("ing", "ed")):
        return False
    return word.isalpha() and (word.islower() or word[0].isupper() and prev[0].isupper())


def _person_plural(word: str) -> bool:
    """An unknown lower-case plural with an ending that names people ("seekers", "trainees")."""
    return word.islower() and word.isalpha() and len(word) > 4 and word.endswith(_PERSON_ENDINGS) and word not in _STOP


_PLURAL_ONLY = frozenset({"people", "police", "personnel", "staff", "youth", "cattle"})
_IRREGULAR_SAME = frozenset({"series", "species", "news", "data", "media"})
# Plural endings that name people ("villagers", "trainees", "journalists", "Ukrainians").
_PERSON_ENDINGS = ("ers", "ees", "ists", "ians", "ants", "ents", "ors", "ives")
_UNKNOWN_PERSONS = _Noun("persons", "other_persons", False)
_UNKNOWN_ITEMS = _Noun("items", "items", False)


def _unknown_head(words: Sequence[tuple[str, int, int]]) -> _Phrase | None:
    """A phrase whose head is not in the lexicon: the first lower-case plural noun among the first
    three words ("12 villagers" -> persons by its ending, "40 new bicycles" -> items)."""
    for word, _, end in words[:3]:
        if len(word) > 3 and word.islower() and word.isalpha() and word.endswith("s") and not word.endswith("ss"):
            noun = _UNKNOWN_PERSONS if word.endswith(_PERSON_ENDINGS) else _UNKNOWN_ITEMS
            return _Phrase(words[0][1], end, lemma(word), noun)
    return None


def _is_demonym(tok: str, s: int, e: int, demonym_spans: Sequence[tuple[int, int]]) -> bool:
    """True when ``tok`` names a people ("Haitians"): a demonym mention, or its plural shape."""
    if any(a <= s and e <= b for a, b in demonym_spans):
        return tok.endswith("s") or tok.endswith("ese")
    return bool(_DEMONYM_SHAPE.match(tok)) and tok.lower() not in _nouns()


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def _segments(article: Article, stop: int, positions: Sequence[int]) -> list[tuple[int, int]]:
    """Sentence spans, up to ``stop``, of the paragraphs holding one of ``positions``.

    The title is a sentence of its own. Splitting only paragraphs that hold a number gives
    the same spans as splitting the whole text (a blank line always ends a sentence) for less work.
    """
    text = article.text
    body_from = 0
    spans: list[tuple[int, int]] = []
    if article.title_end > article.title_start:
        spans.append((article.title_start, min(article.title_end, stop)))
        body_from = article.title_end
    paragraphs: list[tuple[int, int]] = []
    p0 = body_from
    for m in _BLANK_LINE.finditer(text, body_from, stop):
        paragraphs.append((p0, m.start()))
        p0 = m.end()
    paragraphs.append((p0, stop))
    wanted = iter(sorted(positions))
    pos_next = next(wanted, None)
    for p0, p1 in paragraphs:
        if pos_next is None:
            break
        if pos_next >= p1:
            continue
        while pos_next is not None and pos_next < p1:
            pos_next = next(wanted, None)
        for a, b in sentence_spans(text, p0, p1):
            _split_headings(text, a, b, spans)
    return [(a, b) for a, b in spans if b > a]


def _split_headings(text: str, a: int, b: int, spans: list[tuple[int, int]]) -> None:
    """Append sentence ``text[a:b]`` to ``spans``, cut after any line inside it that looks like a
    heading or tag line (no closing punctuation, mostly capitalised), so cues do not leak across it."""
    pos = a
    cut = text.find("\n", a, b)
    while cut != -1:
        if text[cut + 1 : cut + 2].isupper():
            line = text[pos:cut].rstrip()
            last_word = line[line.rfind(" ") + 1 :]
            # wrapped prose ends its lines on lower-case words ("... trafficked to\nGuatemala")
            if (
                (last_word[:1].isupper() or last_word[:1].isdigit())
                and not line.endswith((",", ";", ":", "-", "–"))
                and _looks_heading(line)
            ):
                spans.append((pos, cut))
                pos = cut + 1
        cut = text.find("\n", cut + 1, b)
    if pos < b:
        spans.append((pos, b))


_LONG_WORD = re.compile(r"(?<![\w'’])[^\W\d_]{4,}")
_CAPITALISED_LONG_WORD = re.compile(r"(?<![\w'’])[A-ZÀ-Þ][^\W\d_]{3,}")


def _looks_heading(line: str) -> bool:
    """A line whose longer words are mostly capitalised: a headline or tag line, not wrapped prose."""
    long_words = len(_LONG_WORD.findall(line))
    if long_words == 0:
        return not any(c.isalpha() for c in line)
    return len(_CAPITALISED_LONG_WORD.findall(line)) >= 0.6 * long_words


def extract_counts(article: Article, countries: list[CountryMention]) -> list[Count]:
    """Every count in ``article`` before its press-contact block, in text order.

    ``countries`` are the article's country mentions; they decide ``Count.country_iso3``
    when the sentence ties the figure to a country (a stated residence, a demonym of the
    counted people, or the nearest country named in the same clause; see :func:`_country_for`).
    """
    text = article.text
    stop = contact_block_start(text)
    mentions = sorted(countries, key=lambda c: c.char_start)
    demonym_spans = [(c.char_start, c.char_end) for c in mentions if c.match_kind == "demonym"]
    low = offset_safe_lower(text)
    numbers = find_numbers(text, 0, stop, lowered=low)
    if not numbers:
        return []
    low = (low or text).replace("\n", " ")  # multi-word cues may wrap across lines
    segments = _segments(article, stop, [n.start for n in numbers])
    seg_starts = [a for a, _ in segments]
    found: list[_Found] = []
    in_sentence: list[_Found] = []
    current = -1
    cues: list[_Cue] = []
    sentence_mentions: list[CountryMention] = []
    mention_starts = [c.char_start for c in mentions]
    for num in numbers:
        i = bisect_right(seg_starts, num.start) - 1
        if i < 0 or num.end > segments[i][1]:
            continue  # in the gap between title and body, or straddling two sentences
        s0, s1 = segments[i]
        if i != current:
            # cues and country mentions are read once per sentence, for all its numbers
            current, in_sentence = i, []
            cues = _cue_hits(text, low, s0, s1)
            sentence_mentions = _sentence_mentions(mentions, mention_starts, s0, s1)
        item = _count_for(article, num, s0, s1, in_sentence, found, demonym_spans, sentence_mentions, cues)
        if item is not None:
            _link_to_total(text, item, in_sentence)
            in_sentence.append(item)
            found.append(item)
    return [f.count for f in found]


def _count_for(
    article: Article,
    num: NumberMatch,
    s0: int,
    s1: int,
    in_sentence: list[_Found],
    found: list[_Found],
    demonym_spans: Sequence[tuple[int, int]],
    mentions: Sequence[CountryMention],
    cues: Sequence[_Cue],
) -> _Found | None:
    """The count for one number, or None when the number measures nothing countable.

    ``mentions`` are the country mentions inside the number's sentence ``s0``-``s1``.
    """
    text = article.text
    before = text[max(s0, num.qual_start - 40) : num.qual_start]
    after_start = num.end
    if not num.currency and not num.is_percent:
        paren = _PAREN_AFTER.match(text, num.end, s1)
        if paren is not None:
            after_start = paren.end()  # "21 (20 men and 1 woman) officials", "200 (40%) were women"
    head = ""
    whole: _Found | None = None
    antecedent: _Found | None = None
    phrase: _Phrase | None = None
    is_part = False
    explicit_part = False  # "48 of whom": the text says it is a part, even when it cannot be
    if num.currency:
        unit, category = "money", "money"
        phrase = _read_phrase(text, after_start, s1, demonym_spans)
        counted = _money_counted(text, num, s0, s1)
    elif num.is_percent:
        unit, category = "percent", "percent"
        counted = _percent_counted(text, num, s0, s1, demonym_spans)
    else:
        unit, category, counted = "", "", None
    of_m = _OF_AFTER.match(text, after_start, s1)
    if unit == "":
        if of_m and not num.is_year_like:
            # "48 of whom", "ten of the women", "300 of these settlements"
            det = of_m.group("det").lower()
            phrase = _read_phrase(text, of_m.end(), s1, demonym_spans)
            if det in ("whom", "which", "them"):
                # the latest larger count; else the latest count at all: "5 migrants, 48 of whom ..." is
                # linked as written, so that a later check can flag the impossible part
                candidates = in_sentence or found[-1:]
                antecedent = _previous(candidates, num.value) or _latest(candidates)
                explicit_part = antecedent is not None
                pred = _COPULA_AFTER.match(text, of_m.end(), s1)
                if pred:
                    phrase = _read_phrase(text, pred.end(), s1, demonym_spans)
                elif det == "them" and phrase is not None and phrase.start != of_m.end():
                    phrase = None  # "87 of them women": the noun must follow directly
                elif det != "them":
                    phrase = None
                whole = antecedent
            elif phrase is not None and not _superlative_after(text, of_m):
                whole = _by_head(found, phrase.head, num.value) or _by_kind(found, phrase.noun, num.value)
                antecedent = whole
            if phrase is None and antecedent is None:
                return None
        else:
            phrase = _read_phrase(text, after_start, s1, demonym_spans)
            if phrase is not None and text[after_start : phrase.start].strip():
                phrase = None  # the phrase must follow the number directly
            # "opens": nothing but space before the number in its sentence (tested last: it slices)
            if phrase is None and not num.is_year_like and text[s0 : num.qual_start].strip():
                # (a sentence-opening "Forty-seven were women" refers back: see _bare_antecedent)
                phrase = _predicate(text, after_start, s1, demonym_spans)  # "1,087 were children"
                if phrase is not None:
                    whole = (
                        _opener_whole(text, s0, num, found)
                        or _structural_whole(before, phrase.noun.unit, num.value, in_sentence, found)
                        or _sibling_whole(before, in_sentence, found)
                    )
                    if whole is not None and whole.count.unit == phrase.noun.unit:
                        antecedent = whole
        if num.is_year_like and (phrase is None or phrase.noun is None or phrase.noun.unit not in _YEAR_SAFE_UNITS):
            return None  # "in 2019", "2030 Agenda", "a 2006 report": a year or identifier
        if phrase is None and antecedent is None and not num.is_year_like:
            phrase = _level_subject(text, s0, num, demonym_spans)  # "the number of X has reached N"
        if phrase is None and antecedent is None:
            antecedent = _bare_antecedent(text, num, s0, s1, before, in_sentence, found, demonym_spans)
            if antecedent is None:
                if num.is_year_like or not _people_verb_after(text, num, s0, s1, before):
                    return None
                unit, category = "persons", "other_persons"  # "Over 620,000 returned from ..."
            pred = None if antecedent is None else _COPULA_AFTER.match(text, after_start, s1)
            if pred:
                phrase = _read_phrase(text, pred.end(), s1, demonym_spans)
                if phrase is not None and phrase.noun is not None:
                    # "Forty-seven were women": a part of the latest larger count; "255 are
                    # currently displaced" names no kind of people and no subset
                    whole = _previous([f for f in found if f.count.unit == antecedent.count.unit], num.value)
            if antecedent is not None and _another_before(before):
                # "Another nine": more of what the antecedent counted, a part of its whole if it has one
                whole = _whole_of(antecedent, found) if antecedent.is_part else None
        if num.is_word and num.value == 1 and (phrase is None or of_m or num.qualifier == "min"):
            return None  # "one" as a pronoun ("One jumped", "one of the"), a threshold ("at least one member")
        if phrase is not None and phrase.noun is not None:
            head = phrase.head
            unit, category = phrase.noun.unit, phrase.noun.category
            if unit == "none":
                return None  # "3,000 kilometre journey", "three times": not a count
            counted = _phrase_text(text, phrase, s1)
        elif antecedent is not None:
            head = antecedent.head
            unit, category = antecedent.count.unit, antecedent.count.category
            counted = _phrase_text(text, phrase, s1) if phrase else antecedent.count.counted
        elif phrase is not None and phrase.noun is None:
            return None
        if unit == "":
            return None
    value, value_max = num.value, num.value_max
    qualifier = num.qualifier
    if (
        qualifier == "exact"
        and in_sentence
        and _or_before(before)
        and num.qual_start - in_sentence[-1].count.char_end < 60
    ):
        qualifier = in_sentence[-1].count.qualifier  # "an estimated 103,565 people or 28,134 households"
    raw = text[num.start : num.end]
    if unit not in ("percent", "money") and value != int(value) and _THOUSANDS_DOT.match(raw):
        value *= 1000  # "2.500 migrants": a Spanish-style thousands separator, people are whole
    if unit == "persons":
        span_end = phrase.end if phrase else num.end
        twin = next((f for f in reversed(in_sentence) if head and f.head == head), None)
        if twin is not None:
            # the same noun counted earlier in the sentence stands for the same kind of people:
            # "assisted 65 victims, ... exceeding results by more than 20 victims"
            category = twin.count.category
        category = _person_category(text, cues, num.qual_start, span_end, category, antecedent, whole)
    elif unit not in ("percent", "money"):
        category = unit
    if whole is None and unit != "percent":
        whole = (
            _structural_whole(before, unit, num.value, in_sentence, found)
            or _listed_sibling_whole(before, unit, in_sentence, found)
            or _bracketed_whole(text, num, in_sentence)
            or (_opener_whole(text, s0, num, found) if unit == "persons" else None)
            or (_shared_whole(text, num, s1, found) if unit == "money" else None)
        )
    if (
        whole is not None
        and not explicit_part
        and (whole.count.unit != unit and unit != "persons" or whole.count.value <= value)
    ):
        whole = None
    if unit == "percent":
        whole = None  # shares are not linked to their base (the annotators' convention)
    count = Count(
        article_id=article.article_id,
        value=value,
        value_max=value_max,
        char_start=num.start,
        char_end=num.end,
        qualifier=qualifier,
        unit=unit,
        category=category,
        counted=counted,
        currency=num.currency if unit == "money" else None,
        sentence=text[s0:s1],
    )
    if whole is not None:
        count.part_of_count_id = whole.count.count_id
        is_part = True
    count.country_iso3 = _country_for(text, num, phrase, mentions)
    if whole is not None and whole.count.country_iso3 and unit != "percent":
        count.country_iso3 = whole.count.country_iso3  # a part lives where its whole does
    return _Found(count, head, is_part)


_TAKES_OF = re.compile(r"\s+of\s+([A-Za-z][\w-]*)(?:\s+([a-z][\w-]*))?")


def _phrase_text(text: str, phrase: _Phrase | None, s1: int) -> str | None:
    """The counted phrase as written, lower case, single-spaced; "of X" kept for nouns that take it."""
    if phrase is None:
        return None
    end = phrase.end
    if phrase.noun is not None and phrase.noun.takes_of:
        m = _TAKES_OF.match(text[end:s1])
        if m:
            end += m.end(1 if m.group(2) is None or m.group(2).lower() in _STOP else 2)
    return " ".join(text[phrase.start : end].lower().split())


def _percent_counted(
    text: str, num: NumberMatch, s0: int, s1: int, demonym_spans: Sequence[tuple[int, int]]
) -> str | None:
    """What a percentage measures: "N% of X" -> X, "N% X" -> X, "X (N%)" -> X."""
    m = _PERCENT_OF.match(text, num.end, s1)
    start = m.end() if m else num.end
    phrase = _read_phrase(text, start, s1, demonym_spans)
    if phrase is not None and not text[start : phrase.start].strip():
        return _phrase_text(text, phrase, s1)
    # "Honduras (57%)", "Guatemala, 44%": the words just before
    window = max(s0, num.qual_start - 45)
    if _last_visible(text, window, num.qual_start) not in ("(", ",", ":"):
        return None  # the pattern below needs one of these last; its backtracking search is slow
    prev = _NAME_BEFORE_PERCENT.search(text, window, num.qual_start)
    return " ".join(prev.group(1).lower().split()) if prev else None


_NAME_BEFORE_PERCENT = re.compile(r"([A-Za-z][\w -]{0,40}?)\s*[(,:]\s*$")
_MONEY_NOUN_AFTER = re.compile(r"\s+(?:in\s+|of\s+|for\s+)?(?:the\s+)?([a-z][a-z-]+)")
_MONEY_NOUN_BEFORE = re.compile(r"(?<![A-Za-z])([a-z][a-z-]+)\s+(?:of|worth|totalling|totaling)?\s*$")
_LOWER_OR_HYPHEN = frozenset("abcdefghijklmnopqrstuvwxyz-")


def _last_visible(text: str, start: int, end: int) -> str:
    """The last non-space character of ``text[start:end]``, or "" when there is none."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return text[end - 1] if end > start else ""


def _money_counted(text: str, num: NumberMatch, s0: int, s1: int) -> str | None:
    """What an amount of money is: the noun after it ("in profits"), or the word before ("grant of")."""
    m = _MONEY_NOUN_AFTER.match(text, num.end, s1)
    if m and m.group(1) not in _STOP:
        return m.group(1)
    if _last_visible(text, s0, num.qual_start) not in _LOWER_OR_HYPHEN:
        return None  # the pattern below ends in a lower-case word; its search is slow
    prev = _MONEY_NOUN_BEFORE.search(text, s0, num.qual_start)
    return prev.group(1) if prev and prev.group(1) not in _STOP and prev.group(1) not in _COPULAS else None


_COPULAS = frozenset("is are was were be been being".split())


def _previous(items: Sequence[_Found], value: float) -> _Found | None:
    """The latest non-percent count before this one that is larger than ``value``."""
    for f in reversed(items):
        if f.count.unit not in ("percent", "money") and f.count.value > value:
            return f
    return None


_SUPERLATIVE = re.compile(r"(?:most|least|[a-z]{3,}est)\b", re.IGNORECASE)


def _superlative_after(text: str, of_m: re.Match[str]) -> bool:
    """True for "N of the most vulnerable X", "N of the largest X": a share of a set the text does not
    count, not of an earlier count of X."""
    return of_m.group("det").lower() == "the" and _SUPERLATIVE.match(text, of_m.end()) is not None


def _by_head(found: Sequence[_Found], head: str, value: float) -> _Found | None:
    """The latest earlier count of the same noun ("ten of the women" -> "30 ... women")."""
    for f in reversed(found):
        if f.head == head and f.count.value > value and f.count.unit not in ("percent", "money"):
            return f
    return None


def _by_kind(found: Sequence[_Found], noun: _Noun | None, value: float) -> _Found | None:
    """The latest earlier, larger count of people of the same specific kind: "2,500 of the returnees"
    refers to "4,312 Honduran nationals returned"."""
    if noun is None or noun.unit != "persons" or noun.category in ("other_persons", "migrants"):
        return None
    for f in reversed(found):
        if f.count.unit == "persons" and f.count.category == noun.category and f.count.value > value:
            return f
    return None


def _whole_of(part: _Found, found: Sequence[_Found]) -> _Found | None:
    """The count that ``part`` is a part of."""
    return next((f for f in found if f.count.count_id == part.count.part_of_count_id), None)


def _bare_antecedent(
    text: str,
    num: NumberMatch,
    s0: int,
    s1: int,
    before: str,
    in_sentence: Sequence[_Found],
    found: Sequence[_Found],
    demonym_spans: Sequence[tuple[int, int]],
) -> _Found | None:
    """What a number with no noun after it counts, when the text makes that clear.

    "Another nine are ..." and "Forty-seven were women" refer to the latest count of people;
    "45 officials from A and 35 from B" repeats the noun of the count just before in the sentence.
    """
    if num.is_year_like:
        return None
    after = text[num.end : min(s1, num.end + 30)]
    if _another_before(before):
        return _latest(found)
    if _COPULA_AFTER.match(after) and (num.qual_start == s0 or text[s0 : num.qual_start].strip() == ""):
        return _latest(found)
    if in_sentence and (_RELATIVE_BEFORE.search(before) or _COMPARED_BEFORE.search(before)):
        # "1.2 million people, of whom 450,000 need aid"; "2,450 in May, up from 1,900 in April"
        prev = _previous(in_sentence, num.value) or _latest(in_sentence)
        if prev is not None:
            return prev
    if (
        in_sentence
        and re.match(r"\s+(?:from|in|at|for|to|by|with|who|were|are|had|have|remain(?:ed)?|died)\b", after)
        and (_LIST_BEFORE.search(before) or _part_before(before))
    ):
        prev = in_sentence[-1]
        if prev.count.unit not in ("percent", "money"):
            return prev
    return None


_RELATIVE_BEFORE = re.compile(r"\b(?:of|among)\s+(?:whom|which|them)\s*,?\s*$", re.IGNORECASE)
_COMPARED_BEFORE = re.compile(
    r"\b(?:up|down)\s+from\s+$|\bcompared\s+(?:to|with)\s+$|\b(?:versus|vs\.?)\s+$", re.IGNORECASE
)


# Verbs only people do, right after a bare number that opens its clause: "Over 620,000 returned from A".
_PEOPLE_VERB_AFTER = re.compile(
    r"\s+(?:more\s+|others?\s+)?(?:(?:have|has|had)\s+)?(?:already\s+|since\s+)?(?:returned|arrived|died|drowned|perished|fled|attended"
    r"|participated|graduated|disappeared|escaped|survived|went\s+(?:missing|home)|came\s+home|found|secured"
    r"|obtained|completed|started|benefited|benefitted|injured|wounded|killed|displaced|received|got|took|made"
    r"|opened|launched|joined|gained|lost)\b",
    re.IGNORECASE,
)


def _people_verb_after(text: str, num: NumberMatch, s0: int, s1: int, before: str) -> bool:
    """True when a number with no noun is the subject of a verb only people do ("returned", "died",
    "attended"), opening its sentence or clause: a count of people."""
    if _PEOPLE_VERB_AFTER.match(text, num.end, s1) is None:
        return False
    return not text[s0 : num.qual_start].strip() or _LIST_BEFORE.search(before) is not None


_NUMBER_OF = re.compile(r"\b(?:number|total)\s+of\s+(?:the\s+)?|\b(?=(?:death|casualty)\s+toll\b)", re.IGNORECASE)
_LEVEL_VERB = re.compile(
    r"(?:\s+(?:has|have|had|now|already|also|thus|since|so\s+far))*\s+(?:rose|risen|reached|climbed|increased|grown"
    r"|grew|exceeded|surpassed|topped|stands?|stood|totals?|totall?ed|hit|jumped|soared|is|was|were|are)"
    r"(?:\s+(?:to|at|by))?\s+$",
    re.IGNORECASE,
)


def _level_subject(text: str, s0: int, num: NumberMatch, demonym_spans: Sequence[tuple[int, int]]) -> _Phrase | None:
    """The counted noun of "the number of X (…) has reached N", "the death toll rose to N": a figure
    whose noun comes before it as the subject of a verb of level, in the same clause."""
    window = max(s0, num.qual_start - 150)
    if "number" not in text[window : num.qual_start].lower() and "toll" not in text[window : num.qual_start].lower():
        return None
    opener = None
    for hit in _NUMBER_OF.finditer(text, window, num.qual_start):
        opener = hit  # the last one before the number
    if opener is None:
        return None
    phrase = _read_phrase(text, opener.end(), num.qual_start, demonym_spans)
    if phrase is None or phrase.noun is None or phrase.noun.unit == "none" or phrase.start != opener.end():
        return None
    gap = text[phrase.end : num.qual_start]
    if len(gap) > 80 or any(p in gap for p in ",;:()"):
        return None
    # the verb of level ends the gap ("... uprooted by the war has risen to "), or is the qualifier
    # ("... has exceeded 10 million")
    if _LEVEL_VERB.search(gap[-40:]) or _LEVEL_VERB.search(text, max(phrase.end, num.start - 40), num.start):
        return phrase
    if _BRINGING_BEFORE.search(text, window, opener.start()) and _TO_GAP.fullmatch(gap):
        return phrase  # "..., bringing the total number of returnees to 6,200"
    return None


_BRINGING_BEFORE = re.compile(r"\bbr(?:ing|ings|inging|ought)\s+(?:the|its|their|our)\s+(?:total\s+)?$", re.IGNORECASE)
_TO_GAP = re.compile(r"\s+to\s+", re.IGNORECASE)


def _predicate(text: str, start: int, s1: int, demonym_spans: Sequence[tuple[int, int]]) -> _Phrase | None:
    """The counted noun when the number is the subject of a copula: "512 were women", "of whom 1,087
    were children". Only a lexicon (or people-shaped) noun right after the copula qualifies, so
    "300 were returned" or "12 are new" give nothing."""
    pred = _COPULA_AFTER.match(text, start, s1)
    if pred is None or pred.end() == start:
        return None
    phrase = _read_phrase(text, pred.end(), s1, demonym_spans)
    if phrase is None or phrase.noun is None or phrase.noun.unit == "none":
        return None
    if text[pred.end() : phrase.start].strip():
        return None
    return phrase


_OF_THE_OPENER = re.compile(
    r"\s*(?:Of|Among|Out\s+of)\s+(?:(?:the|these|those|all)\s+[^,;:]{2,60}|\d[\d,. ]*\s+[^,;:]{2,60}|them|these|those)"
    r",\s*$",
    re.IGNORECASE,
)


_SIBLING_BEFORE = re.compile(r"(?:\band|,)\s*(?:(?:a\s+further|another|an\s+additional)\s+)?$", re.IGNORECASE)


def _sibling_whole(before: str, in_sentence: Sequence[_Found], found: Sequence[_Found]) -> _Found | None:
    """The whole of the part just before, when this one is listed after it: "320 were farmers and
    45 were teachers" -> both parts of the same whole."""
    if not in_sentence or not in_sentence[-1].is_part or not _SIBLING_BEFORE.search(before):
        return None
    return _whole_of(in_sentence[-1], found)


def _listed_sibling_whole(
    before: str, unit: str, in_sentence: Sequence[_Found], found: Sequence[_Found]
) -> _Found | None:
    """The whole of the part listed just before this one: "including 200 women, 150 children" or
    "The grant includes USD 4,000 for food, and USD 9,000 for rent" (the same unit; a whole in this
    sentence, or an amount of money; "In 2023 alone, N ..., and M ..." lists no parts)."""
    if not in_sentence or in_sentence[-1].count.unit != unit:
        return None
    whole = _sibling_whole(before, in_sentence, found)
    if whole is None or (unit != "money" and whole not in in_sentence):
        return None
    return whole


_PAREN_AFTER = re.compile(r"\s*\((?=[^()\n]*\d)[^()\n]{1,60}\)")
_PAREN_OPEN = re.compile(r"\s*\(\s*")


def _bracketed_whole(text: str, num: NumberMatch, in_sentence: Sequence[_Found]) -> _Found | None:
    """The count a bracket opens right after: "21 (20 men and 1 woman)" -> 20 is a part of 21."""
    if not in_sentence or in_sentence[-1].count.unit in ("percent", "money"):
        return None
    prev = in_sentence[-1].count
    return in_sentence[-1] if _PAREN_OPEN.fullmatch(text, prev.char_end, num.qual_start) else None


# "EUR 1 million to each programme", "USD 500,000 each": one share of an amount split evenly.
_EACH_AFTER = re.compile(r"\s*(?:(?:to|for|in)\s+)?each\b", re.IGNORECASE)


def _shared_whole(text: str, num: NumberMatch, s1: int, found: Sequence[_Found]) -> _Found | None:
    """The amount an even share is a part of: "The Netherlands pledged EUR 2 million to two
    programmes. ... EUR 1 million to each programme" -> the latest earlier amount in the same
    currency at least twice as large."""
    if not _EACH_AFTER.match(text, num.end, s1):
        return None
    for f in reversed(found):
        if f.count.unit == "money" and f.count.currency == num.currency:
            return f if f.count.value >= 2 * num.value else None
    return None


# "..., the total contribution of Germany to IOM Iraq reaches", "..., bringing the total to": the
# words between an amount and the running total it adds to (a later, larger count of the same kind).
_TOTAL_BETWEEN = re.compile(
    r"\b(?:the|its|their|our|his|her|bringing|brings|bring|brought)\s+(?:[\w'’-]+\s+)?total\b[^.;:()]{0,120}?"
    r"\b(?:reach(?:es|ed)?|to|at|stands?\s+at|stood\s+at|amounts?\s+to|amounted\s+to|totals?|totall?ed|is|was)"
    r"\s+(?:(?:some|about|around|over|more\s+than|nearly|almost|approximately|a\s+total\s+of)\s+)?$",
    re.IGNORECASE,
)


def _link_to_total(text: str, item: _Found, in_sentence: Sequence[_Found]) -> None:
    """Make the amount just before a running total a part of it: "With these additional EUR 7
    million, the total contribution reaches EUR 18 million" -> 7 million is a part of 18 million."""
    if not in_sentence or item.count.unit == "percent":
        return
    prev = in_sentence[-1]
    c = prev.count
    if (
        c.part_of_count_id is not None
        or c.unit != item.count.unit
        or c.currency != item.count.currency
        or c.value >= item.count.value
        or not _TOTAL_BETWEEN.search(text, c.char_end, item.count.char_start)
    ):
        return
    c.part_of_count_id = item.count.count_id
    prev.is_part = True


def _opener_whole(text: str, s0: int, num: NumberMatch, found: Sequence[_Found]) -> _Found | None:
    """The whole named by a sentence opener "Of the people interviewed, 512 were ...": the latest
    earlier count of people larger than this one."""
    if not _OF_THE_OPENER.match(text, s0, num.qual_start):
        return None
    return next((f for f in reversed(found) if f.count.unit == "persons" and f.count.value > num.value), None)


def _latest(found: Sequence[_Found]) -> _Found | None:
    """The latest count of people or things (not a percentage or money)."""
    return next((f for f in reversed(found) if f.count.unit not in ("percent", "money")), None)


def _structural_whole(
    before: str, unit: str, value: float, in_sentence: Sequence[_Found], found: Sequence[_Found]
) -> _Found | None:
    """The whole a count is a part of by the words before it: "including 500", "In 2023 alone, N".

    An amount of money opening its sentence with "includes" is a part of the latest larger amount
    before it: "... USD 2 million. The grant includes USD 500,000 for shelter"."""
    if _part_before(before):
        for f in reversed(in_sentence):
            if f.count.unit == unit and f.count.value > value:
                return f
        if unit == "money" and not in_sentence:
            latest = next((f for f in reversed(found) if f.count.unit == "money"), None)
            if latest is not None and latest.count.value > value:
                return latest
        return None
    if _alone_before(before):
        for f in reversed(found):
            if f.count.unit == unit and f.count.value > value:
                return f
    return None


# A comma inside a list of names ("from Venezuela, Colombia & Nicaragua") does not end a clause.
_LIST_COMMA = re.compile(r",(?=\s*[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s*(?:,|&|\band\b|\bor\b))")
# A subset clause still open when the cue comes ("..., and 120 of them were hired"); one closed by a
# comma ("900 migrants, including 500 minors, to return") hands the cue back to the main clause.
# A word in its base form (not "-ed", "-ing" or "-s"): after a plural subject, the verb itself.
_BASE_VERB = re.compile(r"[A-Za-z]+(?<!ed)(?<!ing)(?<!s)\b")
_SUBSET_CLAUSE = re.compile(
    r"[,;]\s*(?:and\s+|while\s+)?[^,;]*\b(?:of\s+(?:them|whom|which|these|those)|including|among\s+them)\b"
    r"[^,;]*$",
    re.IGNORECASE,
)
_RANK = {"block": -2, "decisive": -1, "strong": 1, "weak": 3}
# Words that may stand between a governing cue and its number: "assistance to some 300 ...".
_GOVERNED_GAP = re.compile(
    r"\s*(?:(?:to|for|of|the|a|an|some|about|around|over|nearly|almost|more|than|at|least"
    r"|up|with|on|among|another|total|estimated|approximately)\b\s*)*",
    re.IGNORECASE,
)


def _person_category(
    text: str,
    cues: Sequence[_Cue],
    start: int,
    end: int,
    default: str,
    antecedent: _Found | None,
    whole: _Found | None,
) -> str:
    """The category of a count of people ``text[start:end]`` (number and counted phrase).

    In order: a decisive cue anywhere in the sentence ("to return", "voluntary returns"); the cue
    that governs the number ("assistance to 30 women", "assisted 589"); the nearest strong cue
    in the same clause; the counted noun's own category ("victims", "participants"); the
    nearest strong cue beyond the clause; the nearest weak cue; the category of the count it
    refers back to; else ``other_persons``.
    """
    ranked: list[tuple[int, int, str]] = []
    head_start = text.rfind(" ", start, end) + 1
    for cue in cues:
        if start <= cue.start and cue.end <= end:
            if cue.end <= head_start and cue.strength == "strong":
                # an adjective of the counted noun says what happened to the people: "146 stranded
                # nationals", "300 trafficked women", "45 displaced families"
                ranked.append((1, 0, cue.category))
            continue  # the counted noun itself is not a cue ("participants" as the counted noun)
        before = cue.end <= start
        # the gap's length first: slicing a far cue's gap out of a long sentence is wasted work
        dist = start - cue.end if before else max(0, cue.start - end)
        if dist > 160:
            continue
        gap = text[cue.end : start] if before else text[end : cue.start]
        rank = _RANK[cue.strength]
        governs = before and _GOVERNED_GAP.fullmatch(gap) is not None
        # only commas are list commas: ";" and ":" always end the clause
        other_clause = ";" in gap or ":" in gap or ("," in gap and "," in _LIST_COMMA.sub(" ", gap))
        if rank == -1 and not before and _SUBSET_CLAUSE.search(gap):
            rank = 2  # "430 attended, and 120 of them were hired": the cue is about the subset
        if rank == -1 and before and not governs:
            rank = 1  # "to return" decides only as the purpose after the people, or as their governor
        if rank == 1 and not before and not gap.strip() and _BASE_VERB.match(text, cue.start):
            rank = -1  # the verb right after the people says what they did: "helped 300 migrants return"
        if rank == 1 and not before and default == "participants":
            rank = 2  # "50 participants ... will benefit": a noun naming participation says more
        if rank == 1:
            if governs:
                rank = 0  # the verb or noun whose object the number is: "assistance to 30 women"
            elif other_clause:
                rank = 2  # a strong cue in another clause ranks below the noun's own category
        if rank == 3 and governs:
            rank = 0  # a noun or verb whose object the number is: "aid to some 300", "displacement of 500"
        if rank == 3 and other_clause:
            continue  # a weak cue counts only in the number's own clause
        if cue.category == "migrants" and default not in ("other_persons", "migrants"):
            continue  # "registered 147 victims": "migrants" is the catch-all, a specific noun says more
        ranked.append((rank, dist, cue.category))
    ranked.sort()
    if ranked and ranked[0][0] <= 1:
        return ranked[0][2]
    if default != "other_persons":
        return default
    if ranked:
        return ranked[0][2]
    ref = whole or antecedent
    if ref is not None and ref.count.unit == "persons":
        return ref.count.category
    return default


def _residence_before(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` ends with a stated residence: "living in (the) ".

    The pattern ends in "in" or "the" and a space; testing that first skips its slow search.
    """
    last = end
    while last > start and text[last - 1].isspace():
        last -= 1
    if last == end:
        return False
    tail = text[max(start, last - 3) : last]
    # (an ignore-case "i" also matches "İ" and "ı")
    if not (tail[-1:] in ("n", "N") and tail[-2:-1] in ("i", "I", "İ", "ı")) and tail.lower() != "the":
        return False
    return _RESIDENCE.search(text, start, end) is not None


_RETURN_FROM = re.compile(
    r"\b(?:returned|returning|deported|repatriated|expelled|sent\s+back)\s+from\s+(?:the\s+)?$", re.IGNORECASE
)
_IN_PLACE = re.compile(r"\bin\s+(?:the\s+)?(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?,\s*)?$")


def _located_in_before(text: str, np_end: int, c: CountryMention) -> bool:
    """True when mention ``c`` follows "in (the) (City, )" within the counted phrase's clause."""
    if c.char_start - np_end > 90:
        return False
    gap = text[np_end : c.char_start]
    if ";" in gap or ":" in gap or "," in _LIST_COMMA.sub(" ", gap[: max(0, len(gap) - 30)]):
        return False
    return _IN_PLACE.search(text, max(np_end, c.char_start - 40), c.char_start) is not None


_ORIGIN_LIST = re.compile(r"\s*(?:,|\band\b|\bor\b|&)\s*(?:the\s+)?")
_BARE_FROM = re.compile(r"\s+from\s+(?:the\s+)?")


def _return_origin_before(text: str, np_end: int, c: CountryMention) -> bool:
    """True when country mention ``c`` is the origin of a return told after the counted phrase
    (ending at ``np_end``): "... have returned from A", or "from A" right after the number."""
    if _BARE_FROM.fullmatch(text, np_end, c.char_start):
        return "from" in text[np_end : c.char_start] and _RETURN_FROM_CONTEXT.search(text, max(0, np_end - 80), np_end)
    gap = text[np_end : c.char_start]
    if ";" in gap or ":" in gap or "from" not in gap:
        return False
    return _RETURN_FROM.search(text, max(np_end, c.char_start - 40), c.char_start) is not None


_RETURN_FROM_CONTEXT = re.compile(r"\b(?:returned|returning|deported|repatriated|expelled)\b", re.IGNORECASE)


def _sentence_mentions(
    mentions: Sequence[CountryMention], starts: Sequence[int], s0: int, s1: int
) -> list[CountryMention]:
    """The mentions (in text order, ``starts`` their offsets) that lie inside ``s0``-``s1``."""
    lo = bisect_left(starts, s0)
    hi = bisect_left(starts, s1, lo=lo)
    return [c for c in mentions[lo:hi] if c.char_end <= s1]


def _country_for(
    text: str,
    num: NumberMatch,
    phrase: _Phrase | None,
    in_sentence: Sequence[CountryMention],
) -> str | None:
    """The country the sentence ties the figure to, else None (dev notes, first line).

    ``in_sentence`` are the country mentions inside the number's sentence, in text order.

    A stated residence ("living in the Dominican Republic") wins over a demonym of the counted
    people ("Haitian nationals"); otherwise the demonym (in the phrase or its "from the
    Guatemalan ..." complement); otherwise the nearest country named in the same clause. A
    country equal to the primary one is kept: it says the same as leaving the field empty.
    """
    if not in_sentence:
        return None
    np_end = phrase.end if phrase else num.end
    for c in in_sentence:
        if c.char_start >= np_end and _residence_before(text, max(np_end, c.char_start - 40), c.char_start):
            return c.country_iso3
    for i, c in enumerate(in_sentence):
        # a return flow names where the people come back from: "returned from A", "N from A and M from B";
        # from several origins ("from A and B") the figure is about none of them alone
        if c.char_start >= np_end and c.char_start - np_end <= 160 and _return_origin_before(text, np_end, c):
            nxt = in_sentence[i + 1] if i + 1 < len(in_sentence) else None
            if nxt is None or not _ORIGIN_LIST.fullmatch(text, c.char_end, nxt.char_start):
                return c.country_iso3
            break
    if phrase is not None:
        for c in in_sentence:
            if (
                c.match_kind == "demonym"
                and 0 <= c.char_start - phrase.end <= 12
                and re.fullmatch(r"\s+from\s+(?:the\s+)?", text[phrase.end : c.char_start])
            ):
                return c.country_iso3  # "45 officials from the Guatemalan Migration Institute"
    for i, c in enumerate(in_sentence):
        # where the counted people are, told in their own clause: "N Syrian families ... in Irbid, Jordan"
        # (another country named first, "officials from the X ministry in Y", is said of the people)
        if c.char_start >= np_end and c.match_kind != "demonym" and _located_in_before(text, np_end, c):
            if all(o.country_iso3 == c.country_iso3 for o in in_sentence[:i] if o.char_start >= np_end):
                return c.country_iso3
            break
    if phrase is not None:
        for c in in_sentence:
            if c.match_kind == "demonym" and phrase.start <= c.char_start and c.char_end <= phrase.end:
                return c.country_iso3
    best: tuple[int, str, int] | None = None
    for i, c in enumerate(in_sentence):
        if c.char_end <= num.qual_start:
            dist, between = num.qual_start - c.char_end, text[c.char_end : num.qual_start]
        elif c.char_start >= np_end:
            dist, between = c.char_start - np_end, text[np_end : c.char_start]
        else:
            continue
        if dist > 100 or ";" in between or ":" in between:
            continue
        if best is None or dist < best[0]:
            best = (dist, c.country_iso3, i)
    if best is None or _in_country_list(text, in_sentence, best[2]):
        return None  # "45 officials from A, B and C": the figure is about none of them alone
    return best[1]


def _in_country_list(text: str, mentions: Sequence[CountryMention], i: int) -> bool:
    """True when mention ``i`` is listed with a mention of another country ("A, B and C")."""
    c = mentions[i]
    for j in (i - 1, i + 1):
        if 0 <= j < len(mentions) and mentions[j].country_iso3 != c.country_iso3:
            a, b = (mentions[j], c) if j < i else (c, mentions[j])
            if _ORIGIN_LIST.fullmatch(text, a.char_end, b.char_start):
                return True
    return False
