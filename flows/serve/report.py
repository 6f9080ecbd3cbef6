"""A one-file HTML report of the published warehouse: headline numbers and four charts.

    pressfacts report [--out FILE] [--warehouse FILE]

The charts are SVG drawn here in Python and inlined, so the file opens offline,
from an e-mail attachment or a shared drive, with no script or font to fetch.
Every chart carries a ``<title>``/``<desc>`` for screen readers and a data table
beside it (in a ``<details>``), so no number is only in a picture.
"""

from __future__ import annotations

import html
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from flows.serve.export import mart_tables, open_read_only

TOP_N = 10
# Okabe-Ito colours: distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, GREEN, GREY = "#0072B2", "#E69F00", "#009E73", "#5f6b7a"
INK, GRID, MUTED = "#1f2933", "#e1e5ea", "#52606d"
CHAR_WIDTH = 7.4  # generous average width of a 13px system-ui character, for sizing label columns


# ---------------------------------------------------------------------------------------------- data


@dataclass
class Bar:
    """One labelled row of a bar chart; ``values`` has one number per series."""

    label: str
    values: tuple[float, ...]
    note: str = ""  # extra words for the tooltip and the data table


@dataclass
class ReportData:
    """Everything the report shows, read from the marts in one read-only session."""

    run: dict[str, object] = field(default_factory=dict)
    headline: list[tuple[str, str, str]] = field(default_factory=list)  # (label, value, detail)
    # (month, articles, events, figures), every month from the first to the last publication
    months: list[tuple[date, int, int, int]] = field(default_factory=list)
    undated_articles: int = 0
    countries: list[Bar] = field(default_factory=list)
    funders: list[Bar] = field(default_factory=list)
    event_types: list[Bar] = field(default_factory=list)
    held_back: list[tuple[str, str, str, str]] = field(default_factory=list)  # (file, title, fact, reason)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return con.execute(sql).fetchall()[0]


