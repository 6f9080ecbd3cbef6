"""Great Expectations: one ephemeral context, one checkpoint per suite over its frame, the same predicates
in polars to pick the failing rows, and the reasons a person reads for each."""

from __future__ import annotations

import json
import math
import string
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from flows.checks.suites import SuiteDefinition, SuiteDefinitionError


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


def reason(template: str, row: dict[str, Any]) -> str:
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


def payload(row: dict[str, Any], columns: Iterable[str]) -> str:
    return json.dumps({c: _json_value(row.get(c)) for c in columns}, ensure_ascii=False)


def exception_message(result: Any) -> str | None:
    """The error an expectation raised while running, or ``None`` when it ran."""
    info = result.exception_info or {}
    if "raised_exception" in info:
        return info.get("exception_message") if info.get("raised_exception") else None
    for metric_info in info.values():  # keyed by metric when a metric computation failed
        if isinstance(metric_info, dict) and metric_info.get("raised_exception", True):
            return str(metric_info.get("exception_message") or "metric failed")
    return None


def fact_id(value: Any) -> str | None:
    """A fact id as GX returns it from pandas, where a missing id comes back as NaN."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def column_name(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    pair = [kwargs[k] for k in ("column_A", "column_B") if k in kwargs]
    return ",".join(pair) if pair else None


def details(exp: dict[str, Any], result: Any, error: str | None) -> str:
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
    "expect_column_values_to_be_null": frozenset({"column", "mostly"}),
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
    elif kind == "expect_column_values_to_be_null":
        bad = ~missing
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


def new_context(docs_root: Path | None) -> Any:
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


def run_checkpoint(context: Any, suite: SuiteDefinition, frame: pl.DataFrame, parameters: dict[str, Any]) -> Any:
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
