"""Page text -> articles: drop site navigation, split listings, find title, date and dateline.

Works on the shape of a page, never on one site's menu: navigation is
recognised by what menus look like once flattened to text (bullets, lines
printed twice, a heading glued to its teaser, runs of short title-case
links); a listing page repeats one record -- a date line, a headline and a
summary in any order, or a date line and a summary with no headline, or a
headline and a summary with no date -- and the order a page uses is read from
its unambiguous records; an article's title is the headline-like line right
before its body (past tag, date and metadata lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from flows.articles.model import Article, stable_id
from flows.articles.redact import redact_personal_data
from flows.language.dates import MONTHS

_MONTHS = MONTHS  # one month table for the project: the date grammar's
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_FORMS = [
    re.compile(rf"{_WEEKDAY}{_DAY}\s+(?:de\s+|of\s+)?{_MONTH},?\s+(?:de\s+)?{_YEAR}", re.IGNORECASE),
    re.compile(rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),
    re.compile(r"(?P<year>(?:19|20)\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:[T ][\d:.+Z-]*)?"),
    re.compile(rf"{_WEEKDAY}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/{_YEAR}(?:\s*-\s*\d{{1,2}}:\d{{2}})?", re.IGNORECASE),
    re.compile(r"(?P<year>(?:19|20)\d{2})/(?P<month>\d{1,2})/(?P<day>\d{1,2})"),
    # "08.07.2020": day first, as everywhere dots are used
    re.compile(rf"{_WEEKDAY}(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.{_YEAR}", re.IGNORECASE),
]
_YEAR_HINT = re.compile(r"(?:19|20)\d{2}")
# "Date:", "Published on", "Posted on" and their Spanish forms ("Fecha:", "Publicado el")
_DATE_LABEL = (
    r"(?:date(?:\s+publish(?:ed)?)?|published(?:\s+on)?|posted(?:\s+on)?"
    r"|fecha(?:\s+de\s+publicaci[oó]n)?|publicado(?:\s+el)?)"
)
_DATE_PREFIX = re.compile(rf"^{_DATE_LABEL}\s*:?\s*", re.I)
_DATE_LABEL_ONLY = re.compile(rf"^{_DATE_LABEL}\s*:\s*$", re.I)

# Lines that are site chrome whatever the site.
_CHROME = re.compile(
    r"^(?:skip to (?:main )?content|news\s*-?|global|menu|search|home|share(?: this)?|print|"
    r"subscribe to .*|updated:.*ago|(?:read|learn|see|view) (?:more|the full story|full story)\W*|more\W*|"
    r"back to top|follow us.*|language|english|español|"
    r"français|deutsch|[•·*-]\s*\S+(?:\s+\S+){0,3}|[-•·*|]+)$",
    re.IGNORECASE,
)
# A line that only says what kind of item follows, or where it sits on the site: "Press Release",
# "News / Local", "Briefing Notes", "Stories > Feature".
_LABEL_WORDS = (
    r"press|media|news|release[sd]?|notes?|briefings?|statements?|stor(?:y|ies)|features?|updates?|"
    r"advisory|advisories|op-ed|opinion|blogs?|articles?|local|global|regional|national|international|"
    r"photos?|videos?|gallery|events?|announcements?|joint|speech(?:es)?|interviews?|highlights|latest|"
    r"top|stories|press\s+room|newsroom|field|country|office|communiqu[eé]s?|bulletins?|situation|reports?"
)
_LABEL = re.compile(
    rf"^(?:{_LABEL_WORDS})(?:\s*(?:[/|>»›:,&-]|and)?\s*(?:{_LABEL_WORDS}))*\s*[/|>»›:]?$", re.IGNORECASE
)
_MORE = re.compile(r"^(?:read|learn|see|view)\s+(?:more|the full story|full story|story)\b.{0,30}$|^more\W*$", re.I)
_SENTENCE_END = re.compile(r"[.!?:;\"\u201d]$")
_GLUED = re.compile(r"^(?:[A-Z]+ )*[A-Z]{2,}(?=[A-Z][a-z])")  # "WHO WE AREThe ...": a heading glued to its teaser

# Datelines: "Guatemala -", "San Salvador –", "Port of Spain —", "Santo Domingo.",
# "Tijuana, Mexico, February 28, 2019.", "Panama, April 12th, 2020."
_PLACE = r"(?P<place>[A-Z][\w'’.()]*(?:[ /][A-Za-z][\w'’.()]*){0,4}(?:,\s*[A-Z][\w'’.]*(?: [A-Z][\w'’.]*){0,3})?)"
_DATELINE_DASH = re.compile(rf"^{_PLACE}\s*(?:\([^)]{{0,40}}\)\s*)?[-–—]+\s+")
_DATELINE_DATE = re.compile(
    rf"^{_PLACE},\s*(?P<date>[A-Z][a-z]+\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{1,2}} [A-Z][a-z]+,? \d{{4}})"
    r"(?!\d)[.,]?\s*(?:[-–—]+\s*)?(?=\S)",
    re.MULTILINE,
)
_DATELINE_DOT = re.compile(rf"^{_PLACE}\.\s+(?=[A-Z])")

PlaceResolver = Callable[[str], "str | None"]


@dataclass
class _Line:
    start: int
    end: int
    text: str  # stripped
    kind: str = "text"  # blank | nav | date | datelabel | text
    date: date | None = None
    place: str | None = None  # the place a date line names ("8 July 2020, Kathmandu")
    more: bool = False  # a "Read more" link: it closes a listing item


def parse_date_line(line: str) -> date | None:
    """The date a line consists of ("6 June, 2019", "Tue, 12/18/2018 - 08:58", "2019-03-08"), else None.

    Numeric day/month order follows the page: month/day unless the first
    number cannot be a month. A date line may also name its place ("8 July 2020, Kathmandu",
    "Addis Ababa - 23 March 2016") or say what the date is ("This note was updated on 31/01/2019
    - 17:25 GMT"); see ``parse_date_place_line``.
    """
    parsed = parse_date_place_line(line)
    return parsed[0] if parsed else None


def parse_date_place_line(line: str) -> tuple[date, str | None] | None:
    """The date and (if the line names one) the place of a date line, else None.

    The line is one date plus, on either side, only date-label words ("published", "updated on",
    "this press note has been ..."), a time ("- 17:25 GMT +1") or a capitalised place name set
    off by a comma or dash. Anything else (a verb, a lower-case word) makes it a sentence.
    """
    if len(line) > 160 or not _YEAR_HINT.search(line):
        return None  # every date form has a four-digit year: most lines stop here
    s = _DATE_PREFIX.sub("", line.strip()).strip(" .,")
    if not s or len(s) > 120:
        return None
    for form in _DATE_FORMS:
        m = form.fullmatch(s)
        if m:
            d = _date_from_match(m)
            return (d, None) if d else None
    for form in _DATE_FORMS:
        m = form.search(s)
        if not m:
            continue
        before = s[: m.start()]
        after = _TIME_TAIL.sub("", s[m.end() :])
        if m.start() > 0 and s[m.start() - 1].isalnum():
            return None
        places = []
        for side, is_before in ((before, True), (after, False)):
            kind = _side_kind(side, is_before)
            if kind is None:
                return None
            if kind != "label":
                places.append(kind)
        d = _date_from_match(m)
        if d is None or len(places) > 1:
            return None
        return d, (places[0] if places else None)
    return None


# Words that may stand around a date on a date line ("Posted on", "This press note has been updated on").
_DATE_LABEL_WORDS = frozenset(
    """date dated published publish posted updated update last modified released issued created originally
    on at by in this the page press note release news story article item has have been was is first""".split()
)
_TIME_TAIL = re.compile(
    r"^\s*[-–—|,@]?\s*(?:at\s+)?(?:\d{1,2}[:.h]\d{2}(?:\s*[ap]\.?m\.?)?)?"
    r"(?:\s*(?:GMT|UTC|CET|CEST|EAT|WAT|CAT|EST|EDT|ICT|IST)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?)?\s*$",
    re.IGNORECASE,
)
_PLACE_PARTICLES = frozenset({"de", "del", "la", "el", "es", "al", "of", "da", "do", "dos", "du", "d'"})
_SIDE_SEPARATORS = " \t,;:|-–—()"


def _side_kind(side: str, before: bool) -> str | None:
    """What stands on one side of a date: "label" (nothing, or label words), a place, or None (prose).

    A place is capitalised words (particles allowed inside: "Mar del Plata") set off from the date
    by a comma or dash, or introduced by "in"/"at"; label words may come first ("Posted in Juba,").
    """
    core = side.strip(_SIDE_SEPARATORS)
    if not core:
        return "label"
    if "(" in core and ")" in side[side.find(core) + len(core) :]:
        core += ")"  # "Kathmandu (Nepal), 8 July 2020": keep the closing parenthesis
    if _LABEL.match(core):
        return "label"  # "Briefing Notes, 8 July 2020", "News / Local - 8 July 2020"
    # punctuation-only tokens ("/", "|") separate; parentheses around a part are dropped
    words = [w.strip("()") for w in core.replace(",", " , ").split() if w == "," or any(c.isalnum() for c in w)]
    if len(words) > 9:
        return None
    lead = 0
    while lead < len(words) and (words[lead] == "," or words[lead].lower().strip(":") in _DATE_LABEL_WORDS):
        lead += 1
    rest = words[lead:]
    if not rest or "by" in (w.lower() for w in words[:lead]):
        return "label"  # "Posted on", "... by IOM" (an author, not a place)
    introduced = lead > 0 and words[lead - 1].lower() in ("in", "at")
    edge = side.rstrip() if before else side.lstrip()
    separated = bool(edge) and (edge[-1] if before else edge[0]) in ",-–—|:("
    if not (separated or introduced) or rest[-1].lower() in _PLACE_PARTICLES or rest[-1] == ",":
        return None
    for w in rest:
        if w != "," and not w[0].isupper() and w.lower() not in _PLACE_PARTICLES:
            return None
    first = core.find(rest[0]) if rest[0] != "," else 0
    place = core[first:].strip(" \t,;:|-–—")
    if place.endswith(")") and "(" not in place:
        place = place[:-1]
    if place.startswith("(") and ")" not in place:
        place = place[1:]
    return place


def _date_from_match(m: re.Match[str]) -> date | None:
    groups = m.groupdict()
    year = int(groups["year"])
    if groups.get("a"):
        a, b = int(groups["a"]), int(groups["b"])
        month, day = (a, b) if a <= 12 else (b, a)
    else:
        raw = groups["month"].lower().rstrip(".")
        month = int(raw) if raw.isdigit() else _MONTHS.get(raw, 0)
        day = int(groups["day"])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _split_lines(text: str) -> list[_Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        stripped = raw.strip().replace("\u00a0", " ").strip()
        lines.append(_Line(pos, end, stripped))
        pos = end + 1
    return lines


def _classify(lines: list[_Line], resolve_place: PlaceResolver | None = None) -> None:
    """Mark each line blank, nav (site chrome and item labels), date, datelabel or text."""
    prev_text = ""
    for i, line in enumerate(lines):
        s = line.text
        if not s:
            line.kind = "blank"
            continue
        parsed = parse_date_place_line(s)
        if parsed is not None:
            line.kind, line.date, line.place = "date", parsed[0], parsed[1]
        elif _DATE_LABEL_ONLY.match(s):
            line.kind = "datelabel"
        elif _CHROME.match(s) or _GLUED.match(s) or _LABEL.match(s):
            line.kind = "nav"
            line.more = bool(_MORE.match(s))
        elif prev_text and len(s) > len(prev_text) and s.lower().startswith(prev_text.lower()) and len(prev_text) < 40:
            line.kind = "nav"  # "Our Work" followed by "Our WorkAs the leading ..."
            lines[i - 1].kind = "nav"
        elif prev_text and s.lower() == prev_text.lower() and len(s) < 60:
            line.kind = "nav"  # a menu prints each entry twice
            _mark_prev_nonblank(lines, i, "nav")
        prev_text = s
    _mark_menu_runs(lines)
    _mark_repeated_labels(lines, resolve_place)


def _mark_repeated_labels(lines: list[_Line], resolve_place: PlaceResolver | None) -> None:
    """A short line printed next to several items' date lines is the items' label ("Local"), not a headline.

    A place ("Guatemala") printed that way is the items' tag line and stays text: it names a country.
    """
    content = [line for line in lines if line.kind in ("text", "date")]
    near_date: dict[str, int] = {}
    for k, line in enumerate(content):
        if line.kind != "text" or len(line.text.split()) > 3 or any(c.isdigit() for c in line.text):
            continue
        if any(0 <= n < len(content) and content[n].kind == "date" for n in (k - 1, k + 1)):
            key = line.text.lower()
            near_date[key] = near_date.get(key, 0) + 1
    labels = {key for key, n in near_date.items() if n >= 2 and not (resolve_place and resolve_place(key.title()))}
    for line in content:
        if line.kind == "text" and line.text.lower() in labels:
            line.kind = "nav"


def _mark_prev_nonblank(lines: list[_Line], i: int, kind: str) -> None:
    for j in range(i - 1, -1, -1):
        if lines[j].kind != "blank":
            lines[j].kind = kind
            return


def _is_menu_item(s: str) -> bool:
    words = s.split()
    return len(words) <= 4 and not _SENTENCE_END.search(s) and not any(c.isdigit() for c in s)


def _mark_menu_runs(lines: list[_Line]) -> None:
    """Three or more consecutive short link-like lines next to other nav lines form a menu."""
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].kind in ("text", "nav") and _is_menu_item(lines[j].text):
            j += 1
        run = lines[i:j]
        if len(run) >= 3 and any(line.kind == "nav" for line in run):
            for line in run:
                line.kind = "nav"
        i = max(j, i + 1)


# Chinese, Japanese and Korean write no spaces between words: two characters stand for a word.
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _word_count(s: str) -> int:
    """Words in ``s``: whitespace-separated tokens, each run of CJK characters counted as half its length."""
    cjk = len(_CJK.findall(s)) if not s.isascii() else 0
    return len(s.split()) + cjk // 2


def _is_headline(s: str, min_words: int = 3) -> bool:
    words = _word_count(s)
    return (
        min_words <= words <= 40
        and len(s) <= 300
        and not s.endswith((".", ":", ";", ",", '."', ".\u201d", "-", "\u2013"))
        and s[0] not in "-\u2013\u2022("
    )


def _is_body(s: str) -> bool:
    return _word_count(s) >= 8


def _next_content(lines: list[_Line], i: int) -> int:
    """Index of the first line at or after ``i`` that is neither blank nor nav, else len(lines)."""
    while i < len(lines) and lines[i].kind in ("blank", "nav"):
        i += 1
    return i


def _find_title(lines: list[_Line], lo: int, hi: int, min_words: int = 4) -> int | None:
    """The first headline-like text line in [lo, hi) followed (after metadata) by a body line."""
    for i in range(lo, hi):
        line = lines[i]
        if line.kind != "text" or not _is_headline(line.text, min_words):
            continue
        j = i + 1
        meta = 0
        while j < hi:
            nxt = lines[j]
            if nxt.kind in ("blank", "nav", "date", "datelabel"):
                j += 1
                continue
            if _is_body(nxt.text) or (meta < 2 and j + 1 < hi and _is_body_after_tag(lines, j, hi)):
                if _is_body(nxt.text):
                    return i
                meta += 1
                j += 1
                continue
            if meta < 12 and _is_meta_field(nxt.text):
                meta += 1  # a metadata block under the title ("Format", "Source", "Posted", values)
                j += 1
                continue
            break
        if j >= hi and i + 1 < hi:
            continue
    if min_words > 2:
        return _find_title(lines, lo, hi, min_words - 1)
    return None


def _is_meta_field(s: str) -> bool:
    """A metadata field or value under a headline: at most three words, no sentence punctuation."""
    return len(s.split()) <= 3 and not _SENTENCE_END.search(s)


def _is_tag_line(lines: list[_Line], j: int, hi: int) -> bool:
    """A metadata line under the title: short, no sentence punctuation, and no body before the date."""
    s = lines[j].text
    if _SENTENCE_END.search(s) or len(s.split()) > 20:
        return False
    if not _is_body(s):
        return True
    k = _next_content(lines, j + 1)
    return k < hi and lines[k].kind == "date"


def _is_body_after_tag(lines: list[_Line], j: int, hi: int) -> bool:
    """A short tag line ("Guatemala", a list of countries) followed by a date line or the body."""
    s = lines[j].text
    if len(s.split()) > 15 or _SENTENCE_END.search(s):
        return False
    k = j + 1
    while k < hi and lines[k].kind in ("blank", "nav", "datelabel"):
        k += 1
    return k < hi and (lines[k].kind == "date" or _is_body(lines[k].text))


def _is_item_title(s: str) -> bool:
    """A listing item's title: what follows its date line, a headline that may end with a period."""
    return _is_headline(s.rstrip("."), 2)


def _looks_headline(s: str) -> bool:
    """A line printed as a headline: headline-shaped and not closed like a sentence."""
    return _is_item_title(s) and not s.endswith((".", "\u2026", ";", ",", ":")) and len(s.split()) <= 30


def _looks_body(s: str) -> bool:
    """A line printed as running text: a closed sentence of some length, or a long line."""
    words = len(s.split())
    return words >= 20 or (words >= 6 and s.endswith((".", "!", "?", "\u2026", '"', "\u201d", ")")))


def _closed_sentence(s: str) -> bool:
    """Running text rather than a headline: a line of some length closed by a full stop."""
    return len(s.split()) >= 8 and s.endswith((".", "\u2026", '."', ".\u201d"))


@dataclass
class _Item:
    lo: int  # first line of the item
    title: int | None  # its headline's line, None when the item prints none
    date: date | None
    end: int | None = None  # where the item's text stops, when before the next item (its closing date line)


def _listing_items(lines: list[_Line]) -> list[_Item]:
    """The items of a listing page, or [] when the page is one article.

    A listing repeats one record: a date line and a headline in either order (or a date line
    alone, on briefing pages whose items have no headline), then a summary. Which order the page
    uses is decided by the records that show it unambiguously (a headline-looking line on one
    side of the date, running text on the other); the other records of the page (a summary cut
    short, an item with no headline) then follow the page's order.
    """
    content = [i for i, line in enumerate(lines) if line.kind in ("text", "date")]
    # a record's date block: one date line or several in a row ("Posted ...", "Originally published ...")
    blocks: list[tuple[int, int]] = []
    for k, i in enumerate(content):
        if lines[i].kind == "date":
            if blocks and blocks[-1][1] == k - 1:
                blocks[-1] = (blocks[-1][0], k)
            else:
                blocks.append((k, k))
    if not blocks:
        return _undated_items(lines, content)
    if len(blocks) < 2:
        # one date at the top of the page (an HTML page's own date) over undated items
        # (an article's own headline over that date makes the page one article)
        first, last = blocks[0]
        heads = [lines[i].text for i in content[:first] if lines[i].kind == "text"]
        if first > 2 or any(_looks_headline(h) and len(h.split()) >= 6 for h in heads):
            return []
        return _undated_items(lines, content[last + 1 :])

    def text(k: int) -> str | None:
        if 0 <= k < len(content) and lines[content[k]].kind == "text":
            return lines[content[k]].text
        return None

    def headline_before(first: int) -> int:
        """The line a headline over the date block would be on, past a tag line ("Nepal") under it."""
        k = first - 1
        tag, head = text(k), text(k - 1)
        if tag and head and _is_tag_text(tag) and _looks_headline(head) and not _is_tag_text(head):
            return k - 1
        return k

    after_title, before_title, untitled = [], [], []  # date blocks that show each record shape
    for first, last in blocks:
        hb = headline_before(first)
        nxt, nxt2, prv, prv2 = text(last + 1), text(last + 2), text(hb), text(hb - 1)
        if nxt and nxt2 and _looks_headline(nxt) and _looks_body(nxt2):
            after_title.append(first)
        elif prv and nxt and _looks_headline(prv) and _looks_body(nxt) and not (prv2 and _looks_headline(prv2)):
            before_title.append(first)
        elif nxt and _looks_body(nxt) and not _looks_headline(nxt):
            untitled.append(first)
    items: list[_Item] = []
    closing = _closing_date_items(lines, content, blocks, text)
    if closing:
        items = closing
    elif len(before_title) >= 2 and not untitled and len(before_title) > len(after_title):
        # every date sits under a headline: the headline opens the item
        for first, last in blocks:
            hb = headline_before(first)
            prv, nxt = text(hb), text(last + 1)
            if prv and nxt and _is_item_title(prv) and not _closed_sentence(prv):
                items.append(_Item(content[hb], content[hb], lines[content[first]].date))
    elif len(after_title) + len(untitled) >= 2 and len(after_title) + len(untitled) >= len(before_title):
        opening = text(blocks[0][0] - 1) or ""
        if not after_title and blocks[0][0] in before_title and len(opening.split()) >= 4:
            return []  # a headline over a date, then dated paragraphs: one article with a timeline
        mostly_titled = len(after_title) >= len(untitled)
        for first, last in blocks:
            nxt, nxt2 = text(last + 1), text(last + 2)
            if nxt is None:
                continue  # a date with no text after it belongs to the item it ends
            # on a page of titled items, the first of two lines after a date is the headline even if it
            # closes with a full stop; on a briefing page it must look like one
            titled = nxt2 is not None and _is_item_title(nxt) and (mostly_titled or not _closed_sentence(nxt))
            items.append(_Item(content[first], content[last + 1] if titled else None, lines[content[first]].date))
    # a page that prints one item's header twice is one article: the items must differ
    keys = {lines[it.title].text.lower() if it.title is not None else f"@{it.lo}" for it in items}
    return items if len(items) >= 2 and len(keys) >= 2 else []


_TAG_PART = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|del|of|and|la|el)){0,3}")


