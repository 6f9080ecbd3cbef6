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
_BOUNDARY = re.compile(r"""[.!?]["'\u201d\u2019)\]]*(?=\s)|\n\s*\n""")

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
        if m.group(0).startswith((".",)) and _is_abbreviation(text, m.start()):
            continue
        stop = m.end() if not m.group(0).startswith("\n") else m.start()
        spans.extend(_strip_span(text, pos, stop))
        pos = m.end()
    spans.extend(_strip_span(text, pos, end))
    return tuple(spans)


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial, not a sentence."""
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    if word in _ABBREVIATIONS:
        return True
    # a single capital initial ("J. Smith") or a dotted acronym ("U.S.")
    if len(word) == 1 and text[dot - 1].isupper():
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


def contact_block_start(text: str) -> int:
    """Offset where the press-contact block begins, or ``len(text)`` when there is none.

    The contact block yields no counts, events or funders (extraction.md).
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
