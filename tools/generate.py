"""A deterministic, realistic synthetic corpus: ``python -m tools.generate --pages N --out DIR``.

Pages are built from templates and phrase banks written for this module (no
text from real press releases) filled with real places, countries and donors
from the reference seeds. Every page is drawn from its own random stream
(seeded by ``seed`` and the page number), so the same arguments give the same
bytes whatever else runs, and a page can be generated alone (``generate_page``).

Layouts, in the proportions of an archive crawl:
navigation block + article, "News / Global" header, regional article (tag line
+ date line), Spanish-site feed page, listing of dated items, HTML page, and
regional articles saved in Windows-1252.
"""

from __future__ import annotations

import argparse
import html
import multiprocessing
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flows.reference import read_seed

FILES_PER_FOLDER = 1000
_PARALLEL_PAGES = 5000  # below this, starting worker processes costs more than it saves
LAYOUTS = ("nav", "news_global", "regional", "spain_feed", "listing", "html", "cp1252")
_LAYOUT_WEIGHTS = (22, 16, 22, 8, 12, 12, 8)

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NUMBER_WORDS = (
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "twenty-five", "thirty", "forty", "fifty", "a dozen", "a hundred",
)  # fmt: skip

# --- phrase banks (written for this generator) -------------------------------------------------

_PERSONS = (
    "migrants", "returnees", "refugees", "internally displaced persons", "asylum seekers", "children",
    "unaccompanied children", "women", "young people", "families", "survivors of trafficking",
    "seasonal workers", "students", "health workers", "community leaders",
)  # fmt: skip
_OFFICIALS = (
    "border officials", "police officers", "consular staff", "labour inspectors", "social workers",
    "municipal officials", "immigration officers", "prosecutors", "teachers", "journalists",
)  # fmt: skip
_ITEMS = (
    "hygiene kits", "shelter kits", "food parcels", "blankets", "water tanks", "solar lamps",
    "mosquito nets", "cash cards", "medical consultations", "tents", "school kits", "vouchers",
)  # fmt: skip
_TOPICS = (
    "migrant protection", "border management", "counter-trafficking", "labour migration",
    "disaster risk reduction", "psychosocial support", "migration data", "consular assistance",
    "community stabilization", "safe shelter", "health screening", "displacement tracking",
)  # fmt: skip
_PARTNERS = (
    "the Ministry of Foreign Affairs", "the national migration authority", "the Red Cross",
    "local civil society organizations", "the Ministry of Health", "the municipal government",
    "the national disaster agency", "UNHCR", "UNICEF", "the World Food Programme",
)  # fmt: skip
_FIRST = (
    "Amina", "Carlos", "Mariam", "José", "Thandiwe", "Oleksandr", "Nadia", "Rahul", "Fatou", "Elena",
    "Tomás", "Aisha", "Kofi", "Lucía", "Farhan", "Ingrid", "Dao", "Samir", "Grace", "Mateo",
)  # fmt: skip
_LAST = (
    "Okafor", "Morales", "Haddad", "Nguyen", "Kowalski", "Mensah", "Rojas", "Rahman", "Diallo",
    "Petrenko", "Silva", "Karimi", "Banda", "Ortega", "Lindqvist", "Sesay", "Tanaka", "Abebe",
)  # fmt: skip
_ROLES = (
    "IOM Chief of Mission", "project coordinator", "programme manager", "a community volunteer",
    "the mayor", "a regional director", "a field officer", "a health promoter",
)  # fmt: skip
_QUOTES = (
    "Every family we reach has its own story, and our job is to listen before we act",
    "Safe migration starts with accurate information and people who can be trusted",
    "We cannot do this alone; the communities themselves are leading the response",
    "These results show what coordinated work between institutions can achieve",
    "The needs keep growing faster than the resources available to meet them",
    "Nobody should have to choose between staying in danger and a dangerous journey",
)  # fmt: skip
_FILLER = (
    "The activities are part of a wider programme to strengthen the protection of people on the move.",
    "Teams also referred the most vulnerable cases to specialised services.",
    "Organizers stressed the importance of sharing information between institutions.",
    "Follow-up visits are planned for the coming months to measure the results.",
    "The approach combines immediate relief with longer-term support for local integration.",
    "Authorities welcomed the initiative and committed to replicate it in other districts.",
    "Participants discussed practical tools that can be used in their daily work.",
    "The response is coordinated with humanitarian partners through the local cluster system.",
)  # fmt: skip
# Narrative sentences without facts, composed from parts (10 x 8 x 8 x 6 forms): real pages carry
# about three counts and two events per article, most sentences being context, quotes and background.
_NARRATIVE_SUBJECTS = (
    "Local authorities", "Community leaders", "Health workers", "Partner organizations", "Municipal officials",
    "Volunteers", "Protection teams", "Civil society groups", "Border officials", "Teachers",
)  # fmt: skip
_NARRATIVE_VERBS = (
    "continue to face", "have raised concerns about", "are working to address", "highlighted",
    "called for more attention to", "described", "are monitoring", "reported progress on",
)  # fmt: skip
_NARRATIVE_OBJECTS = (
    "gaps in access to basic services", "the risks faced by people travelling irregularly",
    "the needs of host communities", "the lack of safe and regular pathways",
    "the impact of the crisis on livelihoods", "rising prices of food and fuel",
    "the challenges of reintegration", "the situation in border areas",
)  # fmt: skip
_NARRATIVE_TAILS = ("", " in recent months", ", according to the assessment", " despite limited resources",
                    " as the rainy season approaches", ", officials said")  # fmt: skip
