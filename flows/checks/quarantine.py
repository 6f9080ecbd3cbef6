"""The facts held back now: ``raw.quarantine``, folded from each run's quarantine rows."""

from __future__ import annotations

import duckdb
import polars as pl

from flows.checks.frames import SCOPE_VIEW, scope_arrow
from flows.store.schema import RAW_STATE_TABLES, RAW_TABLES


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
        con.register(SCOPE_VIEW, scope_arrow(scope))
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
