"""The funders extractor: organisations credited with paying for or supporting what an article reports.

Two pieces of data drive it: the funder registry (``funders.csv``) with every way
a funder's name is written (``funder_aliases.csv``), matched over the article by
one Aho-Corasick automaton; and the cue grammar below, which says when a named
organisation is credited as a ``funder`` (money words) or a ``supporter``
("with the support of"). A name credited by a cue but missing from the registry
is kept as written with ``funder_id=None``. IOM, its offices and its own
programmes resolve to the registry id ``iom`` and are never credited.

Every country's government is a funder by rule, not by hand: from the country gazetteer
(``countries.csv``, ``country_aliases.csv``) come "Government of X", "the X Government",
"X's Government", "<demonym> Government" and "the people of X" for every country, naming one
registry row per country (the row the registry already gives "Government of X", else the row
``government_rows`` derives, kept in ``funders.csv`` so the marts can point at it). A bare
country name ("funded by Finland") credits its government only where a cue names it directly.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from flows.articles.model import Article
from flows.facts.model import CountryMention, FundingMention
from flows.language.text import build_automaton, contact_block_start, offset_fold, offset_safe_lower, sentence_spans
from flows.reference import read_seed

# The reporting organisation: never a funder of its own work (extraction.md, Funders).
NON_FUNDER_IDS = frozenset({"iom"})


@dataclass(frozen=True)
class AliasMatch:
    """A registry name found in the text: ``text[start:end]`` names ``funder_id``.

    ``weak``: "country" for a bare country name standing for its government (or "the people of
    X"), "demonym" for a bare demonym ("Japanese-funded"); such a name is credited only where a cue
    names it directly, never as a grant's party or an active verb's subject. "" for every other name.
    """

    start: int
    end: int
    funder_id: str
    weak: str = ""


@dataclass(frozen=True)
class Registry:
    """The funder registry compiled for matching."""

    automaton: ahocorasick.Automaton
    names: dict[str, str]  # funder_id -> canonical name
    parents: dict[str, str]  # funder_id -> parent funder_id
    keys: frozenset[str]  # every name and alias in matching form
    kinds: dict[str, str]  # funder_id -> funder_kind
    countries: dict[str, str]  # funder_id -> country_iso3 of a national funder
    acronyms: dict[str, str]  # exact-case acronym -> funder_id ("(CERF)" after a misprinted name)
    donor_multilaterals: frozenset[str]  # multilateral funders that give rather than implement (EU, banks)
    donor_countries: frozenset[str]  # countries with an aid agency or ministry in the registry


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


# The ``source_list`` of the development banks: donors, not implementing partners.
_BANKS_SOURCE = "multilateral development banks (OECD DAC list)"
# The ``source_list`` of the registry rows ``government_rows`` derives from the gazetteer.
GOVERNMENT_SOURCE = "rule: one government per country of countries.csv"
# Country names read with "the" ("Government of the Netherlands"): the plural names and those
# built on a common noun (ISO 3166 short names).
_THE_WORDS = frozenset(
    ("republic", "kingdom", "federation", "united", "islands", "emirates", "states", "netherlands", "philippines",
     "bahamas", "maldives", "comoros", "seychelles", "gambia", "holy", "territories", "territory")
)  # fmt: skip


@dataclass(frozen=True)
class _CountryForms:
    """How the gazetteer writes one country: names (with their match_case) and demonyms."""

    iso3: str
    iso2: str
    name: str  # the display name: the ISO short name, or its first comma-free name alias
    names: tuple[tuple[str, bool], ...]
    demonyms: tuple[str, ...]


@lru_cache(maxsize=1)
def _country_forms() -> tuple[_CountryForms, ...]:
    """Every country's names and demonyms; a form two countries share names neither."""
    countries = read_seed("countries")
    aliases = read_seed("country_aliases")
    owners: dict[str, set[str]] = {}
    for alias, iso3 in aliases.select("alias", "country_iso3").iter_rows():
        owners.setdefault(_norm(alias), set()).add(iso3)
    for name, iso3 in countries.select("country_name", "country_iso3").iter_rows():
        owners.setdefault(_norm(name), set()).add(iso3)
    by_country: dict[str, list[tuple[str, str, bool]]] = {}
    for alias, iso3, kind, match_case in aliases.select("alias", "country_iso3", "kind", "match_case").iter_rows():
        if len(owners[_norm(alias)]) == 1:
            by_country.setdefault(iso3, []).append((alias, kind or "", (match_case or "").lower() == "true"))
    out = []
    for iso3, iso2, short in countries.select("country_iso3", "country_iso2", "country_name").iter_rows():
        rows = by_country.get(iso3, [])
        plain = [a for a, k, _ in rows if k == "name" and not any(c in a for c in ",()")]
        name = short if not any(c in short for c in ",()") or not plain else plain[0]
        names = [(short, False)] if not any(c in short for c in ",()") else []
        names += [(a, mc) for a, k, mc in rows if k != "demonym" and not any(c in a for c in ",()")]
        demonyms = tuple(a for a, k, _ in rows if k == "demonym")
        out.append(_CountryForms(iso3, iso2, name, tuple(dict.fromkeys(names)), demonyms))
    return tuple(out)


def _government_name(name: str) -> str:
    the = "the " if _THE_WORDS.intersection(name.lower().split()) else ""
    return f"Government of {the}{name}"


def _government_forms(
    country: _CountryForms,
) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]], list[tuple[str, bool]]]:
    """(strong, bare-name, demonym) alias forms of a country's government: (alias, match_case).

    An embassy speaks for its government, so "the Embassy of X" is the government too.
    """
    strong: list[tuple[str, bool]] = []
    weak: list[tuple[str, bool]] = []
    for n, match_case in country.names:
        strong += [(f"Government of {n}", False), (f"Government of the {n}", False), (f"{n} Government", False)]
        strong += [(f"{n}'s Government", False), (f"Royal Government of {n}", False)]
        strong += [(f"Embassy of {n}", False), (f"Embassy of the {n}", False), (f"{n} Embassy", False)]
        weak += [(n, match_case), (f"people of {n}", False), (f"people of the {n}", False)]
    strong += [(f"{d} Government", False) for d in country.demonyms]
    strong += [(f"{d} Embassy", False) for d in country.demonyms]
    return strong, weak, [(d, False) for d in country.demonyms]


