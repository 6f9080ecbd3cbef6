"""The funders extractor: organisations credited with paying for or supporting what an article reports.

Two pieces of data drive it: the funder registry (``funders.csv``) with every way
a funder's name is written (``funder_aliases.csv``), matched over the article by
one Aho-Corasick automaton; and the cue grammar below, which says when a named
organisation is credited as a ``funder`` (money words) or a ``supporter``
("with the support of"). A name credited by a cue but missing from the registry
is kept as written with ``funder_id=None``. IOM, its offices and its own
programmes resolve to the registry id ``iom`` and are never credited.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from flows.articles.model import Article
from flows.facts.model import CountryMention, FundingMention
from flows.language.text import build_automaton, contact_block_start, sentence_spans
from flows.reference import read_seed

# The reporting organisation: never a funder of its own work (extraction.md, Funders).
NON_FUNDER_IDS = frozenset({"iom"})


@dataclass(frozen=True)
class AliasMatch:
    """A registry name found in the text: ``text[start:end]`` names ``funder_id``."""

    start: int
    end: int
    funder_id: str


@dataclass(frozen=True)
class Registry:
    """The funder registry compiled for matching."""

    automaton: ahocorasick.Automaton
    names: dict[str, str]  # funder_id -> canonical name
    parents: dict[str, str]  # funder_id -> parent funder_id
    keys: frozenset[str]  # every name and alias in matching form


@lru_cache(maxsize=16)
def article_limit(text: str) -> int:
    """Where the press-contact block starts (``contact_block_start``), computed once per article text."""
    return contact_block_start(text)


@lru_cache(maxsize=16)
def article_sentences(text: str, end: int) -> tuple[tuple[int, int], ...]:
    """``sentence_spans(text, 0, end)``, computed once per article text (shared with the events extractor)."""
    return tuple(sentence_spans(text, 0, end))


def _norm(s: str) -> str:
    """Lower case, straight apostrophes, single spaces: the form aliases and text are matched in."""
    return " ".join(s.replace("\u2019", "'").replace("\u2018", "'").lower().split())


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """Build the alias automaton from the seeds (once per process)."""
    funders = read_seed("funders")
    aliases = read_seed("funder_aliases")
    names = dict(zip(funders["funder_id"], funders["funder_name"], strict=True))
    parents = {f: p for f, p in zip(funders["funder_id"], funders["parent_funder_id"], strict=True) if p is not None}
    entries: dict[str, list[tuple[str, str, bool]]] = {}

    def add(alias: str, funder_id: str, match_case: bool) -> None:
        entries.setdefault(_norm(alias), []).append((funder_id, " ".join(alias.split()), match_case))

    for alias, funder_id, match_case in aliases.iter_rows():
        add(alias, funder_id, (match_case or "").lower() == "true")
    for funder_id, name, acronym in funders.select("funder_id", "funder_name", "acronym").iter_rows():
        add(name, funder_id, False)
        if acronym:
            add(acronym, funder_id, True)
    automaton = build_automaton((key, (key, tuple(values))) for key, values in entries.items())
    return Registry(automaton, names, parents, frozenset(entries))


def _registry_id(registry: Registry, written: str) -> str | None:
    """The registry id of a name parsed as unknown that is, whole, a registry name or alias."""
    name = " ".join(written.split())
    if name.lower().startswith("the "):
        name = name[4:]
    found = registry.automaton.get(_norm(name), None)
    if found is None:
        return None
    for funder_id, alias, match_case in found[1]:
        if not match_case or alias == name:
            return funder_id
    return None


class _ShiftMap:
    """Offsets in the original text of a collapsed text's characters: ``i + shift`` from each break on."""

    __slots__ = ("breaks", "shifts")

    def __init__(self, breaks: list[int], shifts: list[int]) -> None:
        self.breaks = breaks
        self.shifts = shifts

    def __getitem__(self, i: int) -> int:
        return i + self.shifts[bisect_right(self.breaks, i) - 1]


