"""The events extractor: specific activities an article reports as happening or about to happen.

A trigger lexicon (``event_triggers.csv``: phrase -> event type) finds the words
naming an activity; the sentence around it gives the place (countries from the
country extractor), dates (``flows.language.dates``) and participants (counts).
One event per place; repeated mentions of one activity in one place merge.
Counts and funding mentions that belong to an event get its ``event_id``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

import ahocorasick

from flows.articles.model import Article
from flows.facts.funders import article_limit, article_sentences, find_alias_matches, load_registry
from flows.facts.model import Count, CountryMention, Event, FundingMention
from flows.language.dates import DateMention, find_dates, impossible_dates
from flows.language.text import (
    build_automaton,
    finditer_at,
    literal_offsets,
    offset_fold,
    offset_safe_lower,
    trie_alternation,
)
from flows.reference import read_seed

# A plan, guide or study becomes a launch when the sentence presents or releases it.
_PRESENTED = re.compile(
    r"\b(?:launch(?:es|ed|ing)?|present(?:s|ed|ing)?|releas(?:e|es|ed|ing)|publish(?:es|ed|ing)?"
    r"|unveil(?:s|ed|ing)?|sign(?:s|ed|ing)?|adopt(?:s|ed|ing)?|approv(?:e|es|ed|ing)|introduc(?:e|es|ed|ing)"
    r"|compiles?|compiled)\b",
    re.IGNORECASE,
)
# A trigger in a statement about why activities matter is not an activity ("training is vital").
_GENERIC_AFTER = re.compile(
    r"\)?(?:\s*\([^()]{1,20}\))?\s+(?:is|are|remains?)\s+(?:\w+\s+)?(?:vital|key|important|essential|crucial|necessary|fundamental"
    r"|a\s+crime|needed|critical"
    # a definition of a tool is no activity ("the matrix is a system that IOM uses to track ...")
    r"|an?\s+(?:[\w-]+\s+){0,2}?(?:system|tool|methodology|mechanism|method|approach|instrument))\b",
    re.IGNORECASE,
)
# Where an activity happens: a place after one of these (or in a list after one) hosts it.
_LOCATIVE = re.compile(
    r"\b(?:in|at|across|throughout|within|inside|held\s+in|hold\s+in"
    r"|(?:took\s+place|takes\s+place|held|organi[sz]ed)\s+(?:jointly\s+)?between)\s+(?:the\s+)?"
    r"(?:(?:[a-z-]+\s+)?(?:city|municipality|department|province|state|region|capital)\s+of\s+)?"
    r"(?-i:[A-Z][\w'\u2019-]+(?:[ \t][A-Z][\w'\u2019-]+)?,\s*)?$",  # a town the gazetteer lacks: "in Ranong, Thailand"
    re.IGNORECASE,
)
# Between two places of one list: a comma or "and", maybe with a town the gazetteer lacks written before
# its country ("in Ranong, Thailand and Kawthaung, Myanmar").
_LIST_JOIN = re.compile(
    r"^\s*(?i:,\s*(?:and\s+)?|and\s+|&\s*|/\s*|\(\s*|\)\s*,?\s*)(?i:the\s+)?"
    r"(?:[A-Z][\w'\u2019-]+(?:[ \t][A-Z][\w'\u2019-]+)?,\s*)?$"
)
_RETURN_WORD = re.compile(r"\breturn(?:s|ed|ing|ees?)?\b", re.IGNORECASE)
# People an activity gathers are its participants ("will bring together 40 judges", "was attended by 21").
_BRING_TOGETHER = re.compile(
    r"\b(?:br(?:ing|ings|ought|inging)\s+together|gather(?:s|ed|ing)?|(?:was|were)\s+attended\s+by|convene[sd]?"
    r"|(?:meetings?|met|sessions?|workshops?|dialogues?)\s+with)"
    r"\s+(?:(?:some|about|around|over|more\s+than|nearly|almost|a\s+total\s+of)\s+)?$",
    re.IGNORECASE,
)
# A trigger naming the kind of a thing is no activity ("consultation rooms", "training method").
_MODIFIER_AFTER = re.compile(
    r"\s+(?:rooms?|methods?|methodolog(?:y|ies)|materials?|modules?|curricul(?:um|a)|facilit(?:y|ies)"
    r"|equipment|venues?|halls?|cent(?:re|er)s?|institutes?|schools?|manuals?|guides?|handbooks?)\b",
    re.IGNORECASE,
)
# A trigger that is an exercise inside a training ("participants practised interviews") is part of it.
_EXERCISE_BEFORE = re.compile(
    r"\b(?:practi[sc](?:e|es|ed|ing)|simulat(?:e|es|ed|ing)|rehears(?:e|es|ed|ing)|role-?play(?:s|ed|ing)?)"
    r"(?:\s+\w+){0,2}\s+$",
    re.IGNORECASE,
)
# Obligation and need are not reports of an activity ("one must study ...", "help is needed to ...").
_DEONTIC_BEFORE = re.compile(
    r"\b(?:must|should|ought\s+to|needs?\s+to|(?:is|are)\s+(?:also\s+)?needed)\b[^.;:]*$", re.IGNORECASE
)
_IN_NEED_BEFORE = re.compile(r"\bin\s+(?:urgent\s+)?need\s+of\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
# Interviews, assessments or investigations inside a simulation or role play are exercises of a training.
_EXERCISE_WORD = re.compile(r"\b(?:simulations?|simulated|role-?plays?|mock|exercises?)\b", re.IGNORECASE)
# A visit is an event of its own when a dignitary pays it ("the Ambassador visited the shelter"); staff
# visiting places to find things out are surveying them; other visits are neither.
_VISIT_TRIGGERS = frozenset({"visited"})
_DIGNITARY_BEFORE = re.compile(
    r"\b(?:chancellor|president|prime\s+minister|minister|ambassador|secretary|director[\s-]general|king|queen"
    r"|prince|princess|governor|mayor|commissioner|envoy|delegation|rapporteur|first\s+lady|ministers"
    r"|ambassadors|deputy)\b",
    re.IGNORECASE,
)
_INQUIRY_AFTER = re.compile(
    r"[^.;]{0,80}?\bto\s+(?:identify|assess|evaluate|gather|collect|map|monitor)\b", re.IGNORECASE
)
# Returns that only say people went home: events when helped or dated (see extract_events).
_PLAIN_RETURNS = frozenset({"return home", "returned home"})
_HELPED_BEFORE = re.compile(
    r"\b(?:help(?:s|ed|ing)?|assist(?:s|ed|ing)?|support(?:s|ed|ing)?|facilitat(?:e|es|ed|ing)|enabl(?:e|es|ed|ing))"
    r"\b(?:\s+[\w()-]+){0,4}?\s+(?:to\s+)?$",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[,;:()]")
_RESIDED_BEFORE = re.compile(
    r"\b(?:living|lived|residing|resided|staying|stayed|stranded|settled)\b[^,;:()]{0,40}\bin\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_ALSO_HELD = re.compile(
    r"\balso\s+(?:(?:be|been|being)\s+)?(?:held|take\s+place|took\s+place|organi[sz]ed|conducted|run|carried\s+out"
    r"|delivered|implemented|offered)\s+in\s+(?:the\s+)?[^.;]{0,30}$",
    re.IGNORECASE,
)
_IN_THE_MAKING = re.compile(
    r"\b(?:creation|creating|development|developing|drafting|design|designing|preparation|preparing|elaboration)"
    r"\s+of\s+(?:the\s+|a\s+|an\s+|its\s+)?(?:[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)
_STANDING_SERVICES = frozenset({"transit centre", "transit centres", "transit center", "transit centers"})
_MET_TRIGGERS = frozenset({"met", "met with"})
# A capitalised trigger followed by more capitalised words and an institution's head noun is part of
# the institution's name ("Refugee Relief and Repatriation Commissioner"), registry or not.
_NAME_TAIL = re.compile(
    r"(?:(?:[ \t]+\n?|\n)[ \t]*(?:(?:and|of|for|on|the|&)(?:[ \t]+\n?|\n)[ \t]*)?[A-Z][\w'-]*)*?"
    r"(?:[ \t]+\n?|\n)[ \t]*(?:(?:and|of|for)(?:[ \t]+\n?|\n)[ \t]*)?"
    r"(?:Commission(?:er)?|Ministry|Office|Directorate|Committee|Council|Agency|Department|Institute"
    r"|Secretariat|Unit|Bureau|Authority|Board|Service|Division)\b"
)
_SEAT_BEFORE = re.compile(
    r"(?:\bby\s+(?:[\w'\u2019]+\s+){0,3}(?:office|offices|headquarters|embassy|consulate)|\bheadquartered|\bbased)"
    r"\s+(?:in|at)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# An assistance verb right after another activity's word says how that activity went ("the course was
# delivered"), not that aid was given.
_PURPOSE_BETWEEN = re.compile(
    r"\b(?:to|for)\s+(?:[\w-]+\s+){0,3}?(?:provide|deliver|offer|improve|strengthen|optimi[sz]e|increase|enhance"
    r"|ensure|facilitate|support|conduct|carry\s+out)\b[^,;.]*$",
    re.IGNORECASE,
)
_DESCRIBES_BEFORE = re.compile(r"^\s+(?:\w+\s+){0,2}$")
# An incident's gerund after a preposition or "while" is a verb of striving against something ("aimed at
# fighting trafficking", "while fighting the exploitation"), not fighting that struck people.
_VERB_USE_BEFORE = re.compile(r"\b(?:at|while|in|for|of|on|by|to|towards|when|and|or|also)\s+$", re.IGNORECASE)
# A country name that opens an organisation's name: capitalised words up to the organisation's head noun.
_ORG_AFTER = re.compile(
    r"(?:[ \t]+[A-Z][\w'-]*){0,3}?[ \t]+(?:Fund|Agency|Foundation|Embassy|Ministry|Red\s+(?:Cross|Crescent)"
    r"|Cooperation|Development\s+Bank|Government)\b"
)
# A sentence whose subject is a programme or its money lists what the programme does: the trainings and
# assessments named there are parts of that one programme ("the project will provide shelter ... and
# vocational training"; "activities to be implemented include rapid assessments").
_PROGRAMME_SUBJECT = re.compile(
    r"(?:^\W*|\b(?:the|this|these|its|IOM['\u2019]s)\s+)(?:[\w-]+\s+){0,3}?"
    r"(?:project|projects|programme|programmes|program|programs|money|funding|funds|contribution|grant|activities"
    r"|(?P<campaign>campaigns?))"
    r"\s+(?:to\s+be\s+implemented\s+)?(?:will\s+|would\s+)?(?:also\s+)?"
    r"(?:provides?|provided|involves?|involved|includes?|included|go(?:es)?\s+towards|went\s+towards|supports?"
    r"|supported|covers?|covered|finances?|financed|funds?|funded)\b(?!\s+(?:by|through|under)\b)",
    re.IGNORECASE,
)
_SUBJECT_REACH = 120  # characters from a sentence's start searched for its programme subject
# (a programme subject names one of these: where none is written, the pattern is not run)
_PROGRAMME_NEEDS = ("project", "program", "money", "fund", "contribution", "grant", "activities", "campaign")
_PROGRAMME_PART_TYPES = frozenset({"training", "survey", "assistance"})
_PEOPLE_CLAUSE_BEFORE = re.compile(r"\bwho(?:m|se)?\b[^,;:()]*$", re.IGNORECASE)
_CITY_KINDS = frozenset({"capital", "city", "town", "municipality"})
_EVENT_PLACE_KINDS = frozenset({"name", "variant", "abbreviation", "place"})


@dataclass(frozen=True)
class Trigger:
    """A lexicon entry: ``event_type`` by default, ``presented_type`` when presented/released."""

    phrase: str
    event_type: str | None
    presented_type: str | None


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern[str], dict[str, Trigger]]:
    """One compiled pattern of every trigger and the entries by lower-case phrase.

    The pattern matches the longest trigger written at a place (with no word character or hyphen
    either side). It is a trie of the phrases, words joined by any white space: as the flat
    alternation longest first that it replaces, it tries the longer phrases before their prefixes,
    and no two phrases match the same text (they are lower case, single-spaced and ASCII), but a
    match tries each character once, not each phrase.
    """
    entries: dict[str, Trigger] = {}
    for phrase, event_type, presented in read_seed("event_triggers").iter_rows():
        key = " ".join(phrase.lower().split())
        entries[key] = Trigger(key, event_type or None, presented or None)
    alternation = trie_alternation(list(entries), space=r"\s+")
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE), entries


_NO_TRIGGER = Trigger("", None, None)

# Activities named by grammar rather than by a word of the lexicon: a service place opened, set up or
# rebuilt ("established seven legal counselling centres", "the opening of the information hub") and a
# project whose purpose is to help people ("launched a project to support displaced families") are assistance.
_FACILITY = re.compile(
    r"\b(?:open(?:s|ed|ing)?|inaugurat(?:e|es|ed|ing|ion)|establish(?:es|ed|ing|ment)?|set(?:s|ting)?\s+up"
    r"|rebuil(?:d|ds|t|ding)|rehabilitat(?:e|es|ed|ing|ion)|construct(?:s|ed|ing|ion)?|buil(?:d|ds|t|ding))\b"
    r"(?:\s+(?:of\s+)?[\w'\u2019-]+){0,6}?\s+"
    r"(?P<t>(?:cent(?:re|er)s?|hubs?|shelters?|counters?|desks?|clinics?|safe\s+houses?|water\s+systems?)\b)",
    re.IGNORECASE,
)
_AID_PROJECT = re.compile(
    r"\b(?P<t>projects?|programmes?|programs?)\s+(?:that\s+|which\s+)?(?:will\s+)?(?:aims?\s+)?to\s+"
    r"(?:support|assist|help|aid|provide|deliver|rebuild|rehabilitate|shelter|feed)\b",
    re.IGNORECASE,
)
# A walk or march against a harm is an awareness event; taking up a rotating chair is an event of its own.
_AWARENESS_WALK = re.compile(r"\b(?P<t>walks?|marche?s?|runs?|races?)\s+against\b", re.IGNORECASE)
_CHAIR_TAKEN = re.compile(
    r"\b(?:assum(?:e|es|ed|ing)|tak(?:e|es|ing)\s+over|took\s+over|hand(?:s|ed)?\s+over)\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?P<t>presidency|chair(?:manship)?)\b",
    re.IGNORECASE,
)
# Each with the literals (lower case) one of which every match starts with: matches are tried only there.
_GRAMMAR_TRIGGERS = (
    (
        _FACILITY,
        Trigger("service place", "assistance", None),
        ("open", "inaugurat", "establish", "set", "rebuil", "rehabilitat", "construct", "buil"),
    ),
    (_AID_PROJECT, Trigger("aid project", "assistance", None), ("project", "program")),
    (_AWARENESS_WALK, Trigger("awareness walk", "campaign", None), ("walk", "march", "run", "race")),
    (_CHAIR_TAKEN, Trigger("chair taken", "other", None), ("assum", "tak", "took", "hand")),
)


@dataclass(frozen=True)
class _Span:
    """A trigger found by grammar: the span of its word(s), with the ``re.Match`` methods the walk uses."""

    text: str
    begin: int
    finish: int
    trigger: Trigger

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish

    def span(self) -> tuple[int, int]:
        return self.begin, self.finish

    def group(self, _: int = 0) -> str:
        return self.text[self.begin : self.finish]


def _with_grammar_triggers(
    text: str, limit: int, sentences: tuple[tuple[int, int], ...], in_sentence: list[list], lowered: str | None
) -> None:
    """Add the triggers :data:`_GRAMMAR_TRIGGERS` find to each sentence's (sorted) trigger list, where no
    lexicon trigger already covers them.

    ``lowered``: :func:`offset_fold` of ``text[:limit]`` (``None``: every offset is tried).
    """
    sent_starts = [a for a, _ in sentences]
    for pattern, trig, literals in _GRAMMAR_TRIGGERS:
        if lowered is None:
            matches: Iterable[re.Match[str]] = pattern.finditer(text, 0, limit)
        else:
            matches = finditer_at(pattern, text, literal_offsets(lowered, literals, limit), limit)
        for g in matches:
            a, b = g.span("t")
            k = bisect_right(sent_starts, a) - 1
            if k < 0 or b > sentences[k][1]:
                continue
            ms = in_sentence[k]
            if any(m.start() < b and a < m.end() for m in ms):
                continue
            ms.append(_Span(text, a, b, trig))
            ms.sort(key=lambda m: m.start())


def _key(m: re.Match[str]) -> str:
    """A trigger match as its lexicon key: lower case, single spaces."""
    return " ".join(m.group(0).lower().split())


# Words that may join two registry names into one ("Bureau ... of the Department of State").
_NAME_JOINERS = frozenset({"of", "the", "at", "s"})


@lru_cache(maxsize=1)
def _org_triggers() -> frozenset[str]:
    """Trigger phrases that could lie inside a registry name ("conference" in "Regional Conference on ...").

    A phrase qualifies when one of its words is written inside some name, or joins two names.
    """
    names = load_registry().keys
    return frozenset(
        phrase
        for phrase in _lexicon()[1]
        if any(word in _NAME_JOINERS or any(word in name for name in names) for word in phrase.split())
    )


_UNSET: Any = object()


@lru_cache(maxsize=1)
def _first_words() -> ahocorasick.Automaton:
    """The first word of every trigger phrase, lower case: a trigger can only start where one does."""
    first = {phrase.split()[0] for phrase in _lexicon()[1]}
    return build_automaton((word, len(word)) for word in first)


def _trigger_starts(text: str, limit: int, lowered: str | None = _UNSET) -> list[int] | None:
    """Sorted offsets before ``limit`` where a trigger may start; ``None`` when every offset may.

    ``lowered``, when given, is ``offset_fold(text[:limit])`` (or its safe lower case).
    """
    if lowered is _UNSET:
        lowered = offset_safe_lower(text[:limit])
    if lowered is None:
        return None
    return sorted({end - length + 1 for end, length in _first_words().iter(lowered)})


def _trigger_matches(text: str, start: int, end: int, starts: list[int] | None) -> list[re.Match[str]]:
    """``_lexicon()[0].finditer(text, start, end)``, trying only the offsets in ``starts``."""
    pattern = _lexicon()[0]
    if starts is None:
        return list(pattern.finditer(text, start, end))
    out: list[re.Match[str]] = []
    pos = start
    for p in starts[bisect_left(starts, start) : bisect_left(starts, end)]:
        if p < pos:
            continue
        m = pattern.match(text, p, end)
        if m is not None:
            out.append(m)
            pos = m.end()
    return out


def _sentence_trigger_matches(
    text: str, sentences: tuple[tuple[int, int], ...], starts: list[int] | None
) -> list[list[re.Match[str]]]:
    """``_trigger_matches`` of every sentence, in one walk over the trigger starts."""
    if starts is None:
        return [_trigger_matches(text, s, e, None) for s, e in sentences]
    pattern = _lexicon()[0]
    out: list[list[re.Match[str]]] = [[] for _ in sentences]
    k = 0  # the sentence the next start may lie in
    pos = 0  # where the current sentence's scan goes on
    n = len(sentences)
    for p in starts:
        while k < n and sentences[k][1] <= p:
            k += 1
            if k < n:
                pos = sentences[k][0]
        if k == n:
            break
        s, e = sentences[k]
        if p < s or p < pos:
            continue
        m = pattern.match(text, p, e)
        if m is not None:
            out[k].append(m)
            pos = m.end()
    return out


@dataclass
class _Found:
    event: Event
    sent: tuple[int, int]
    explicit_place: bool


def _event_places(
    text: str,
    sent: tuple[int, int],
    countries: list[CountryMention],
    candidates: tuple[list[CountryMention], list[int]] | None = None,
) -> list[CountryMention]:
    """Country mentions in the sentence that may say where something happens ("in X", "at X", or listed
    after a mention). :func:`_activity_places` then keeps those that do.

    ``candidates``, when given, is ``_place_candidates(countries)``, computed once per article.
    """
    cands, cand_starts = candidates if candidates is not None else _place_candidates(countries)
    inside = cands[bisect_left(cand_starts, sent[0]) : bisect_left(cand_starts, sent[1])]
    places: list[CountryMention] = []
    prev_end: int | None = None
    for c in inside:
        before = text[max(sent[0], c.char_start - 60) : c.char_start]
        # an office, headquarters or base located somewhere says where an organisation sits, not where
        # the activity happens ("designed by the regional office in San José")
        is_place = bool(_LOCATIVE.search(before)) and not _SEAT_BEFORE.search(before)
        if not is_place and places and prev_end is not None:
            is_place = bool(_LIST_JOIN.match(text[prev_end : c.char_start]))
        if is_place:
            places.append(c)
        prev_end = c.char_end
    return places


def _activity_places(
    text: str,
    sent: tuple[int, int],
    found: list[CountryMention],
    candidates: tuple[list[CountryMention], list[int]],
) -> list[CountryMention]:
    """The mentions of :func:`_event_places` that name where the activity happens.

    Left out: a country opening an organisation's name ("Qatar Fund for Development"); where described
    people live or work ("officials who work with migrants in Colombia"); and a list member whose mention
    before it is not kept, since a list goes on naming places only from a place ("a workshop in Guatemala
    for officials from Honduras, El Salvador and Mexico").
    """
    if not found:
        return found
    cands, cand_starts = candidates
    first = bisect_left(cand_starts, sent[0])
    kept: list[CountryMention] = []
    kept_ids: set[int] = set()
    for p in found:
        if _ORG_AFTER.match(text, p.char_end, sent[1]):
            continue
        before = text[max(sent[0], p.char_start - 60) : p.char_start]
        if _LOCATIVE.search(before) and not _SEAT_BEFORE.search(before):
            if _PEOPLE_CLAUSE_BEFORE.search(before):
                continue
        else:
            k = bisect_left(cand_starts, p.char_start)
            while cands[k] is not p:
                k += 1
            if k == first or id(cands[k - 1]) not in kept_ids:
                continue
        kept.append(p)
        kept_ids.add(id(p))
    return kept


# A cause named without "the" or a date ("ravaged by conflict", "due to ... a series of attacks").
_CAUSE_BEFORE = re.compile(
    r"\b(?:by|due\s+to|because\s+of|owing\s+to)\s+(?:(?!(?:the|this|that)\b)[^\W\d]+[\s-]+){0,10}$", re.IGNORECASE
)
_PLACE_AFTER = re.compile(r"[^.;]*?\b(?:in|at|across)\s+(?:the\s+)?[A-Z]")
_DEFINITE_BEFORE = re.compile(r"\b(?:the|this|that|these|those)\s+$", re.IGNORECASE)
_RIGHT_AFTER = re.compile(r"\s+(?:in|at|on|across|throughout)\s+(?:the\s+)?$", re.IGNORECASE)


def _bound_places(
    text: str, places: list[CountryMention], triggers: list[re.Match[str]], k: int
) -> list[CountryMention]:
    """The places of the sentence that say where trigger ``k`` happens.

    A place written right after a trigger ("the war in Ukraine", "a meeting in Panama"), or listed after
    such a place, belongs to that trigger (and those of its type) alone: a trigger with places of its
    own keeps just those, the others keep the places no trigger holds.
    """
    if len(triggers) < 2 or not places:
        return places
    owner: list[int | None] = []
    for n, p in enumerate(places):
        held: int | None = None
        for j, t in enumerate(triggers):
            if t.end() <= p.char_start and _RIGHT_AFTER.fullmatch(text, t.end(), p.char_start):
                held = j
        if held is None and n and owner[-1] is not None:
            if _LIST_JOIN.match(text[places[n - 1].char_end : p.char_start]):
                held = owner[-1]
        owner.append(held)
    # triggers of one type name one activity ("distributed kits in X"): they hold their places together
    kind = _trigger_type(triggers[k])
    mine = {j for j, t in enumerate(triggers) if j == k or _trigger_type(t) == kind}
    own = [p for p, o in zip(places, owner, strict=True) if o in mine]
    return own or [p for p, o in zip(places, owner, strict=True) if o is None]


def _place_candidates(countries: list[CountryMention]) -> tuple[list[CountryMention], list[int]]:
    """The mentions that can name an event's place, by start (ties in ``countries`` order), and their starts."""
    cands = sorted((c for c in countries if c.match_kind in _EVENT_PLACE_KINDS), key=lambda c: c.char_start)
    return cands, [c.char_start for c in cands]


def _not_an_activity(text: str, sent: tuple[int, int], m: re.Match[str], lowered: str | None = None) -> bool:
    """Whether the trigger word is used for something other than an activity: a modifier of a thing,
    an exercise practised in a training, or a word of an institution's name.

    ``lowered``, when given, is ``offset_fold`` of the text up to the sentence's end at least:
    a pattern is searched only where one of the words it needs is written (:func:`_written`).
    """
    start, end = m.span()
    if _MODIFIER_AFTER.match(text, end, sent[1]):
        return True
    a = max(sent[0], start - 40)
    if _written(lowered, _EXERCISE_NEEDS, a, start) and _EXERCISE_BEFORE.search(text[a:start]):
        return True
    a = max(sent[0], start - 200)
    if _written(lowered, _DEONTIC_NEEDS, a, start) and _DEONTIC_BEFORE.search(text[a:start]):
        return True
    a = max(sent[0], start - 40)
    if _written(lowered, ("need",), a, start) and _IN_NEED_BEFORE.search(text, a, start):
        return True  # "people in need of food assistance" names a need, not help given
    if _not_reported(text, sent, m, lowered):
        return True
    return m.group(0)[:1].isupper() and bool(_NAME_TAIL.match(text, end, min(sent[1], end + 80)))


# A word each pattern's every match holds (lower case): where none is written, the pattern is not run.
_EXERCISE_NEEDS = ("practi", "simulat", "rehears", "role")
_DEONTIC_NEEDS = ("must", "should", "ought", "need")
_POSSIBLE_NEEDS = ("future", "potential", "possible", "eventual", "hypothetical", "could", "might", "may", "able")
_PLANNED_AS_NEEDS = ("planned", "conceived", "intended")
_CALLED_OFF_NEEDS = ("cancel", "called", "suspended")
_GENERIC_MISSION_NEEDS = ("works", "committed", "dedicated", "mandate", "mission", "leading")


def _written(lowered: str | None, words: tuple[str, ...], start: int, end: int) -> bool:
    """Whether one of ``words`` is written whole inside ``lowered[start:end]`` (``True`` when ``lowered``
    is ``None``: unknown)."""
    if lowered is None:
        return True
    for word in words:
        if lowered.find(word, start, end) >= 0:
            return True
    return False


def _not_reported(text: str, sent: tuple[int, int], m: re.Match[str], lowered: str | None = None) -> bool:
    """Whether the sentence speaks of the activity without reporting it as happening: as a mere
    possibility ("future trainings", "could be used in workshops", "will be able to receive training"),
    as called off ("the workshop was cancelled"), as what it was planned to be ("initially planned as a
    workshop"), or in a statement of what an organisation does in general ("IOM works to provide
    humanitarian assistance ...")."""
    start, end = m.span()
    a = max(sent[0], start - _MODAL_REACH)
    possible = _written(lowered, _POSSIBLE_NEEDS, a, start)
    planned = _written(lowered, _PLANNED_AS_NEEDS, a, start)
    if possible or planned:
        before = text[a:start]
        if (possible and _POSSIBLE_BEFORE.search(before)) or (planned and _PLANNED_AS_BEFORE.search(before)):
            return True
    if _written(lowered, _CALLED_OFF_NEEDS, end, sent[1]) and _CALLED_OFF_AFTER.match(text, end, sent[1]):
        return True
    stop = min(sent[1], start)
    return _written(lowered, _GENERIC_MISSION_NEEDS, sent[0], stop) and bool(
        _GENERIC_MISSION.match(text, sent[0], stop)
    )


_MODAL_REACH = 60  # characters before a trigger searched for a modal of its own clause
_POSSIBLE_BEFORE = re.compile(
    r"(?:\b(?i:future|potential|possible|eventual|hypothetical)\s+(?:[\w-]+\s+)?"
    r"|\b(?:(?i:could|might)|may)\b[^,;:.()]*|\b(?i:be\s+able\s+to)\b[^,;:.()]*)$"
)
_PLANNED_AS_BEFORE = re.compile(
    r"\b(?:initially|originally|first)\s+(?:planned|conceived|intended)\s+as\b[^,;]*$", re.I
)
_CALLED_OFF_AFTER = re.compile(
    r"[^,;.]{0,60}?\b(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:cancel(?:l)?ed|called\s+off|suspended)\b",
    re.IGNORECASE,
)
# An organisation's standing mission, said in the habitual present at the start of a sentence.
_GENERIC_MISSION = re.compile(
    r"\W*(?:[\w()'\u2019.,-]+\s+){0,8}?(?:works\s+to|is\s+(?:committed|dedicated)\s+to|mandate\s+(?:includes|is)"
    r"|mission\s+is|is\s+the\s+leading)\b",
    re.IGNORECASE,
)


def _city_for(place: CountryMention, places: list[CountryMention]) -> str | None:
    """The city named for an event in ``place``'s country, if one is."""
    for c in places:
        if c.country_iso3 == place.country_iso3 and c.match_kind == "place" and c.place_kind in _CITY_KINDS:
            return c.mention_text
    return None


def _anchor(article: Article) -> date | None:
    """What year-less dates resolve against: the published date, else the article's latest explicit year."""
    if article.published_date is not None:
        return article.published_date
    years = [
        m.start.year
        for m in find_dates(article.text[: article_limit(article.text)], None)
        if m.start is not None and m.precision in ("year", "month", "day")
    ]
    return date(max(years), 12, 31) if years else None


_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}