def _government_ids(funders: list[dict[str, str | None]], aliases: list[dict[str, str | None]]) -> dict[str, str]:
    """Each country's government funder: the registry row already named "Government of X" (or
    "X Government") with that country, else the derived ``<iso2>-government`` row."""
    by_id = {f["funder_id"]: f for f in funders}
    named: dict[str, set[str]] = {}
    for f in funders:
        named.setdefault(_norm(f["funder_name"] or ""), set()).add(f["funder_id"])
    for a in aliases:
        named.setdefault(_norm(a["alias"] or ""), set()).add(a["funder_id"])
    out = {}
    for c in _country_forms():
        found = None
        for form, _ in _government_forms(c)[0]:
            for fid in sorted(named.get(_norm(form), ())):
                f = by_id.get(fid)
                if f and f["funder_kind"] == "government" and f["country_iso3"] == c.iso3:
                    found = fid
                    break
            if found:
                break
        out[c.iso3] = found or f"{c.iso2.lower()}-government"
    return out


def government_rows() -> list[dict[str, str | None]]:
    """The registry rows the government rule adds: one per country the registry has no government for.

    ``funders.csv`` holds exactly these rows with ``source_list`` ``GOVERNMENT_SOURCE``
    (``python -m flows.facts.funders`` rewrites them after a gazetteer change).
    """
    funders = [f for f in read_seed("funders").to_dicts() if f.get("source_list") != GOVERNMENT_SOURCE]
    aliases = read_seed("funder_aliases").to_dicts()
    ids = _government_ids(funders, aliases)
    registered = {f["funder_id"] for f in funders}
    rows = []
    for c in _country_forms():
        fid = ids[c.iso3]
        if fid in registered:
            continue
        rows.append(
            {
                "funder_id": fid,
                "funder_name": _government_name(c.name),
                "acronym": None,
                "funder_kind": "government",
                "country_iso3": c.iso3,
                "iati_org_id": None,
                "parent_funder_id": None,
                "source_list": GOVERNMENT_SOURCE,
            }
        )
    return rows


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """Build the alias automaton from the seeds (once per process)."""
    funders = read_seed("funders")
    aliases = read_seed("funder_aliases")
    names = dict(zip(funders["funder_id"], funders["funder_name"], strict=True))
    parents = {f: p for f, p in zip(funders["funder_id"], funders["parent_funder_id"], strict=True) if p is not None}
    kinds = dict(zip(funders["funder_id"], funders["funder_kind"], strict=True))
    countries = {f: c for f, c in zip(funders["funder_id"], funders["country_iso3"], strict=True) if c}
    entries: dict[str, list[tuple[str, str, bool, str]]] = {}

    def add(alias: str, funder_id: str, match_case: bool, weak: str = "") -> None:
        entries.setdefault(_norm(alias), []).append((funder_id, " ".join(alias.split()), match_case, weak))

    for alias, funder_id, match_case in aliases.iter_rows():
        add(alias, funder_id, (match_case or "").lower() == "true")
    acronyms = {}
    for funder_id, name, acronym in funders.select("funder_id", "funder_name", "acronym").iter_rows():
        add(name, funder_id, False)
        if acronym:
            add(acronym, funder_id, True)
            acronyms.setdefault(acronym, funder_id)
    # the rule: every country's government under every name the gazetteer gives the country; a
    # form the registry already holds keeps the registry's reading
    registered = set(entries)
    government = _government_ids(funders.to_dicts(), aliases.to_dicts())
    for country in _country_forms():
        funder_id = government[country.iso3]
        if funder_id not in names:
            continue
        strong, weak, demonyms = _government_forms(country)
        for forms, how in ((strong, ""), (weak, "country"), (demonyms, "demonym")):
            for form, match_case in forms:
                if _norm(form) not in registered:
                    add(form, funder_id, match_case, how)
    # a country's pooled fund under any name of its country ("Ethiopian Humanitarian Fund")
    for funder_id, name, kind, iso3 in funders.select(
        "funder_id", "funder_name", "funder_kind", "country_iso3"
    ).iter_rows():
        if kind != "fund" or not iso3:
            continue
        for country in _country_forms():
            if country.iso3 != iso3:
                continue
            forms = [n for n, _ in country.names] + list(country.demonyms)
            head = next((f for f in sorted(forms, key=len, reverse=True) if name.startswith(f + " ")), None)
            if head is None:
                continue
            for f in forms:
                variant = f + name[len(head) :]
                if _norm(variant) not in registered:
                    add(variant, funder_id, False)
    automaton = build_automaton((key, (key, tuple(values))) for key, values in entries.items())
    strong_keys = frozenset(k for k, values in entries.items() if any(not v[3] for v in values))
    donors = frozenset(
        f
        for f, kind, source in funders.select("funder_id", "funder_kind", "source_list").iter_rows()
        if kind == "multilateral" and (f == "eu" or f.startswith("eu-") or source == _BANKS_SOURCE)
    )
    donor_countries = frozenset(
        c
        for kind, c, source in funders.select("funder_kind", "country_iso3", "source_list").iter_rows()
        if kind == "government" and c and source != GOVERNMENT_SOURCE
    )
    return Registry(automaton, names, parents, strong_keys, kinds, countries, acronyms, donors, donor_countries)