def _collapse(text: str) -> tuple[str, _ShiftMap | list[int]]:
    """``text`` in matching form plus, for each of its characters, the offset in ``text``."""
    # Only irregular white space (line breaks, double spaces, the ends) moves characters: each inner
    # run becomes one space standing at the run's last character, and the text after it shifts.
    shift = len(text) - len(text.lstrip())  # leading white space is dropped
    stop = len(text.rstrip())
    breaks, shifts = [0], [shift]
    # the pieces between runs hold single plain spaces only, so joining them with one space gives
    # ``" ".join(text.split())`` without splitting the text into words
    pieces = []
    pos = shift
    for m in _IRREGULAR_SPACE.finditer(text, shift, stop):
        pieces.append(text[pos : m.start()])
        pos = m.end()
        breaks.append(m.start() - shift)  # where the run's one space lands in ``collapsed``
        shift += m.end() - m.start() - 1
        shifts.append(shift)
    pieces.append(text[pos:stop])
    joined = " ".join(pieces)
    collapsed = joined.replace("\u2019", "'").replace("\u2018", "'").lower()
    if len(collapsed) != len(joined):
        return _collapse_by_char(text)
    return collapsed, _ShiftMap(breaks, shifts)


# White space other than one plain space between two words: a white-space character that is not
# a plain space, or is followed by more white space, and the rest of its run. Opening with ``\s``
# (not a branch) lets the regex engine skip to the next white space in C.
_IRREGULAR_SPACE = re.compile(r"\s(?:(?<! )|\s)\s*")


def _collapse_by_char(text: str) -> tuple[str, list[int]]:
    """``_collapse`` for text whose lower case changes length ("İ"): every lowered character mapped."""
    out: list[str] = []
    offsets: list[int] = []
    for m in re.finditer(r"\S+", text):
        if out:
            out.append(" ")
            offsets.append(m.start() - 1)
        for i, ch in enumerate(m.group(0)):
            low = ch.replace("\u2019", "'").replace("\u2018", "'").lower()
            out.append(low)
            offsets.extend([m.start() + i] * len(low))
    return "".join(out), offsets


def _is_ancestor(registry: Registry, a: str, b: str) -> bool:
    """True when funder ``a`` is ``b``'s parent, grandparent, ..."""
    seen = set()
    while b in registry.parents and b not in seen:
        seen.add(b)
        b = registry.parents[b]
        if b == a:
            return True
    return False


# Text between two registry names that makes them one name: "US State Department's Bureau ...",
# "Bureau ... of the Department of State", "Bureau ... (PRM)".
_CHAIN_GAP = re.compile(r"^(?:['\u2019]s\s+|\s+of\s+(?:the\s+)?|\s+at\s+(?:the\s+)?|\s*\(\s*|\s+|\s*,\s*)$")


def find_alias_matches(text: str, end: int | None = None) -> list[AliasMatch]:
    """Registry names in ``text[:end]``, leftmost-longest, whole words, chains merged to the most specific."""
    return list(_alias_matches(text, len(text) if end is None else end))


@lru_cache(maxsize=16)
def _alias_matches(text: str, end: int) -> tuple[AliasMatch, ...]:
    """``find_alias_matches``, computed once per article text (the funders and events extractors share it)."""
    registry = load_registry()
    collapsed, offsets = _collapse(text[:end])
    found: list[AliasMatch] = []
    for stop, (key, values) in registry.automaton.iter(collapsed):
        begin = stop - len(key) + 1
        if begin > 0 and collapsed[begin - 1].isalnum():
            continue
        if stop + 1 < len(collapsed) and (collapsed[stop + 1].isalnum() or collapsed[stop + 1] == "$"):
            continue  # inside a longer word, or a currency prefix ("US$ 85,000" names no funder)
        start, finish = offsets[begin], offsets[stop] + 1
        written = None  # the name as written, needed (and built) only for an exact-case alias
        for funder_id, alias, match_case in values:
            if match_case:
                if written is None:
                    written = " ".join(text[start:finish].replace("\u2019", "'").split())
                if written != alias.replace("\u2019", "'"):
                    continue
            found.append(AliasMatch(start, finish, funder_id))
            break
    # leftmost-longest, non-overlapping
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    chosen: list[AliasMatch] = []
    for m in found:
        if chosen and m.start < chosen[-1].end:
            continue
        chosen.append(m)
    return tuple(_merge_chains(text, chosen, registry))