def _participants(
    text: str,
    counts: list[Count],
    sent: tuple[int, int],
    next_sent: tuple[int, int] | None,
    counts_in: Callable[[tuple[int, int]], list[Count]] | None = None,
) -> float | None:
    """People taking part: a participants count in the sentence, else the number after "bring together".

    ``counts_in``, when given, lists the counts in a sentence (in ``counts`` order), e.g. memoised.
    """
    if counts_in is None:

        def counts_in(span: tuple[int, int]) -> list[Count]:
            return [c for c in counts if span[0] <= c.char_start < span[1]]

    in_sent = counts_in(sent)
    for c in in_sent:
        if c.unit == "persons" and c.category == "participants":
            return c.value
    for c in in_sent:
        if c.unit == "persons" and _BRING_TOGETHER.search(text[max(sent[0], c.char_start - 40) : c.char_start]):
            return c.value
    if next_sent is not None:
        for c in counts_in(next_sent):
            if c.unit == "persons" and (
                c.category == "participants"
                or _BRING_TOGETHER.search(text[max(next_sent[0], c.char_start - 40) : c.char_start])
            ):
                return c.value
    return None


_PRESENT_WINDOW = 80  # characters either side of a presented-only trigger searched for the verb


def _presented_near(text: str, sent: tuple[int, int], m: re.Match[str]) -> bool:
    """Whether a presenting or releasing verb stands near the trigger, within its sentence."""
    return bool(
        _PRESENTED.search(text, max(sent[0], m.start() - _PRESENT_WINDOW), min(sent[1], m.end() + _PRESENT_WINDOW))
    )


