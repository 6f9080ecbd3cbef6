"""Country mentions: names, variants, abbreviations, demonyms and places, resolved to ISO 3166-1 alpha-3.

The lexicon is data (``dbt_project/seeds/country_aliases.csv``, ``places.csv``, ``regions.csv``);
this module only compiles it into two Aho-Corasick automata and applies the matching grammar:

* accent- and case-folded matching for names, variants, demonyms, places and regions, with one rule
  on case: every word the lexicon capitalises must be capitalised in the text (so "Turkey" and
  "TURKEY" match but the bird "turkey" and "guinea pig" do not);
* exact-case matching for aliases flagged ``match_case`` ("US", "U.S.", "UK", "DRC");
* word boundaries on both sides, and the longest match wins ("Papua New Guinea", "New Mexico",
  "Dominican Republic", "Central America" beat the names inside them);
* regions are matched only to block the country names inside them, then dropped;
* a name with several candidate countries ("Santiago", "Granada", "Georgia") takes the one the
  article otherwise mentions, else the lexicon's default.

Folding keeps one character per character, so spans found in the folded text are exact spans
into ``Article.text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import ahocorasick

from flows.articles.model import Article
from flows.facts.model import CountryMention
from flows.language.text import build_automaton
from flows.reference import read_seed

_REGION = "region"

# Country names that are also common first names: "Jordan Smith" is a person, "Jordan Valley" is not.
# Single-word places get the same test ("Salvador Gutierrez", "Washington González", "Santiago Paz").
_PERSONAL_NAME_ALIASES = frozenset({"jordan", "georgia", "chad", "israel", "india", "kenya", "chile", "trinidad"})
# Capitalised words that may follow a country or place name without making it a person's name.
_NAME_FOLLOWERS_OK = frozenset(
    """government ministry minister mission office offices embassy consulate river valley national country
    programme program red response plan crisis border borders army police state states team authorities
    authority president prime king queen chapter delegation unit project representative desk and or airport
    airports city municipality municipal department province region regional port declaration process bay
    district county centre center centers centres camp camps shelter shelters station metropolitan area zone
    coast island islands highlands lake street avenue road hospital university conference summit meeting
    accord accords agreement convention protocol group commission committee council chamber bureau mission
    governor mayor court prison detention reception migration migrant migrants international local public
    general central north south east west northern southern eastern western upper lower greater valley
    declaration initiative fund forum network strategy action office's ministry's government's
    governorate governorates prefecture prefectures provinces regions districts counties states oblast
    oblasts delta basin division divisions commune communes wilaya emirate canton territory territories
    parish sub-county subcounty woreda zone zones upazila locality lga lgas settlement settlements
    corridor hills mountains plain plains refugee refugees idp idps""".split()
)
# "Mr Jordan", and surname particles after a given name ("Brenda de Trinidad")
_TITLE_BEFORE = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sir|Miss|Mx)\.?\s+|\b[A-Z][a-z]+ (?:de|del|da|dos|van|von) )$")

# Adjectives that are more often language names in this domain ("in Spanish", "its Spanish acronym"):
# they count as a country only when followed by a word that is not about language.
_LANGUAGE_ADJECTIVES = frozenset({"spanish", "english", "french", "portuguese"})
_LANGUAGE_CONTEXT = frozenset(
    """acronym abbreviation language languages version versions translation translations speaking speaker
    speakers class classes course courses lesson lessons teacher teachers word words name names title
    subtitles subtitled text edition interpreter interpreters interpretation and or as""".split()
)
_SAME_LINE_WORD = re.compile(r"[ \t]+([^\W\d_][\w'’]*)")
_NEXT_WORD = re.compile(r"[\s\-]*([^\W\d_][\w'’]*)")

# A title's words right before a country that make it the story's place: "in", "across", "in the
# north of", "in Northern Border of" (up to four words between "in" and "of").
_TITLE_LOCATIVE = re.compile(
    r"\b(?:in|across|throughout|inside|within)\s+(?:(?:the\s+)?(?:[\w'’-]+\s+){0,4}of\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)

# "Inter-American", "Pan- African": a country word bound to one of these prefixes by a hyphen (even
# with a stray space after it) names a region or a span, not the country ("Afro-Colombian" still does).
_COMPOUND_PREFIX = re.compile(r"\b(?:inter|intra|pan|trans)\s*-\s*$", re.IGNORECASE)
# Words before an ambiguous place ("David", a city and a given name) that make it a place.
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|near|outside|across|throughout)\s+(?:the\s+)?$", re.IGNORECASE)

_PARENTHESIS = re.compile(r"\s*\(([^()]{1,40})\)")

# Abbreviations that are also English words when a headline shouts ("HELP US").
_SHOUTABLE = frozenset({"US"})


def _fold_char(char: str) -> str:
    """One character folded: letters and digits lower-cased without accents, anything else a space."""
    if not char.isalnum():
        return " "
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)).lower()
    if len(base) == 1:
        return base
    # keep offsets aligned: characters that fold to several ("ß", "İ") fold to themselves
    return char.lower() if len(char.lower()) == 1 else char


# A plain dict keeps ``str.translate`` in C; characters outside these blocks (other scripts) pass
# through unchanged, which is harmless since no alias contains them.
_FOLD = {
    code: _fold_char(chr(code))
    for block in ((0x0000, 0x0250), (0x02B0, 0x0370), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x3000, 0x3040))
    for code in range(*block)
}


# ``_FOLD`` for the ASCII bytes (every other byte kept), so ASCII text folds with ``bytes.translate``:
# ``str.translate`` looks each character up in the dict (tens of nanoseconds a character) as soon
# as the text holds one non-ASCII character, which most pages do (curly quotes, accents).
_FOLD_ASCII = bytes(ord(_FOLD[code]) for code in range(128)) + bytes(range(128, 256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> str:
    """``text`` lower-cased, accent-stripped, punctuation as spaces: one character per input character.

    Matching on this form makes word boundaries spaces, and "Guinea-Bissau", "Guinea Bissau" and
    "Côte d’Ivoire"/"Cote d'Ivoire" one key each. Same result as ``text.translate(_FOLD)``.
    """
    # ``errors="replace"`` writes one "?" per non-ASCII character, so offsets stay aligned; those
    # few characters are then folded one by one from ``_FOLD`` (unchanged when it has none).
    folded = text.encode("ascii", "replace").translate(_FOLD_ASCII).decode("ascii")
    if text.isascii():
        return folded
    parts: list[str] = []
    pos = 0
    for m in _NON_ASCII.finditer(text):
        i = m.start()
        char = m.group()
        parts.append(folded[pos:i])
        parts.append(_FOLD.get(ord(char), char))
        pos = i + 1
    parts.append(folded[pos:])
    return "".join(parts)


@dataclass(frozen=True)
class _Entry:
    """One reading of a lexicon key: which country (or region) and how it was recognised."""

    iso3: str  # "" for regions
    kind: str  # name | variant | abbreviation | demonym | place | region
    place_kind: str | None
    is_default: bool
    # offsets (into the alias) of letters that must be upper case in the text
    caps: tuple[int, ...]
    # a place whose name is also a common word or a given name ("David"): it confirms a country the
    # article names otherwise, or counts after "in"/"at", but never implies one alone
    ambiguous: bool = False


@dataclass(slots=True)  # not frozen: built for every lexicon hit, and never hashed
class _Match:
    start: int
    end: int
    entries: tuple[_Entry, ...]


def _caps_offsets(alias: str, exact: bool) -> tuple[int, ...]:
    """Offsets of letters that must be upper case: all of them for exact-case aliases, else word initials."""
    if exact:
        return tuple(i for i, c in enumerate(alias) if c.isupper())
    return tuple(i for i, c in enumerate(alias) if c.isupper() and (i == 0 or not alias[i - 1].isalpha()))


def _plural(alias: str) -> str | None:
    """The plural of a demonym ("Nicaraguan" -> "Nicaraguans"), or None when it takes no -s."""
    if not alias[-1:].isalpha() or alias.endswith(("s", "sh", "ch", "x", "z", "ese", "i-Kiribati")):
        return None
    return alias + "s"


@dataclass(frozen=True)
class _Lexicon:
    folded: ahocorasick.Automaton  # folded key -> (key length, entries)
    exact: ahocorasick.Automaton  # exact-case key -> (key length, entries)
    by_name: dict[str, tuple[_Entry, ...]]  # folded name -> entries, for resolve_place
    known_iso3: frozenset[str]


def _add(table: dict[str, list[_Entry]], key: str, entry: _Entry) -> None:
    entries = table.setdefault(key, [])
    if entry not in entries:
        entries.append(entry)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """Compile the seeds into automata once per process."""
    folded: dict[str, list[_Entry]] = {}
    exact: dict[str, list[_Entry]] = {}
    for alias, iso3, kind, match_case in read_seed("country_aliases").iter_rows():
        is_exact = match_case == "true"
        forms = [alias]
        if kind == "demonym" and (plural := _plural(alias)):
            forms.append(plural)
        for form in forms:
            entry = _Entry(iso3, kind, None, True, _caps_offsets(form, is_exact))
            _add(exact if is_exact else folded, form if is_exact else fold(form), entry)
    places = read_seed("places").select("place_name", "country_iso3", "place_kind", "is_default", "ambiguous")
    for name, iso3, place_kind, is_default, ambiguous in places.iter_rows():
        _add(
            folded,
            fold(name),
            _Entry(iso3, "place", place_kind, is_default == "true", _caps_offsets(name, False), bool(ambiguous)),
        )
    for _region, alias in read_seed("regions").iter_rows():
        forms = [alias] + ([p] if alias.endswith("an") and (p := _plural(alias)) else [])
        for form in forms:
            is_exact = form.isupper()
            entry = _Entry("", _REGION, None, True, _caps_offsets(form, is_exact))
            _add(folded, fold(form), entry)
    return _Lexicon(
        folded=_automaton(folded, pad=True),
        exact=_automaton(exact, pad=False),
        by_name={k.strip(): tuple(v) for k, v in folded.items()},
        known_iso3=frozenset(read_seed("countries")["country_iso3"].to_list()),
    )


def _automaton(table: dict[str, list[_Entry]], pad: bool) -> ahocorasick.Automaton:
    """An automaton over ``table``; with ``pad``, keys are wrapped in spaces (hits on word boundaries)."""
    padded = ((f" {key} " if pad else key, entries) for key, entries in table.items())
    return build_automaton((word, (len(word), tuple(entries))) for word, entries in padded)


def _bounded(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is not glued to letters or digits on either side."""
    if start > 0 and text[start - 1].isalnum():
        return False
    if end < len(text) and text[end].isalnum():
        return False
    # "US$ 5 million" is a currency, not a country mention
    return not (end < len(text) and text[end] == "$")


