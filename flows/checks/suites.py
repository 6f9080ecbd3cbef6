"""The expectation suites: definitions in ``expectations/``, severities, and the reference sets they check."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from flows.store.schema import RAW_TABLES

EXPECTATIONS_DIR = Path(__file__).resolve().parents[2] / "expectations"
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
