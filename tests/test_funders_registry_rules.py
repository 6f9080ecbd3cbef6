"""The grown funder registry, the government rule and the new cue forms, on sentences written for these tests."""

from __future__ import annotations

import csv

import pytest

from flows.articles.model import Article
from flows.facts.funders import GOVERNMENT_SOURCE, extract_funders, government_rows, load_registry
from flows.reference import SEEDS_DIR, read_seed


def _credits(text: str, host: str | None = None) -> list[tuple[str | None, str, str]]:
    """(funder_id, role, mention_text) per mention, checking every span."""
    article = Article("a1", "f.txt", "sha", 0, "T", text)
    article.dateline_country_iso3 = host
    out = []
    for m in extract_funders(article, []):
        assert text[m.char_start : m.char_end] == m.mention_text
        out.append((m.funder_id, m.role, m.mention_text))
    return out


def test_the_seed_holds_exactly_the_government_rows_the_rule_derives() -> None:
    with open(SEEDS_DIR / "funders.csv", encoding="utf-8") as fh:
        seeded = [r for r in csv.DictReader(fh) if r["source_list"] == GOVERNMENT_SOURCE]
    derived = government_rows()
    assert [r["funder_id"] for r in seeded] == [r["funder_id"] for r in derived]
    assert all(r["funder_kind"] == "government" and r["country_iso3"] for r in seeded)


def test_every_country_has_a_government_funder() -> None:
    registry = load_registry()
    governments = {c for f, c in registry.countries.items() if registry.kinds[f] == "government"}
    assert set(read_seed("countries")["country_iso3"]) <= governments


def test_every_registry_row_says_where_it_comes_from() -> None:
    funders = read_seed("funders")
    assert funders["source_list"].null_count() == 0


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # any country's government, by rule, under each way of writing it
        ("The clinic is funded by the Government of Freedonia.", [(None, "funder", "Freedonia")]),  # no such country
        ("The clinic is funded by the Government of Finland.", [("fi-government", "funder", "Government of Finland")]),
        (
            "With the support of the Kenyan Government, the hub opened.",
            [("ke-government", "supporter", "Kenyan Government")],
        ),
        ("The road was financed by Ghana's Government.", [("gh-government", "funder", "Ghana's Government")]),
        ("The desk was funded by Iceland.", [("is-government", "funder", "Iceland")]),
        ("The hall opened with funding from the Embassy of Chile.", [("cl-government", "funder", "Embassy of Chile")]),
        # a registry row that already names a government keeps its id
        ("The boats were funded by the Government of Japan.", [("jp-mofa", "funder", "Government of Japan")]),
    ],
)
def test_governments_by_rule(sentence: str, expected: list) -> None:
    assert _credits(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Atlantis Trust has provided USD 2 million for the shelters.", [(None, "funder", "Atlantis Trust")]),
        ("Each family in the camps was given USD 100.", []),
        ("Sweden has also contributed SEK 10 million to the plan.", [("se-sida", "funder", "Sweden")]),
        (
            "USAID and the Peacebuilding Fund (PBF) have agreed to provide USD 70,000 and USD 9,000.",
            [("usaid", "funder", "USAID"), ("un-pbf", "funder", "Peacebuilding Fund (PBF)")],
        ),
        (
            "The Korean Government is allocating USD1 million to the camps.",
            [("kr-koica", "funder", "Korean Government")],
        ),
        ("The kits arrived with Japanese funding.", [("jp-mofa", "funder", "Japanese")]),
        ("The kits arrived with EU support.", [("eu", "supporter", "EU")]),
        (
            "The course is financed through the IOM Development Fund.",
            [("iom-development-fund", "funder", "IOM Development Fund")],
        ),
        (
            "The new funds come from the Yemeni Humanitarian Fund (YHF).",
            [("un-cbpf-yem", "funder", "Yemeni Humanitarian Fund (YHF)")],
        ),
        ("It opened thanks to the generous contribution of Ireland.", [("ie-government", "funder", "Ireland")]),
        (
            "A EUR 3 million donation from the Asian Development Bank arrived.",
            [("asdb", "funder", "Asian Development Bank")],
        ),
        ("The Qatar Fund for Development-funded school opened.", [("qa-qffd", "funder", "Qatar Fund for Development")]),
    ],
)
def test_new_cue_forms(sentence: str, expected: list) -> None:
    assert _credits(sentence) == expected