def _type_of(trigger: Trigger, presented: bool) -> str | None:
    """The trigger's type in a sentence that does (``presented``) or does not present or release something."""
    if trigger.presented_type and presented:
        return trigger.presented_type
    return trigger.event_type


def _article_dates(article: Article, limit: int) -> list[DateMention]:
    """The dates in the article before ``limit`` that can date an activity, left to right."""
    # the page's own date line (between title and body) dates the page, not an activity
    found = [
        d
        for d in find_dates(article.text[:limit], _anchor(article))
        if not article.title_end <= d.char_start < article.body_start
    ]
    if article.published_date is None:
        # with no page date, nothing says when "yesterday" or "this week" was (the article's latest year
        # stands in for "this year", not for a day)
        found = [d for d in found if not _RELATIVE_ONLY.fullmatch(article.text, d.char_start, d.char_end)]
    return found


_RELATIVE_ONLY = re.compile(r"(?i:[^\d]*\b(?:today|yesterday|tomorrow|week|month)\b[^\d]*)")


def _dated_in(dates: list[DateMention], starts: list[int], sent: tuple[int, int]) -> list[DateMention]:
    """The resolved dates starting in the sentence, left to right (``starts``: the dates' sorted starts)."""
    return [d for d in dates[bisect_left(starts, sent[0]) : bisect_left(starts, sent[1])] if d.start is not None]


