"""The gate between extraction and publication: Great Expectations suites over the ``raw`` facts.

Each fact table has one suite under ``expectations/<table>.json`` (GX expectation
configurations; every one carries ``meta.name``, ``meta.severity`` = ``critical`` |
``warning`` and ``meta.reason``, a template filled from the failing row). GX Core
cannot read DuckDB, so each table is read into a pandas frame together with the
derived columns the suites check (spans, part/whole values, ...), and one
checkpoint per suite validates that frame in an ephemeral GX context.

:func:`validate_facts` reads the database and writes nothing to it: it returns
the rows of ``audit.validation_results`` and ``audit.quarantine`` for the
caller to write, and names the suites that must fail the run. With a ``scope``
(the articles a run inserted) only the facts of those articles are read and
validated; :func:`apply_quarantine` then folds that run's quarantine rows into
``raw.quarantine``, the facts held back now.

GX is the gate: each suite's checkpoint decides success and counts the unexpected
rows. The failing facts themselves are picked by the same predicate evaluated in
polars (:func:`unexpected_rows`) and must agree with GX's count, so GX never has to
return (nor Data Docs render) millions of unexpected indices.
"""

from __future__ import annotations

import json
import math
import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from flows.schema import AUDIT_TABLES, RAW_STATE_TABLES, RAW_TABLES

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent / "expectations"
SUITES: tuple[str, ...] = ("articles", "country_mentions", "counts", "funding_mentions", "events")
SEVERITIES = ("critical", "warning")
# what a fact of an article held back by the articles suite is quarantined as
ARTICLE_QUARANTINED = "article_quarantined"
# the results row recorded for a suite that could not run at all
SUITE_RAN = "suite_ran"
# extraction.md, Counts: the categories of unit persons (every other unit is its own category)
PERSON_CATEGORIES = (
    "returned",
    "assisted",
    "participants",
    "victims",
    "dead_missing",
    "employed",
    "migrants",
    "other_persons",
)


class SuiteDefinitionError(ValueError):
    """A suite file under ``expectations/`` is malformed."""


class ValidationFailed(Exception):
    """Raised by the caller when ``outcome.failed_suites`` is not empty; the message says why."""

    def __init__(self, outcome: ValidationOutcome) -> None:
        self.outcome = outcome
        reasons = "; ".join(f"{s}: {outcome.failure_reasons.get(s, 'failed')}" for s in outcome.failed_suites)
        super().__init__(f"validation failed for {len(outcome.failed_suites)} suite(s): {reasons}")


@dataclass
class ValidationOutcome:
    """What one validation run found; rows ready for ``audit.validation_results`` and ``audit.quarantine``."""

    results: pl.DataFrame
    quarantine: pl.DataFrame
    failed_suites: list[str]
    docs_index: Path | None = None
    # suite -> why it failed (share beyond the threshold, or why it could not run)
    failure_reasons: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SuiteDefinition:
    """One suite as kept under version control."""

    name: str
    fact_table: str
    fact_id: str
    expectations: tuple[dict[str, Any], ...]

    def parameters(self) -> set[str]:
        """Names of the ``{"$PARAMETER": name}`` values the suite needs at run time."""
        return {
            v["$PARAMETER"]
            for e in self.expectations
            for v in e["kwargs"].values()
            if isinstance(v, dict) and "$PARAMETER" in v
        }


@dataclass(frozen=True)
class ReferenceSets:
    """Reference values the suites compare against; ``None`` when the reference is unavailable."""

    country_codes: tuple[str, ...] | None
    funder_ids: tuple[str, ...] | None

    def as_parameters(self) -> dict[str, list[str] | None]:
        """The suite parameters these sets provide."""
        return {
            "country_codes": None if self.country_codes is None else list(self.country_codes),
            "funder_ids": None if self.funder_ids is None else list(self.funder_ids),
        }