def _registry_id(registry: Registry, written: str) -> str | None:
    """The registry id of a name parsed as unknown that is, whole, a registry name or alias."""
    name = " ".join(written.split())
    if name.lower().startswith("the "):
        name = name[4:]
    found = registry.automaton.get(_norm(name), None)
    if found is None:
        return None
    for funder_id, alias, match_case, weak in found[1]:
        if weak == "demonym":
            continue  # an adjective alone names no one
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


def find_alias_matches(text: str, end: int | None = None, weak: bool = False) -> list[AliasMatch]:
    """Registry names in ``text[:end]``, leftmost-longest, whole words, chains merged to the most specific.

    Bare country names and demonyms (``AliasMatch.weak``) only when ``weak``: they name an
    organisation only where a funding cue says so.
    """
    with_weak, strong = _alias_matches(text, len(text) if end is None else end)
    return list(with_weak if weak else strong)


@lru_cache(maxsize=16)
def _alias_matches(text: str, end: int) -> tuple[tuple[AliasMatch, ...], tuple[AliasMatch, ...]]:
    """``find_alias_matches`` with and without the weak names, computed once per article text (the
    funders and events extractors share it). Each is selected apart, so a bare country name never
    hides a registry name from the events extractor."""
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
        for funder_id, alias, match_case, weak in values:
            if match_case:
                if written is None:
                    written = " ".join(text[start:finish].replace("\u2019", "'").split())
                if written != alias.replace("\u2019", "'"):
                    continue
            found.append(AliasMatch(start, finish, funder_id, weak))
            break
    # leftmost-longest, non-overlapping
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))

    def select(candidates: list[AliasMatch]) -> tuple[AliasMatch, ...]:
        chosen: list[AliasMatch] = []
        for m in candidates:
            if chosen and m.start < chosen[-1].end:
                continue
            chosen.append(m)
        return tuple(_merge_chains(text, chosen, registry))

    with_weak = select(found)
    if not any(m.weak for m in found):
        return with_weak, with_weak
    return with_weak, select([m for m in found if not m.weak])


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
                merged[-1] = AliasMatch(prev.start, end, specific, prev.weak if prev.weak and m.weak else "")
                continue
        merged.append(m)
    return merged