def _is_tag_text(s: str) -> bool:
    """A tag line: place or topic names, comma- or slash-separated ("Nepal", "Costa Rica, Panama")."""
    if len(s.split()) > 14 or _SENTENCE_END.search(s):
        return False
    return all(_TAG_PART.fullmatch(part.strip()) for part in re.split(r"[,/|;]", s) if part.strip())


def _closing_date_items(
    lines: list[_Line], content: list[int], blocks: list[tuple[int, int]], text: Callable[[int], str | None]
) -> list[_Item]:
    """Items whose date line comes last (headline, summary, date): the page ends on a date line and
    every date closes a headline and its summary."""
    if text(blocks[-1][1] + 1) is not None:
        return []
    items = []
    start = 0
    for first, last in blocks:
        k = first - 1
        while k > start and text(k) and _looks_body(text(k) or "") and not _looks_headline(text(k) or ""):
            k -= 1  # back over the summary's paragraphs to its headline
        head = text(k)
        if k >= first - 1 or not head or not _looks_headline(head) or not _is_item_title(head):
            return []
        items.append(_Item(content[k], content[k], lines[content[first]].date, content[first]))
        start = last + 1
    return items


def _undated_items(lines: list[_Line], content: list[int]) -> list[_Item]:
    """The items of a listing that prints no dates: headline, a short summary, repeated.

    One article with subheadings has the same shape, so the record must be a listing's: three or
    more headlines, each over a one-paragraph summary (or closed by a "Read more" link, which lets
    two items and summaries of up to three paragraphs count), nothing but short lines before the
    first, and the page's text must not be hard-wrapped (a wrapped paragraph's lines look like
    short headlines).
    """
    texts = content  # the page prints no date line
    if len(texts) < 4:
        return []
    # a hard-wrapped paragraph: a line that stops mid-sentence and a next line that goes on in lower case
    wrapped = sum(
        1 for a, b in pairwise(texts) if not _SENTENCE_END.search(lines[a].text) and lines[b].text[:1].islower()
    )
    if wrapped * 5 > len(texts):
        return []
    ends_with_more = {i for i in texts if _followed_by_more(lines, i)}
    anchors = []
    for n, i in enumerate(texts):
        s = lines[i].text
        if not (_looks_headline(s) and len(s.split()) >= 4) or n + 1 >= len(texts):
            continue
        nxt = lines[texts[n + 1]].text
        prev_closes = not anchors or _looks_body(lines[texts[n - 1]].text) or texts[n - 1] in ends_with_more
        if prev_closes and _looks_body(nxt) and not _looks_headline(nxt):
            anchors.append(n)
    if not anchors:
        return []
    bounds = list(zip(anchors, anchors[1:] + [len(texts)], strict=True))
    sizes = [b - a - 1 for a, b in bounds]
    closed_by_more = sum(1 for _, b in bounds if texts[b - 1] in ends_with_more)
    if closed_by_more >= 2 and closed_by_more >= len(anchors) - 1:
        ok = len(anchors) >= 2 and max(sizes) <= 3
    else:
        ok = len(anchors) >= 3 and max(sizes) == 1
    if not ok or any(_looks_body(lines[t].text) for t in texts[: anchors[0]]):
        return []
    return [_Item(texts[n], texts[n], None) for n in anchors]