def _next_word(text: str, end: int) -> str:
    m = _NEXT_WORD.match(text, end)
    return m.group(1) if m else ""


def _followed_by_surname(text: str, end: int) -> bool:
    """True when a capitalised word that is no place and no institution word follows (``Jordan Smith``)."""
    m = _SAME_LINE_WORD.match(text, end)
    if not m:
        return False
    nxt = m.group(1)
    return (
        nxt[0].isupper()
        and not nxt.isupper()
        and nxt.lower() not in _NAME_FOLLOWERS_OK
        and fold(nxt).strip() not in _lexicon().by_name
    )


def _is_shouted(text: str, start: int, end: int) -> bool:
    """True when the words around ``text[start:end]`` are all capitals (a headline, "HELP US NOW")."""
    before = text[max(0, start - 20) : start].split()
    after = text[end : end + 20].split()
    neighbours = [w for w in (before[-1:] + after[:1]) if any(c.isalpha() for c in w)]
    return bool(neighbours) and all(w.isupper() and len(w) > 1 for w in neighbours)


def _keep_entry(text: str, word: str, start: int, end: int, entry: _Entry) -> bool:
    """Apply the case rule and the person-name / language-name / shouting guards to one reading."""
    for off in entry.caps:  # a loop, not ``any(...)``: this runs for every reading of every hit
        if not text[start + off].isupper():
            return False
    single_word_place = entry.kind == "place" and " " not in word and "-" not in word
    if single_word_place or (entry.kind in ("name", "variant") and word in _PERSONAL_NAME_ALIASES):
        if _TITLE_BEFORE.search(text, max(0, start - 24), start) or _followed_by_surname(text, end):
            return False
    if entry.kind == "demonym" and word in _LANGUAGE_ADJECTIVES:
        if end >= len(text) or not text[end].isspace():
            return False
        nxt = _next_word(text, end)
        if not nxt or nxt.lower() in _LANGUAGE_CONTEXT:
            return False
    if entry.kind == "abbreviation" and text[start:end] in _SHOUTABLE and _is_shouted(text, start, end):
        return False
    if entry.kind in ("name", "variant", "demonym") and _COMPOUND_PREFIX.search(text, max(0, start - 12), start):
        return False
    return True