def _nearest_precise(inside: list[DateMention], trigger_start: int) -> DateMention | None:
    """The most precise of a sentence's resolved dates ``inside`` ("on the 31st of January ... for the year
    2018"), the one nearest the trigger among equals; ``None`` when there is none."""
    if not inside:
        return None
    if len(inside) == 1:
        return inside[0]
    return min(inside, key=lambda d: (_PRECISION_RANK[d.precision], abs(d.char_start - trigger_start)))


def _clause_date(text: str, inside: list[DateMention], m: re.Match[str]) -> DateMention | None:
    """:func:`_nearest_precise` of the sentence's dates, leaving out a date after the trigger that a comma
    or semicolon sets off from it: that date opens the next clause and dates its activity ("... with
    voluntary return in 2015, and between January and August 2016, IOM assisted ...")."""
    if len(inside) > 1:
        own = [d for d in inside if d.char_start < m.end() or not _CLAUSE_GAP.search(text, m.end(), d.char_start)]
        if own:
            return _nearest_precise(own, m.start())
    return _nearest_precise(inside, m.start())


_CLAUSE_GAP = re.compile(r"[,;]\s|\s[\u2013\u2014-]\s")


@lru_cache(maxsize=4096)
def _trigger_of(written: str) -> Trigger | None:
    """The lexicon entry of a trigger as written (any case or spacing), if any."""
    return _lexicon()[1].get(" ".join(written.lower().split()))


