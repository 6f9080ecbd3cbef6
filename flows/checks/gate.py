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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from flows.checks.frames import SCOPE_VIEW, read_frame, scope_arrow, sources_sql
from flows.checks.gx import (
    column_name,
    details,
    exception_message,
    fact_id,
    new_context,
    payload,
    picks_rows,
    reason,
    run_checkpoint,
    unexpected_rows,
)
from flows.checks.suites import (
    ARTICLE_QUARANTINED,
    EXPECTATIONS_DIR,
    SUITE_RAN,
    SUITES,
    ReferenceSets,
    SuiteDefinition,
    SuiteDefinitionError,
    load_reference,
    load_suite_definition,
)
from flows.store.schema import AUDIT_TABLES, RAW_TABLES


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


@dataclass
class _SuiteReport:
    results: list[dict[str, Any]]
    quarantine: list[dict[str, Any]]
    failure: str | None


def _suite_ran(run_id: str, suite: str, error: str) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "suite": suite,
        "expectation": SUITE_RAN,
        "column_name": None,
        "success": False,
        "unexpected_count": None,
        "element_count": None,
        "severity": "critical",
        "details": json.dumps({"error": error}, ensure_ascii=False),
    }


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
        ids = {fact_id(r.get(suite.fact_id)) for r in res.get("unexpected_index_list") or []}
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
        error = "no result returned" if result is None else exception_message(result)
        res = result.result if result is not None and error is None else {}
        success = bool(result is not None and error is None and result.success)
        results.append(
            {
                "run_id": run_id,
                "suite": suite.name,
                "expectation": meta["name"],
                "column_name": column_name(exp["kwargs"]),
                "success": success,
                "unexpected_count": res.get("unexpected_count"),
                "element_count": res.get("element_count", frame.height if error is None else None),
                "severity": meta["severity"],
                "details": details(exp, result, error),
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
                    "reason": reason(meta["reason"], row),
                    "payload": payload(row, raw_columns),
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
                    "payload": payload(row, raw_columns),
                }
            )
    return out


def _empty_outcome() -> ValidationOutcome:
    return ValidationOutcome(
        results=pl.DataFrame(schema=AUDIT_TABLES["validation_results"]),
        quarantine=pl.DataFrame(schema=AUDIT_TABLES["quarantine"]),
        failed_suites=[],
    )


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
        con.register(SCOPE_VIEW, scope_arrow(scope))
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
    context = new_context(docs_root)
    try:
        sources = dict(con.execute(sources_sql(scoped)).fetchall())
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
            validation = run_checkpoint(context, suite, frame, needed)
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
