"""Page text -> articles: drop site navigation, split listings, find title, date and dateline.

Works on the shape of a page, never on one site's menu: navigation is
recognised by what menus look like once flattened to text (bullets, lines
printed twice, a heading glued to its teaser, runs of short title-case
links); a listing page is a page with several date lines each followed by a
headline and a summary; an article's title is the headline-like line right
before its body.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flows.articles.model import Article, stable_id
from flows.articles.redact import redact_personal_data

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan", "enero"), ("february", "feb", "febrero"), ("march", "mar", "marzo"),
            ("april", "apr", "abril"), ("may", "mayo"), ("june", "jun", "junio"),
            ("july", "jul", "julio"), ("august", "aug", "agosto"),
            ("september", "sep", "sept", "septiembre", "setiembre"), ("october", "oct", "octubre"),
            ("november", "nov", "noviembre"), ("december", "dec", "diciembre"),
        ]
    )
    for m in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_FORMS = [
    re.compile(rf"{_WEEKDAY}{_DAY}\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?{_YEAR}", re.IGNORECASE),
    re.compile(rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),
    re.compile(r"(?P<year>(?:19|20)\d{2})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:[T ][\d:.+Z-]*)?"),
    re.compile(rf"{_WEEKDAY}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/{_YEAR}(?:\s*-\s*\d{{1,2}}:\d{{2}})?", re.IGNORECASE),
]
_DATE_PREFIX = re.compile(r"^(?:date(?:\s+publish(?:ed)?)?|published(?:\s+on)?|posted(?:\s+on)?)\s*:?\s*", re.I)
_DATE_LABEL_ONLY = re.compile(r"^(?:date(?:\s+publish(?:ed)?)?|published(?:\s+on)?|posted(?:\s+on)?)\s*:\s*$", re.I)

# Lines that are site chrome whatever the site.
_CHROME = re.compile(
    r"^(?:skip to (?:main )?content|news\s*-?|global|menu|search|home|share(?: this)?|print|"
    r"subscribe to .*|updated:.*ago|read more|back to top|follow us.*|language|english|español|"
    r"français|deutsch|[•·*-]\s*\S+(?:\s+\S+){0,3}|[-•·*|]+)$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?:;\"\u201d]$")
_GLUED = re.compile(r"^(?:[A-Z]+ )*[A-Z]{2,}(?=[A-Z][a-z])")  # "WHO WE AREThe ...": a heading glued to its teaser

# Datelines: "Guatemala -", "San Salvador –", "Port of Spain —", "Santo Domingo.",
# "Tijuana, Mexico, February 28, 2019.", "Panama, April 12th, 2020."
_PLACE = r"(?P<place>[A-Z][\w'’.()]*(?:[ /][A-Za-z][\w'’.()]*){0,4}(?:,\s*[A-Z][\w'’.]*(?: [A-Z][\w'’.]*){0,3})?)"
_DATELINE_DASH = re.compile(rf"^{_PLACE}\s*(?:\([^)]{{0,40}}\)\s*)?[-–—]+\s+")
_DATELINE_DATE = re.compile(
    rf"^{_PLACE},\s*(?P<date>[A-Z][a-z]+\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{1,2}} [A-Z][a-z]+,? \d{{4}})"
    r"[.,]?\s+"
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


def parse_date_line(line: str) -> date | None:
    """The date a line consists of ("6 June, 2019", "Tue, 12/18/2018 - 08:58", "2019-03-08"), else None.

    Numeric day/month order follows the page: month/day unless the first
    number cannot be a month.
    """
    s = _DATE_PREFIX.sub("", line.strip()).strip(" .,")
    for form in _DATE_FORMS:
        m = form.fullmatch(s)
        if m:
            return _date_from_match(m)
    return None


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


def _classify(lines: list[_Line]) -> None:
    """Mark each line blank, nav (site chrome), date, datelabel or text."""
    prev_text = ""
    for i, line in enumerate(lines):
        s = line.text
        if not s:
            line.kind = "blank"
            continue
        d = parse_date_line(s)
        if d is not None:
            line.kind, line.date = "date", d
        elif _DATE_LABEL_ONLY.match(s):
            line.kind = "datelabel"
        elif _CHROME.match(s) or _GLUED.match(s):
            line.kind = "nav"
        elif prev_text and len(s) > len(prev_text) and s.lower().startswith(prev_text.lower()) and len(prev_text) < 40:
            line.kind = "nav"  # "Our Work" followed by "Our WorkAs the leading ..."
            lines[i - 1].kind = "nav"
        elif prev_text and s.lower() == prev_text.lower() and len(s) < 60:
            line.kind = "nav"  # a menu prints each entry twice
            _mark_prev_nonblank(lines, i, "nav")
        prev_text = s
    _mark_menu_runs(lines)


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


def _is_headline(s: str, min_words: int = 3) -> bool:
    words = s.split()
    return (
        min_words <= len(words) <= 40
        and len(s) <= 300
        and not s.endswith((".", ":", ";", ",", '."', ".\u201d", "-", "\u2013"))
        and s[0] not in "-\u2013\u2022("
    )


def _is_body(s: str) -> bool:
    return len(s.split()) >= 8


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
            break
        if j >= hi and i + 1 < hi:
            continue
    if min_words > 2:
        return _find_title(lines, lo, hi, min_words - 1)
    return None


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


def _listing_starts(lines: list[_Line]) -> list[int]:
    """Indexes of date lines that open a listing item: date, headline, then a summary."""
    starts = []
    for i, line in enumerate(lines):
        if line.kind != "date":
            continue
        t = _next_content(lines, i + 1)
        if t < len(lines) and lines[t].kind == "text" and _is_item_title(lines[t].text):
            b = _next_content(lines, t + 1)
            if b < len(lines) and lines[b].kind == "text" and _is_body(lines[b].text):
                starts.append(i)
    return starts


def segment_page(
    text: str,
    source_file: str,
    content_sha256: str,
    resolve_place: PlaceResolver | None = None,
) -> list[Article]:
    """Cut a page's text into articles (one, or one per dated item of a listing page)."""
    lines = _split_lines(text)
    _classify(lines)
    starts = _listing_starts(lines)
    # A page whose date lines open items is a listing only if the items differ: a page
    # that prints one item's header twice is one article.
    if len(starts) >= 2:
        titles = {lines[_next_content(lines, s + 1)].text.lower() for s in starts}
        if len(titles) < 2:
            starts = starts[:1]
    spans: list[tuple[int, int, date | None]] = []
    if len(starts) >= 2:
        for n, s in enumerate(starts):
            hi = starts[n + 1] if n + 1 < len(starts) else len(lines)
            spans.append((s + 1, hi, lines[s].date))
    else:
        spans.append((0, len(lines), None))
    articles = []
    for lo, hi, item_date in spans:
        title_at = _next_content(lines, lo) if item_date is not None else _find_title(lines, lo, hi)
        if title_at is None or title_at >= hi:
            continue
        article = _build_article(
            lines, title_at, hi, item_date, source_file, content_sha256, len(articles), resolve_place
        )
        if article is not None:
            articles.append(article)
    return articles