def _merge_chains(text: str, matches: list[AliasMatch], registry: Registry) -> list[AliasMatch]:
    """Join adjacent names of one organisation ("Bureau X of the State Department") into its most specific."""
    merged: list[AliasMatch] = []
    for m in matches:
        if merged:
            prev = merged[-1]
            gap = text[prev.end : m.start]
            related = (
                prev.funder_id == m.funder_id
                or _is_ancestor(registry, prev.funder_id, m.funder_id)
                or _is_ancestor(registry, m.funder_id, prev.funder_id)
            )
            if related and _CHAIN_GAP.match(gap):
                specific = m.funder_id if _is_ancestor(registry, prev.funder_id, m.funder_id) else prev.funder_id
                end = m.end
                # keep a closing bracket of "(PRM)" inside the name
                if text[end : end + 1] == ")" and "(" in gap:
                    end += 1
                merged[-1] = AliasMatch(prev.start, end, specific)
                continue
        merged.append(m)
    return merged


_S = r"\s+"
# Cues followed by the credited names.  Group "money" set => role funder, else supporter.
_PRE_CUE = re.compile(
    r"(?:(?P<money>"
    r"(?:co-?)?(?:funded|financed|paid\s+for|donated|granted|bankrolled)\s+by"
    r"|(?:with|through|thanks\s+to|using)\s+(?:the\s+)?(?:generous\s+|kind\s+)?"
    r"(?:financial\s+(?:support|assistance|contribution|backing)|funding|financing|funds|a\s+grant"
    r"|grants|a\s+donation|donations|a\s+contribution|contributions|economic\s+support|resources)"
    r"\s+(?:provided\s+)?(?:of|from|by)"
    r"|(?:a|the)\s+(?:generous\s+)?(?:grant|donation|contribution|funding|financing)\s+(?:of\s+[^.;]{0,40}?\s+)?"
    r"(?:from|by|provided\s+by)"
    r"|(?:our|its|their)?\s*donors?\s*(?:countries\s*)?(?::|,|\s+such\s+as|\s+including|\s+like)"
    r")|(?P<support>"
    r"(?:with|thanks\s+to|through)\s+(?:the\s+)?(?:generous\s+|kind\s+|valuable\s+|continued\s+)?"
    r"(?:support|backing|sponsorship)\s+(?:of|from)"
    r"|(?:supported|sponsored|backed|co-?sponsored)\s+by"
    r"|under\s+the\s+sponsorship\s+of"
    r"))\s+",
    re.IGNORECASE,
)

# Cues preceded by the credited name(s).
_POST_CUE = re.compile(
    r"(?P<hyphen>-(?:(?P<hmoney>funded|financed)|supported|sponsored|backed))\b"
    r"|(?P<poss>['\u2019]s\s+(?:generous\s+|kind\s+|financial\s+)?"
    r"(?:(?P<pmoney>funding|financing|contribution|donation|grant|financial\s+support)|support|backing))\b"
    r"|(?P<rel>,?\s*(?:which|who|that)\s+(?:is\s+|are\s+|was\s+|were\s+|has\s+|have\s+|had\s+)?(?:also\s+)?"
    r"(?:(?P<rmoney>funding|financing|funds|finances|funded|financed|donated|donates)|supporting|supports"
    r"|supported|sponsoring|sponsors|sponsored))\b"
    r"|(?P<active>\s+(?:(?:has|have|had)\s+)?(?:also\s+)?(?:(?P<amoney>funds|funded|finances|financed|donated"
    r"|donates|granted|grants)|supports|supported|backed|backs|sponsors|sponsored))\b(?!\s+by)",
    re.IGNORECASE,
)