def load_reference() -> ReferenceSets:
    """Country codes and registered funder ids from the dbt seeds; a missing seed gives ``None``."""
    from flows.reference import read_seed

    def column(seed: str, name: str, *, needs: str | None = None) -> tuple[str, ...] | None:
        try:
            frame = read_seed(seed)
        except (FileNotFoundError, OSError):
            return None
        if needs is not None:
            # a registry row without a name cannot be published as a funder
            frame = frame.filter(pl.col(needs).str.strip_chars().str.len_chars() > 0)
        return tuple(sorted(frame[name].drop_nulls().unique().to_list()))

    return ReferenceSets(
        country_codes=column("countries", "country_iso3"),
        funder_ids=column("funders", "funder_id", needs="funder_name"),
    )


def load_suite_definition(path: Path) -> SuiteDefinition:
    """Read and check one suite file: every expectation named once, with a severity and a reason."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        meta = raw["meta"]
        suite = SuiteDefinition(
            name=raw["name"],
            fact_table=meta["fact_table"],
            fact_id=meta["fact_id"],
            expectations=tuple(raw["expectations"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SuiteDefinitionError(f"{path.name}: {type(exc).__name__}: {exc}") from exc
    names: set[str] = set()
    for i, exp in enumerate(suite.expectations):
        m = exp.get("meta") or {}
        name = m.get("name")
        if not name or name in names or name == SUITE_RAN:
            raise SuiteDefinitionError(f"{path.name}: expectation {i} has a missing or repeated meta.name")
        if m.get("severity") not in SEVERITIES:
            raise SuiteDefinitionError(f"{path.name}: {name}: meta.severity must be one of {SEVERITIES}")
        if not m.get("reason") or not isinstance(exp.get("kwargs"), dict) or not exp.get("type"):
            raise SuiteDefinitionError(f"{path.name}: {name}: needs type, kwargs and meta.reason")
        names.add(name)
    if suite.fact_table not in RAW_TABLES or suite.fact_id not in RAW_TABLES[suite.fact_table]:
        raise SuiteDefinitionError(f"{path.name}: unknown fact table or id {suite.fact_table}.{suite.fact_id}")
    return suite


# ---------------------------------------------------------------------------
# Frames: each raw table plus the derived columns its suite checks
# ---------------------------------------------------------------------------

# the article text under a fact's span, cut in SQL so no full text is copied per fact
# (DuckDB's substr counts code points, like Python's slices; counting them is a scan of the text, so the
# length is taken once per article, not once per fact)
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


FRAME_SQL: dict[str, str] = {table: frame_sql(table) for table in RAW_TABLES}


def _sources_sql(scoped: bool) -> str:
    where = f" where{_IN_SCOPE.format(alias='a')}" if scoped else ""
    return f"select article_id, any_value(source_file) from raw.articles as a{where} group by article_id"


SOURCES_SQL = _sources_sql(False)


@lru_cache(maxsize=1)
def _number_lexicon() -> tuple[frozenset[str], dict[str, float]]:
    data = json.loads((EXPECTATIONS_DIR / "number_words.json").read_text(encoding="utf-8"))
    return frozenset(data["words"]), {k: float(v) for k, v in data["scales"].items()}


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


def _display(value: Any) -> str:
    """A value as a person reads it in a reason: 140.0 -> "140", None -> "null"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _reason(template: str, row: dict[str, Any]) -> str:
    """Fill ``template`` from the row; placeholders the row lacks stay visible instead of failing."""
    values = {k: _display(v) for k, v in row.items()}
    return string.Formatter().vformat(template, (), _KeepMissing(values))


class _KeepMissing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or Infinity
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _payload(row: dict[str, Any], columns: Iterable[str]) -> str:
    return json.dumps({c: _json_value(row.get(c)) for c in columns}, ensure_ascii=False)


def _exception_message(result: Any) -> str | None:
    """The error an expectation raised while running, or ``None`` when it ran."""
    info = result.exception_info or {}
    if "raised_exception" in info:
        return info.get("exception_message") if info.get("raised_exception") else None
    for metric_info in info.values():  # keyed by metric when a metric computation failed
        if isinstance(metric_info, dict) and metric_info.get("raised_exception", True):
            return str(metric_info.get("exception_message") or "metric failed")
    return None