def _candidates(text: str, lexicon: _Lexicon) -> list[_Match]:
    """Every word-bounded lexicon hit in ``text`` whose readings survive the guards (overlaps included)."""
    found: list[_Match] = []
    folded = fold(text)
    # padded keys hit only between spaces; one pad space each side of the text, so index - 1 = offset
    for last, (length, entries) in lexicon.folded.iter(f" {folded} "):
        start, end = last - length + 1, last - 1
        while end > start and text[end - 1].isspace():
            end -= 1
        _collect(text, folded, start, end, entries, found)
    if len(lexicon.exact):
        for last, (length, entries) in lexicon.exact.iter(text):
            start, end = last - length + 1, last + 1
            if _bounded(text, start, end):
                _collect(text, folded, start, end, entries, found)
    return found


def _collect(text: str, folded: str, start: int, end: int, entries: tuple[_Entry, ...], found: list[_Match]) -> None:
    word = folded[start:end].strip()
    kept = [e for e in entries if _keep_entry(text, word, start, end, e)]
    if kept:
        found.append(_Match(start, end, entries if len(kept) == len(entries) else tuple(kept)))


def _longest_non_overlapping(matches: list[_Match]) -> list[_Match]:
    """Longest match wins; ties go to the earlier one. Returned in text order."""
    chosen: list[_Match] = []
    if not matches:
        return chosen
    # Most articles' hits do not overlap at all: then every hit is kept and text order is the answer.
    # (Starts strictly increasing too, so the order is the one the full pass below gives.)
    in_order = sorted(matches, key=_start)
    if all(a.end <= b.start and a.start < b.start for a, b in pairwise(in_order)):
        return in_order
    taken = bytearray(max(m.end for m in matches))
    for m in sorted(matches, key=lambda m: (m.start - m.end, m.start)):
        if taken.find(1, m.start, m.end) < 0:
            chosen.append(m)
            taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    return sorted(chosen, key=_start)