# What may open a credited name in a list: articles and "the governments of".
_ITEM_LEAD = re.compile(
    r"(?:both\s+)?(?:the\s+)?(?:(?:governments?|peoples?)\s+(?:and\s+(?:governments?|peoples?)\s+)?of\s+"
    r"(?:the\s+)?)?",
    re.IGNORECASE,
)
_LIST_SEP = re.compile(r"\s*(?:,\s*(?:and|as\s+well\s+as)?|\band\b|&|\bas\s+well\s+as\b|/)\s*", re.IGNORECASE)
# A name the registry does not know: capitalised words, lower-case connectors inside.
_UNKNOWN_NAME = re.compile(
    r"[A-Z][\w&'\u2019.-]*(?:(?:\s+(?:of|for|the|de|del|la|los|las|on|in|y|et|und|für|to|and)){0,2}"
    r"\s+[A-Z][\w&'\u2019.-]*){0,9}(?:\s*\([A-Z][\w&/.-]{1,12}\))?"
)
_FOUNDED_BY = re.compile(
    r",?\s*(?:which\s+was\s+|that\s+was\s+)?(?:created|established|set\s+up|founded)\s+(?:and\s+funded\s+)?by\s+"
    r"(?:the\s+)?(?:(?:member\s+states|members?|governments?)\s+of\s+)?",
    re.IGNORECASE,
)
_STOP_WORDS_AT_START = re.compile(r"(?:This|These|That|Those|It|Its|They|Their|The|A|An|In|On)\b")
_BE_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s*$", re.IGNORECASE)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|to|from|for|of|with|at|on|by|into|towards|between|among|across)\s+(?:the\s+)?$", re.IGNORECASE
)


# Compiled once here: ``re``'s own cache lookup costs more than these short matches.
_WORD_AND_SPACE = re.compile(r"\S+\s+")
_BRACKETED = re.compile(r"\s*\([^()]{1,15}\)")  # "(PRM)" after a name
_AND = re.compile(r"\s+and\s+")
# What may stand between a name and a cue after it: a closing bracket, an acronym, a comma.
_NAME_CUE_GAP = re.compile(r"\)?\s*(?:\([^()]{1,20}\))?\s*,?")


@dataclass(frozen=True)
class _Credit:
    start: int
    end: int
    funder_id: str | None
    role: str


def _match_at(by_start: dict[int, AliasMatch], pos: int) -> AliasMatch | None:
    return by_start.get(pos)


def _name_list(text: str, pos: int, stop: int, matches: list[AliasMatch], role: str) -> list[_Credit]:
    """Parse "the governments of Canada, Spain and the United States" starting at ``pos``."""
    credits: list[_Credit] = []
    by_start: dict[int, AliasMatch] = {}
    for m in matches:  # the first match at a position wins, as a scan in order would give
        by_start.setdefault(m.start, m)
    while pos < stop:
        # the registry name may itself start with "the" or "Government of": try before each lead word
        hit = _match_at(by_start, pos)
        lead = _ITEM_LEAD.match(text, pos, stop)
        while hit is None and lead is not None and lead.end() > pos:
            word = _WORD_AND_SPACE.match(text, pos, lead.end())
            if word is None:
                break
            pos = word.end()
            hit = _match_at(by_start, pos)
        if hit is not None:
            credits.append(_Credit(hit.start, hit.end, hit.funder_id, role))
            pos = hit.end
            bracket = _BRACKETED.match(text, pos, stop)
            pos = bracket.end() if bracket else pos
        else:
            unknown = _UNKNOWN_NAME.match(text, pos, stop)
            if unknown is None:
                break
            name_end = unknown.end()
            while name_end > pos and text[name_end - 1] in ".,'\u2019-":
                name_end -= 1
            inner = [m for m in matches if pos <= m.start < name_end]
            if inner or _STOP_WORDS_AT_START.fullmatch(unknown.group(0)):
                break
            # "X and Y": a trailing " and Z" belongs to the list, not the name
            words = text[pos:name_end]
            cut = _AND.search(words)
            if cut:
                name_end = pos + cut.start()
            credits.append(_Credit(pos, name_end, None, role))
            pos = name_end
        # "the X Fund, created by the members of Y": whoever set up a fund pays into it
        founders = _FOUNDED_BY.match(text, pos, stop)
        if founders is not None:
            pos = founders.end()
            continue
        sep = _LIST_SEP.match(text, pos, stop)
        if sep is None or sep.end() == pos:
            break
        pos = sep.end()
    return credits