def _fact_id(value: Any) -> str | None:
    """A fact id as GX returns it from pandas, where a missing id comes back as NaN."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _column_name(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    pair = [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]
    return ",".join(pair) if pair else None


def _details(exp: dict[str, Any], result: Any, error: str | None) -> str:
    """A short JSON account of one evaluated expectation for ``audit.validation_results.details``."""
    res = result.result if result is not None else {}
    kwargs = {k: v for k, v in exp["kwargs"].items() if k != "batch_id"}
    for k, v in kwargs.items():  # long reference lists would drown the row
        if isinstance(v, list) and len(v) > 20:
            kwargs[k] = f"<{len(v)} values>"
    return json.dumps(
        {
            "type": exp["type"],
            "kwargs": kwargs,
            "unexpected_percent": res.get("unexpected_percent"),
            "partial_unexpected_list": [_json_value(v) for v in (res.get("partial_unexpected_list") or [])[:10]],
            "error": error,
        },
        ensure_ascii=False,
        default=str,
    )


# ---------------------------------------------------------------------------
# Picking the failing facts: GX's row predicates, evaluated in polars
# ---------------------------------------------------------------------------

# the kwargs each supported expectation type may carry; anything else (row_condition, ...) is
# left to GX, which then returns every unexpected index itself (result_format COMPLETE)
_ROW_KWARGS: dict[str, frozenset[str]] = {
    "expect_column_values_to_not_be_null": frozenset({"column", "mostly"}),
    "expect_column_values_to_be_unique": frozenset({"column", "mostly"}),
    "expect_column_values_to_be_in_set": frozenset({"column", "value_set", "mostly"}),
    "expect_column_values_to_be_between": frozenset(
        {"column", "min_value", "max_value", "strict_min", "strict_max", "mostly"}
    ),
    "expect_column_values_to_match_regex": frozenset({"column", "regex", "mostly"}),
    "expect_column_pair_values_a_to_be_greater_than_b": frozenset(
        {"column_A", "column_B", "or_equal", "ignore_row_if", "mostly"}
    ),
}


def _resolved(kwargs: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        k: parameters.get(v["$PARAMETER"]) if isinstance(v, dict) and "$PARAMETER" in v else v
        for k, v in kwargs.items()
    }


def _missing(frame: pl.DataFrame, column: str) -> pl.Expr:
    """Null as pandas (and so GX) sees it: a float NaN is missing too."""
    if frame.schema[column].is_float():
        return pl.col(column).is_null() | pl.col(column).is_nan()
    return pl.col(column).is_null()


def picks_rows(exp: dict[str, Any]) -> bool:
    """Whether :func:`unexpected_rows` can evaluate ``exp`` (else GX must list the failing rows)."""
    kwargs = set(exp["kwargs"])
    allowed = _ROW_KWARGS.get(exp["type"])
    if allowed is None or not kwargs <= allowed:
        return False
    if exp["type"] == "expect_column_values_to_be_between":
        return "min_value" in kwargs or "max_value" in kwargs
    if exp["type"] == "expect_column_pair_values_a_to_be_greater_than_b":
        return exp["kwargs"].get("ignore_row_if") == "either_value_is_missing"
    return True


def unexpected_rows(frame: pl.DataFrame, exp: dict[str, Any], parameters: dict[str, Any]) -> pl.Series:
    """The rows of ``frame`` that GX's pandas engine counts as unexpected for ``exp`` (same predicate:
    missing values are outside the domain except for not-null, pairs skip a missing side).
    Only for expectations :func:`picks_rows` accepts; the caller checks the count against GX's."""
    kw = _resolved(exp["kwargs"], parameters)
    kind = exp["type"]
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = pl.col(kw["column_A"]), pl.col(kw["column_B"])
        present = ~_missing(frame, kw["column_A"]) & ~_missing(frame, kw["column_B"])
        holds = a >= b if kw.get("or_equal") else a > b
        return frame.select(present & ~holds.fill_null(False)).to_series()
    column = kw["column"]
    col, missing = pl.col(column), _missing(frame, column)
    if kind == "expect_column_values_to_not_be_null":
        bad = missing
    elif kind == "expect_column_values_to_be_unique":
        bad = ~missing & col.is_duplicated()
    elif kind == "expect_column_values_to_be_in_set":
        values = pl.Series(list(kw["value_set"]), dtype=frame.schema[column], strict=False)
        bad = ~missing & ~col.is_in(values.implode())
    elif kind == "expect_column_values_to_be_between":
        holds = pl.lit(True)
        if kw.get("min_value") is not None:
            holds &= col > kw["min_value"] if kw.get("strict_min") else col >= kw["min_value"]
        if kw.get("max_value") is not None:
            holds &= col < kw["max_value"] if kw.get("strict_max") else col <= kw["max_value"]
        bad = ~missing & ~holds
    elif kind == "expect_column_values_to_match_regex":
        bad = ~missing & ~col.cast(pl.String).str.contains(kw["regex"])
    else:
        raise ValueError(f"no row predicate for {kind}")
    return frame.select(bad.fill_null(False)).to_series()


