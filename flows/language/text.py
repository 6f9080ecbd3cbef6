"""Text utilities shared by the extractors: sentences, the press-contact block.

Everything works on character offsets into ``Article.text`` so that spans
found in a sentence map straight back to the stored article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import ahocorasick

# Abbreviations whose trailing period does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "vs", "etc", "e.g", "i.e", "approx", "est",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "inc", "ltd", "co", "corp", "gen", "gov", "sen", "rep", "amb", "hon",
    "jr", "sr", "fig", "art", "para", "vol", "pp", "ca",
}  # fmt: skip

# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before
# whitespace, or at a blank line / line that looks like a heading.
# Written with one character class first (the branch is chosen by a look-behind at it), so that the
# regex engine skips in C to the next candidate character: ``[.!?]...|\n...`` is tried at every offset.
_BOUNDARY = re.compile(r"""[.!?\n](?:(?<=[.!?])["'\u201d\u2019)\]]*(?=\s)|(?<=\n)\s*\n)""")

# Lines that open the press-contact block ("For more information please contact:").
_CONTACT = re.compile(
    r"^[ \t]*(?:for (?:more|further) information|for media (?:enquiries|inquiries)|media contacts?"
    r"|press contacts?|contact(?:s)?\s*:|para (?:más|mayor) información)",
    re.IGNORECASE | re.MULTILINE,
)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each sentence in ``text[start:end]``, stripped of surrounding space."""
    return iter(_sentence_spans(text, start, len(text) if end is None else end))


@lru_cache(maxsize=256)
def _sentence_spans(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """``sentence_spans``, computed once per (text, range): extractors ask for the same paragraphs often."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _BOUNDARY.finditer(text, start, end):
        first = m.group(0)[0]
        if first == "." and _is_abbreviation(text, m.start()):
            continue
        stop = m.start() if first == "\n" else m.end()
        # the piece stripped of what str.isspace calls space (``_strip_span``), inlined: this loop is hot
        piece = text[pos:stop]
        core = piece.strip()
        if core:
            a = stop - len(piece.lstrip())
            spans.append((a, a + len(core)))
        pos = m.end()
    spans.extend(_strip_span(text, pos, end))
    return tuple(spans)


# The longest abbreviation: a longer word before a period is none, however it goes on.
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial, not a sentence."""
    # the word before the period: letters and periods, read back no further than an abbreviation is long
    floor = max(0, dot - _LONGEST_ABBREVIATION - 1)
    word_start = dot
    while word_start > floor and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    length = dot - word_start
    if length <= _LONGEST_ABBREVIATION:  # the whole word (a longer one is no abbreviation nor initial)
        if text[word_start:dot].lower() in _ABBREVIATIONS:
            return True
        # a single capital initial ("J. Smith") or a dotted acronym ("U.S.")
        if length == 1 and text[dot - 1].isupper():
            return True
    nxt = text[dot + 1 : dot + 3].lstrip()
    return bool(nxt) and nxt[0].islower()


def _strip_span(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    if end <= start:
        return
    span = text[start:end]
    start += len(span) - len(span.lstrip())  # str.strip drops what str.isspace calls space
    end -= len(span) - len(span.rstrip())
    if end > start:
        yield start, end


@lru_cache(maxsize=4)
def contact_block_start(text: str) -> int:
    """Offset where the press-contact block begins, or ``len(text)`` when there is none.

    The contact block yields no counts, events or funders (extraction.md). Cached for the last few
    texts: every extractor of an article asks.
    """
    m = _CONTACT.search(text)
    return m.start() if m else len(text)


def build_automaton(items: Iterable[tuple[str, object]]) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton of ``(key, value)`` items, ready to ``iter``; a later key replaces an equal one."""
    automaton = ahocorasick.Automaton()
    for key, value in items:
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


# Characters that re.IGNORECASE and str.lower() treat differently (dotted/dotless i, long s): a
# pattern run over lower-cased text would not match what it matches over the text itself.
_CASE_FOLD_OUTLIERS = re.compile("[\u0130\u0131\u017f]")


@lru_cache(maxsize=4)
def offset_safe_lower(text: str) -> str | None:
    """``text.lower()`` when lower-casing keeps every character offset and matches what a
    case-insensitive pattern would, so spans found in it are spans of ``text``; else ``None``
    (rare: "İ" lower-cases to two characters), and the caller takes its slow path.

    Cached for the last few texts: the extractors of one article each ask for its (head's) lower case.
    """
    low = text.lower()
    if len(low) != len(text) or _CASE_FOLD_OUTLIERS.search(text):
        return None
    return low


# What a case-insensitive pattern equates with an ASCII letter beyond its two cases: "İ" and "ı"
# with "i", "ſ" with "s" (and the Kelvin sign "K" with "k", which ``str.lower`` gives already).
_FOLD_OUTLIERS = str.maketrans({"\u0131": "i", "\u017f": "s"})


@lru_cache(maxsize=4)
def offset_fold(text: str) -> str | None:
    """A lower case of ``text``, character for character, for finding where to try a case-insensitive
    pattern: where the pattern needs ASCII letters, the fold has them lower case.

    :func:`offset_safe_lower` where that is safe; else ``text.lower()`` with "İ", "ı" and "ſ" written
    "i", "i" and "s" (``None`` only if lower-casing still moves offsets). Unlike the safe lower case,
    it may show a word the pattern does not match ("ıs" as "is"): use it to find candidates, and match
    the pattern on ``text``, never to match on it.
    """
    low = offset_safe_lower(text)
    if low is not None:
        return low
    low = text.replace("\u0130", "i").lower().translate(_FOLD_OUTLIERS)
    return low if len(low) == len(text) else None


def trie_alternation(phrases: list[str], space: str | None = None) -> str:
    """A regex matching any of ``phrases`` (literal text), factored as a trie.

    Python's ``re`` tries a flat alternation branch by branch at every position; sharing
    prefixes makes one pass over a text many times faster. ``space``, when given, is the regex
    written for each space of a phrase (``"\\s+"``: any white space between its words).
    """
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends = "" in node
        branches = [
            (space if ch == " " and space is not None else re.escape(ch)) + emit(child)
            for ch, child in sorted(node.items())
            if ch != ""
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not ends else "(?:" + "|".join(branches) + ")"
        return body + ("?" if ends and branches else "")

    return emit(trie)


def literal_offsets(lowered: str, literals: Iterable[str], end: int) -> list[int]:
    """Sorted offsets where one of ``literals`` (lower case) is written in ``lowered[:end]``.

    ``lowered`` is :func:`offset_safe_lower` of the text: a case-insensitive pattern that can only
    start with one of ``literals`` can only match at these offsets (see :func:`finditer_at`).
    """
    found: set[int] = set()
    for literal in literals:
        i = lowered.find(literal, 0, end)
        while i >= 0:
            found.add(i)
            i = lowered.find(literal, i + 1, end)
    return sorted(found)


def finditer_at(pattern: re.Pattern[str], text: str, offsets: list[int], end: int) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, 0, end)`` for a pattern whose matches are never empty and start only at
    ``offsets`` (sorted): ``pattern.match`` is tried there alone, so a scan of every offset is saved.

    ``match(text, p, end)`` sees the text before ``p`` (``\\b`` and look-behinds), as ``finditer`` does.
    """
    pos = 0
    for p in offsets:
        if p < pos:
            continue
        m = pattern.match(text, p, end)
        if m is not None:
            yield m
            pos = m.end()