# Share of body sentences that carry no fact (fillers and narrative), so that the fact density per
# article (counts, country mentions, events, funders) sits near the real pages' rather than 3-5x above it.
NARRATIVE_SHARE = 0.75
_NAV = (
    "Who we are", "About us", "Our mandate", "What we do", "Where we work", "Our work", "Take action",
    "Careers", "Donate", "Publications", "Data and research", "Media centre", "Contact",
)  # fmt: skip
_NAV_TEASERS = (
    "IOM is the leading intergovernmental organization in the field of migration, with {n} Member States.",
    "Our programmes reach people in more than {n} countries and territories.",
    "Find out how we contribute to the 2030 Agenda for Sustainable Development.",
)  # fmt: skip


@dataclass(frozen=True)
class _Place:
    name: str
    country: str  # country name
    iso3: str


@dataclass(frozen=True)
class _Banks:
    places: tuple[_Place, ...]
    cp1252_places: tuple[_Place, ...]  # names with accents that Windows-1252 can encode
    countries: tuple[tuple[str, str], ...]  # (iso3, name)
    demonyms: dict[str, tuple[str, ...]]
    donors: tuple[str, ...]
    acronyms: tuple[str, ...]


@lru_cache(maxsize=1)
def _banks() -> _Banks:
    """Real places, countries, demonyms and donors from the reference seeds, in seed order."""
    names = _country_names()
    places = tuple(
        _Place(p, names[iso], iso)
        for p, iso in zip(read_seed("places")["place_name"], read_seed("places")["country_iso3"], strict=True)
        if iso in names and p and "," not in p
    )
    cp = tuple(p for p in places if not p.name.isascii() and _encodes(p.name + p.country, "cp1252"))
    aliases = read_seed("country_aliases")
    demonyms: dict[str, list[str]] = {}
    for alias, iso, kind in zip(aliases["alias"], aliases["country_iso3"], aliases["kind"], strict=True):
        if kind == "demonym":
            demonyms.setdefault(iso, []).append(alias)
    funders = read_seed("funders")
    donors = tuple(funders["funder_name"])
    acronyms = tuple(a for a in funders["acronym"] if a)
    return _Banks(
        places=places,
        cp1252_places=cp or places,
        countries=tuple((iso, n) for iso, n in names.items() if _encodes(n, "cp1252")),
        demonyms={k: tuple(v) for k, v in demonyms.items()},
        donors=donors,
        acronyms=acronyms,
    )