def _followed_by_more(lines: list[_Line], i: int) -> bool:
    """True when the next non-blank line after ``i`` is a "Read more" link."""
    j = i + 1
    while j < len(lines) and lines[j].kind == "blank":
        j += 1
    return j < len(lines) and lines[j].more


def segment_page(
    text: str,
    source_file: str,
    content_sha256: str,
    resolve_place: PlaceResolver | None = None,
) -> list[Article]:
    """Cut a page's text into articles (one, or one per item of a listing page)."""
    lines = _split_lines(text)
    _classify(lines, resolve_place)
    items = _listing_items(lines)
    spans: list[tuple[int, int | None, int, date | None]] = []  # (lo, title line, hi, item date)
    if items:
        for n, it in enumerate(items):
            hi = items[n + 1].lo if n + 1 < len(items) else len(lines)
            hi = min(hi, it.end) if it.end is not None else hi
            spans.append((it.lo, it.title, hi, it.date))
    else:
        title_at = _find_title(lines, 0, len(lines))
        if title_at is None:
            title_at = _plain_title(lines)
        if title_at is not None:
            spans.append((title_at, title_at, len(lines), _date_above(lines, title_at)))
    articles = []
    for lo, title_at, hi, item_date in spans:
        article = _build_article(
            lines, lo, title_at, hi, item_date, source_file, content_sha256, len(articles), resolve_place
        )
        if article is not None:
            articles.append(article)
    return articles