def _credited_before(
    text: str, cue: re.Match[str], sent_start: int, matches: list[AliasMatch], role: str
) -> list[_Credit]:
    """Names a post-name cue credits: the name right before it, or for an active verb its subject."""
    before = [m for m in matches if sent_start <= m.start and m.end <= cue.start()]
    if before and before[-1].funder_id not in NON_FUNDER_IDS:
        last = before[-1]
        gap = text[last.end : cue.start()]
        if _NAME_CUE_GAP.fullmatch(gap):
            return [_Credit(last.start, last.end, last.funder_id, role)]
    if cue.group("active") is None or _BE_BEFORE.search(text[sent_start : cue.start()]):
        return []
    # active verb: every registry name in the clause that is not the object of a preposition
    clause_start = max(sent_start, text.rfind(";", sent_start, cue.start()) + 1)
    return [
        _Credit(m.start, m.end, m.funder_id, role)
        for m in before
        if m.start >= clause_start and not _PREPOSITION_BEFORE.search(text[clause_start : m.start])
    ]


# A grant (or a donation/contribution of money) awarded in the sentence, grantor not introduced by a cue.
_GRANT = re.compile(
    r"\b(?:(?:award(?:s|ed)?|sign(?:s|ed)?|provid(?:e|es|ed))\s+(?:a|an|the)\s+(?:\w+\s+){0,2}grant"
    r"|grant\s+(?:agreement|of\s+(?:[A-Z]{3}|US\$|\$|€|£|\d))"
    r"|(?:donation|contribution)\s+of\s+(?:[A-Z]{3}\s|US\$|\$|€|£|\d))",
)


def _grantors(text: str, s_start: int, s_end: int, matches: list[AliasMatch], found: list[_Credit]) -> list[_Credit]:
    """Registry names in a grant sentence: the parties to a grant other than IOM are its grantors.

    Bare one-word names (a country named for where things happen) are not taken.
    """
    credited = {(c.start, c.end) for c in found}
    out = []
    for m in matches:
        if not (s_start <= m.start < s_end) or (m.start, m.end) in credited:
            continue
        written = text[m.start : m.end]
        if len(written.split()) >= 2 or (written.isupper() and len(written) >= 2):
            out.append(_Credit(m.start, m.end, m.funder_id, "funder"))
    return out


# Every cue above (and ``_GRANT``) holds one of these stems: a sentence without one credits nobody.
_CUE_STEMS = (
    "fund", "financ", "paid", "donat", "donor", "grant", "bankroll", "contribut", "resource", "support",
    "back", "sponsor",
)  # fmt: skip
# Characters ``re.IGNORECASE`` equates with an ASCII letter that ``str.lower`` does not map to one.
_CASE_FOLD_OUTLIERS = re.compile("[\u0130\u0131\u017f]")