_S = r"\s+"
# Cues followed by the credited names.  Group "money" set => role funder, else supporter.
# An amount of money as written before a noun ("a USD 1.9 million donation"); codes are upper case.
_AMOUNT_WORDS = (
    r"(?:(?:generous|new|additional|further|total|recent|(?-i:[A-Z]{3})|US\$|[$\u20ac\u00a3\u00a5]|\d[\d.,]*"
    r"|(?-i:[A-Z]{3})\d[\d.,]*|million|billion|thousand)\s*)*"
)
# An amount of money given ("USD 774,000", "EUR 2 million", "7 million euros").
_MONEY = (
    r"(?:(?-i:[A-Z]{3})\s?\d|US\$\s?\d|[$\u20ac\u00a3\u00a5]\s?\d"
    r"|\d[\d,.]*\s*(?:million\s+|billion\s+|thousand\s+)?(?:(?-i:[A-Z]{3})\b|US\s+dollars|dollars|euros?|pounds"
    r"|francs|kron[ea]r?|yen))"
)
_PRE_CUE = re.compile(
    r"(?:(?P<money>"
    r"(?:co-?)?(?:funded|financed|paid\s+for|donated|granted|bankrolled|allocated|contributed|pledged)\s+by"
    r"|(?:co-?)?(?:funded|financed)\s+(?:through|via)"
    r"|(?:with|through|thanks\s+to|using)\s+(?:the\s+)?(?:generous\s+|kind\s+|new\s+|additional\s+)?"
    r"(?:financial\s+(?:support|assistance|contribution|backing)|funding|financing|funds|(?:an?\s+)?grants?"
    r"|(?:an?\s+)?donations?|(?:an?\s+)?contributions?|economic\s+support|resources)"
    r"\s+(?:provided\s+|received\s+|made\s+available\s+)?(?:of|from|by)"
    r"|(?:a|an|the)\s+" + _AMOUNT_WORDS + r"(?:grant|donation|contribution|funding|financing|allocation|pledge)\s+"
    r"(?:of\s+[^.;]{0,40}?\s+)?(?:from|by|provided\s+by)"
    r"|(?:funds|funding|financing|money|resources|contributions?|grants?|donations?)\s+(?:comes?|came)\s+from"
    # "IOM has received USD 750,000 from X"
    r"|(?:received|receives|secured|obtained)\s+(?:(?:an?|another|additional|further|new|nearly|over|some|almost"
    r"|approximately|around|about|more\s+than|up\s+to|a\s+total\s+of)\s+)*" + _MONEY + r"[^.;]{0,40}?\s+from"
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
    r"(?!\s+(?:gaps?|needs|shortfalls?|requirements?|appeals?|requests?|cuts?)\b)"
    # "X has provided USD 2 million", "X and Y have agreed to provide USD ...": money given
    r"|(?P<give>\s+(?:(?:has|have|had|is|are|was|were|will)\s+)?(?:also\s+|today\s+|now\s+|recently\s+)?"
    r"(?:(?:agreed|committed|decided|pledged)\s+to\s+)?(?:provid(?:ed|es|e|ing)|allocat(?:ed|es|e|ing)"
    r"|contribut(?:ed|es|e|ing)|pledg(?:ed|es|e|ing)|committ(?:ed|ing)|commits|inject(?:ed|s|ing)"
    r"|disburs(?:ed|es|e|ing)|award(?:ed|s|ing)|donat(?:ed|es|ing)|gave|giv(?:es|en|ing)|channell?ed)\s+"
    r"(?:(?:an?|another|additional|further|new|extra|nearly|over|some|almost|approximately|around|about"
    r"|more\s+than|up\s+to|a\s+total\s+of)\s+)*" + _MONEY + r")"
    # "with X funding", "thanks to Japanese support": X named attributively (lead-in checked apart)
    r"|(?P<attr>\s+(?:(?P<atmoney>funding|financing|financial\s+support|money|contributions?|grants?|donations?)"
    r"|support|backing|sponsorship))\b"
    # "IOM and X launched a project": a donor launching its project with IOM (donor checked apart)
    r"|(?P<joint>\s+(?:have\s+|has\s+)?(?:jointly\s+|today\s+|officially\s+|formally\s+)*(?:launched|completed"
    r"|inaugurated|signed|kicked\s+off|concluded|unveiled))\b"
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
# After a bare country name: more of a longer name ("Kenya Red Cross", "Japan's Grassroots Fund").
_NAME_GOES_ON = re.compile(r"(?:['\u2019]s?\s+|\s+|-)(?-i:[A-Z])")
# Between two names of one subject list: "USAID and the", "X, Y".
_SUBJECT_SEP = re.compile(r"\)?\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:the\s+)?")
# "'s Addressing Root Causes Fund": a possessive opening a fund, programme or facility's name.
_POSSESSED_FUND = re.compile(
    r"(?:['\u2019]s?\s+|\s+)(?=(?-i:[A-Z])[\w'-]*(?:\s+(?:(?:of|for|the|and|to|in|on)\s+)*(?-i:[A-Z])[\w'-]*){0,8}"
    r"\s+(?:Fund|Facility|Programme|Program|Initiative|Instrument|Trust|Mechanism|Window)\b)"
)
# Before the tail of a longer name: a capitalised word ("IOM Kenya", "the UNHCR office in Chad" is not).
_CAPITALISED_TAIL = re.compile(r"(?:^|\s)(?-i:[A-Z])[\w&.'\u2019-]*$")
# Before a name credited attributively: "with X funding", "thanks to generous X support".
_ATTR_LEAD = re.compile(
    r"\b(?:with|through|thanks\s+to|using|under)\s+(?:the\s+|an?\s+)?(?:generous\s+|kind\s+|new\s+"
    r"|additional\s+|continued\s+|valuable\s+|further\s+)?$",
    re.IGNORECASE,
)
# Between IOM and a donor launching something together: "IOM in Iraq and the", "X and".
_JOINT_GAP = re.compile(
    r"(?:\s*\([^()]{1,20}\))?(?:,?\s+(?:in|Mission\s+in|office\s+in)\s+[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'-]*)?)?"
    r",?\s+and\s+(?:the\s+)?",
)


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
        # a bare country name or demonym opening a longer name ("Kenya Red Cross", "Japan's Fund
        # for X", "Japanese companies") is not the government
        if hit is not None and hit.weak and (hit.weak == "demonym" or _NAME_GOES_ON.match(text, hit.end, stop)):
            hit = None
        if hit is not None:
            # "the Netherlands' Addressing Root Causes Fund": the possessed fund is the funder
            owned = _POSSESSED_FUND.match(text, hit.end, stop)
            if owned is not None:
                fund = _unknown_credit(text, owned.end(), stop, matches, role)
                if fund is not None:
                    credit, pos = fund
                    credits.append(credit if credit.funder_id else _Credit(hit.start, credit.end, None, role))
                    hit = None
            if hit is not None:
                credits.append(_Credit(hit.start, hit.end, hit.funder_id, role))
                pos = hit.end
                bracket = _BRACKETED.match(text, pos, stop)
                pos = bracket.end() if bracket else pos
        else:
            found = _unknown_credit(text, pos, stop, matches, role)
            if found is None:
                break
            credit, pos = found
            credits.append(credit)
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


def _unknown_credit(text: str, pos: int, stop: int, matches: list[AliasMatch], role: str) -> tuple[_Credit, int] | None:
    """A credited name the registry does not hold whole, starting at ``pos``, and where it ends.

    A name ending in a registry name is that name ("the United Nation's Central Emergency
    Response Fund"); one ending in a registry acronym in brackets is that funder under another
    (misprinted or older) name ("UN Central Emergency Relief Fund (CERF)"). Bare country names
    inside are words of the name ("Kenya Red Cross Society"). Any other registry name inside
    ends the list: the words are not one name.
    """
    unknown = _UNKNOWN_NAME.match(text, pos, stop)
    if unknown is None or _STOP_WORDS_AT_START.fullmatch(unknown.group(0)):
        return None
    name_end = unknown.end()
    while name_end > pos and text[name_end - 1] in ".,'\u2019-":
        name_end -= 1
    # "X and Y": a trailing " and Z" belongs to the list, not the name, unless "and" joins words of
    # one name ("Peace and Stabilization Fund", "Ministry of Labour and Social Affairs")
    cut = _AND.search(text, pos, name_end)
    if cut and not _one_name_across_and(text[pos : cut.start()], text[cut.end() : name_end]):
        name_end = cut.start()
    inner = [m for m in matches if pos <= m.start < name_end and not m.weak]
    if not inner and any(m.weak == "demonym" and m.start == pos and m.end == name_end for m in matches):
        return None  # "Japanese companies": an adjective, not a name
    if not inner:
        if name_end <= pos or (name_end - pos < 4 and not text[pos:name_end].isupper()):
            return None
        return _Credit(pos, name_end, None, role), name_end
    last = inner[-1]
    if last.end < name_end and not (last.end + 1 == name_end and text[last.end] == ")"):
        return None
    if last.funder_id in NON_FUNDER_IDS:
        return None
    if text[last.start - 1 : last.start] == "(" and last.start - 1 > pos:
        return _Credit(pos, name_end, last.funder_id, role), name_end
    if _BRACKETED.fullmatch(text, last.start, name_end) is None and last.start > pos:
        # the registry name is the head of the written name: credit it alone
        return _Credit(last.start, last.end, last.funder_id, role), max(name_end, last.end)
    return None


# The last word of an organisation's name, and the first word of one.
_HEAD_WORDS = frozenset(
    ("Fund", "Facility", "Programme", "Program", "Initiative", "Instrument", "Trust", "Mechanism", "Window",
     "Foundation", "Agency", "Office", "Bank", "Institute", "Ministry", "Department", "Bureau", "Centre", "Center",
     "Organization", "Organisation", "Council", "Commission", "Corporation", "Company", "Group", "Society",
     "Alliance", "Partnership", "Network", "Embassy", "Government", "Authority", "Association", "Union")
)  # fmt: skip


def _one_name_across_and(first: str, rest: str) -> bool:
    """Whether "``first`` and ``rest``" is one name: the "and" joins words inside it."""
    first_words, rest_words = first.split(), rest.split()
    if not first_words or not rest_words or rest_words[0] in ("the", "The") or rest_words[0] in _HEAD_WORDS:
        return False
    if first_words[-1] in _HEAD_WORDS:
        return False
    return rest_words[-1] in _HEAD_WORDS or " of " in first or " for " in first


def _standalone(text: str, m: AliasMatch, sent_start: int) -> bool:
    """A weak name (a bare country) that is not the tail of a longer name ("IOM Kenya", "UNHCR Chad")."""
    if not m.weak:
        return True
    before = text[max(sent_start, m.start - 40) : m.start].rstrip()
    return not before or not (before[-1].isalnum() and _CAPITALISED_TAIL.search(before))


def _credited_before(
    text: str, cue: re.Match[str], sent_start: int, matches: list[AliasMatch], role: str, ctx: _Context
) -> list[_Credit]:
    """Names a post-name cue credits: the name right before it, or for an active verb its subject."""
    before = [m for m in matches if sent_start <= m.start and m.end <= cue.start()]
    if cue.group("joint") is not None:
        return _joint_donor(text, cue, sent_start, before, ctx)
    if before and before[-1].funder_id not in NON_FUNDER_IDS:
        last = before[-1]
        gap = text[last.end : cue.start()]
        attr = cue.group("attr") is not None
        if (
            (_NAME_CUE_GAP.fullmatch(gap) if not attr else gap == "")
            and (last.weak != "demonym" or attr or cue.group("hyphen"))
            and _standalone(text, last, sent_start)
            and (
                attr
                or not (last.weak and _PREPOSITION_BEFORE.search(text, max(sent_start, last.start - 20), last.start))
            )
            and (not attr or _ATTR_LEAD.search(text, max(sent_start, last.start - 40), last.start))
        ):
            credited = [last]
            # "X and Y have provided USD ...": every name of the subject list
            if cue.group("give") is not None or cue.group("active") is not None:
                for m in reversed(before[:-1]):
                    if not _SUBJECT_SEP.fullmatch(text, m.end, credited[-1].start) or not ctx.may_credit_unprompted(m):
                        break
                    credited.append(m)
            return [
                _Credit(m.start, m.end, m.funder_id, role)
                for m in reversed(credited)
                if m.funder_id not in NON_FUNDER_IDS
            ]
    if (cue.group("active") is None and cue.group("give") is None) or _BE_BEFORE.search(
        text, max(sent_start, cue.start() - 12), cue.start()
    ):
        return []
    if cue.group("give") is not None and not (before and _NAME_CUE_GAP.fullmatch(text, before[-1].end, cue.start())):
        # money given by an organisation the registry does not know: "The Acme Foundation has provided USD ..."
        named = _unknown_giver(text, sent_start, cue.start())
        if named is not None:
            return [_Credit(named[0], named[1], None, role)]
    # active verb: every registry name in the clause that is not the object of a preposition
    clause_start = max(sent_start, text.rfind(";", sent_start, cue.start()) + 1)
    return [
        _Credit(m.start, m.end, m.funder_id, role)
        for m in before
        if m.start >= clause_start
        and ctx.may_credit_unprompted(m)
        and not _PREPOSITION_BEFORE.search(text[clause_start : m.start])
    ]


# A capitalised organisation's name ending where a cue starts: words, lower-case connectors, an acronym.
_NAME_BEFORE_CUE = re.compile(
    r"(?<![\w'\u2019&.-])(?-i:[A-Z])[\w&'\u2019.-]*(?:\s+(?:(?:of|for|the|and|de|du|des|la|el)\s+)*(?-i:[A-Z])[\w&'\u2019.-]*){0,8}"
    r"(?:\s*\((?-i:[A-Z])[\w&/.-]{1,12}\))?$"
)


def _unknown_giver(text: str, sent_start: int, cue_start: int) -> tuple[int, int] | None:
    """The span of an organisation named right before a money-giving verb, when it reads as one.

    Only a name whose last word is an organisation's head word ("Foundation", "Bank", "Fund"...)
    or that ends in an acronym in brackets: a capitalised word alone may be anything.
    """
    window = max(sent_start, cue_start - 160)
    m = _NAME_BEFORE_CUE.search(text, window, cue_start)
    if m is None:
        return None
    start, end = m.start(), m.end()
    words = text[start:end].split()
    while words and _STOP_WORDS_AT_START.fullmatch(words[0]):  # "The Acme Foundation": the name follows
        start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
        words = words[1:]
    if not words or not (words[-1] in _HEAD_WORDS or words[-1].endswith(")")):
        return None
    return start, end


def _joint_donor(
    text: str, cue: re.Match[str], sent_start: int, before: list[AliasMatch], ctx: _Context
) -> list[_Credit]:
    """ "IOM and X launched ...", "X and IOM signed ...": X, a donor, supports what they launch."""
    if not before or not _NAME_CUE_GAP.fullmatch(text[before[-1].end : cue.start()]):
        return []
    last = before[-1]
    strong = [m for m in before[:-1] if not m.weak]
    if last.funder_id in NON_FUNDER_IDS:  # "X and IOM signed"
        if not strong or not _JOINT_GAP.fullmatch(text, strong[-1].end, last.start):
            return []
        donor = strong[-1]
    else:  # "IOM (in Iraq) and X launched"
        iom = [m for m in strong if m.funder_id in NON_FUNDER_IDS]
        if not iom or not _JOINT_GAP.fullmatch(text, iom[-1].end, last.start):
            return []
        donor = last
    if not ctx.is_donor(donor):
        return []
    return [_Credit(donor.start, donor.end, donor.funder_id, "supporter")]


@dataclass(frozen=True)
class _Context:
    """What the article says about who can be credited without a cue naming them directly."""

    registry: Registry
    host: frozenset[str]  # the countries the article reports from (dateline, primary country)

    def is_host_government(self, m: AliasMatch) -> bool:
        return (
            self.registry.kinds.get(m.funder_id) == "government"
            and self.registry.countries.get(m.funder_id) in self.host
        )

    def may_credit_unprompted(self, m: AliasMatch) -> bool:
        """A grant's party or an active verb's subject: not a bare country, not the host government."""
        return not m.weak and not self.is_host_government(m)

    def is_donor(self, m: AliasMatch) -> bool:
        """A donor by kind: a foreign government, a fund, a foundation, the EU or a development bank."""
        kind = self.registry.kinds.get(m.funder_id)
        if kind == "government":
            country = self.registry.countries.get(m.funder_id)
            return not m.weak and not self.is_host_government(m) and country in self.registry.donor_countries
        return kind in {"fund", "foundation"} or m.funder_id in self.registry.donor_multilaterals


_RECEIVED = re.compile(r"(?:received|receives|secured|obtained)\b")
_APPEAL_BEFORE = re.compile(r"\b(?:appeal|(?:response\s+)?plan|flash\s+appeal)s?\b[^.;]*$", re.IGNORECASE)


# A grant (or a donation/contribution of money) awarded in the sentence, grantor not introduced by a cue.
_GRANT = re.compile(
    r"\b(?:(?:award(?:s|ed)?|sign(?:s|ed)?|provid(?:e|es|ed))\s+(?:a|an|the)\s+(?:\w+\s+){0,2}grant"
    r"|grant\s+(?:agreement|of\s+(?:[A-Z]{3}|US\$|\$|€|£|\d))"
    r"|(?:donation|contribution)\s+of\s+(?:[A-Z]{3}\s|US\$|\$|€|£|\d))",
)


def _grantors(
    text: str, s_start: int, s_end: int, matches: list[AliasMatch], found: list[_Credit], ctx: _Context
) -> list[_Credit]:
    """Registry names in a grant sentence: the parties to a grant other than IOM are its grantors.

    Bare one-word names (a country named for where things happen) are not taken, nor the
    government of the country the article reports from (a grant's recipient or partner there).
    """
    credited = {(c.start, c.end) for c in found if c.role == "funder"}
    out = []
    for m in matches:
        if not (s_start <= m.start < s_end) or (m.start, m.end) in credited or not ctx.may_credit_unprompted(m):
            continue
        written = text[m.start : m.end]
        if len(written.split()) >= 2 or (written.isupper() and len(written) >= 2):
            out.append(_Credit(m.start, m.end, m.funder_id, "funder"))
    return out


# Every cue above (and ``_GRANT``) holds one of these stems: a sentence without one credits nobody.
_CUE_STEMS = (
    "fund", "financ", "paid", "donat", "donor", "grant", "bankroll", "contribut", "resource", "support",
    "back", "sponsor", "provid", "allocat", "pledg", "commit", "inject", "disburs", "award", "gave", "giv",
    "channel", "money", "received", "receives", "secured", "obtained", "launched", "completed", "inaugurated",
    "signed", "kicked", "concluded", "unveiled",
)  # fmt: skip


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
    **dict.fromkeys(("allocated", "contributed", "pledged", "received", "receives", "secured", "obtained"), _SELF),
    **dict.fromkeys(("supported", "backed", "our", "its", "their"), _SELF),
    **dict.fromkeys(("with", "through", "thanks", "using", "the", "a", "an", "under"), _SELF_THEN_SPACE),
    **dict.fromkeys(
        (
            "funds",
            "funding",
            "financing",
            "money",
            "resources",
            "contribution",
            "contributions",
            "grant",
            "grants",
            "donation",
            "donations",
        ),
        _SELF_THEN_SPACE,
    ),
    "donor": _SELF | _SPACE_BEFORE,
}
_POST_CUE_OPENERS: dict[str, int] = {
    **dict.fromkeys(("-funded", "-financed", "-supported", "-sponsored", "-backed", "'s", "\u2019s"), _SELF),
    **dict.fromkeys(("which", "who", "that"), _SELF | _SPACE_BEFORE),
    **dict.fromkeys(
        (
            "has",
            "have",
            "had",
            "also",
            "fund",
            "financ",
            "donat",
            "grant",
            "support",
            "back",
            "sponsor",
            "is",
            "are",
            "was",
            "were",
            "will",
            "today",
            "now",
            "recently",
            "agreed",
            "committed",
            "decided",
            "pledg",
            "provid",
            "allocat",
            "contribut",
            "commit",
            "inject",
            "disburs",
            "award",
            "gave",
            "giv",
            "channel",
            "money",
            "jointly",
            "officially",
            "formally",
            "launched",
            "completed",
            "inaugurated",
            "signed",
            "kicked",
            "concluded",
            "unveiled",
        ),
        _SPACE_BEFORE,
    ),
}