# ---------------------------------------------------------------------------
# Running the suites
# ---------------------------------------------------------------------------


def _new_context(docs_root: Path | None) -> Any:
    """A fresh ephemeral GX context: stores in memory, Data Docs only under ``docs_root``."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites = {}
    if docs_root is not None:
        sites["pressfacts"] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_root)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _build_gx_suite(suite: SuiteDefinition) -> Any:
    """The GX suite; any expectation GX rejects raises (GX itself would only log and drop it)."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    expectations = []
    for exp in suite.expectations:
        try:
            config = ExpectationConfiguration(type=exp["type"], kwargs=exp["kwargs"], meta=exp["meta"])
            expectations.append(config.to_domain_obj())
        except Exception as exc:  # GX raises pydantic and its own errors alike
            raise SuiteDefinitionError(f"{exp['meta']['name']}: {type(exc).__name__}: {exc}") from exc
    gx_suite = gx.ExpectationSuite(name=suite.name, expectations=expectations)
    if len(gx_suite.expectations) != len(suite.expectations):
        raise SuiteDefinitionError(f"GX dropped {len(suite.expectations) - len(gx_suite.expectations)} expectation(s)")
    return gx_suite


def _result_format(suite: SuiteDefinition) -> dict[str, Any]:
    """BASIC (counts and a short sample for Data Docs) when polars can pick every critical failure;
    COMPLETE, with every unexpected fact id, only for a suite using expectations it cannot evaluate."""
    if all(picks_rows(e) for e in suite.expectations if e["meta"]["severity"] == "critical"):
        return {"result_format": "BASIC", "partial_unexpected_count": PARTIAL_UNEXPECTED}
    return {"result_format": "COMPLETE", "unexpected_index_column_names": [suite.fact_id]}


# how many unexpected values GX samples per expectation for the results and Data Docs
PARTIAL_UNEXPECTED = 20


def _gx_columns(suite: SuiteDefinition, frame: pl.DataFrame) -> list[str]:
    """The frame columns the suite's expectations read (GX copies and hashes every column it gets)."""
    wanted = {suite.fact_id}
    for exp in suite.expectations:
        wanted |= {v for k, v in exp["kwargs"].items() if k in ("column", "column_A", "column_B")}
    return [c for c in frame.columns if c in wanted]


def _run_checkpoint(context: Any, suite: SuiteDefinition, frame: pl.DataFrame, parameters: dict[str, Any]) -> Any:
    """Validate ``frame`` against ``suite`` through a real checkpoint; the suite's validation result."""
    import great_expectations as gx

    batch_definition = (
        context.data_sources.add_pandas(f"raw_{suite.name}")
        .add_dataframe_asset(suite.fact_table)
        .add_batch_definition_whole_dataframe("whole_table")
    )
    gx_suite = context.suites.add(_build_gx_suite(suite))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{suite.name}_facts", data=batch_definition, suite=gx_suite)
    )
    # Data Docs are built once for all suites after the last checkpoint, not by an action per suite
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=f"{suite.name}_gate",
            validation_definitions=[definition],
            actions=[],
            result_format=_result_format(suite),
        )
    )
    pandas_frame = frame.select(_gx_columns(suite, frame)).to_pandas()
    run = checkpoint.run(batch_parameters={"dataframe": pandas_frame}, expectation_parameters=parameters)
    (validation,) = run.run_results.values()
    return validation