# Where a cue match can begin.  Every alternative of ``_PRE_CUE`` opens with a word below (the
# cues have no leading word boundary, so anywhere it is written), or with the white space before
# "donors"; every alternative of ``_POST_CUE`` opens with "-funded" or "'s", or with the white
# space (or comma) before one of its verbs or relative pronouns.
_SELF, _SELF_THEN_SPACE, _SPACE_BEFORE = 1, 2, 4  # how a word opens a match
_PRE_CUE_OPENERS: dict[str, int] = {
    **{
        co + w: _SELF
        for co in ("", "co", "co-")
        for w in ("funded", "financed", "paid", "donated", "granted", "bankrolled", "sponsored")
    },
    **dict.fromkeys(("supported", "backed", "our", "its", "their"), _SELF),
    **dict.fromkeys(("with", "through", "thanks", "using", "the", "a", "under"), _SELF_THEN_SPACE),
    "donor": _SELF | _SPACE_BEFORE,
}
_POST_CUE_OPENERS: dict[str, int] = {
    **dict.fromkeys(("-funded", "-financed", "-supported", "-sponsored", "-backed", "'s", "\u2019s"), _SELF),
    **dict.fromkeys(("which", "who", "that"), _SELF | _SPACE_BEFORE),
    **dict.fromkeys(
        ("has", "have", "had", "also", "fund", "financ", "donat", "grant", "support", "back", "sponsor"),
        _SPACE_BEFORE,
    ),
}