def _country_names() -> dict[str, str]:
    """iso3 -> the name a press release prints: the seed's name unless it is an inverted ISO form
    ("Korea, Republic of", "Virgin Islands, U.S."), then its first plain alias; countries without one
    are left out."""
    countries = read_seed("countries")
    aliases = read_seed("country_aliases")
    plain: dict[str, str] = {}
    for kind in ("name", "variant"):
        for alias, iso, k in zip(aliases["alias"], aliases["country_iso3"], aliases["kind"], strict=True):
            if k == kind and _plain(alias):
                plain.setdefault(iso, alias)
    names = {}
    for iso, name in zip(countries["country_iso3"], countries["country_name"], strict=True):
        shown = name if _plain(name) else plain.get(iso)
        if shown:
            names[iso] = shown
    return names


def _plain(name: str | None) -> bool:
    return bool(name) and "," not in name and not name.endswith(".")


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# --- numbers and dates -------------------------------------------------------------------------


def _pick(rng: random.Random, seq):
    """``rng.choice`` without its bounds bookkeeping: the generator calls it ~100 times a page."""
    return seq[int(rng.random() * len(seq))]


def _int(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer in [low, high], cheaper than ``rng.randint``."""
    return low + int(rng.random() * (high - low + 1))


def _wrap(text: str, width: int) -> str:
    """Hard-wrap ``text`` at spaces to lines of at most ``width`` characters (faster than textwrap)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _digits(rng: random.Random) -> str:
    """A count written in digits, small to large, with thousands separators."""
    scale = rng.random()
    if scale < 0.35:
        n = _int(rng, 2, 99)
    elif scale < 0.75:
        n = _int(rng, 100, 9_999)
    else:
        n = _int(rng, 10_000, 2_500_000)
    return f"{n:,}"


def _number(rng: random.Random) -> str:
    """Digits most of the time, a number word or a qualified or ranged number otherwise."""
    r = rng.random()
    if r < 0.15:
        return _pick(rng, _NUMBER_WORDS)
    if r < 0.25:
        low = _int(rng, 2, 400)
        return _pick(rng, ("between {a} and {b}", "{a} to {b}", "{a}-{b}")).format(a=low, b=low + _int(rng, 2, 300))
    qualifier = _pick(rng, ("", "", "", "more than ", "nearly ", "up to ", "at least ", "an estimated ", "about "))
    return qualifier + _digits(rng)


def _percent(rng: random.Random) -> str:
    return _pick(rng, ("{n}%", "{n} per cent", "{n} percent", "about {n} per cent")).format(n=_int(rng, 3, 97))


def _money(rng: random.Random) -> str:
    amount = _pick(
        rng,
        (
            f"{_int(rng, 1, 9)}.{_int(rng, 1, 9)} million",
            f"{_int(rng, 10, 900) * 1000:,}",
            f"{_int(rng, 2, 40)} million",
        ),
    )
    return _pick(rng, ("US$ {a}", "USD {a}", "EUR {a}", "€{a}", "CHF {a}", "{a} Canadian dollars", "JPY {a}")).format(
        a=amount
    )


def _day_month(rng: random.Random, year: int | None = None) -> str:
    month, day = _pick(rng, _MONTHS), _int(rng, 1, 27)
    forms = (f"{day} {month}", f"{month} {day}", f"{day}-{day + 1} {month}", f"{month} {day}-{day + 2}")
    text = _pick(rng, forms)
    return f"{text} {year}" if year and rng.random() < 0.4 else text


def _date_line(rng: random.Random, year: int) -> str:
    """A page date line as the regional sites print it ("14 August, 2019")."""
    return f"{_int(rng, 1, 28)} {_pick(rng, _MONTHS)}, {year}"


# --- sentences and paragraphs ------------------------------------------------------------------


def _sentence(rng: random.Random, b: _Banks, home: _Place, year: int) -> str:
    """One body sentence: context without facts (NARRATIVE_SHARE of them), else one with numbers,
    places, donors or a dated event (only the chosen kind is drawn)."""
    pick, num = _pick, _number
    if rng.random() < NARRATIVE_SHARE:
        if rng.random() < 0.3:
            return pick(rng, _FILLER)
        return (
            f"{pick(rng, _NARRATIVE_SUBJECTS)} {pick(rng, _NARRATIVE_VERBS)} {pick(rng, _NARRATIVE_OBJECTS)}"
            f"{pick(rng, _NARRATIVE_TAILS)}."
        )
    kind = int(rng.random() * 14)
    if kind == 0:
        who = f"{_demonym(rng, b, home)}{pick(rng, _PERSONS)}"
        part = pick(rng, ("children", "women", "older persons"))
        return (
            f"Since {pick(rng, _MONTHS)}, IOM has assisted {num(rng)} {who} in {home.name}, "
            f"of whom {_digits(rng)} were {part}."
        )
    if kind == 1:
        what = pick(rng, ("workshop", "training", "seminar", "course"))
        return (
            f"On {_day_month(rng, year)}, {num(rng)} {pick(rng, _OFFICIALS)} took part in a {what} "
            f"on {pick(rng, _TOPICS)} held in {home.name}."
        )
    if kind == 2:
        return f"The project is funded by the {pick(rng, b.donors)}, with a contribution of {_money(rng)}."
    if kind == 3:
        whom = pick(rng, ("households", "families", "people"))
        return (
            f"With funding from the {pick(rng, b.donors)}, teams distributed {num(rng)} {pick(rng, _ITEMS)} "
            f"to {num(rng)} {whom} in {_where(rng, b)}."
        )
    if kind == 4:
        share = _percent(rng)
        return f"A survey carried out in {_day_month(rng)} found that {share} of respondents had no income."
    if kind == 5:
        return (
            f"Heavy {pick(rng, ('rains', 'floods', 'storms'))} on {_day_month(rng, year)} damaged {num(rng)} "
            f"shelters and left {pick(rng, _NUMBER_WORDS)} people dead or missing in {home.name}."
        )
    if kind == 6:
        return (
            f"Representatives of {_int(rng, 3, 40)} countries met in {pick(rng, b.places).name} "
            f"on {_day_month(rng)} to discuss {pick(rng, _TOPICS)}, supported by {pick(rng, _PARTNERS)}."
        )
    if kind == 7:
        who = f"{_demonym(rng, b, home)}{pick(rng, _PERSONS)}"
        return (
            f"A total of {num(rng)} {who} returned from {pick(rng, b.places).country} on "
            f"{pick(rng, _NUMBER_WORDS)} charter flights between {_day_month(rng)} and {_day_month(rng)}."
        )
    if kind == 8:
        acro = pick(rng, b.acronyms)
        return f"The {acro}-funded centre can host up to {_digits(rng)} people and offers {pick(rng, _ITEMS)}."
    if kind == 9:
        what = pick(rng, ("campaign", "information campaign", "awareness campaign"))
        return (
            f"The {what} launched on {_day_month(rng, year)} will reach {num(rng)} people "
            f"in {pick(rng, _NUMBER_WORDS)} municipalities."
        )
    if kind == 10:
        return (
            f"In coordination with {pick(rng, _PARTNERS)}, a job fair in {home.name} offered {_digits(rng)} "
            f"vacancies, and {_percent(rng)} of the {_digits(rng)} applicants were hired."
        )
    if kind == 11:
        return (
            f"Around {_int(rng, 5, 95)}% of those interviewed in {home.country} said they planned to move to "
            f"{pick(rng, b.places).country} within {pick(rng, ('six months', 'a year', 'two years'))}."
        )
    if kind == 12:
        return f"Between {year - 1} and {year}, arrivals rose from {_digits(rng)} to {_digits(rng)}."
    return pick(rng, _FILLER)


def _where(rng: random.Random, b: _Banks) -> str:
    """A real place and its country ("Upala, Costa Rica")."""
    place = _pick(rng, b.places)
    return f"{place.name}, {place.country}"


def _demonym(rng: random.Random, b: _Banks, home: _Place) -> str:
    """Half the time a demonym of the home country followed by a space ("Honduran "), else nothing."""
    names = b.demonyms.get(home.iso3)
    return _pick(rng, names) + " " if names and rng.random() < 0.5 else ""


def _quote(rng: random.Random, home: _Place) -> str:
    name = f"{_pick(rng, _FIRST)} {_pick(rng, _LAST)}"
    return f"\u201c{_pick(rng, _QUOTES)},\u201d said {name}, {_pick(rng, _ROLES)} in {home.name}."


def _contact(rng: random.Random, home: _Place) -> str:
    first, last = _pick(rng, _FIRST), _pick(rng, _LAST)
    email = f"{first[0]}{last}".lower().encode("ascii", "ignore").decode() + "@example.org"
    return (
        f"For more information please contact: {first} {last}, IOM {home.country}, Tel: +00 000 000 000, Email: {email}"
    )


def _title(rng: random.Random, b: _Banks, home: _Place) -> str:
    """A headline about ``home`` (only the chosen form is drawn)."""
    form = int(rng.random() * 6)
    if form == 0:
        return f"IOM Supports {_digits(rng)} {_pick(rng, _PERSONS).title()} in {home.name}"
    if form == 1:
        return f"{_pick(rng, b.donors)} Funds Emergency Assistance for Families in {home.country}"
    if form == 2:
        return f"Training on {_pick(rng, _TOPICS).title()} Held in {home.name}, {home.country}"
    if form == 3:
        return f"New Survey Maps the Needs of {_pick(rng, _PERSONS).title()} in {home.country}"
    if form == 4:
        topic = _pick(rng, _TOPICS).title()
        return f"{_pick(rng, _NUMBER_WORDS).capitalize()} Countries Meet in {home.name} to Discuss {topic}"
    return f"Floods in {home.name} Displace Thousands; IOM Scales Up Response"


def _body(rng: random.Random, b: _Banks, home: _Place, year: int, paragraphs: int) -> list[str]:
    """Body paragraphs: a dateline lead, sentences, a quote, the press contact."""
    paras = []
    for i in range(paragraphs):
        para = " ".join(_sentence(rng, b, home, year) for _ in range(_int(rng, 1, 4)))
        if i == 0:
            dash = _pick(rng, ("-", "\u2013", "\u2014"))
            para = f"{home.name} {dash} {para}"
        paras.append(para)
    paras.insert(_int(rng, 1, max(1, len(paras))), _quote(rng, home))
    if rng.random() < 0.7:
        paras.append(_contact(rng, home))
    return paras


def _paragraph_count(rng: random.Random) -> int:
    """Skewed towards short pages, so sizes spread over about 1-8 KB."""
    return min(16, 3 + int(rng.expovariate(0.25)))


# --- layouts -----------------------------------------------------------------------------------


def _nav_block(rng: random.Random) -> str:
    lines = []
    for item in rng.sample(_NAV, _int(rng, 5, 10)):
        if rng.random() < 0.3:
            lines.append("-")
        if rng.random() < 0.25:
            lines.append(item.upper() + _pick(rng, _NAV_TEASERS).format(n=_int(rng, 150, 180)))
        lines += [item, item] if rng.random() < 0.6 else [f"- {item}"]
    return "\n".join(lines)


def _layout_nav(rng: random.Random, b: _Banks, home: _Place, year: int) -> str:
    body = _body(rng, b, home, year, _paragraph_count(rng))
    return _nav_block(rng) + "\n" + _title(rng, b, home) + "\n" + "\n".join(body) + "\n"


def _layout_news_global(rng: random.Random, b: _Banks, home: _Place, year: int) -> str:
    body = _body(rng, b, home, year, _paragraph_count(rng))
    wrapped = [_wrap(p, _pick(rng, (64, 68, 72))) for p in body]
    return "News\nGlobal\n\n" + _title(rng, b, home) + "\n\n" + "\n\n".join(wrapped) + "\n"


def _layout_regional(rng: random.Random, b: _Banks, home: _Place, year: int) -> str:
    tags = [home.country] + [n for _, n in rng.sample(b.countries, _int(rng, 0, 2))]
    body = _body(rng, b, home, year, _paragraph_count(rng))
    head = f"{_title(rng, b, home)}\n\n \n{', '.join(tags)}\n{_date_line(rng, year)}\n\n \n\n"
    return head + "\n\n".join(body) + "\n"


def _layout_spain_feed(rng: random.Random, b: _Banks, home: _Place, year: int) -> str:
    body = _body(rng, b, home, year, _paragraph_count(rng))
    stamp = (
        f"{_pick(rng, _WEEKDAYS)}, {_int(rng, 1, 12):02d}/{_int(rng, 1, 28):02d}/{year} - "
        f"{_int(rng, 7, 19):02d}:{_int(rng, 0, 59):02d}"
    )
    head = (
        "\u2022 English\n  \u2022 Espa\u00f1ol\n"
        f"Subscribe to PBN News {home.country} feed\n"
        f"Updated: {_int(rng, 1, 59)} min {_int(rng, 1, 59)} sec ago\n\n"
    )
    return head + f"{_title(rng, b, home)}\n\n{stamp}\n\n" + "\n\n".join(body) + "\n"


def _layout_listing(rng: random.Random, b: _Banks, home: _Place, year: int) -> str:
    items = []
    for _ in range(_int(rng, 2, 6)):
        place = _pick(rng, b.places)
        where = f"{place.name}, {place.country}" if rng.random() < 0.6 else place.country
        summary = " ".join(_sentence(rng, b, place, year) for _ in range(_int(rng, 1, 3)))
        lead = f"{where}. On {_pick(rng, _MONTHS)} {_int(rng, 1, 28)}, {_listing_lead(rng, place)} {summary}"
        items.append(f"{_date_line(rng, year)}\n\n{_title(rng, b, place)}\n\n{lead}\n")
    return "\n".join(items)


def _listing_lead(rng: random.Random, place: _Place) -> str:
    """The dated first sentence of a listing item's summary, after "Place. On <date>,"."""
    partner = _pick(rng, _PARTNERS)
    form = int(rng.random() * 4)
    if form == 0:
        items = _pick(rng, _ITEMS)
        return f"IOM and {partner} started distributing {items} to {_number(rng)} {_pick(rng, _PERSONS)}."
    if form == 1:
        return f"IOM trained {_number(rng)} {_pick(rng, _OFFICIALS)} on {_pick(rng, _TOPICS)} in {place.name}."
    if form == 2:
        return f"IOM, in coordination with {partner}, opened a reception centre for up to {_digits(rng)} people."
    return f"{_pick(rng, _NUMBER_WORDS).capitalize()} migrants died when their boat capsized off {place.name}."


def _layout_html(rng: random.Random, b: _Banks, home: _Place, year: int) -> str:
    esc = html.escape
    title = _title(rng, b, home)
    month, day = _int(rng, 1, 12), _int(rng, 1, 28)
    paras = "\n".join(
        f"  <p>{esc(p, quote=False).replace(' - ', ' &ndash; ', 1)}</p>"
        for p in _body(rng, b, home, year, _paragraph_count(rng))
    )
    nav = "\n".join(f'    <li><a href="/{i.lower().replace(" ", "-")}">{i}</a></li>' for i in rng.sample(_NAV, 5))
    return _HTML.format(
        title=esc(title),
        country=esc(home.country),
        slides=_int(rng, 3, 20),
        delay=_int(rng, 1000, 9000),
        px=_int(rng, 20, 36),
        nav=nav,
        iso=f"{year}-{month:02d}-{day:02d}",
        shown=f"{day} {_MONTHS[month - 1]} {year}",
        paras=paras,
        year=year,
    )


# script, style, nav and footer hold numbers that belong to no article
_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | IOM {country}</title>
<script>
  var slides = {slides}, delay = {delay};
</script>
<style>
  h1 {{ font-size: {px}px; }}
</style>
</head>
<body>
<nav class="site-nav">
  <ul>
{nav}
  </ul>
</nav>
<main>
<article>
  <h1>{title}</h1>
  <p class="meta">Published <time datetime="{iso}">{shown}</time></p>
{paras}
</article>
</main>
<footer>&copy; {year} IOM &middot; Tel: +00 000 0000</footer>
</body>
</html>
"""


_LAYOUT_FUNCS = {
    "nav": _layout_nav,
    "news_global": _layout_news_global,
    "regional": _layout_regional,
    "spain_feed": _layout_spain_feed,
    "listing": _layout_listing,
    "html": _layout_html,
    "cp1252": _layout_regional,
}


# --- pages and corpus --------------------------------------------------------------------------


def page_path(index: int) -> Path:
    """Where page ``index`` lives, relative to the corpus root: 1,000 files per leaf folder, two levels."""
    return Path(f"{index // (FILES_PER_FOLDER * 100):03d}", f"{(index // FILES_PER_FOLDER) % 100:02d}")


def generate_page(index: int, seed: int = 0) -> tuple[str, bytes]:
    """Page ``index`` of corpus ``seed``: its relative path and its bytes (a pure function of both)."""
    rng = random.Random(f"pressfacts-corpus:{seed}:{index}")
    b = _banks()
    layout = rng.choices(LAYOUTS, weights=_LAYOUT_WEIGHTS)[0]
    home = _pick(rng, b.cp1252_places if layout == "cp1252" else b.places)
    year = _int(rng, 2012, 2024)
    text = _LAYOUT_FUNCS[layout](rng, b, home, year)
    suffix = ".html" if layout == "html" else ".txt"
    name = (page_path(index) / f"page-{index:07d}-{layout}{suffix}").as_posix()
    if layout == "cp1252":
        # curly quotes and accented place names exist in Windows-1252; anything else is replaced
        return name, text.encode("cp1252", errors="replace")
    return name, text.encode("utf-8")


def generate_corpus(out_dir: Path, pages: int, seed: int = 0, start: int = 0, workers: int | None = None) -> None:
    """Write pages ``start .. start+pages-1`` of corpus ``seed`` under ``out_dir`` (nested folders).

    Large corpora are written by a process pool, one leaf folder per job; the bytes do not
    depend on it (each page has its own random stream).
    """
    workers = workers or os.cpu_count() or 1
    stop = start + pages
    if pages < _PARALLEL_PAGES or workers < 2:
        _write_pages(out_dir, start, stop, seed)
        return
    bounds = range(start - start % FILES_PER_FOLDER, stop, FILES_PER_FOLDER)
    jobs = [(max(start, b), min(stop, b + FILES_PER_FOLDER)) for b in bounds]
    ctx = multiprocessing.get_context("spawn")  # no inherited threads or locks, whatever the caller runs
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for done in pool.map(_write_pages, [out_dir] * len(jobs), *zip(*jobs, strict=True), [seed] * len(jobs)):
            del done


def _write_pages(out_dir: Path, start: int, stop: int, seed: int) -> int:
    """Write pages ``start .. stop-1``; returns how many."""
    made: set[Path] = set()
    for index in range(start, stop):
        rel, data = generate_page(index, seed)
        path = out_dir / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
    return stop - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, required=True, help="number of pages to write")
    parser.add_argument("--out", type=Path, required=True, help="corpus root folder")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    generate_corpus(args.out, args.pages, args.seed)
    print(f"wrote {args.pages:,} pages to {args.out} in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
