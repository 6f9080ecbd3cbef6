"""Country extraction: gazetteer integrity and the matching grammar, on sentences written for these tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from flows.articles.model import Article
from flows.facts.countries import extract_countries, fold, primary_country, resolve_place
from flows.reference import SEEDS_DIR

SHARED_SEEDS = Path("/work/shared/seeds")


def _article(text: str, title: str = "", dateline_iso3: str | None = None) -> Article:
    title = title or text.split("\n", 1)[0]
    return Article(
        article_id="t",
        source_file="t.txt",
        content_sha256="0",
        ordinal=0,
        title=title,
        text=text,
        title_start=0,
        title_end=len(title),
        body_start=min(len(text), len(title) + 1),
        dateline_country_iso3=dateline_iso3,
    )


def _codes(text: str) -> list[str]:
    return [m.country_iso3 for m in extract_countries(_article(text))]


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(m.mention_text, m.country_iso3) for m in extract_countries(_article(text))]


def _rows(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---- reference data


def test_countries_seed_has_all_iso_countries_once() -> None:
    rows = _rows("countries")
    assert len(rows) == 249
    assert len({r["country_iso3"] for r in rows}) == 249
    assert len({r["country_iso2"] for r in rows}) == 249
    by_iso = {r["country_iso3"]: r for r in rows}
    assert by_iso["MEX"]["subregion_name"] == "Latin America and the Caribbean"
    assert by_iso["NGA"]["subregion_name"] == "Sub-Saharan Africa"
    assert by_iso["MAR"]["subregion_name"] == "Northern Africa"
    assert by_iso["ATA"]["region_name"] == ""
    assert {r["region_name"] for r in rows} == {"", "Africa", "Americas", "Asia", "Europe", "Oceania"}
    assert all(len(r["m49_code"]) == 3 and r["m49_code"].isdigit() for r in rows)


def test_every_alias_and_place_points_to_a_known_country() -> None:
    known = {r["country_iso3"] for r in _rows("countries")}
    aliases = _rows("country_aliases")
    places = _rows("places")
    assert {r["country_iso3"] for r in aliases} <= known
    assert {r["country_iso3"] for r in places} <= known
    assert {r["kind"] for r in aliases} <= {"name", "variant", "abbreviation", "demonym"}
    assert {r["match_case"] for r in aliases} <= {"true", "false"}
    assert {r["place_kind"] for r in places} <= {"capital", "city", "admin1", "admin2", "landmark"}
    # every country has at least one alias; a folded alias means one country only
    assert {r["country_iso3"] for r in aliases} == known
    owners: dict[str, set[str]] = {}
    for r in aliases:
        key = r["alias"] if r["match_case"] == "true" else fold(r["alias"]).strip()
        owners.setdefault(key, set()).add(r["country_iso3"])
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_every_ambiguous_place_name_has_exactly_one_default() -> None:
    defaults: dict[str, int] = {}
    for r in _rows("places"):
        defaults[fold(r["place_name"])] = defaults.get(fold(r["place_name"]), 0) + (r["is_default"] == "true")
    assert all(n == 1 for n in defaults.values()), [k for k, n in defaults.items() if n != 1]


# ---- names, variants, abbreviations


def test_names_and_variants() -> None:
    text = "Officials from the Republic of Panama, Czechia, Burma, Türkiye and Ivory Coast met in the Gambia."
    assert _codes(text) == ["PAN", "CZE", "MMR", "TUR", "CIV", "GMB"]


def test_accents_and_typographic_apostrophes_fold() -> None:
    assert _codes("Delegates from Côte d’Ivoire, Cote d'Ivoire and Perú.") == ["CIV", "CIV", "PER"]


def test_us_abbreviations_but_not_the_pronoun() -> None:
    text = "The U.S. and the USA signed; the US State Department told us to wait. USAID paid US$ 40."
    # USAID is an organisation name that names the country (spec: "inside an organisation's name")
    assert _pairs(text) == [("U.S.", "USA"), ("USA", "USA"), ("US", "USA"), ("USAID", "USA")]


def test_shouted_headline_us_is_a_pronoun_but_full_names_match() -> None:
    assert _codes("HELP US NOW IN MEXICO AND GUATEMALA") == ["MEX", "GTM"]


def test_lower_case_common_nouns_are_not_countries() -> None:
    assert _codes("We ate turkey, fed the guinea pig and drank from fine china.") == []


def test_word_boundaries() -> None:
    assert _codes("A woman from Chadwick spoke about Omani and Nigeria's policy, not Nigerian ones.") == [
        "OMN", "NGA", "NGA",
    ]  # fmt: skip


# ---- demonyms


def test_demonyms_and_plurals() -> None:
    text = "Nicaraguan women, Salvadoran and Salvadorian youth, Hondurans, Guatemalans, Haitians, Venezuelans."
    assert _codes(text) == ["NIC", "SLV", "SLV", "HND", "GTM", "HTI", "VEN"]


def test_dominican_means_the_dominican_republic_and_longest_match_wins() -> None:
    assert _pairs("Dominican officials from the Dominican Republic visited Dominica.") == [
        ("Dominican", "DOM"), ("Dominican Republic", "DOM"), ("Dominica", "DMA"),
    ]  # fmt: skip


def test_niger_nigerien_nigeria_nigerian() -> None:
    assert _codes("Nigerien and Nigerian migrants crossed from Niger into Nigeria.") == [
        "NER",
        "NGA",
        "NER",
        "NGA",
    ]


def test_language_adjectives_are_not_countries() -> None:
    assert _codes("The guide is in Spanish and English, with its Spanish acronym DGM.") == []
    assert _codes("The Spanish Agency and French authorities paid.") == ["ESP", "FRA"]


# ---- places


def test_cities_and_admin1_places() -> None:
    text = "Migrants in Tapachula, Chiapas, Upala and San Pedro Sula reached Tijuana and Managua."
    assert _codes(text) == ["MEX", "MEX", "CRI", "HND", "MEX", "NIC"]
    kinds = {m.mention_text: m.place_kind for m in extract_countries(_article(text))}
    assert kinds["Chiapas"] == "admin1" and kinds["Managua"] == "capital"


def test_multiword_places_beat_the_country_inside() -> None:
    assert _pairs("From Mexico City to New Mexico and Guatemala City.") == [
        ("Mexico City", "MEX"), ("New Mexico", "USA"), ("Guatemala City", "GTM"),
    ]  # fmt: skip


def test_places_inside_organisation_names() -> None:
    text = "IOM Nicaragua and the Canada Fund for Local Initiatives supported the US State Department."
    assert _codes(text) == ["NIC", "CAN", "USA"]


def test_guinea_family() -> None:
    text = "Papua New Guinea, Equatorial Guinea, Guinea-Bissau and Guinea; not the Gulf of Guinea, New Guinea."
    assert _codes(text) == ["PNG", "GNQ", "GNB", "GIN"]


def test_sudan_congo_africa() -> None:
    text = "South Sudan, Sudan; the Democratic Republic of the Congo, DRC, Congo; South Africa, Southern Africa."
    assert _codes(text) == ["SSD", "SDN", "COD", "COD", "COG", "ZAF"]


def test_regions_are_not_countries() -> None:
    text = (
        "Central Americans crossed Central America, Mesoamerica, the Caribbean, the Northern Triangle and "
        "Latin America; Central African countries, the Inter-American Development Bank, the Indian Ocean."
    )
    assert _codes(text) == []


def test_countries_that_no_longer_exist_are_not_annotated() -> None:
    assert _codes("Born in the Soviet Union (USSR) and raised in Yugoslavia.") == []


# ---- ambiguity


def test_ambiguous_places_default_without_context() -> None:
    assert _codes("A meeting in San José.") == ["CRI"]
    assert _codes("A meeting in Santiago.") == ["CHL"]
    assert _codes("A meeting in Granada.") == ["NIC"]


def test_ambiguous_places_follow_the_article_context() -> None:
    assert _codes("Offices in Santiago and Santo Domingo.") == ["DOM", "DOM"]
    assert _codes("A meeting in Granada, Spain.") == ["ESP", "ESP"]
    assert _codes("A meeting in San José, California, United States.") == ["USA", "USA", "USA"]


def test_ambiguous_dateline_country_gives_context() -> None:
    art = _article("Santiago - The office opened.", dateline_iso3="DOM")
    assert [m.country_iso3 for m in extract_countries(art)] == ["DOM"]


def test_personal_names_are_not_countries() -> None:
    assert _codes("Jordan Smith, Georgia Brown and Chad Johnson spoke.") == []
    assert _codes("Refugees in Jordan and Chad; the Jordan Valley.") == ["JOR", "TCD", "JOR"]
    assert _codes("Said Salvador Gutierrez and Mr. Washington.") == []


def test_georgia_in_us_context_is_the_us_state() -> None:
    assert _codes("Officials in Atlanta, Georgia welcomed the plan.") == ["USA", "USA"]
    assert _codes("Georgia and Armenia signed.") == ["GEO", "ARM"]


# ---- spans, determinism, dateline places, primary country


def test_spans_are_exact_and_in_order() -> None:
    text = "IOM Nicaragua and\nCosta Rica’s Upala office; Hondurans in the U.S."
    mentions = extract_countries(_article(text))
    assert [m.char_start for m in mentions] == sorted(m.char_start for m in mentions)
    for m in mentions:
        assert text[m.char_start : m.char_end] == m.mention_text
    assert [m.match_kind for m in mentions] == ["name", "name", "place", "demonym", "abbreviation"]


def test_deterministic() -> None:
    text = "Santiago, Granada, Georgia, the US and Nicaraguans in Costa Rica."
    first = extract_countries(_article(text))
    assert all(extract_countries(_article(text)) == first for _ in range(3))


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Tijuana", "MEX"), ("Tijuana, Mexico", "MEX"), ("San José", "CRI"), ("San Jose", "CRI"),
        ("Guatemala", "GTM"), ("Nicaragua/Costa Rica", "NIC"), ("Panama", "PAN"), ("Santo Domingo", "DOM"),
        ("Marrakech", "MAR"), ("Port Moresby", "PNG"), ("USA", "USA"), ("Atlantis", None), ("", None),
    ],
)  # fmt: skip
def test_resolve_place(name: str, iso3: str | None) -> None:
    assert resolve_place(name) == iso3


def test_resolve_place_uses_context() -> None:
    assert resolve_place("Santiago") == "CHL"
    assert resolve_place("Santiago", frozenset({"DOM"})) == "DOM"


def test_primary_country_prefers_dateline_then_weighted_mentions() -> None:
    text = "Honduran returnees get support\nIOM helped Hondurans.\n\nMexico, Mexico and Mexico came later."
    art = _article(text, title="Honduran returnees get support")
    mentions = extract_countries(art)
    assert primary_country(art, mentions) == "HND"  # title 3 + first paragraph 2 beats three plain mentions
    art.dateline_country_iso3 = "CRI"
    assert primary_country(art, mentions) == "CRI"
    empty = _article("Nothing here.")
    assert primary_country(empty, extract_countries(empty)) is None


def test_primary_country_ties_go_to_first_appearance() -> None:
    text = "A note\n\nLater: Peru and Chile."
    art = _article(text, title="A note")
    assert primary_country(art, extract_countries(art)) == "PER"


# ---- real pages (read at run time, never copied)


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="shared seed pages not available")
def test_spans_on_real_pages_match_their_text() -> None:
    files = sorted(SHARED_SEEDS.glob("*"))
    assert files
    total = 0
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for m in extract_countries(_article(text)):
            assert text[m.char_start : m.char_end] == m.mention_text
            total += 1
    assert total > 0