@dataclass
class _SuiteReport:
    results: list[dict[str, Any]]
    quarantine: list[dict[str, Any]]
    failure: str | None


def _suite_ran(run_id: str, suite: str, error: str) -> dict[str, Any]:
    return {
        "run_id": run_id, "suite": suite, "expectation": SUITE_RAN, "column_name": None, "success": False,
        "unexpected_count": None, "element_count": None, "severity": "critical",
        "details": json.dumps({"error": error}, ensure_ascii=False),
    }  # fmt: skip


def _failing_rows(
    suite: SuiteDefinition, frame: pl.DataFrame, exp: dict[str, Any], res: dict[str, Any], parameters: dict[str, Any]
) -> tuple[pl.DataFrame, str | None]:
    """The rows (one per fact id) failing ``exp``, or why they cannot be named."""
    if picks_rows(exp):
        mask = unexpected_rows(frame, exp, parameters)
        found, counted = int(mask.sum()), res.get("unexpected_count")
        if counted is not None and found != counted:
            return frame.clear(), f"GX counts {counted} unexpected rows, the gate's own filter {found}"
        rows = frame.filter(mask)
    else:
        ids = {_fact_id(r.get(suite.fact_id)) for r in res.get("unexpected_index_list") or []}
        rows = frame.filter(pl.col(suite.fact_id).is_in([i for i in ids if i is not None]))
        if None in ids:
            rows = pl.concat([rows, frame.filter(pl.col(suite.fact_id).is_null())])
    return rows.unique(subset=[suite.fact_id], keep="first", maintain_order=True), None


def _report(
    run_id: str,
    suite: SuiteDefinition,
    frame: pl.DataFrame,
    validation: Any,
    sources: dict[str, str],
    fail_threshold: float,
    parameters: dict[str, Any],
) -> _SuiteReport:
    """Results rows, quarantine rows and the failure (if any) of one validated suite."""
    by_name = {r.expectation_config.meta.get("name"): r for r in validation.results}
    raw_columns = [c for c in RAW_TABLES[suite.fact_table] if c != "article_text"]

    results: list[dict[str, Any]] = []
    quarantine: list[dict[str, Any]] = []
    problems: list[str] = []
    failing: set[Any] = set()
    for exp in suite.expectations:
        meta = exp["meta"]
        result = by_name.get(meta["name"])
        error = "no result returned" if result is None else _exception_message(result)
        res = result.result if result is not None and error is None else {}
        success = bool(result is not None and error is None and result.success)
        results.append(
            {
                "run_id": run_id,
                "suite": suite.name,
                "expectation": meta["name"],
                "column_name": _column_name(exp["kwargs"]),
                "success": success,
                "unexpected_count": res.get("unexpected_count"),
                "element_count": res.get("element_count", frame.height if error is None else None),
                "severity": meta["severity"],
                "details": _details(exp, result, error),
            }
        )
        if error is not None:
            problems.append(f"{meta['name']} could not run ({error})")
            continue
        if success or meta["severity"] != "critical":
            continue
        rows, why_not = _failing_rows(suite, frame, exp, res, parameters)
        if why_not is not None or rows.is_empty():
            # a critical failure that names no fact cannot be quarantined: it must stop the run
            problems.append(f"{meta['name']} failed without naming the failing facts ({why_not or 'none named'})")
            continue
        failing |= set(rows[suite.fact_id].to_list())
        for row in rows.sort(suite.fact_id, nulls_last=True).iter_rows(named=True):
            quarantine.append(
                {
                    "run_id": run_id,
                    "fact_table": suite.fact_table,
                    "fact_id": row[suite.fact_id],
                    "article_id": row.get("article_id"),
                    "source_file": sources.get(row.get("article_id")),
                    "expectation": meta["name"],
                    "reason": _reason(meta["reason"], row),
                    "payload": _payload(row, raw_columns),
                }
            )
    share = len(failing) / frame.height if frame.height else 0.0
    if share > fail_threshold:
        problems.append(
            f"{len(failing)} of {frame.height} facts ({share:.0%}) fail critical expectations, "
            f"more than the {fail_threshold:.0%} allowed"
        )
    return _SuiteReport(results, quarantine, "; ".join(problems) or None)