def _build_article(
    lines: list[_Line],
    t: int,
    hi: int,
    item_date: date | None,
    source_file: str,
    content_sha256: str,
    ordinal: int,
    resolve_place: PlaceResolver | None,
) -> Article:
    """The article whose title is line ``t`` and whose text runs to line ``hi``."""
    title = lines[t].text
    published = item_date
    # Metadata lines between the title and the body: tag line(s) and the date line.
    parts: list[str] = [title, ""]
    i = t + 1
    body_lines: list[str] = []
    seen_body = False
    for j in range(i, hi):
        line = lines[j]
        if not seen_body:
            if line.kind in ("blank", "nav"):
                continue
            if line.kind == "date":
                published = published or line.date
                parts.extend([line.text, ""])
                continue
            if line.kind == "datelabel":
                continue
            if line.kind == "text" and line.text.lower() == title.lower():
                continue  # the page printed the header twice
            if _is_tag_line(lines, j, hi):
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
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(body_lines))
    head = "\n".join(parts)
    text = redact_personal_data(head + body)
    title = text[: len(title)]  # a phone number in a headline is masked there too
    body_start = len(head)
    dateline_place, dl_start, dl_end, dl_date = _find_dateline(text, body_start, resolve_place)
    if published is None and dl_date is not None:
        published = dl_date
    dateline_country = resolve_place(dateline_place) if (dateline_place and resolve_place) else None
    article_id = stable_id(content_sha256, ordinal)
    return Article(
        article_id=article_id,
        source_file=source_file,
        content_sha256=content_sha256,
        ordinal=ordinal,
        title=title,
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
    head = text[body_start : body_start + 200]
    m = _DATELINE_DATE.match(head)
    if m:
        d = parse_date_line(m.group("date"))
        place = m.group("place").strip()
        return place, body_start + m.start("place"), body_start + m.end("place"), d
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