# Every white-space character (what ``\s`` matches).
_SPACES = (
    " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)


# The cue stems as one regex over lower-cased text: one C-level search per sentence says whether
# it holds a stem, where walking every stem hit in Python cost more ("support", "back" are common).
_STEM = re.compile("|".join(_CUE_STEMS))


@lru_cache(maxsize=1)
def _opener_automaton() -> ahocorasick.Automaton:
    """Cue openers, lower case: word -> (length, how it opens a pre-name cue, a post-name cue).

    A word that opens a match only when white space follows is entered once per white-space
    character after it, so "a" alone (in every other word) is never a hit.
    """
    openers: dict[str, list[int]] = {}
    for table, slot in ((_PRE_CUE_OPENERS, 0), (_POST_CUE_OPENERS, 1)):
        for word, how in table.items():
            forms = [word + space for space in _SPACES] if how & _SELF_THEN_SPACE else [word]
            for form in forms:
                openers.setdefault(form, [0, 0])[slot] |= (how & ~_SELF_THEN_SPACE) | (
                    _SELF if how & _SELF_THEN_SPACE else 0
                )
    return build_automaton((form, (len(form), pre, post)) for form, (pre, post) in openers.items())


@dataclass(frozen=True)
class _CueSentence:
    """A sentence holding a cue stem and the offsets where a pre- or post-name cue may start.

    ``None`` offsets: the text defeats the lower-case search, every offset may start a cue.
    """

    start: int
    end: int
    pre_starts: list[int] | None
    post_starts: list[int] | None


def _openings(text: str, s_start: int, pos: int, how: int) -> list[int]:
    """The offsets where a word at ``pos`` (``how`` it opens a cue) may start a match."""
    out = [pos] if how & _SELF else []
    if how & _SPACE_BEFORE:
        first = pos
        while first > s_start and text[first - 1].isspace():
            first -= 1
        if first > s_start and text[first - 1] == "," and first < pos:
            first -= 1
        out.extend(range(first, pos))
    return out


def _cue_sentences(text: str, limit: int) -> list[_CueSentence]:
    """The sentences before ``limit`` that hold a cue stem (the only ones a cue can match in)."""
    head = text[:limit]
    lowered = head.lower()
    if _STEM.search(lowered) is None:
        return []
    sentences = article_sentences(text, limit)
    if len(lowered) != len(head) or _CASE_FOLD_OUTLIERS.search(head):
        return [_CueSentence(s, e, None, None) for s, e in sentences]
    # A stem is letters only, and sentences are the text less the white space between them, so a
    # stem lies inside one sentence: searching each sentence finds the sentences that hold one.
    openers = _opener_automaton()
    out = []
    for s_start, s_end in sentences:
        if _STEM.search(lowered, s_start, s_end) is None:
            continue
        pre: set[int] = set()
        post: set[int] = set()
        # ``iter`` on the sentence's own slice: pyahocorasick's ``iter(text, start, end)`` converts
        # the whole text each call (see ``iter_automaton``); inlined, as this loop is hot
        for last, (length, pre_how, post_how) in openers.iter(lowered[s_start:s_end]):
            pos = s_start + last - length + 1
            # most openers open a cue where they are written: no call, no list, for those
            if pre_how == _SELF:
                pre.add(pos)
            elif pre_how:
                pre.update(_openings(text, s_start, pos, pre_how))
            if post_how == _SELF:
                post.add(pos)
            elif post_how:
                post.update(_openings(text, s_start, pos, post_how))
        out.append(_CueSentence(s_start, s_end, sorted(pre), sorted(post)))
    return out


def _cue_matches(
    cue: re.Pattern[str], text: str, start: int, end: int, starts: list[int] | None
) -> list[re.Match[str]]:
    """``cue.finditer(text, start, end)``, trying only the offsets in ``starts`` (all when ``None``)."""
    if starts is None:
        return list(cue.finditer(text, start, end))
    out: list[re.Match[str]] = []
    pos = start
    for p in starts:
        if p < pos:
            continue
        m = cue.match(text, p, end)
        if m is not None:
            out.append(m)
            pos = m.end()
    return out


# ``_GRANT`` is case-sensitive: a sentence without one of these words holds no grant (one C-level
# search for the three, cheaper per sentence than three ``str.find`` calls in a generator).
_GRANT_WORDS = ("grant", "donation", "contribution")
_GRANT_WORD = re.compile("|".join(_GRANT_WORDS))


def extract_funders(article: Article, countries: list[CountryMention] | None = None) -> list[FundingMention]:
    """Every funder or supporter the article credits, one mention per credited name span.

    Text after the press-contact block is ignored; IOM and its programmes are never credited.
    """
    text = article.text
    limit = article_limit(text)
    registry = load_registry()
    credits: dict[tuple[int, int], tuple[_Credit, tuple[int, int]]] = {}
    all_matches: list[AliasMatch] | None = None
    starts: list[int] = []
    for sentence in _cue_sentences(text, limit):
        s_start, s_end = sentence.start, sentence.end
        found: list[_Credit] = []
        pre_cues = _cue_matches(_PRE_CUE, text, s_start, s_end, sentence.pre_starts)
        post_cues = _cue_matches(_POST_CUE, text, s_start, s_end, sentence.post_starts)
        grant = _GRANT_WORD.search(text, s_start, s_end) is not None and _GRANT.search(text, s_start, s_end)
        if not (pre_cues or post_cues or grant):
            continue
        if all_matches is None:
            all_matches = sorted(find_alias_matches(text, limit), key=lambda m: m.start)
            starts = [m.start for m in all_matches]
        # only this sentence's names: slicing keeps long articles linear, not names x cues
        matches = all_matches[bisect_left(starts, s_start) : bisect_left(starts, s_end)]
        for cue in pre_cues:
            role = "funder" if cue.group("money") else "supporter"
            found.extend(_name_list(text, cue.end(), s_end, matches, role))
        for cue in post_cues:
            money = cue.group("hmoney") or cue.group("pmoney") or cue.group("rmoney") or cue.group("amoney")
            found.extend(_credited_before(text, cue, s_start, matches, "funder" if money else "supporter"))
        if grant:
            found.extend(_grantors(text, s_start, s_end, matches, found))
        for c in found:
            if c.funder_id in NON_FUNDER_IDS or c.end <= c.start:
                continue
            key = (c.start, c.end)
            # a span credited both ways is a funder: money words are the stronger evidence
            if key not in credits or c.role == "funder":
                credits[key] = (c, (s_start, s_end))
    mentions = []
    for (start, end), (c, (s_start, s_end)) in sorted(credits.items()):
        written = text[start:end]
        funder_id = c.funder_id or _registry_id(registry, written)
        name = registry.names[funder_id] if funder_id else " ".join(written.split())
        mentions.append(
            FundingMention(
                article_id=article.article_id,
                funder_id=funder_id,
                funder_name=name,
                role=c.role,
                mention_text=written,
                char_start=start,
                char_end=end,
                sentence=text[s_start:s_end],
            )
        )
    return mentions
