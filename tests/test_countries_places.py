"""Places outside Latin America: first-level subdivisions (ISO 3166-2) named with a kind word, countries
implied by them, and ambiguous place names guarded. Sentences written for these tests."""

from __future__ import annotations

import csv

from flows.articles.model import Article
from flows.facts.countries import extract_countries, primary_country
from flows.reference import SEEDS_DIR


def _article(text: str, title: str = "") -> Article:
    title = title or text.split("\n", 1)[0]
    return Article(
        article_id="t", source_file="t.txt", content_sha256="0", ordinal=0, title=title, text=text,
        title_start=0, title_end=len(title), body_start=min(len(text), len(title) + 1),
    )  # fmt: skip


def _codes(text: str) -> set[str]:
    return {m.country_iso3 for m in extract_countries(_article(text))}


def test_places_csv_says_where_new_rows_come_from():
    with (SEEDS_DIR / "places.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {"source", "ambiguous"} <= set(rows[0])
    admin1 = [r for r in rows if r["source"] == "ISO 3166-2"]
    assert len(admin1) > 500 and all(r["place_kind"] == "admin1" for r in admin1)


def test_subdivision_with_a_kind_word_implies_its_country():
    assert _codes("Families fled to camps in Abyan Governorate last week.") == {"YEM"}
    assert _codes("Attacks in Borno State displaced thousands.") == {"NGA"}
    assert _codes("Flooding hit Sindh Province and parts of Balochistan.") == {"PAK"}
    assert _codes("The team reached Cabo Delgado Province by road.") == {"MOZ"}
    assert _codes("Shelters in the Far North Region are full.") == {"CMR"}
    assert _codes("Returnees arrived in Jonglei and Upper Nile.") == {"SSD"}


def test_a_place_named_after_a_country_is_the_place_not_the_country():
    assert _codes("Oil spills in the Niger Delta harm fishing villages.") == {"NGA"}
    assert _codes("Farmers in Niger State received seeds.") == {"NGA"}
    assert _codes("Salt water is creeping into the Mekong Delta.") == {"VNM"}


def test_common_word_subdivisions_need_their_kind_word():
    assert _codes("Clinics in Unity State reopened.") == {"SSD"}
    assert _codes("National unity matters. Rivers flooded the plain.") == set()


def test_ambiguous_place_names_do_not_imply_a_country_alone():
    # a given name
    assert _codes("Rosario told the team she wants to go home.") == set()
    # but confirm a country the article names, or count after "in"
    assert _codes("Rosario is the third city of Argentina.") == {"ARG"}
    assert _codes("The workshop was held in Rosario.") == {"ARG"}


def test_prefix_compounds_name_no_country():
    assert _codes("The Inter- American course opened in Lima, Peru.") == {"PER"}
    assert _codes("A Pan-African summit met in Addis Ababa.") == {"ETH"}


def test_usaid_names_the_united_states():
    assert _codes("The project is funded by USAID.") == {"USA"}


def test_title_place_is_the_primary_country_over_a_donor_named_more_often():
    text = (
        "Norway Backs Water Projects in Somalia\n"
        "Norway has given new funds. The Norwegian grant follows earlier Norwegian support."
    )
    art = _article(text, "Norway Backs Water Projects in Somalia")
    assert primary_country(art, extract_countries(art)) == "SOM"


def test_given_names_that_are_also_cities_imply_no_country():
    assert _codes("George and Hassan led the training for the volunteers.") == set()
    assert _codes("Hassan said the clinic in Mombasa will reopen.") == {"KEN"}


def test_a_dateline_place_with_its_country_in_parentheses():
    from flows.facts.countries import resolve_place

    assert resolve_place("Kathmandu (Nepal)") == "NPL"


def test_afro_prefix_keeps_the_country():
    assert _codes("Afro-Colombian communities on the Pacific coast received kits.") == {"COL"}
