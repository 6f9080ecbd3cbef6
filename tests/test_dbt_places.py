"""marts.dim_places and the place_id of dim_articles and fct_events, built by real dbt.

The stand-in project of test_dbt_project (its place_coordinates.csv is a tiny gazetteer); articles
whose datelines, and events whose cities, exercise each way a name resolves: exact, by the fact's
country, at country level, unresolved, through an alternate name and through the part before a
comma. The contract's columns and types are checked on the built tables.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from test_dbt_project import fact_rows, make_project, query, write_warehouse

from flows.articles.model import stable_id
from flows.store.dbt_runner import run_dbt_build

pytestmark = pytest.mark.e2e  # a real dbt build

# dateline (place, country) -> (place_name, place_kind, country_iso3, admin1_code, resolution)
DATELINES = {
    ("Guatemala City", "GTM"): ("Guatemala City", "capital", "GTM", "GT-01", "exact"),
    ("Ciudad de Guatemala", "GTM"): ("Guatemala City", "capital", "GTM", "GT-01", "exact"),  # alternate name
    ("Xelajú", "GTM"): ("Quetzaltenango", "city", "GTM", "GT-09", "exact"),  # alternate, accents folded
    ("Santa Rosa", "GTM"): ("Santa Rosa", "admin1", "GTM", "GT-06", "by_country"),  # also in USA
    ("Santa Rosa", None): ("Santa Rosa", None, None, None, "unresolved"),  # two countries, none given
    ("Kabul, Afghanistan", "AFG"): ("Kabul", "capital", "AFG", "AF-KAB", "exact"),  # before the comma
    ("Chimaltenango", "GTM"): ("Chimaltenango", None, "GTM", None, "country_level"),  # not in the gazetteer
    ("Kabul", "GTM"): ("Kabul", None, "GTM", None, "country_level"),  # a place, but in another country
    ("Guatemala", "GTM"): ("Guatemala", "country", "GTM", "GT-01", "exact"),  # the country's own name
}


def rows_with_datelines() -> dict[str, list[dict]]:
    """The stand-in facts plus one bare article per dateline of DATELINES, and an event per dateline."""
    rows = fact_rows()
    template = rows["articles"][0]
    event = rows["events"][0]
    for n, (place, country) in enumerate(DATELINES):
        aid = stable_id(f"pages/place-{n}.txt", 0)
        text = f"Title {n}\n{place} - A workshop was held."
        rows["articles"].append(
            {
                **template,
                "article_id": aid,
                "source_file": f"pages/place-{n}.txt",
                "title": f"Title {n}",
                "published_date": date(2024, 1, 1),
                "dateline_place": place,
                "dateline_country_iso3": country and country.lower(),  # raw may be lower case
                "primary_country_iso3": country,
                "article_text": text,
                "body_start": text.index("\n") + 1,
            }
        )
        start = text.index("workshop")
        rows["events"].append(
            {
                **event,
                "event_id": stable_id(aid, "event", start, start + 8, 0),
                "article_id": aid,
                "country_iso3": country,
                "city": place,
                "participants": None,
                "char_start": start,
                "char_end": start + 8,
            }
        )
    # an event in a country with no city: at the country's own row
    rows["events"][-1] = {**rows["events"][-1], "city": None, "country_iso3": "NAM"}
    return rows


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("dbt_places")
    project = make_project(tmp_path)
    path = tmp_path / "places.duckdb"
    write_warehouse(path, rows_with_datelines())
    run_dbt_build(path, project_dir=project, build_dir=tmp_path / "build")
    return path


def test_each_dateline_resolves_as_the_gazetteer_and_its_country_say(warehouse: Path) -> None:
    got = {
        (place, country): row
        for place, country, *row in query(
            warehouse,
            "select a.dateline_place, a.dateline_country_iso3, p.place_name, p.place_kind, p.country_iso3, "
            "p.admin1_code, p.resolution from marts.dim_articles a join marts.dim_places p using (place_id) "
            "where a.source_file like 'pages/place-%'",
        )
    }
    assert got == {key: list(value) for key, value in DATELINES.items()}


def test_places_have_coordinates_unless_unresolved(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "select place_key, resolution, latitude, longitude, resolution_note from marts.dim_places "
        "where len(names_as_written) > 0",
    )
    for key, resolution, lat, _lon, note in rows:
        assert (lat is None) == (resolution == "unresolved"), key
        if resolution in ("country_level", "unresolved", "by_country"):
            assert note, key  # the reason is recorded
    # a name placed at country level takes its country's point, not its own
    (point,) = query(
        warehouse, "select latitude, longitude from marts.dim_places where place_key = 'name:GTM:chimaltenango'"
    )
    assert point == (14.64072, -90.51327)
    (note,) = query(warehouse, "select resolution_note from marts.dim_places where place_key = 'name:GTM:kabul'")[0]
    assert "AFG" in note


def test_every_country_has_a_row_and_a_country_only_event_points_at_it(warehouse: Path) -> None:
    countries = dict(
        query(warehouse, "select country_iso3, place_id from marts.dim_places where place_kind = 'country'")
    )
    assert set(countries) == {"AFG", "GTM", "NAM", "USA"}
    assert query(warehouse, "select place_id from marts.fct_events where city is null") == [(countries["NAM"],)]


def test_place_ids_are_derived_from_the_place_and_shared_by_its_spellings(warehouse: Path) -> None:
    ids = dict(query(warehouse, "select place_key, place_id from marts.dim_places"))
    assert ids["geonames:3598132"] == stable_id("geonames:3598132")  # sha256, first 16 hex digits
    (names,) = query(warehouse, "select names_as_written from marts.dim_places where place_key = 'geonames:3598132'")
    assert names == (["Ciudad de Guatemala", "Guatemala City"],)
    # events and datelines with the same name and country get the same place
    assert query(
        warehouse,
        "select count(*) from marts.fct_events e join marts.dim_articles a using (article_id) "
        "where e.city = a.dateline_place and e.place_id is distinct from a.place_id",
    ) == [(0,)]


def test_contracts_publish_the_declared_types(warehouse: Path) -> None:
    columns = dict(
        query(
            warehouse,
            "select table_name || '.' || column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name in ('dim_places', 'dim_articles', 'fct_events')",
        )
    )
    assert columns["dim_places.latitude"] == "DOUBLE"
    assert columns["dim_places.names_as_written"] == "VARCHAR[]"
    assert columns["dim_articles.place_id"] == columns["fct_events.place_id"] == "VARCHAR"
    assert columns["fct_events.participants"] == "DOUBLE"