def _cascade_articles(
    run_id: str,
    held: list[dict[str, Any]],
    frames: dict[str, pl.DataFrame],
    suites: dict[str, SuiteDefinition],
) -> list[dict[str, Any]]:
    """Quarantine rows for every fact of an article the articles suite holds back."""
    reasons: dict[str, str] = {}
    sources: dict[str, str | None] = {}
    for q in held:
        if q["fact_table"] == "articles" and q["fact_id"] is not None:
            reasons.setdefault(q["fact_id"], q["reason"])
            sources.setdefault(q["fact_id"], q["source_file"])
    if not reasons:
        return []
    out: list[dict[str, Any]] = []
    for name, suite in suites.items():
        frame = frames.get(name)
        if suite.fact_table == "articles" or frame is None:
            continue
        raw_columns = list(RAW_TABLES[suite.fact_table])
        for row in frame.filter(pl.col("article_id").is_in(list(reasons))).iter_rows(named=True):
            out.append(
                {
                    "run_id": run_id,
                    "fact_table": suite.fact_table,
                    "fact_id": row[suite.fact_id],
                    "article_id": row["article_id"],
                    "source_file": sources[row["article_id"]],
                    "expectation": ARTICLE_QUARANTINED,
                    "reason": f"its article is quarantined: {reasons[row['article_id']]}",
                    "payload": _payload(row, raw_columns),
                }
            )
    return out


def _empty_outcome() -> ValidationOutcome:
    return ValidationOutcome(
        results=pl.DataFrame(schema=AUDIT_TABLES["validation_results"]),
        quarantine=pl.DataFrame(schema=AUDIT_TABLES["quarantine"]),
        failed_suites=[],
    )


def _scope_arrow(scope: pl.DataFrame) -> Any:
    """The scope's distinct article ids as Arrow, ready to register on a connection."""
    if "article_id" not in scope.columns:
        raise ValueError("scope needs an article_id column")
    return scope.select(pl.col("article_id").cast(pl.String)).unique().to_arrow()


def validate_facts(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    docs_dir: Path | None = None,
    fail_threshold: float = 0.5,
    reference: ReferenceSets | None = None,
    expectations_dir: Path = EXPECTATIONS_DIR,
    scope: pl.DataFrame | None = None,
) -> ValidationOutcome:
    """Validate the raw facts against their suites; write nothing to ``con``'s tables or the git tree.

    ``scope`` (a frame with an ``article_id`` column: the articles a run inserted) limits the
    validation to those articles and their facts, the share of failing facts included; ``None``
    validates every fact. An empty scope returns empty results at once, without starting GX.

    Facts failing a critical expectation come back as quarantine rows (one per fact
    and expectation; facts of a quarantined article follow it). A suite fails when
    more than ``fail_threshold`` of its facts fail critical expectations, or when it
    cannot run (bad definition, missing table or reference, an expectation that
    errors). With ``docs_dir``, GX Data Docs are built into ``docs_dir / "gx"``.
    ``reference`` defaults to the dbt seeds (:func:`load_reference`).
    """
    if scope is not None and scope.is_empty():
        return _empty_outcome()
    scoped = scope is not None
    if scoped:
        con.register(SCOPE_VIEW, _scope_arrow(scope))
    try:
        return _validate(con, run_id, docs_dir, fail_threshold, reference, expectations_dir, scoped)
    finally:
        if scoped:
            con.unregister(SCOPE_VIEW)