def _start(m: _Match) -> int:
    return m.start


def _resolve(entries: tuple[_Entry, ...], context: frozenset[str]) -> _Entry | None:
    """The reading to use: regions block; else a country the article mentions elsewhere; else the default."""
    if len(entries) == 1:  # most hits have one reading
        return None if entries[0].kind == _REGION else entries[0]
    if any(e.kind == _REGION for e in entries):
        return None
    if len({e.iso3 for e in entries}) == 1:
        return entries[0]
    in_context = [e for e in entries if e.iso3 in context]
    pool = in_context or list(entries)
    # a country's own name outranks a same-named place; then the place marked default
    return min(pool, key=lambda e: (e.kind == "place", not e.is_default))


def extract_countries(article: Article) -> list[CountryMention]:
    """Every country mention in ``article.text``, in text order, non-overlapping, with exact spans."""
    text = article.text
    lexicon = _lexicon()
    matches = _longest_non_overlapping(_candidates(text, lexicon))
    # context: countries named unambiguously, plus the dateline's country
    context = {
        m.entries[0].iso3
        for m in matches
        if m.entries[0].kind != _REGION
        and not m.entries[0].ambiguous
        and (len(m.entries) == 1 or len({e.iso3 for e in m.entries}) == 1)
    }
    if article.dateline_country_iso3:
        context.add(article.dateline_country_iso3)
    frozen = frozenset(context)
    mentions: list[CountryMention] = []
    for m in matches:
        entry = _resolve(m.entries, frozen)
        if entry is None:
            continue
        if entry.ambiguous and entry.iso3 not in frozen:
            if not _LOCATIVE_BEFORE.search(text, max(0, m.start - 16), m.start):
                continue  # "Rosario said": a given name, unless the article is about Argentina
        mentions.append(
            CountryMention(
                article_id=article.article_id,
                country_iso3=entry.iso3,
                mention_text=text[m.start : m.end],
                char_start=m.start,
                char_end=m.end,
                match_kind=entry.kind,
                place_kind=entry.place_kind,
            )
        )
    return mentions


