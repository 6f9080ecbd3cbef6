"""Reference data: the CSV seeds in ``dbt_project/seeds/``, read by Python and dbt alike.

One source of truth: the gazetteer, demonyms, regions and the funder registry
are data, reviewed in diffs, loaded by dbt as seeds and here as polars frames.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import polars as pl

SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"


@cache
def read_seed(name: str) -> pl.DataFrame:
    """The seed ``name`` (without ``.csv``) as a frame of strings; empty cells are null."""
    path = SEEDS_DIR / f"{name}.csv"
    return pl.read_csv(path, infer_schema=False)


# Seeds only dbt reads (the marts join them); changing them rebuilds the marts (build_version digests
# the whole dbt project) but must not re-extract every file.
DBT_ONLY_SEEDS = frozenset({"place_coordinates"})


def reference_version() -> str:
    """A digest of every seed file the extractors may read: when that reference data changes, so does this."""
    digest = hashlib.sha256()
    for path in sorted(p for p in SEEDS_DIR.glob("*.csv") if p.stem not in DBT_ONLY_SEEDS):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
