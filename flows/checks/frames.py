"""The frames the suites validate: each raw fact table read with the derived columns its checks need
(span texts, the number a span writes, part/whole values)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import duckdb
import polars as pl

from flows.checks.suites import PERSON_CATEGORIES
from flows.reference import read_seed

_SPAN_TEXT = (
    "case when {f}.char_start >= 0 and {f}.char_end >= {f}.char_start"
    " and {f}.char_end <= t.text_length"
    " then substr(t.article_text, {f}.char_start + 1, {f}.char_end - {f}.char_start) end as span_text"
)

# the view the scope frame is registered as while a scoped validation reads the facts
SCOPE_VIEW = "pressfacts_validation_scope"
_IN_SCOPE = " {alias}.article_id in (select article_id from " + SCOPE_VIEW + ")"


def _articles_by_id(scoped: bool) -> str:
    """One row per article id, so a duplicated article never duplicates the facts joined to it."""
    where = f" where{_IN_SCOPE.format(alias='a')}" if scoped else ""
    return (
        "(select *, length(article_text) as text_length from (select article_id,"
        " any_value(article_text) as article_text, any_value(published_date) as published_date"
        f" from raw.articles as a{where} group by article_id))"
    )


def frame_sql(table: str, *, scoped: bool = False) -> str:
    """The query for ``table``'s frame; ``scoped`` keeps the rows whose article is in :data:`SCOPE_VIEW`
    (a semi-join, so the scope never becomes SQL text)."""
    where = f" where{_IN_SCOPE.format(alias='{f}')}" if scoped else ""
    articles = _articles_by_id(scoped)
    if table == "articles":
        return f"""
        select a.* exclude (article_text),
               date_diff('day', current_date, a.published_date) as published_days_after_today,
               year(a.published_date) as published_year
        from raw.articles as a{where.format(f="a")}
    """
    if table in ("country_mentions", "funding_mentions"):
        return f"""
        select f.*, t.article_id is not null as article_found, {_SPAN_TEXT.format(f="f")}
        from raw.{table} as f
        left join {articles} as t on t.article_id = f.article_id{where.format(f="f")}
    """
    if table == "counts":
        # a whole is a count of the same article, so the scope restricts the wholes as well
        wholes_where = where.format(f="w0")
        return f"""
        select c.*,
               t.article_id is not null as article_found,
               case when c.unit = 'percent' then c.value end as percent_value,
               w.value as whole_value,
               c.part_of_count_id is null or w.count_id is not null as whole_found,
               c.unit is distinct from 'money' or c.currency is not null as money_has_currency,
               coalesce(case when c.unit = 'persons' then c.category in {PERSON_CATEGORIES}
                             else c.category = c.unit end, false) as category_fits_unit,
               {_SPAN_TEXT.format(f="c")}
        from raw.counts as c
        left join {articles} as t on t.article_id = c.article_id
        left join (select count_id, article_id, any_value(value) as value
                   from raw.counts as w0{wholes_where} group by count_id, article_id) as w
               on w.count_id = c.part_of_count_id and w.article_id = c.article_id{where.format(f="c")}
    """
    if table == "events":
        return f"""
        select e.*,
               t.article_id is not null as article_found,
               t.published_date,
               date_diff('day', t.published_date, e.start_date) / 365.25 as start_years_from_published,
               {_SPAN_TEXT.format(f="e")}
        from raw.events as e
        left join {articles} as t on t.article_id = e.article_id{where.format(f="e")}
    """
    raise KeyError(table)


def sources_sql(scoped: bool) -> str:
    where = f" where{_IN_SCOPE.format(alias='a')}" if scoped else ""
    return f"select article_id, any_value(source_file) from raw.articles as a{where} group by article_id"


@lru_cache(maxsize=1)
def _number_lexicon() -> tuple[frozenset[str], dict[str, float]]:
    """Words that write a number, and scale words with their factor: the ``number_words`` seed, which
    the number grammar reads too (a span the grammar can extract, the check accepts)."""
    rows = read_seed("number_words")
    words = frozenset(rows["word"])
    scales = rows.filter(pl.col("kind") == "scale")
    return words, {word: float(value) for word, value in scales.select("word", "value").iter_rows()}


_DIGITS = re.compile(r"\d+(?:[.,'\u00a0\u202f ]\d+)*")
_LETTERS = re.compile(r"[^\W\d_]+")
_SEPARATOR = re.compile(r"[^\d]")


def _readings(token: str) -> set[float]:
    """The values a digit token may write: separators as thousands marks, or the last one as decimal point."""
    digits = _SEPARATOR.sub("", token)
    values = {float(digits)}
    seps = list(_SEPARATOR.finditer(token))
    if seps and token[seps[-1].start()] in ".,":
        last = seps[-1].start()
        values.add(float(f"{_SEPARATOR.sub('', token[:last])}.{token[last + 1 :]}"))
    return values


def span_holds_number(span: str | None, value: float | None) -> bool:
    """Whether ``span`` writes ``value``.

    With digits in the span, one digit group (read with its separators either way,
    times any scale word such as "million" or "M") must equal the value; a span
    without digits must hold a number word ("Twenty-five", "a dozen", "One third").
    """
    if not span or value is None or not math.isfinite(value):
        return False
    words, scales = _number_lexicon()
    letters = [w.casefold() for w in _LETTERS.findall(span)]
    tokens = _DIGITS.findall(span)
    if not tokens:
        return any(w in words for w in letters)
    factors = {1.0} | {scales[w] for w in letters if w in scales}
    return any(
        math.isclose(value, reading * factor, rel_tol=1e-6)
        for token in tokens
        for reading in _readings(token)
        for factor in factors
    )


def _derive_mentions(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        span_matches_text=pl.col("span_text").eq_missing(pl.col("mention_text")) & pl.col("span_text").is_not_null()
    )


# ASCII spans are settled in polars: there Python's \\d, \\w and casefold agree with polars' regex and
# lowercase, so the vectorised reading equals span_holds_number; other spans go through Python
_ASCII = r"^[\x00-\x7f]*$"
_ASCII_DIGITS = r"[0-9]+(?:[.,' ][0-9]+)*"
_ASCII_LETTERS = r"[a-z]+"
_ASCII_LONE_NUMBER = r"^[^A-Za-z0-9]*[0-9]+(?:[.,' ][0-9]+)*[^A-Za-z0-9]*$"


def spans_hold_numbers(spans: pl.Series, values: pl.Series) -> pl.Series:
    """``span_holds_number`` row by row over two equally long series, vectorised for ASCII spans."""
    words, scales = _number_lexicon()
    frame = pl.DataFrame({"span": spans.cast(pl.String), "value": values.cast(pl.Float64)}).with_row_index("row")
    usable = pl.col("span").str.len_chars().fill_null(0).gt(0) & pl.col("value").is_finite().fill_null(False)
    frame = frame.with_columns(
        usable=usable,
        ascii=usable & pl.col("span").str.contains(_ASCII).fill_null(False),
    )
    # most spans are one digit group and nothing else that counts ("1,195", "40%"): its digits are the value
    lone = pl.col("span").str.contains(_ASCII_LONE_NUMBER) & pl.col("ascii")
    lone_value = pl.col("span").str.replace_all("[^0-9]", "").cast(pl.Float64, strict=False)
    frame = frame.with_columns(
        lone=lone.fill_null(False)
        & (
            (pl.col("value") - lone_value).abs() <= 1e-6 * pl.max_horizontal(pl.col("value").abs(), lone_value.abs())
        ).fill_null(False)
    )
    fast = frame.filter(pl.col("ascii") & ~pl.col("lone")).select(
        "row",
        "value",
        tokens=pl.col("span").str.extract_all(_ASCII_DIGITS),
        letters=pl.col("span").str.to_lowercase().str.extract_all(_ASCII_LETTERS),
    )
    # no digits: a number word must be there
    wordy = fast.filter(pl.col("tokens").list.len() == 0).select(
        "row", holds=pl.col("letters").list.eval(pl.element().is_in(sorted(words))).list.any()
    )
    # digits: some reading of some digit group, times 1 or a scale word of the span, is the value
    digits = fast.filter(pl.col("tokens").list.len() > 0)
    readings = (
        digits.select("row", "value", token=pl.col("tokens"))
        .explode("token")
        .with_columns(parts=pl.col("token").str.extract_groups(r"^(.*)([.,' ])([0-9]+)$"))
        .select(
            "row",
            "value",
            reading=pl.concat_list(
                pl.col("token").str.replace_all("[^0-9]", "").cast(pl.Float64),
                pl.when(pl.col("parts").struct.field("2").is_in([".", ","])).then(
                    pl.concat_str(
                        pl.col("parts").struct.field("1").str.replace_all("[^0-9]", ""),
                        pl.lit("."),
                        pl.col("parts").struct.field("3"),
                    ).cast(pl.Float64)
                ),
            ),
        )
        .explode("reading")
        .drop_nulls("reading")
    )
    factors = pl.concat(
        [
            digits.select("row", factor=pl.lit(1.0)),
            digits.select("row", word=pl.col("letters"))
            .explode("word")
            .select("row", factor=pl.col("word").replace_strict(scales, default=None, return_dtype=pl.Float64))
            .drop_nulls("factor"),
        ]
    ).unique()
    # math.isclose(value, reading * factor, rel_tol=1e-6)
    product = pl.col("reading") * pl.col("factor")
    close = (pl.col("value") - product).abs() <= 1e-6 * pl.max_horizontal(pl.col("value").abs(), product.abs())
    numeric = readings.join(factors, on="row").group_by("row").agg(holds=close.fill_null(False).any())
    slow = frame.filter(pl.col("usable") & ~pl.col("ascii"))
    python = pl.DataFrame(
        {
            "row": slow["row"],
            "holds": pl.Series(
                [span_holds_number(s, v) for s, v in zip(slow["span"], slow["value"], strict=True)],
                dtype=pl.Boolean,
            ),
        }
    )
    settled = pl.concat([frame.filter("lone").select("row", holds=pl.lit(True)), wordy, numeric, python])
    return (
        frame.select("row")
        .join(settled, on="row", how="left")
        .sort("row")["holds"]
        .fill_null(False)
        .alias("span_holds_number")
    )


def _derive_counts(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(spans_hold_numbers(frame["span_text"], frame["value"]))


def _derive_events(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        span_matches_trigger=(pl.col("span_text").str.to_lowercase() == pl.col("trigger").str.to_lowercase()).fill_null(
            False
        )
    )


_DERIVE: dict[str, Callable[[pl.DataFrame], pl.DataFrame]] = {
    "country_mentions": _derive_mentions,
    "counts": _derive_counts,
    "funding_mentions": _derive_mentions,
    "events": _derive_events,
}


def read_frame(con: duckdb.DuckDBPyConnection, table: str, *, scoped: bool = False) -> pl.DataFrame:
    """The raw table ``table`` with every derived column its suite checks (no full article texts:
    spans are cut in SQL, so memory grows with the facts, not facts x article length).
    ``scoped`` keeps the facts of the articles registered as :data:`SCOPE_VIEW`."""
    frame = con.sql(frame_sql(table, scoped=scoped)).pl()
    if table in _DERIVE:
        frame = _DERIVE[table](frame)
    return frame


# ---------------------------------------------------------------------------
# Turning GX results into audit rows
# ---------------------------------------------------------------------------


def scope_arrow(scope: pl.DataFrame) -> Any:
    """The scope's distinct article ids as Arrow, ready to register on a connection."""
    if "article_id" not in scope.columns:
        raise ValueError("scope needs an article_id column")
    return scope.select(pl.col("article_id").cast(pl.String)).unique().to_arrow()
