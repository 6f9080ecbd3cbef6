"""Number forms added to the grammar (flows/language/numerals.py); sentences written for these tests."""

import pytest

from flows.language.numerals import find_numbers


def _read(text: str) -> list[tuple[str, float, float | None, str | None]]:
    return [(text[n.start : n.end], n.value, n.value_max, n.currency) for n in find_numbers(text)]


def test_comma_groups_then_a_space_group() -> None:
    assert _read("Over 4,300 000 people fled the floods.") == [("4,300 000", 4_300_000, None, None)]


def test_word_range_shares_its_closing_scale_word() -> None:
    assert _read("Between two to three million workers moved.") == [
        ("Between two to three million", 2_000_000, 3_000_000, None)
    ]
    assert _read("from six to nine hundred boats") == [("from six to nine hundred", 6, 900, None)]


def test_out_of_opens_a_subset_not_a_ratio_without_a_number_before() -> None:
    assert [v for _, v, _, _ in _read("Report.\nOut of 14 flooded districts, two were cut off.")] == [14, 2]
    assert _read("only 3 out of 10 mayors came") == []


@pytest.mark.parametrize(
    ("text", "written", "value", "iso"),
    [
        ("The grant, worth UGX 40,500,000, arrived.", "UGX 40,500,000", 40_500_000, "UGX"),
        ("Each family got 35 Jordanian dinars.", "35 Jordanian dinars", 35, "JOD"),
        ("It cost GEL 2.1 million in total.", "GEL 2.1 million", 2_100_000, "GEL"),
        ("The ministry pledged LKR 9,000,000 more.", "LKR 9,000,000", 9_000_000, "LKR"),
        ("Donors gave USD2 million to the fund.", "USD2 million", 2_000_000, "USD"),
        ("The agency gave UKL 3 million.", "UKL 3 million", 3_000_000, "GBP"),
    ],
)
def test_currencies_from_iso_4217_and_cldr_names(text: str, written: str, value: float, iso: str) -> None:
    assert _read(text) == [(written, value, None, iso)]


def test_a_year_before_a_currency_amount_is_not_a_phone_number() -> None:
    got = _read("The town's 2031 US$2.5 billion plan was approved.")
    assert ("US$2.5 billion", 2_500_000_000, None, "USD") in got


def test_a_year_after_a_month_is_a_date() -> None:
    assert _read("A storm in March 2031 flooded the valley.") == []


def test_a_number_with_thousands_groups_is_no_identifier() -> None:
    assert [v for _, v, _, _ in _read("The plan targets 8,000 families.")] == [8000]
    assert _read("Call the hotline 155 today.") == []


def test_a_bracket_after_a_count_is_no_phone_area_code() -> None:
    assert [v for _, v, _, _ in _read("They met 25 (14 women) delegates.")] == [25, 14]
    assert _read("Call (502) 2414 7400 now.") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Nearly half a million people moved.", 500_000),
        ("A quarter of a million pupils returned.", 250_000),
        ("Two dozen nurses came.", 24),
        ("It costs 1,5 million euros.", 1_500_000),
        ("The state helped 2.5 lakh farmers.", 250_000),
        ("The scheme costs 3 crore rupees.", 30_000_000),
        ("Some 3.4m people need aid.", 3_400_000),
    ],
)
def test_more_number_forms(text: str, value: float) -> None:
    assert [v for _, v, _, _ in _read(text)] == [value]


def test_metres_stay_out_without_a_counted_noun() -> None:
    assert _read("The wall is 5 m high.") == []


def test_unicode_currency_signs() -> None:
    assert _read("Farmers got ₦4.5 million.") == [("₦4.5 million", 4_500_000, None, "NGN")]
    assert _read("It cost ₹2 crore.") == [("₹2 crore", 20_000_000, None, "INR")]


def test_a_falling_to_range_after_a_scaled_amount_is_two_numbers() -> None:
    got = _read("The fund gave USD 5m to 12 partner groups.")
    assert [(w, v) for w, v, _, _ in got] == [("USD 5m", 5_000_000), ("12", 12)]


def test_this_year_after_a_number_is_no_duration() -> None:
    assert [v for _, v, _, _ in _read("Arrivals reached 4,300 this year.")] == [4300]
    assert _read("It took 4 long years.") == []