def _inside_any(spans: list[tuple[int, int]], reach: list[int], start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies inside one of ``spans`` (sorted by start; ``reach[k]``: the
    furthest end among ``spans[: k + 1]``)."""
    k = bisect_right(spans, (start, _FAR)) - 1
    return k >= 0 and reach[k] >= end


_FAR = 1 << 62


def extract_events(
    article: Article,
    countries: list[CountryMention],
    counts: list[Count],
    funders: list[FundingMention],
) -> list[Event]:
    """The article's events, one per activity and place, with dates, place and participants.

    Sets ``event_id`` on the counts and funding mentions that belong to an event.
    """
    text = article.text
    limit = article_limit(text)
    sentences = article_sentences(text, limit)
    # where the trigger patterns may match (all ASCII words, matched case-insensitively on ``text``)
    lowered = offset_fold(text[:limit])
    starts = _trigger_starts(text, limit, lowered)
    in_sentence: list[list] = _sentence_trigger_matches(text, sentences, starts)
    _with_grammar_triggers(text, limit, sentences, in_sentence, lowered)
    if not any(in_sentence):
        _link([], [], counts, funders)
        return []
    # the article's dates and their starts, found when the first event needs them
    dates: list[DateMention] | None = None
    date_starts: list[int] = []
    default_country = article.dateline_country_iso3 or article.primary_country_iso3
    # a trigger word inside an organisation's name ("Regional Conference on Migration") names no event;
    # only triggers written inside some registry name can be, so the names are looked up only then
    org_spans = (
        sorted((m.start, m.end) for m in find_alias_matches(text, limit))
        if not _org_triggers().isdisjoint(_key(m) for ms in in_sentence for m in ms)
        else []
    )
    org_reach: list[int] = []
    for _, b in org_spans:
        org_reach.append(max(b, org_reach[-1]) if org_reach else b)
    has_return: bool | None = None  # does the article report a return programme? (asked when needed)
    candidates = _place_candidates(countries)
    places_by_sentence: dict[tuple[int, int], list[CountryMention]] = {}
    # each count in the sentence holding it, in ``counts`` order (sentences are sorted and disjoint)
    sent_starts = [s for s, _ in sentences]
    counts_by_sentence: dict[tuple[int, int], list[Count]] = {}
    for c in counts:
        k = bisect_right(sent_starts, c.char_start) - 1
        if k >= 0 and c.char_start < sentences[k][1]:
            counts_by_sentence.setdefault(sentences[k], []).append(c)

    def counts_in(sent: tuple[int, int]) -> list[Count]:
        return counts_by_sentence.get(sent, [])

    def places_in(sent: tuple[int, int]) -> list[CountryMention]:
        if sent not in places_by_sentence:
            found_here = _event_places(text, sent, countries, candidates)
            places_by_sentence[sent] = _activity_places(text, sent, found_here, candidates)
        return places_by_sentence[sent]

    found: list[_Found] = []
    # trigger keys named as parts of a programme (see _PROGRAMME_SUBJECT), and the programme's type
    programme_parts: dict[str, str] = {}
    presented_keys: set[str] = set()  # triggers presented or released in the article ("launched the course")
    for i, sent in enumerate(sentences):
        if not in_sentence[i]:
            continue
        nxt = sentences[i + 1] if i + 1 < len(sentences) else None
        places = places_in(sent)
        borrowed = False  # are the places the next sentence's ("... a workshop. It was held in Panama.")?
        if not places and nxt is not None:
            places = places_in(nxt)
            borrowed = bool(places)
        sentence_places = places
        # worked out once per sentence, when its first event needs them
        countries_here: list[str] = []
        cities: list[str | None] = []
        participants: float | None = None
        dated: list[DateMention] | None = None
        presented: bool | None = None  # does the sentence present or release something? (asked once)
        return_here: bool | None = None  # does the sentence have a return word? (asked once)
        visit_here = False  # has the sentence reported a visit before the current trigger?
        programme_end: int | None = None  # where a programme subject's verb ends (-1: none; asked once)
        programme_type = "assistance"
        prev_trigger: int | None = None  # where the sentence's last kept trigger ends, and its type
        prev_type: str | None = None
        for k, m in enumerate(in_sentence[i]):
            trig = _entry(m)
            m_start, m_end = m.span()
            if trig is None or _GENERIC_AFTER.match(text, m_end, sent[1]):
                continue
            # the title is a line of its own: a name does not run on from it into the body
            if _not_an_activity(
                text, (sent[0], article.title_end if m_start < article.title_end else sent[1]), m, lowered
            ):
                continue
            if org_spans and _inside_any(org_spans, org_reach, m_start, m_end):
                continue
            if trig.presented_type and trig.event_type is None:
                # a thing that is only an event when presented ("results") needs the verb close by
                event_type = _type_of(trig, _presented_near(text, sent, m))
            else:
                if trig.presented_type and presented is None:
                    presented = bool(_PRESENTED.search(text, sent[0], sent[1]))
                event_type = _type_of(trig, bool(presented))
            key = _key(m)
            if trig.presented_type and trig.event_type:
                if event_type == trig.presented_type:
                    presented_keys.add(key.rstrip("s"))
                elif key.rstrip("s") in presented_keys:
                    # the course launched earlier, named again ("the course is free"), is that launch
                    event_type = trig.presented_type
            if event_type is None:
                continue
            if key in _VISIT_TRIGGERS:
                if _INQUIRY_AFTER.match(text, m_end, sent[1]):
                    event_type = "survey"
                elif not _DIGNITARY_BEFORE.search(text, max(sent[0], m_start - 120), m_start):
                    continue
                visit_here = True
            elif key in _MET_TRIGGERS and visit_here:
                continue  # meeting people during a visit is part of the visit
            if k + 1 < len(in_sentence[i]) and not text[m_end : in_sentence[i][k + 1].start()].strip():
                # a trigger written right before another one qualifies it ("an assisted return programme")
                if event_type == "assistance" and _trigger_type(in_sentence[i][k + 1]) not in (None, "assistance"):
                    continue
            if event_type == "assistance" and k + 1 < len(in_sentence[i]):
                # help whose object runs on into a return ("assisted 500 migrants to voluntarily return")
                # is that return
                nxt_m = in_sentence[i][k + 1]
                if _trigger_type(nxt_m) == "return" and not _CLAUSE_BREAK.search(text, m_end, nxt_m.start()):
                    continue
            if key in _PLAIN_RETURNS and not _HELPED_BEFORE.search(text, max(sent[0], m_start - 40), m_start):
                # people going home is an event when someone helps them to, or when the text says when
                if dates is None:
                    dates = _article_dates(article, limit)
                    date_starts = [d.char_start for d in dates]
                if not _dated_in(dates, date_starts, sent):
                    continue
            if event_type == "launch" and _IN_THE_MAKING.search(text, max(sent[0], m_start - 60), m_start):
                continue  # a plan still being drawn up ("for the creation of the National Action Plan") is not out
            if event_type == "survey" and _EXERCISE_WORD.search(text, max(sent[0], m_start - 200), m_start):
                continue
            if event_type == "incident" and m.group(0).lower().endswith("ing"):
                if _VERB_USE_BEFORE.search(text, max(sent[0], m_start - 12), m_start):
                    continue
            if event_type == "assistance" and prev_trigger is not None and prev_type not in (None, "assistance"):
                if _DESCRIBES_BEFORE.match(text[prev_trigger:m_start]):
                    continue
            if prev_type is not None and prev_type != event_type and prev_trigger is not None:
                # what another activity is for is part of it ("received training to help them provide
                # assistance", "a workshop to improve data collection")
                if _PURPOSE_BETWEEN.search(text, prev_trigger, m_start):
                    continue
            if event_type in _PROGRAMME_PART_TYPES:
                if programme_end is None:
                    reach = min(sent[1], sent[0] + _SUBJECT_REACH)
                    head = (
                        _PROGRAMME_SUBJECT.search(text[sent[0] : reach])
                        if _written(lowered, _PROGRAMME_NEEDS, sent[0], reach)
                        else None
                    )
                    programme_end = sent[0] + head.end() if head else -1
                    # a campaign's parts are the campaign; any other programme's are the help it gives
                    programme_type = "campaign" if head and head.group("campaign") else "assistance"
                part = _key(m).rstrip("s")
                if 0 <= programme_end <= m_start and event_type != programme_type:
                    programme_parts.setdefault(part, programme_type)
                if part in programme_parts:
                    # named again later ("the community assessment will map ..."), still that part
                    event_type = programme_parts[part]
            prev_trigger, prev_type = m_end, event_type
            if event_type == "assistance":
                if return_here is None:
                    # a return word naming a return operation of its own ("assisted voluntary return") is
                    # that operation, and says nothing of the other help reported beside it
                    own = [(t.start(), t.end()) for t in in_sentence[i] if _trigger_type(t) == "return"]
                    return_here = any(
                        not any(a <= w.start() < b for a, b in own)
                        for w in _RETURN_WORD.finditer(text, sent[0], sent[1])
                    )
                # only a sentence with a return word asks whether the article has a return programme
                if return_here and has_return is None:
                    has_return = bool(_RETURN_WORD.search(text, 0, limit)) and any(
                        _trigger_type(t) == "return" and _key(t) not in _PLAIN_RETURNS
                        for t in _trigger_matches(text, 0, limit, starts)
                    )
                if return_here and has_return and key not in _STANDING_SERVICES:
                    # kits, transport, reintegration help given within a return programme are that programme
                    # (a transit centre's care is a service of its own, whoever it serves)
                    event_type = "return"
            if dates is None:
                dates = _article_dates(article, limit)
                date_starts = [d.char_start for d in dates]  # find_dates lists them left to right
            if dated is None:
                dated = _dated_in(dates, date_starts, sent)
                participants = _participants(text, counts, sent, nxt, counts_in)
            if (
                event_type == "incident"
                and not dated
                and _CAUSE_BEFORE.search(text, max(sent[0], m_start - 80), m_start)
            ):
                # a conflict or disaster named only as a cause ("areas ravaged by conflict", "due to a series
                # of attacks"), with no time or place of its own, is background, not a reported incident
                if not _PLACE_AFTER.match(text, m_end, sent[1]):
                    continue
            if (
                borrowed
                and _DEFINITE_BEFORE.search(text, max(sent[0], m_start - 8), m_start)
                and any(f.event.event_type == event_type for f in found)
            ):
                # "the workshop" again names an activity already reported, not one in the next sentence's place
                places = []
            else:
                places = _bound_places(text, sentence_places, in_sentence[i], k)
            if event_type == "return" and places:
                # where the returnees had been living is where they come from, not where the return is run
                places = [
                    p for p in places if not _RESIDED_BEFORE.search(text, max(sent[0], p.char_start - 60), p.char_start)
                ]
            countries_here = list(dict.fromkeys(p.country_iso3 for p in places))
            cities = [_city_for(next(p for p in places if p.country_iso3 == c), places) for c in countries_here]
            if (
                places
                and not borrowed
                and default_country
                and default_country not in countries_here
                and _ALSO_HELD.search(text, m_end, places[0].char_start)
            ):
                # "the first of four courses that will also be held in X, Y and Z": the activity happens
                # where the article does too
                countries_here.insert(0, default_country)
                cities.insert(0, None)
            when = _clause_date(text, dated, m)
            if when is None and i > 0 and not in_sentence[i - 1]:
                # "Two activities took place in August. The first was a workshop ...": a date set
                # by the sentence before, when that sentence names no activity of its own
                when = _nearest_precise(_dated_in(dates, date_starts, sentences[i - 1]), sentences[i - 1][1])
            base = dict(
                article_id=article.article_id,
                event_type=event_type,
                trigger=text[m_start:m_end],
                char_start=m_start,
                char_end=m_end,
                start_date=when.start if when else None,
                end_date=when.end if when else None,
                date_precision=when.precision if when else None,
                participants=participants,
                sentence=text[sent[0] : sent[1]],
            )
            if event_type == "incident" and len(countries_here) > 1:
                # a disaster striking several countries is one incident, not one per country
                found.append(_Found(Event(**base, country_iso3=None), sent, True))
                continue
            if not countries_here:
                found.append(_Found(Event(**base, country_iso3=default_country), sent, False))
                continue
            for slot, iso3 in enumerate(countries_here):
                found.append(_Found(Event(**base, country_iso3=iso3, city=cities[slot], slot=slot), sent, True))
    events, owners = _merge(found)
    _link(events, owners, counts, funders)
    return _flag_impossible_dates([f.event for f in events])


def _flag_impossible_dates(events: list[Event]) -> list[Event]:
    """An event whose sentence writes a date that cannot exist says so (``date_issue``), so that the
    checks hold it back with the reason: the source said something impossible, and a reader is told,
    rather than the event silently taking another date of the sentence or none."""
    for event in events:
        spans = impossible_dates(event.sentence or "")
        if spans:
            written = "; ".join(" ".join(event.sentence[s:e].split()) for s, e in spans)
            event.date_issue = f"{written} is not a date"
    return events


def _entry(m: re.Match[str] | _Span) -> Trigger | None:
    """The lexicon entry of a trigger match, or the grammar's for a :class:`_Span`."""
    return m.trigger if isinstance(m, _Span) else _trigger_of(m.group(0))


def _trigger_type(m: re.Match[str] | _Span) -> str | None:
    """The default event type of a trigger match (``None`` when it has none)."""
    return (_entry(m) or _NO_TRIGGER).event_type


def _merge(found: list[_Found]) -> tuple[list[_Found], list[tuple[tuple[int, int], int]]]:
    """Several mentions of one activity (same type and place, no conflicting days) become one event.

    A mention naming no place of its own ("the workshop" again) joins the first event of its type.
    Returns the kept events and, for every mention, its sentence and the index of its event.
    """
    kept: list[_Found] = []
    owners: list[tuple[tuple[int, int], int]] = []
    # both tests below need the same type: each mention is compared only with the kept events of its type
    by_type: dict[str, list[int]] = {}
    for f in found:
        same_type = by_type.setdefault(f.event.event_type, [])
        twin = next((k for k in same_type if _same_activity(kept[k].event, f.event)), None)
        if twin is None and not f.explicit_place:
            twin = next((k for k in same_type if _same_type_and_days(kept[k].event, f.event)), None)
        if twin is None:
            kept.append(f)
            same_type.append(len(kept) - 1)
            owners.append((f.sent, len(kept) - 1))
            continue
        owners.append((f.sent, twin))
        e, t = f.event, kept[twin].event
        kept[twin].event = replace(
            t,
            # a programme run in several countries has no one country
            country_iso3=t.country_iso3 if t.country_iso3 == e.country_iso3 or not f.explicit_place else None,
            city=t.city or e.city,
            start_date=t.start_date or e.start_date,
            end_date=t.end_date if t.start_date else e.end_date,
            date_precision=t.date_precision if t.start_date else e.date_precision,
            participants=t.participants if t.participants is not None else e.participants,
        )
    return kept, owners


# Types whose mentions in one article are one programme wherever its parts take place.
_ONE_PROGRAMME_TYPES = frozenset({"return"})


def _same_activity(a: Event, b: Event) -> bool:
    if a.country_iso3 != b.country_iso3 and a.event_type not in _ONE_PROGRAMME_TYPES:
        return False
    return _same_type_and_days(a, b)


def _same_type_and_days(a: Event, b: Event) -> bool:
    if a.event_type != b.event_type:
        return False
    # two mentions dated to different days are two activities (two workshops on different days)
    if a.date_precision == "day" and b.date_precision == "day":
        return a.start_date == b.start_date
    return True


def _link(
    events: list[_Found],
    owners: list[tuple[tuple[int, int], int]],
    counts: list[Count],
    funders: list[FundingMention],
) -> None:
    """Give counts and funding mentions the id of the event reported in their sentence.

    A funder credited outside any event's sentence ("the project is funded by ...") goes to the
    article's only event when there is exactly one.
    """

    # the first event reported in each sentence, found by the sentence's start (sentences never overlap)
    first: dict[tuple[int, int], int] = {}
    for sent, i in owners:
        first.setdefault(sent, i)
    spans = sorted(first)
    span_starts = [s for s, _ in spans]
    ids: dict[int, str] = {}

    def id_of(i: int) -> str:
        # an id is a hash: worked out once per event, and only for events something links to
        if i not in ids:
            ids[i] = events[i].event.event_id
        return ids[i]

    def event_at(pos: int) -> str | None:
        k = bisect_right(span_starts, pos) - 1
        if k < 0 or pos >= spans[k][1]:
            return None
        return id_of(first[spans[k]])

    for c in counts:
        c.event_id = event_at(c.char_start)
    for fm in funders:
        fm.event_id = event_at(fm.char_start) or (id_of(0) if len(events) == 1 else None)
