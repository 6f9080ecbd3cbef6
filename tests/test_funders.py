"""The funder registry and the funders extractor, on sentences written for these tests."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.articles.model import Article
from flows.facts.funders import extract_funders
from flows.reference import SEEDS_DIR


def _article(text: str) -> Article:
    return Article("a1", "f.txt", "sha", 0, "T", text)


def _credits(text: str) -> list[tuple[str | None, str, str]]:
    """(funder_id, role, mention_text) per mention, checking every span."""
    out = []
    for m in extract_funders(_article(text), []):
        assert text[m.char_start : m.char_end] == m.mention_text
        out.append((m.funder_id, m.role, m.mention_text))
    return out


def test_registry_ids_are_unique_and_every_alias_points_at_one() -> None:
    with open(SEEDS_DIR / "funders.csv", encoding="utf-8") as fh:
        funders = list(csv.DictReader(fh))
    ids = [f["funder_id"] for f in funders]
    assert len(ids) == len(set(ids))
    assert all(
        f["funder_kind"] in {"government", "multilateral", "intergovernmental", "fund", "ngo", "private", "foundation"}
        for f in funders
    )
    assert all(not f["parent_funder_id"] or f["parent_funder_id"] in ids for f in funders)
    with open(SEEDS_DIR / "funder_aliases.csv", encoding="utf-8") as fh:
        aliases = list(csv.DictReader(fh))
    assert aliases
    assert all(a["funder_id"] in ids and a["match_case"] in {"true", "false"} for a in aliases)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The shelter is funded by USAID.", [("usaid", "funder", "USAID")]),
        (
            "The course was financed by the Government of Canada.",
            [("ca-gac", "funder", "Government of Canada")],
        ),
        ("It runs with funding from the European Union.", [("eu", "funder", "European Union")]),
        ("It opened with financial support from Sweden.", [("se-sida", "funder", "Sweden")]),
        ("The kits came thanks to a donation from Japan.", [("jp-mofa", "funder", "Japan")]),
        ("The USAID-funded project ended.", [("usaid", "funder", "USAID")]),
        ("The UNHCR, which is funding the study, attended.", [("unhcr", "funder", "UNHCR")]),
        (
            "The fair was held with the support of the Canada Fund for Local Initiatives.",
            [("ca-cfli", "supporter", "Canada Fund for Local Initiatives")],
        ),
        (
            "A forum supported by the Regional Conference on Migration (RCM) opened.",
            [("rcm", "supporter", "Regional Conference on Migration (RCM)")],
        ),
        ("The clinic, sponsored by UNICEF, reopened.", [("unicef", "supporter", "UNICEF")]),
        ("Thanks to the support of Norway, the centre opened.", [("no-mfa", "supporter", "Norway")]),
        ("Last year PRM backed the new office.", [("us-state-prm", "supporter", "PRM")]),
    ],
)
def test_cue_phrasings_credit_the_named_funder(sentence: str, expected: list) -> None:
    assert _credits(sentence) == expected


def test_prm_written_many_ways_is_one_funder() -> None:
    text = (
        "The return is funded by the US State Department\u2019s Bureau for Population, "
        "Refugees\nand Migration. "
        "A second phase is financed by the Bureau of Population, Refugees, and Migration of the Department "
        "of State. More help came with funding from PRM."
    )
    assert {c[0] for c in _credits(text)} == {"us-state-prm"}


def test_donor_list_gives_one_mention_per_donor() -> None:
    text = "The plan is funded by the governments of Canada, Spain and the United States."
    assert [c[0] for c in _credits(text)] == ["ca-gac", "es-aecid", "us-government"]


def test_unknown_funder_is_kept_as_written() -> None:
    assert _credits("The workshop was funded by the Blue Lagoon Trust.") == [(None, "funder", "Blue Lagoon Trust")]
    m = extract_funders(_article("The workshop was funded by the Blue Lagoon Trust."), [])[0]
    assert m.funder_name == "Blue Lagoon Trust"


@pytest.mark.parametrize(
    "sentence",
    [
        "The training was organized by IOM with the support of the Mesoamerica Program.",
        "The ministry, with support from the International Organization for Migration (IOM), met.",
        "The talks were held in coordination with UNODC and together with UNICEF.",
        "The plan was developed with the technical support of UNODC.",
        "The event was organized by the Government of Mexico in partnership with UNDP.",
        "Migrants from Canada and Spain arrived.",
        "IOM supported the new shelter.",
    ],
)
def test_partners_iom_and_plain_mentions_are_not_funders(sentence: str) -> None:
    assert _credits(sentence) == []


def test_fund_founders_fund_it_too() -> None:
    text = "The returns were funded by the Intraregional Fund, created by the members of the RCM."
    assert [c[0] for c in _credits(text)] == ["rcm-fund", "rcm"]


def test_iom_development_fund_is_a_funder_but_iom_is_not() -> None:
    text = "The project is financed by IOM\u2019s Development Fund and the Mexican National Migration Institute."
    assert [c[0] for c in _credits(text)] == ["iom-development-fund", "mx-inm"]


def test_grant_sentence_credits_the_grantor() -> None:
    text = "The Embassy of Norway and IOM signed an agreement to award a grant of NOK 2,000,000 to the plan."
    assert _credits(text) == [("no-mfa", "funder", "Embassy of Norway")]


def test_contact_block_is_ignored() -> None:
    text = "The fair opened.\n\nFor more information please contact: funded by USAID desk, +1 555 0100."
    assert _credits(text) == []


@settings(max_examples=60)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises_and_spans_match(text: str) -> None:
    for m in extract_funders(_article(text), []):
        assert 0 <= m.char_start < m.char_end <= len(text)
        assert text[m.char_start : m.char_end] == m.mention_text
        assert m.role in ("funder", "supporter")


# --- The fast paths find exactly what the plain regex scans find --------------------------------

_CUE_WORDS = [
    "funded", "co-funded", "cofinanced", "by", "with", "the", "generous", "financial", "support", "of",
    "from", "thanks", "to", "a", "grant", "donation", "donors", "Donors:", "our", "its", "which", "who",
    "that", "has", "also", "supports", "backed", "sponsored", "USAID", "USAID-funded", "Canada's",
    "Canada\u2019s", "funding", "IOM", ",", "refunded", "under", "sponsorship", "provided", "contribution",
    "\u017fupported", "SUPPORT",
]  # fmt: skip


@settings(max_examples=500)
@given(
    st.lists(st.sampled_from(_CUE_WORDS), min_size=1, max_size=14),
    st.sampled_from([" ", "  ", "\n", " \u00a0"]),
)
def test_cue_search_at_openers_equals_a_full_regex_scan(words: list[str], space: str) -> None:
    from flows.facts.funders import _POST_CUE, _PRE_CUE, _cue_matches, _cue_sentences

    text = space.join(words) + "."
    for sentence in _cue_sentences(text, len(text)):
        for cue, starts in ((_PRE_CUE, sentence.pre_starts), (_POST_CUE, sentence.post_starts)):
            fast = [m.span() for m in _cue_matches(cue, text, sentence.start, sentence.end, starts)]
            assert fast == [m.span() for m in cue.finditer(text, sentence.start, sentence.end)]


@settings(max_examples=500)
@given(st.text(alphabet=["a", "B", " ", "\n", "\t", "\u00a0", "\u2019", "\u0130", "\u00df"], max_size=30))
def test_collapse_maps_every_character_back(text: str) -> None:
    from flows.facts.funders import _collapse

    collapsed, offsets = _collapse(text)
    assert collapsed == " ".join(text.split()).replace("\u2019", "'").lower()
    for i, ch in enumerate(collapsed):
        original = text[offsets[i]]
        assert original.isspace() if ch == " " else ch in original.replace("\u2019", "'").lower()


def test_a_registry_name_parsed_as_a_list_item_still_resolves():
    text = (
        "Relief for stranded migrants\n\nThe returns were funded by the Fund for Stranded Migrants, "
        "created by the members of the Regional Conference on Migration."
    )
    mentions = extract_funders(_article(text), [])
    assert "rcm" in {m.funder_id for m in mentions}
    assert all(m.funder_id is not None for m in mentions if "Regional Conference" in m.mention_text)


def test_a_currency_prefix_is_not_a_funder():
    text = "Guide printed\n\nThe contribution of US$ 85,000 from the European Union pays for 1,000 copies."
    ids = {m.funder_id for m in extract_funders(_article(text), [])}
    assert "us-government" not in ids and None not in ids