def test_a_misprinted_name_with_a_registry_acronym_is_that_funder() -> None:
    text = "The shelters came via a USD 1.5 million donation from the UN\nCentral Emergency Relief Fund (CERF)."
    assert _credits(text) == [("un-cerf", "funder", "UN\nCentral Emergency Relief Fund (CERF)")]


def test_a_registry_name_heading_a_longer_written_name_is_credited() -> None:
    text = "With funding from the United Nation's Central Emergency Response Fund (CERF), IOM helps."
    assert _credits(text) == [("un-cerf", "funder", "Central Emergency Response Fund (CERF)")]


def test_a_fund_a_donor_owns_is_the_funder() -> None:
    text = "It is funded by the Netherlands' Tulip Root Causes Fund."
    assert _credits(text) == [(None, "funder", "Netherlands' Tulip Root Causes Fund")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # "and" inside one name is not a list: no fragments
        (
            "The study is funded by the Peace and Stabilization Fund.",
            [(None, "funder", "Peace and Stabilization Fund")],
        ),
        (
            "It is funded by the Ministry of Labour and Social Affairs.",
            [(None, "funder", "Ministry of Labour and Social Affairs")],
        ),
        (
            "It ran with support from Save the Children and Oxfam.",
            [(None, "supporter", "Save the Children"), (None, "supporter", "Oxfam")],
        ),
        # a bare country inside a longer name is a word of that name
        ("The kits were funded by the Kenya Red Cross Society.", [(None, "funder", "Kenya Red Cross Society")]),
        ("It was funded by Japanese companies.", []),
    ],
)
def test_names_are_not_split_into_fragments(sentence: str, expected: list) -> None:
    assert _credits(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "IOM in the Dominican Republic supports the plan.",  # a place, not a subject
        "IOM Kenya supports returnees at the border.",  # an IOM office
        "IOM and UNHCR launched a joint plan.",  # an implementing partner, not a donor
        "IOM and the Government of Kenya launched a joint plan.",  # the host government is a partner
        "Chad's funding needs are large.",  # a need, not a gift
    ],
)
def test_places_offices_and_partners_are_not_credited(sentence: str) -> None:
    assert _credits(sentence, host="KEN") == []


def test_a_donor_launching_with_iom_supports_it() -> None:
    text = "IOM in Iraq and the Government of Finland launched a EUR 2,000,000 project."
    assert _credits(text, host="IRQ") == [("fi-government", "supporter", "Government of Finland")]


def test_the_host_government_is_not_a_grantor_without_a_cue() -> None:
    text = "The Government of Kenya and the Government of Norway signed a grant agreement for the centre."
    assert _credits(text, host="KEN") == [("no-mfa", "funder", "Government of Norway")]


def test_a_title_short_name_is_the_body_funder_it_stands_for() -> None:
    text = (
        "EU funds new shelters\nThe European Civil Protection and Humanitarian Aid Operations has given EUR 1 million."
    )
    article = Article("a1", "f.txt", "sha", 0, "EU funds new shelters", text, title_start=0, title_end=21)
    ids = {m.funder_id for m in extract_funders(article, [])}
    assert ids == {"eu-echo"}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The clinic is funded by the Flemish Government.", [("be-flanders", "funder", "Flemish Government")]),
        ("The Scottish Government has provided GBP 50,000 to it.", [("gb-scotland", "funder", "Scottish Government")]),
    ],
)
def test_regional_governments_are_registry_funders(sentence: str, expected: list) -> None:
    assert _credits(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Last week the Acme Mining Company donated USD 50,000 to the camps.",
            [(None, "funder", "Acme Mining Company")],
        ),
        (
            "The Nordic Relief Alliance (NRA) has pledged EUR 4 million.",
            [(None, "funder", "Nordic Relief Alliance (NRA)")],
        ),
        ("Refugees in the Lakes Region have received USD 20 each.", []),
    ],
)
def test_an_unregistered_organisation_giving_money_is_kept_as_written(sentence: str, expected: list) -> None:
    assert _credits(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("IOM Tuvalu has received USD 75,000 from Denmark to help.", [("dk-mfa", "funder", "Denmark")]),
        ("The returnees received USD 100 each from IOM.", []),
    ],
)
def test_money_received_from_a_funder(sentence: str, expected: list) -> None:
    assert _credits(sentence) == expected


def test_money_an_appeal_received_credits_no_one() -> None:
    text = "The 2030 flash appeal has received over USD 75 million from the Ruritanian Development Fund and others."
    assert _credits(text) == []