def _validate(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    docs_dir: Path | None,
    fail_threshold: float,
    reference: ReferenceSets | None,
    expectations_dir: Path,
    scoped: bool,
) -> ValidationOutcome:
    reference = reference if reference is not None else load_reference()
    parameters = reference.as_parameters()
    docs_root = docs_dir / "gx" if docs_dir is not None else None
    context = _new_context(docs_root)
    try:
        sources = dict(con.execute(_sources_sql(scoped)).fetchall())
    except duckdb.Error:
        sources = {}  # without raw.articles every suite fails below, each saying why

    results: list[dict[str, Any]] = []
    quarantine: list[dict[str, Any]] = []
    failures: dict[str, str] = {}
    frames: dict[str, pl.DataFrame] = {}
    suites: dict[str, SuiteDefinition] = {}
    for name in SUITES:
        try:
            suite = load_suite_definition(expectations_dir / f"{name}.json")
            missing = sorted(p for p in suite.parameters() if parameters.get(p) is None)
            if missing:
                raise SuiteDefinitionError(f"reference data unavailable: {', '.join(missing)}")
            frame = read_frame(con, suite.fact_table, scoped=scoped)
            needed = {p: parameters[p] for p in suite.parameters()}
            validation = _run_checkpoint(context, suite, frame, needed)
        except Exception as exc:  # a suite that cannot run fails the run, whatever broke
            failures[name] = f"could not run: {type(exc).__name__}: {exc}"
            results.append(_suite_ran(run_id, name, failures[name]))
            continue
        suites[name], frames[name] = suite, frame
        report = _report(run_id, suite, frame, validation, sources, fail_threshold, needed)
        results += report.results
        quarantine += report.quarantine
        if report.failure:
            failures[name] = report.failure

    quarantine += _cascade_articles(run_id, quarantine, frames, suites)
    if docs_root is not None and suites:
        context.build_data_docs(site_names=["pressfacts"])
    docs_index = docs_root / "index.html" if docs_root is not None and (docs_root / "index.html").exists() else None
    return ValidationOutcome(
        results=pl.DataFrame(results, schema=AUDIT_TABLES["validation_results"]),
        quarantine=pl.DataFrame(quarantine, schema=AUDIT_TABLES["quarantine"]),
        failed_suites=[s for s in SUITES if s in failures],
        docs_index=docs_index,
        failure_reasons=failures,
    )


def apply_quarantine(con: duckdb.DuckDBPyConnection, quarantine: pl.DataFrame, scope: pl.DataFrame | None) -> None:
    """Fold one validation's quarantine rows into ``raw.quarantine``, the facts held back now.

    ``scope`` ``None`` (a full validation): the rows become ``quarantine``. Otherwise the rows of
    the scope's articles (validated again) and of articles gone from raw (withdrawn: neither in
    raw.articles nor holding a fact in any raw fact table) are dropped, then ``quarantine`` is
    appended; rows of facts whose article is missing but which are still in raw stay, as a full
    validation would hold them back again.
    """
    rows = quarantine.select(list(RAW_STATE_TABLES["quarantine"])).to_arrow()  # noqa: F841 - read by DuckDB
    if scope is None:
        con.execute("delete from raw.quarantine")
    else:
        con.register(SCOPE_VIEW, _scope_arrow(scope))
        try:
            still_in_raw = " or ".join(
                f"exists (select 1 from raw.{t} as f where f.article_id = q.article_id)" for t in RAW_TABLES
            )
            con.execute(
                f"""delete from raw.quarantine as q
                    where q.article_id in (select article_id from {SCOPE_VIEW})
                       or (q.article_id is not null and not ({still_in_raw}))"""
            )
        finally:
            con.unregister(SCOPE_VIEW)
    con.execute("insert into raw.quarantine by name select * from rows")


__all__ = [
    "ValidationFailed",
    "ValidationOutcome",
    "ReferenceSets",
    "SuiteDefinition",
    "SuiteDefinitionError",
    "apply_quarantine",
    "load_reference",
    "load_suite_definition",
    "span_holds_number",
    "spans_hold_numbers",
    "unexpected_rows",
    "validate_facts",
]