def _plain_title(lines: list[_Line]) -> int | None:
    """For a page in which no headline-and-body shape was found: its first text line, however long
    (a headline of 50 words is still the headline), when a closed sentence of a few words follows
    ("Nairobi - IOM opened its new office."). A page of navigation alone still yields nothing."""
    first = _next_content(lines, 0)
    while first < len(lines) and lines[first].kind != "text":
        first = _next_content(lines, first + 1)
    if first >= len(lines) or lines[first].text.endswith((".", ":", ";", ",")):
        return None
    nxt = _next_content(lines, first + 1)
    while nxt < len(lines) and lines[nxt].kind in ("date", "datelabel"):
        nxt = _next_content(lines, nxt + 1)
    if nxt >= len(lines) or lines[nxt].kind != "text":
        return None
    body = lines[nxt].text
    closed = body.endswith((".", "!", "?", "\u3002", "\uff01", "\uff1f", '"', "\u201d"))
    return first if closed and _word_count(body) >= 4 and _word_count(lines[first].text) >= 3 else None


def _date_above(lines: list[_Line], t: int) -> date | None:
    """The date printed just above a single article's headline ("Press Release | 8 July 2020"), if any.

    Only nav and blank lines may stand between; a date under the headline wins (``_build_article``
    reads it only when this gives none, as for listing items).
    """
    for j in range(t - 1, max(-1, t - 6), -1):
        if lines[j].kind == "date":
            return None if _date_below(lines, t) else lines[j].date
        if lines[j].kind not in ("blank", "nav", "datelabel"):
            return None
    return None