def read_last_run(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """The latest successful run from ``audit.runs`` (empty when the warehouse keeps no audit)."""
    exists = _one(
        con,
        "select count(*) from information_schema.tables where table_schema = 'audit' and table_name = 'runs'",
    )[0]
    if not exists:
        return {}
    rows = _rows(
        con,
        "select run_id, finished_at, files_loaded, articles from audit.runs "
        "where status = 'succeeded' order by finished_at desc limit 1",
    )
    if not rows:
        return {}
    run_id, finished_at, files_loaded, articles = rows[0]
    return {"run_id": run_id, "finished_at": finished_at, "files_loaded": files_loaded, "articles": articles}


def _figures(con: duckdb.DuckDBPyConnection) -> str:
    """The figures to count: ``marts.fct_figures`` (one per figure a story reports, however often it is
    printed), or for a warehouse built before that mart, every mention in ``marts.fct_counts``."""
    return "marts.fct_figures" if "fct_figures" in mart_tables(con) else "marts.fct_counts"


def read_headline(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """The few numbers a reader wants first: articles, their date range, facts of each kind."""
    articles, dated, first, last = _one(
        con,
        "select count(*), count(published_date), min(published_date), max(published_date) from marts.dim_articles",
    )
    countries = _one(con, "select count(distinct country_iso3) from marts.fct_country_mentions")[0]
    events, event_countries = _one(con, "select count(*), count(distinct country_iso3) from marts.fct_events")
    counts, money = _one(con, f"select count(*), count(*) filter (where unit = 'money') from {_figures(con)}")
    funders, credits = _one(con, "select count(distinct funder_id), count(*) from marts.fct_funding_mentions")
    span = f"{first:%b %Y} – {last:%b %Y}" if first else "no dates"
    return [
        ("Articles", f"{articles:,}", f"{dated:,} dated, {span}"),
        ("Countries mentioned", f"{countries:,}", "distinct ISO 3166 countries"),
        ("Events", f"{events:,}", f"activities and incidents in {event_countries:,} countries"),
        ("Figures", f"{counts:,}", f"numbers read from the text, {money:,} of them money"),
        ("Funders credited", f"{funders:,}", f"{credits:,} credits in the text"),
    ]


def read_months(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple[date, int, int, int]], int]:
    """Articles, events and figures per month of publication, every month between the first and last.

    Facts are dated by their article's publication: an event's own date is often
    missing or far in the past, and the question here is what the press reported when.
    """
    rows = _rows(
        con,
        f"""
        with a as (select article_id, date_trunc('month', published_date)::date as month
                   from marts.dim_articles where published_date is not null),
             e as (select a.month, count(*) as n from marts.fct_events join a using (article_id) group by 1),
             c as (select a.month, count(*) as n from {_figures(con)} join a using (article_id) group by 1)
        select a.month, count(*), coalesce(any_value(e.n), 0), coalesce(any_value(c.n), 0)
        from a left join e using (month) left join c using (month) group by a.month order by a.month
    """,
    )
    undated = _one(con, "select count(*) from marts.dim_articles where published_date is null")[0]
    if not rows:
        return [], undated
    by_month = {month: (articles, events, counts) for month, articles, events, counts in rows}
    filled, month = [], rows[0][0]
    while month <= rows[-1][0]:
        filled.append((month, *by_month.get(month, (0, 0, 0))))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return filled, undated


def read_countries(con: duckdb.DuckDBPyConnection, top: int = TOP_N) -> list[Bar]:
    """The countries most articles mention, with their mention and event totals."""
    rows = _rows(
        con,
        f"""
        with m as (select country_iso3, count(distinct article_id) as articles, count(*) as mentions
                   from marts.fct_country_mentions group by 1),
             e as (select country_iso3, count(*) as events from marts.fct_events group by 1)
        select coalesce(c.country_name, m.country_iso3), m.articles, m.mentions, coalesce(e.events, 0)
        from m left join marts.dim_countries c using (country_iso3) left join e using (country_iso3)
        order by m.articles desc, m.mentions desc, 1 limit {int(top)}
    """,
    )
    return [
        Bar(name, (articles,), f"{mentions:,} mentions, {events:,} events") for name, articles, mentions, events in rows
    ]


def read_funders(con: duckdb.DuckDBPyConnection, top: int = TOP_N) -> list[Bar]:
    """Funders ranked by the activities (events) credited to them, then by articles crediting them."""
    rows = _rows(
        con,
        f"""
        select f.funder_name, f.acronym, count(distinct m.event_id), count(distinct m.article_id)
        from marts.fct_funding_mentions m join marts.dim_funders f using (funder_id)
        group by f.funder_id, f.funder_name, f.acronym
        order by 3 desc, 4 desc, 1 limit {int(top)}
    """,
    )
    bars = []
    for name, acronym, activities, articles in rows:
        label = f"{name} ({acronym})" if acronym and acronym.lower() not in name.lower() else name
        bars.append(Bar(label, (activities, articles), ""))
    return bars


def read_event_types(con: duckdb.DuckDBPyConnection) -> list[Bar]:
    """Every event type with its number of events and the participants the text states."""
    rows = _rows(
        con,
        """
        select event_type, count(*), count(participants), coalesce(sum(participants), 0)
        from marts.fct_events group by 1 order by 2 desc, 1
    """,
    )
    return [
        Bar(kind, (n,), f"{with_people:,} with participants stated ({int(people):,} people)")
        for kind, n, with_people, people in rows
    ]


def read_held_back(con: duckdb.DuckDBPyConnection, limit: int = 200) -> list[tuple[str, str, str, str]]:
    """The facts held back now (``marts.quarantined_facts``; empty for a warehouse built before it)."""
    if "quarantined_facts" not in mart_tables(con):
        return []
    return _rows(
        con,
        f"""select coalesce(source_file, ''), coalesce(article_title, ''), fact_table, reason
            from marts.quarantined_facts order by source_file, fact_table, reason limit {int(limit)}""",
    )


def read_report_data(con: duckdb.DuckDBPyConnection) -> ReportData:
    """All the report's numbers from one connection (so they describe one version of the warehouse)."""
    mart_tables(con)  # a clear error when the marts are missing
    months, undated = read_months(con)
    return ReportData(
        run=read_last_run(con),
        headline=read_headline(con),
        months=months,
        undated_articles=undated,
        countries=read_countries(con),
        funders=read_funders(con),
        event_types=read_event_types(con),
        held_back=read_held_back(con),
    )


# ---------------------------------------------------------------------------------------------- SVG


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def nice_ticks(top: float, most: int = 5) -> list[float]:
    """Round axis ticks from 0 to at least ``top`` (steps of 1, 2 or 5 times a power of ten)."""
    if top <= 0:
        return [0, 1]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1)  # counts are whole numbers
    return [i * step for i in range(int(math.ceil(top / step)) + 1)]


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _shorten(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"


def el(tag: str, body: str = "", **attrs: object) -> str:
    """One SVG/HTML element; ``class_`` -> class, ``text_anchor`` -> text-anchor, floats to 0.1 px.

    ``body`` is inserted as is (callers escape text with ``_e``); attribute values are escaped here.
    """
    parts = []
    for key, value in attrs.items():
        name = key.rstrip("_").replace("_", "-")
        shown = f"{value:.1f}" if isinstance(value, float) else value
        parts.append(f' {name}="{_e(shown)}"')
    return f"<{tag}{''.join(parts)}>{body}</{tag}>"


def _svg(chart_id: str, width: int, height: float, title: str, desc: str, body: list[str]) -> str:
    """The chart's <svg>, named for assistive technology by its <title> and <desc>."""
    head = el("title", _e(title), id=f"{chart_id}-title") + el("desc", _e(desc), id=f"{chart_id}-desc")
    return el(
        "svg",
        head + "".join(body),
        id=chart_id,
        class_="chart",
        role="img",
        viewBox=f"0 0 {width} {height:.0f}",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        xmlns="http://www.w3.org/2000/svg",
    )


def _legend(x: float, y: float, series: list[tuple[str, str]]) -> str:
    parts = []
    for name, colour in series:
        parts.append(el("rect", x=x, y=y - 10.0, width=12, height=12, rx=2, fill=colour))
        parts.append(el("text", _e(name), x=x + 17.0, y=float(y), class_="legend"))
        x += 30 + CHAR_WIDTH * len(name)
    return el("g", "".join(parts), class_="legend", aria_hidden="true")


def _empty(chart_id: str, title: str, width: int = 560, height: int = 120) -> str:
    message = el("text", "No data yet", x=width / 2, y=height / 2, text_anchor="middle", class_="empty")
    return _svg(chart_id, width, height, title, "No data in the warehouse yet.", [message])


def _tick(x: float, y: float, text: str, anchor: str = "middle") -> str:
    return el("text", _e(text), x=x, y=y, text_anchor=anchor, class_="tick")


def _line(x1: float, y1: float, x2: float, y2: float, kind: str) -> str:
    return el("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), class_=kind)


def wrap_label(label: str, chars: int, lines: int = 2) -> list[str]:
    """``label`` broken at spaces into at most ``lines`` lines of about ``chars`` characters.

    A label that does not fit ends its last line with an ellipsis.
    """
    out: list[str] = []
    rest = label.split()
    while rest and len(out) < lines:
        line = rest.pop(0)
        while rest and len(line) + 1 + len(rest[0]) <= chars:
            line += " " + rest.pop(0)
        out.append(line)
    if rest or any(len(line) > chars for line in out):
        out[-1] = _shorten(out[-1] + (" " + " ".join(rest) if rest else ""), chars)
    return out


def _row_tooltip(bar: Bar, series: list[tuple[str, str]]) -> str:
    values = ", ".join(f"{_fmt(v)} {name.lower()}" for v, (name, _) in zip(bar.values, series, strict=True))
    return f"{bar.label}: {values}" + (f" ({bar.note})" if bar.note else "")


def hbar_svg(
    chart_id: str,
    title: str,
    desc: str,
    bars: list[Bar],
    series: list[tuple[str, str]],
    axis_label: str,
    width: int = 560,
    label_chars: int = 24,
) -> str:
    """Horizontal bars, one row per ``Bar`` and one bar per series, with a value at each bar's end.

    Long labels wrap onto two lines; the full label is in each row's tooltip and the data table.
    """
    if not bars:
        return _empty(chart_id, title, width)
    per_row = len(series)
    bar_h = 16 if per_row == 1 else 12
    labels = [wrap_label(b.label, label_chars) for b in bars]
    two_lines = any(len(lines) > 1 for lines in labels)
    row_h = max(bar_h * per_row + 12, 36 if two_lines else 0)
    label_w = CHAR_WIDTH * max(len(line) for lines in labels for line in lines) + 20
    top = 34 if per_row > 1 else 10
    plot_w = width - label_w - 44
    axis_y = top + row_h * len(bars)
    height = axis_y + 48
    ticks = nice_ticks(max(v for b in bars for v in b.values))
    scale = plot_w / ticks[-1]
    body = [_legend(label_w, 16, series)] if per_row > 1 else []
    for tick in ticks:  # grid first, so bars are drawn over it
        x = label_w + tick * scale
        body += [_line(x, top, x, axis_y, "grid"), _tick(x, axis_y + 16.0, _fmt(tick))]
    for i, (bar, lines) in enumerate(zip(bars, labels, strict=True)):
        y0 = top + i * row_h + (row_h - bar_h * per_row) / 2
        first = y0 + bar_h * per_row / 2 + 4 - 7.5 * (len(lines) - 1)
        spans = "".join(el("tspan", _e(line), x=label_w - 8, y=first + 15 * k) for k, line in enumerate(lines))
        row = [
            el("title", _e(_row_tooltip(bar, series))),
            el("text", spans, text_anchor="end", class_="label"),
        ]
        for j, (value, (_, colour)) in enumerate(zip(bar.values, series, strict=True)):
            y = y0 + j * bar_h
            w = max(value * scale, 1.5 if value else 0.0)
            row.append(el("rect", x=label_w, y=y, width=float(w), height=bar_h - 2, fill=colour))
            row.append(el("text", _fmt(value), x=label_w + w + 4, y=y + bar_h - 5, class_="value"))
        body.append(el("g", "".join(row), class_="row"))
    body.append(_line(label_w, axis_y, label_w + plot_w, axis_y, "axis"))
    body.append(
        el(
            "text",
            _e(axis_label),
            x=label_w + plot_w / 2,
            y=height - 6.0,
            text_anchor="middle",
            class_="axis-label",
        )
    )
    return _svg(chart_id, width, height, title, desc, body)


def timeline_svg(
    chart_id: str, title: str, desc: str, months: list[tuple[date, int, int, int]], width: int = 1120
) -> str:
    """Events and figures per month as paired columns on a continuous month axis."""
    if not months:
        return _empty(chart_id, title, width)
    series = [("Events", BLUE), ("Figures", ORANGE)]
    height, left, right, top, bottom = 300, 56, 16, 34, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(max(max(e, c) for _, _, e, c in months))
    scale = plot_h / ticks[-1]
    slot = plot_w / len(months)
    bar_w = max(min(slot * 0.38, 14), 1.0)
    base = top + plot_h
    body = [_legend(left, 16, series)]
    for tick in ticks:
        y = base - tick * scale
        body += [_line(left, y, width - right, y, "grid"), _tick(left - 8.0, y + 4, _fmt(tick), "end")]
    # label every month when there are few, else only Januaries (and the first month)
    every_month = len(months) <= 18
    for i, (month, articles, events, counts) in enumerate(months):
        x = left + i * slot + slot / 2
        tooltip = f"{month:%B %Y}: {articles} articles, {events} events, {counts} figures"
        columns = [el("title", _e(tooltip))]
        for j, (value, (_, colour)) in enumerate(zip((events, counts), series, strict=True)):
            h = value * scale
            columns.append(el("rect", x=x - bar_w + j * bar_w, y=base - h, width=bar_w, height=float(h), fill=colour))
        body.append(el("g", "".join(columns), class_="month"))
        if every_month or month.month == 1 or i == 0:
            label = f"{month:%b %Y}" if every_month or i == 0 else f"{month:%Y}"
            body += [_line(x, base, x, base + 4, "axis"), _tick(x, base + 18.0, label)]
    body.append(_line(left, base, width - right, base, "axis"))
    body.append(
        el(
            "text",
            "Month the article was published",
            x=left + plot_w / 2,
            y=height - 8.0,
            text_anchor="middle",
            class_="axis-label",
        )
    )
    body.append(
        el(
            "text",
            "Number per month",
            transform=f"translate(14 {top + plot_h / 2:.1f}) rotate(-90)",
            text_anchor="middle",
            class_="axis-label",
        )
    )
    return _svg(chart_id, width, height, title, desc, body)


# ---------------------------------------------------------------------------------------------- HTML


def _table(caption: str, header: list[str], rows: list[list[object]]) -> str:
    """The chart's numbers as a table, folded away in a <details> under the chart."""
    return el("details", el("summary", "Data table") + _table_open(caption, header, rows))


def _table_open(caption: str, header: list[str], rows: list[list[object]]) -> str:
    """A table shown as it is (not folded away)."""
    head = "".join(el("th", _e(h), scope="col") for h in header)
    body = "".join(el("tr", "".join(el("td", _e(c)) for c in row)) for row in rows)
    return el("table", el("caption", _e(caption)) + el("thead", el("tr", head)) + el("tbody", body))


def _figure(chart_id: str, heading: str, note: str, svg: str, table: str, wide: bool = False) -> str:
    caption = el("figcaption", el("h2", _e(heading), id=f"{chart_id}-heading") + el("p", _e(note), class_="note"))
    return el(
        "figure",
        caption + svg + table,
        class_="card wide" if wide else "card",
        role="group",
        aria_labelledby=f"{chart_id}-heading",
    )


CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       color: %(ink)s; background: #f5f7fa; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0; }
.meta, .note { color: %(muted)s; margin: 2px 0 0; font-size: 14px; }
.headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px;
            margin: 18px 0; padding: 0; list-style: none; }
.headline li { background: #fff; border: 1px solid %(grid)s; border-radius: 8px; padding: 12px 14px; }
.headline .value { display: block; font-size: 28px; font-weight: 700; line-height: 1.1; }
.headline .label { display: block; font-weight: 600; }
.headline .detail { display: block; color: %(muted)s; font-size: 13px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.card { margin: 0; background: #fff; border: 1px solid %(grid)s; border-radius: 8px; padding: 14px 16px; }
.card.wide { grid-column: 1 / -1; overflow-x: auto; }
.card.wide svg.chart { min-width: 760px; } /* on a phone, scroll the wide charts rather than shrink their text */
@media (max-width: 900px) { .charts { grid-template-columns: 1fr; } }
svg.chart { display: block; width: 100%%; height: auto; margin-top: 8px; font-family: inherit; }
svg .grid { stroke: %(grid)s; }
svg .axis { stroke: %(muted)s; }
svg .tick, svg .value { font-size: 12px; fill: %(muted)s; }
svg .label, svg .legend { font-size: 13px; fill: %(ink)s; }
svg .axis-label { font-size: 12.5px; fill: %(ink)s; font-weight: 600; }
svg .empty { font-size: 15px; fill: %(muted)s; }
svg g.row:hover rect, svg g.month:hover rect { opacity: .75; }
details { margin-top: 6px; font-size: 13px; }
summary { cursor: pointer; color: %(muted)s; }
table { border-collapse: collapse; margin-top: 6px; width: 100%%; }
caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid %(grid)s; }
footer { color: %(muted)s; font-size: 13px; padding-top: 8px; padding-bottom: 24px; }
""" % {"ink": INK, "muted": MUTED, "grid": GRID}  # noqa: UP031 (CSS braces would need doubling in format())


# The one inline script: after layout, record how many charts the browser drew with a size, so a
# headless browser's --dump-dom shows the charts really rendered. The report needs no script to read.
RENDER_CHECK = (
    "document.documentElement.dataset.chartsRendered = Array.from(document.querySelectorAll('svg.chart'))"
    ".filter(function (svg) { var box = svg.getBoundingClientRect(); "
    "return box.width > 0 && box.height > 0; })"
    ".length;"
)


def render_html(data: ReportData, warehouse_name: str, generated_at: datetime) -> str:
    """The whole report as one self-contained HTML document."""
    run = data.run
    if run:
        finished = run["finished_at"]
        run_date = f"{finished:%d %B %Y, %H:%M} UTC" if isinstance(finished, datetime) else str(finished)
        run_line = f"Data from run {run['run_id']}, finished {run_date}."
    else:
        run_date, run_line = "unknown", "No run is recorded in this warehouse's audit tables."
    cards = "".join(
        f'<li><span class="value">{_e(value)}</span><span class="label">{_e(label)}</span>'
        f'<span class="detail">{_e(detail)}</span></li>'
        for label, value, detail in data.headline
    )
    undated = f" {data.undated_articles:,} articles give no date and are not shown." if data.undated_articles else ""
    timeline = _figure(
        "chart-timeline",
        "Facts over time",
        f"Events and figures extracted, by the month their article was published.{undated}",
        timeline_svg(
            "chart-timeline",
            "Events and figures per month of publication",
            f"Paired columns for {len(data.months)} months: events (blue) and figures (orange) "
            "reported in articles published that month.",
            data.months,
        ),
        _table(
            "Articles, events and figures per month",
            ["Month", "Articles", "Events", "Figures"],
            [[f"{m:%Y-%m}", a, e, c] for m, a, e, c in data.months],
        ),
        wide=True,
    )
    countries = _figure(
        "chart-countries",
        "Top countries",
        f"The {TOP_N} countries named in most articles.",
        hbar_svg(
            "chart-countries",
            "Top countries by articles mentioning them",
            "Horizontal bars: " + "; ".join(f"{b.label} {b.values[0]:,}" for b in data.countries),
            data.countries,
            [("Articles", BLUE)],
            "Articles mentioning the country",
        ),
        _table(
            "Top countries",
            ["Country", "Articles", "Mentions and events"],
            [[b.label, b.values[0], b.note] for b in data.countries],
        ),
    )
    funders = _figure(
        "chart-funders",
        "Top funders",
        "Funders and supporters ranked by the activities credited to them, then by the articles crediting them.",
        hbar_svg(
            "chart-funders",
            "Top funders by activities credited",
            "Paired bars: "
            + "; ".join(f"{b.label} {b.values[0]:,} activities, {b.values[1]:,} articles" for b in data.funders),
            data.funders,
            [("Activities", GREEN), ("Articles", GREY)],
            "Activities (events) and articles",
            width=1120,
            label_chars=44,
        ),
        _table(
            "Top funders",
            ["Funder", "Activities", "Articles"],
            [[b.label, b.values[0], b.values[1]] for b in data.funders],
        ),
        wide=True,
    )
    held_note = (
        f"{len(data.held_back):,} facts are in the sources but not in the marts: as extracted, they cannot be "
        "true (marts.quarantined_facts)."
    )
    held_rows = [list(row) for row in data.held_back]
    held_table = _table_open("Facts held back and why", ["file", "article", "fact", "reason"], held_rows)
    held_back = el(
        "section",
        el("h2", "Held back by the checks") + el("p", _e(held_note)) + (held_table if held_rows else ""),
        class_="held-back",
        aria_label="Held back by the checks",
    )
    event_types = _figure(
        "chart-event-types",
        "Event types",
        "What the reported activities and incidents are.",
        hbar_svg(
            "chart-event-types",
            "Events by type",
            "Horizontal bars: " + "; ".join(f"{b.label} {b.values[0]:,}" for b in data.event_types),
            data.event_types,
            [("Events", ORANGE)],
            "Events",
        ),
        _table(
            "Events by type",
            ["Type", "Events", "Participants"],
            [[b.label, b.values[0], b.note] for b in data.event_types],
        ),
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pressfacts report">
<title>pressfacts report – {_e(run_date)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>pressfacts: what the press releases report</h1>
<p class="meta">{_e(run_line)} Warehouse <code>{_e(warehouse_name)}</code>.</p>
</header>
<main>
<section aria-label="Headline numbers"><ul class="headline">{cards}</ul></section>
<section class="charts" aria-label="Charts">
{timeline}
{countries}
{event_types}
{funders}
</section>
{held_back}
</main>
<footer>Generated {generated_at:%d %B %Y, %H:%M} UTC from the published marts (schema <code>marts</code>).
Figures are the distinct figures each story reports (marts.fct_figures):
a number printed in a headline and again in the body is one figure.</footer>
<script>{RENDER_CHECK}</script>
</body>
</html>
"""


def write_report(warehouse: Path, out_file: Path) -> Path:
    """Write the HTML report of ``warehouse`` (opened read-only) to ``out_file``; returns ``out_file``.

    The file is written under a temporary name and renamed, so a browser never
    shows half a report. Raises flows.serve.export.ExportError when the warehouse or its marts are missing.
    """
    con = open_read_only(warehouse)
    try:
        data = read_report_data(con)
    finally:
        con.close()
    document = render_html(data, warehouse.name, datetime.now(UTC))
    out_file.parent.mkdir(parents=True, exist_ok=True)
    partial = out_file.with_name(f".{out_file.name}.partial")
    partial.write_text(document, encoding="utf-8")
    os.replace(partial, out_file)
    return out_file
