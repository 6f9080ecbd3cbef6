"""Counted nouns and categories added to the count lexicons; sentences written for these tests."""

import pytest

from flows.articles.model import Article
from flows.facts.counts import extract_counts
from flows.facts.model import Count


def _counts(text: str) -> list[Count]:
    return extract_counts(Article("art", "t.txt", "", 0, "", text, 0, 0, 0), [])


def _one(text: str) -> Count:
    counts = _counts(text)
    assert len(counts) == 1, [(c.value, c.counted) for c in counts]
    return counts[0]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("A widow lives with her three sons and two nieces.", "persons"),
        ("Five barges carrying grain left the port.", "items"),
        ("The grant helped 40 microenterprises grow.", "organizations"),
        ("The agency runs three programmes in the north.", "events"),
        ("Over 9,000 rural population were counted.", "persons"),
        ("They set up 300 emergency shelters after the storm.", "items"),
    ],
)
def test_units_of_new_nouns(text: str, unit: str) -> None:
    assert {c.unit for c in _counts(text)} == {unit}


def test_copula_after_a_bare_number_links_only_a_named_subset() -> None:
    counts = {c.value: c for c in _counts("Floods hit 8,000 people. At least 600 are currently homeless.")}
    assert counts[600].part_of_count_id is None
    counts = {c.value: c for c in _counts("The clinic treated 90 patients. Twelve were children.")}
    assert counts[12].part_of_count_id == counts[90].count_id


def test_male_and_female_are_heads_only_at_the_end_of_a_phrase() -> None:
    counts = {c.value: c for c in _counts("The course was attended by 16 (9 male and 7 female) nurses.")}
    assert counts[9].unit == "persons" and counts[9].part_of_count_id == counts[16].count_id
    assert counts[7].unit == "persons" and counts[7].category == "participants"
    assert {c.unit for c in _counts("Aid reached 300 female headed households.")} == {"items"}