def resolve_place(name: str, context_iso3: frozenset[str] = frozenset()) -> str | None:
    """The ISO3 of a dateline place as written ("Tijuana, Mexico", "San José", "Nicaragua/Costa Rica").

    A country named after a comma decides; of several places separated by "/" the first counts;
    an ambiguous name takes a country from ``context_iso3`` when it can, else its default reading.
    """
    name = _PARENTHESIS.sub(r", \1", name)  # "Kathmandu (Nepal)" reads as "Kathmandu, Nepal"
    first = re.split(r"\s*[/|]\s*", name.strip(), maxsplit=1)[0]
    parts = [p.strip(" .-–—") for p in first.split(",") if p.strip(" .-–—")]
    if not parts:
        return None
    lexicon = _lexicon()
    for part in reversed(parts[1:]):
        entries = [e for e in lexicon.by_name.get(fold(part).strip(), ()) if e.kind != "place" and e.kind != _REGION]
        if entries:
            return entries[0].iso3
    for part in (first.strip(" .-–—"), parts[0]):
        entries = tuple(e for e in lexicon.by_name.get(fold(part).strip(), ()) if e.kind != _REGION)
        if entries and (entry := _resolve(entries, context_iso3)) is not None:
            return entry.iso3
    # exact-case aliases ("USA", "DRC") as a last resort
    hits = [v for _, v in lexicon.exact.iter(parts[0]) if v[0] == len(parts[0])]
    return hits[0][1][0].iso3 if hits else None


def primary_country(article: Article, mentions: list[CountryMention]) -> str | None:
    """The dateline's country when set, else the most-mentioned country.

    Mentions in the title weigh 3, in the first body paragraph 2, elsewhere 1; ties go to the
    country mentioned first. None when the article mentions no country.
    """
    if article.dateline_country_iso3:
        return article.dateline_country_iso3
    if not mentions:
        return None
    # "X Backs Programmes in Sri Lanka", "Communities Helped in the North of Ecuador": the title says
    # where the story happens; the other countries it names are donors or partners
    located = {
        m.country_iso3
        for m in mentions
        if article.title_start <= m.char_start < article.title_end
        and _TITLE_LOCATIVE.search(article.text, article.title_start, m.char_start)
    }
    if len(located) == 1:
        return located.pop()
    first_para_end = _first_paragraph_end(article)
    score: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for m in mentions:
        if article.title_start <= m.char_start < article.title_end:
            weight = 3
        elif article.body_start <= m.char_start < first_para_end:
            weight = 2
        else:
            weight = 1
        score[m.country_iso3] += weight
        first_seen.setdefault(m.country_iso3, m.char_start)
    return max(score, key=lambda iso3: (score[iso3], -first_seen[iso3]))


def _first_paragraph_end(article: Article) -> int:
    """End offset of the body's first non-empty paragraph (a line break ends it)."""
    text = article.text
    start = article.body_start
    while start < len(text) and text[start].isspace():
        start += 1
    end = text.find("\n", start)
    return len(text) if end < 0 else end