def _date_below(lines: list[_Line], t: int) -> bool:
    """True when a date line follows the headline before any body text."""
    for j in range(t + 1, min(len(lines), t + 15)):
        if lines[j].kind == "date":
            return True
        if lines[j].kind == "text" and _is_body(lines[j].text):
            return False
    return False


def _build_article(
    lines: list[_Line],
    lo: int,
    t: int | None,
    hi: int,
    item_date: date | None,
    source_file: str,
    content_sha256: str,
    ordinal: int,
    resolve_place: PlaceResolver | None,
) -> Article | None:
    """The article whose title is line ``t`` (None: an item with no headline) and whose text runs to ``hi``."""
    title = lines[t].text if t is not None else ""
    published = item_date
    # Metadata lines between the title and the body: tag line(s) and the date line.
    parts: list[str] = [title, ""] if t is not None else []
    header_place: tuple[str, int] | None = None  # a place printed on the date line, and its offset
    body_lines: list[str] = []
    seen_body = False
    for j in range(t + 1 if t is not None else lo, hi):
        line = lines[j]
        if not seen_body:
            if line.kind in ("blank", "nav"):
                continue
            if line.kind == "date":
                if t is None and j == lo:
                    continue  # the item's own date line, read already
                published = published or line.date
                if line.place and header_place is None:
                    offset = sum(len(p) + 1 for p in parts) + line.text.find(line.place)
                    header_place = (line.place, offset)
                parts.extend([line.text, ""])
                continue
            if line.kind == "datelabel":
                continue
            if line.kind == "text" and line.text.lower() == title.lower():
                continue  # the page printed the header twice
            if t is not None and _is_tag_line(lines, j, hi):
                parts.extend([line.text, ""])  # tag line: belongs to the article
                continue
            seen_body = True
        if line.kind == "nav" and not line.text.startswith(("-", "•")):
            continue
        if line.kind == "date" and line.text.lower() in (title.lower(),):
            continue
        body_lines.append(line.text if line.kind != "blank" else "")
    while body_lines and not body_lines[-1]:
        body_lines.pop()
    if t is None and not body_lines:
        return None
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(body_lines))
    head = "\n".join(parts)
    text = redact_personal_data(head + body)
    title = text[: len(title)]  # a phone number in a headline is masked there too
    body_start = len(head)
    dateline_place, dl_start, dl_end, dl_date = _find_dateline(text, body_start, resolve_place)
    if dateline_place is None and header_place is not None and text.startswith(header_place[0], header_place[1]):
        # "8 July 2020, Kathmandu" under the title: the place the item is reported from
        dateline_place, dl_start = header_place
        dl_end = dl_start + len(dateline_place)
    if published is None and dl_date is not None:
        published = dl_date
    dateline_country = resolve_place(dateline_place) if (dateline_place and resolve_place) else None
    article_id = stable_id(content_sha256, ordinal)
    return Article(
        article_id=article_id,
        source_file=source_file,
        content_sha256=content_sha256,
        ordinal=ordinal,
        title=title if t is not None else None,
        text=text,
        title_start=0,
        title_end=len(title),
        body_start=body_start,
        published_date=published,
        dateline_place=dateline_place,
        dateline_start=dl_start,
        dateline_end=dl_end,
        dateline_country_iso3=dateline_country,
    )


def _find_dateline(
    text: str, body_start: int, resolve_place: PlaceResolver | None
) -> tuple[str | None, int | None, int | None, date | None]:
    """The place (and date, if printed) the body opens with."""
    # "Place, 11 April 2023 -" also opens the second or third paragraph under a one-line lede
    at = body_start
    for _ in range(3):
        m = _DATELINE_DATE.match(text, at, at + 200)
        if m:
            d = parse_date_line(m.group("date"))
            return m.group("place").strip(), m.start("place"), m.end("place"), d
        nl = text.find("\n", at)
        if nl < 0:
            break
        at = nl + 1
        while at < len(text) and text[at] == "\n":
            at += 1
    head = text[body_start : body_start + 200]
    for pattern, needs_resolution in ((_DATELINE_DASH, False), (_DATELINE_DOT, True)):
        m = pattern.match(head)
        if not m:
            continue
        place = m.group("place").strip()
        if len(place.split()) > 6:
            continue
        if needs_resolution and (resolve_place is None or resolve_place(place) is None):
            continue
        return place, body_start + m.start("place"), body_start + m.start("place") + len(place), None
    return None, None, None, None