# Every white-space character (what ``\s`` matches).
_SPACES = (
    " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)


@lru_cache(maxsize=1)
def _stem_automaton() -> ahocorasick.Automaton:
    """The cue stems (:data:`_CUE_STEMS`), for one Aho-Corasick pass over an article's lower case."""
    return build_automaton((stem, len(stem)) for stem in _CUE_STEMS)


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
    safe = offset_safe_lower(head)
    lowered = safe if safe is not None else head.lower()
    # every stem written, by where it ends (one C pass; a regex search per sentence cost three times more)
    stem_ends = [last for last, _ in _stem_automaton().iter(lowered)]
    if not stem_ends:
        return []
    sentences = article_sentences(text, limit)
    if safe is None:
        # "İ", "ı" or "ſ" in the text: where cues may be is read off its fold (the stems and openers are
        # ASCII, the cues matched case-insensitively on the text itself)
        safe = lowered = offset_fold(head)
        if lowered is None:
            return [_CueSentence(s, e, None, None) for s, e in sentences]
        stem_ends = [last for last, _ in _stem_automaton().iter(lowered)]
    # A stem is letters only, and sentences are the text less the white space between them, so a
    # stem lies inside one sentence: the sentences holding a stem's last letter are those holding one.
    openers = _opener_automaton()
    out = []
    k = 0  # the next stem end not yet placed
    n_ends = len(stem_ends)
    for s_start, s_end in sentences:
        while k < n_ends and stem_ends[k] < s_start:
            k += 1
        if k == n_ends:
            break
        if stem_ends[k] >= s_end:
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
    host = frozenset(c for c in (article.dateline_country_iso3, article.primary_country_iso3) if c)
    ctx = _Context(registry, host)
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
            all_matches = sorted(find_alias_matches(text, limit, weak=True), key=lambda m: m.start)
            starts = [m.start for m in all_matches]
        # only this sentence's names: slicing keeps long articles linear, not names x cues
        matches = all_matches[bisect_left(starts, s_start) : bisect_left(starts, s_end)]
        for cue in pre_cues:
            if _RECEIVED.match(cue.group(0)) and _APPEAL_BEFORE.search(
                text, max(s_start, cue.start() - 80), cue.start()
            ):
                continue  # money an appeal received pays for the response as a whole, not what IOM reports
            role = "funder" if cue.group("money") else "supporter"
            found.extend(_name_list(text, cue.end(), s_end, matches, role))
        for cue in post_cues:
            money = cue.group("hmoney") or cue.group("pmoney") or cue.group("rmoney") or cue.group("amoney")
            money = money or cue.group("give") or cue.group("atmoney")
            found.extend(_credited_before(text, cue, s_start, matches, "funder" if money else "supporter", ctx))
        if grant:
            found.extend(_grantors(text, s_start, s_end, matches, found, ctx))
        for c in found:
            if c.funder_id in NON_FUNDER_IDS or c.end <= c.start:
                continue
            key = (c.start, c.end)
            # a span credited both ways is a funder: money words are the stronger evidence
            if key not in credits or c.role == "funder":
                credits[key] = (c, (s_start, s_end))
    # A title names the donor short ("EU funds ...", "US backs ...") that the body credits in full
    # (DG ECHO, OFDA): a title's mention of a funder whose one credited descendant the body names is
    # that descendant.
    ids = {key: c.funder_id or _registry_id(registry, text[key[0] : key[1]]) for key, (c, _) in credits.items()}
    body_ids = {f for (start, _), f in ids.items() if f and not (article.title_start <= start < article.title_end)}
    for key, f in ids.items():
        if f and article.title_start <= key[0] < article.title_end:
            below = {d for d in body_ids if _is_ancestor(registry, f, d)}
            if len(below) == 1:
                ids[key] = below.pop()
    mentions = []
    for (start, end), (c, (s_start, s_end)) in sorted(credits.items()):
        written = text[start:end]
        funder_id = ids[(start, end)]
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


def write_government_rows() -> int:
    """Rewrite the rule-derived government rows of ``funders.csv`` from the gazetteer; the row count."""
    import csv

    from flows.reference import SEEDS_DIR

    read_seed.cache_clear()
    path = SEEDS_DIR / "funders.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        kept = [r for r in reader if r.get("source_list") != GOVERNMENT_SOURCE]
    rows = government_rows()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
        writer.writerows({k: v or "" for k, v in r.items()} for r in rows)
    read_seed.cache_clear()
    return len(rows)


if __name__ == "__main__":
    print(f"{write_government_rows()} government rows written")
