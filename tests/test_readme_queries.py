"""Every SQL query of the README's "Query it" section, run on a warehouse the real flow builds from
three fictional pages written for this test, against answers worked out by hand from those pages.

The pages are built so that a sum over mentions would be wrong: both return figures are printed in
the headline and again in the body, and one has a part ("300 of whom were children") that must not
be added to its whole.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.cli import main

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parent.parent / "README.md"

PAGES = {
    "a_honduras.txt": """1,200 Hondurans Return Home with IOM Support

San Pedro Sula, Honduras, 14 March 2023 – IOM helped 1,200 Honduran migrants return to Honduras from Mexico \
on 10 March 2023, 300 of whom were children.

The flight landed at the airport in the morning.
""",
    "b_guatemala.txt": """850 Guatemalans Returned Home in 2023

Guatemala City, Guatemala, 20 November 2023 – In 2023, 850 Guatemalan migrants returned to Guatemala with \
the help of IOM.

The returnees can apply for a small business grant at the municipal office.
""",
    "c_training.txt": """Officials in Tegucigalpa Learn About Migrant Protection

Tegucigalpa, Honduras, 15 March 2024 – Thirty officials took part in a two-day workshop on migrant protection \
on 12 March 2024, funded by Global Affairs Canada.

The participants will share what they learned with their teams.
""",
}

# By hand, from the pages above (extraction.md's rules):
EXPECTED = {
    # 1,200 (headline and body: one figure; the 300 children are part of it) and 850 (headline and body)
    "people returned, by country and year": [("HND", 2023, 1200.0), ("GTM", 2023, 850.0)],
    # the return of 10 March 2023 and the workshop of 12 March 2024; the Guatemalan returns are dated
    # to the year only, so they are in no month
    "events by type per month": [(date(2023, 3, 1), "return", 1), (date(2024, 3, 1), "training", 1)],
    # the workshop, funded by Global Affairs Canada
    "funders by number of activities": [("Global Affairs Canada", 1)],
    # the datelines "Guatemala City, Guatemala", "San Pedro Sula, Honduras", "Tegucigalpa, Honduras": each
    # the part before the comma, found in the fact's country (place_coordinates.csv, GeoNames points)
    "articles on a map": [
        ("Guatemala City", "capital", "GT-01", 14.64072, -90.51327, "exact", 1),
        ("San Pedro Sula", "city", "HN-CR", 15.50585, -88.02588, "exact", 1),
        ("Tegucigalpa", "capital", "HN-FM", 14.0818, -87.20681, "exact", 1),
    ],
}


def readme_queries() -> dict[str, str]:
    """The README's "Query it" queries, by the comment that opens each one."""
    section = README.read_text(encoding="utf-8").split("## Query it", 1)[1].split("\n## ", 1)[0]
    queries: dict[str, str] = {}
    for block in re.findall(r"```sql\n(.*?)```", section, flags=re.S):
        for statement in block.split(";"):
            lines = statement.strip().splitlines()
            if not lines:
                continue
            assert lines[0].startswith("-- "), f"a README query without a title comment: {statement!r}"
            title = lines[0][3:].split("(")[0].strip()
            queries[title] = "\n".join(lines[1:])
    return queries


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, prefect_harness) -> Path:
    root = tmp_path_factory.mktemp("readme")
    for name, text in PAGES.items():
        (root / "pages").mkdir(exist_ok=True)
        (root / "pages" / name).write_text(text, encoding="utf-8")
    out = root / "w" / "pressfacts.duckdb"
    assert main(["--quiet", "run", "--source", str(root / "pages"), "--warehouse", str(out)]) == 0
    return out


def test_every_readme_query_has_a_hand_computed_answer():
    assert set(readme_queries()) == set(EXPECTED)


@pytest.mark.parametrize("title", sorted(EXPECTED))
def test_readme_query_gives_the_hand_computed_answer(warehouse, title):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(readme_queries()[title]).fetchall()
    finally:
        con.close()
    assert [tuple(r) for r in rows] == EXPECTED[title]


def test_summing_mentions_instead_of_figures_would_count_twice(warehouse):
    """Why the README sums fct_figures: the same two return figures, summed over fct_counts."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        [(mentions,)] = con.execute(
            "select sum(value) from marts.fct_counts where category = 'returned' and part_of_count_id is null"
        ).fetchall()
        [(figures,)] = con.execute(
            "select sum(value) from marts.fct_figures where category = 'returned' and not is_subtotal"
        ).fetchall()
    finally:
        con.close()
    assert figures == 2050 and mentions == 4100
