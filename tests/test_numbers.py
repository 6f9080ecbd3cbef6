"""The number grammar (flows/language/numerals.py) on sentences written for these tests."""

import pytest

from flows.language.numerals import find_numbers, words_to_number
from flows.language.text import trie_alternation


def _one(text: str):
    nums = find_numbers(text)
    assert len(nums) == 1, [(text[n.start : n.end], n.value) for n in nums]
    return nums[0]


def _values(text: str) -> list[float]:
    return [n.value for n in find_numbers(text)]


@pytest.mark.parametrize(
    ("text", "written", "value"),
    [
        ("The shelter hosted 1,195 people.", "1,195", 1195),
        ("A fund of 24 000 units was set up.", "24 000", 24000),
        ("Exactly 2.5 tonnes arrived.", "2.5", 2.5),
        ("Some 1.2 million people fled.", "1.2 million", 1_200_000),
        ("The cost reached 2.5 billion.", "2.5 billion", 2_500_000_000),
        ("The census counted 1.234.567 residents.", "1.234.567", 1_234_567),
        ("Ten volunteers came.", "Ten", 10),
        ("They trained twenty-five nurses.", "twenty-five", 25),
        ("He met a dozen mayors.", "a dozen", 12),
        ("Another nine are waiting.", "nine", 9),
        ("We counted one hundred and twenty boats.", "one hundred and twenty", 120),
        ("Over a thousand families moved.", "a thousand", 1000),
    ],
)
def test_values_and_spans(text: str, written: str, value: float) -> None:
    num = _one(text)
    assert text[num.start : num.end] == written
    assert num.value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("The survey had between 24 and 33 questions.", 24, 33),
        ("Groups of 24-33 children were formed.", 24, 33),
        ("Profits range from 5 to 7 million each year.", 5_000_000, 7_000_000),
        ("Estimates go from 10 to 12 per cent.", 10, 12),
    ],
)
def test_ranges(text: str, low: float, high: float) -> None:
    num = _one(text)
    assert (num.value, num.value_max) == (low, high)


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("They helped about 300 families.", "approx"),
        ("They helped around 300 families.", "approx"),
        ("They helped some 300 families.", "approx"),
        ("They helped nearly 300 families.", "approx"),
        ("They helped almost 300 families.", "approx"),
        ("They helped approximately 300 families.", "approx"),
        ("They helped an estimated 300 families.", "approx"),
        ("They helped more than 300 families.", "min"),
        ("They helped over 300 families.", "min"),
        ("They helped at least 300 families.", "min"),
        ("They helped 300 or more families.", "min"),
        ("The count, exceeding 300 families, grew.", "min"),
        ("They will help up to 300 families.", "max"),
        ("They helped less than 300 families.", "max"),
        ("They helped fewer than 300 families.", "max"),
        ("They helped 300 families.", "exact"),
        ("The grant (approx. 300 dollars) arrived.", "approx"),
    ],
)
def test_qualifiers(text: str, qualifier: str) -> None:
    assert _one(text).qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Sales rose 80 per cent.", 80),
        ("Sales rose 90%.", 90),
        ("Sales rose 80 percent.", 80),
        ("Sales rose 36,5 % in May.", 36.5),
    ],
)
def test_percentages(text: str, value: float) -> None:
    num = _one(text)
    assert num.is_percent and num.value == value


@pytest.mark.parametrize(
    ("text", "written", "value", "currency"),
    [
        ("A grant of US$ 2 million was signed.", "US$ 2 million", 2_000_000, "USD"),
        ("A grant of USD 500,000 was signed.", "USD 500,000", 500_000, "USD"),
        ("A grant of EUR 400,000 was signed.", "EUR 400,000", 400_000, "EUR"),
        ("A grant of NOK 4,000,000 was signed.", "NOK 4,000,000", 4_000_000, "NOK"),
        ("A grant of 2 million dollars was signed.", "2 million dollars", 2_000_000, "USD"),
        ("A grant of $1.5 million was signed.", "$1.5 million", 1_500_000, "USD"),
        ("A grant of €300 was signed.", "€300", 300, "EUR"),
        ("A grant of 5,000 Swiss francs was signed.", "5,000 Swiss francs", 5000, "CHF"),
    ],
)
def test_money(text: str, written: str, value: float, currency: str) -> None:
    num = _one(text)
    assert (text[num.start : num.end], num.value, num.currency) == (written, value, currency)


def test_money_range_shares_scale_and_currency() -> None:
    num = _one("Smugglers earn between 5.5 and 7 billion dollars.")
    assert (num.value, num.value_max, num.currency) == (5.5e9, 7e9, "USD")


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("One third of the documents were issued.", 33.3, "exact"),
        ("Over half of the children were girls.", 50.0, "min"),
        ("Two thirds of the staff agreed.", 66.7, "exact"),
        ("A quarter of the boats sank.", 25.0, "exact"),
    ],
)
def test_fractions_are_percentages(text: str, value: float, qualifier: str) -> None:
    num = _one(text)
    assert (num.value, num.is_percent, num.qualifier) == (value, True, qualifier)


@pytest.mark.parametrize(
    "text",
    [
        "The meeting took place on May 22.",  # date
        "The meetings took place on May 22 and 27.",  # date list
        "It opened on 30 November.",  # date
        "It opened on the 27th.",  # ordinal
        "As of Wednesday (28/11) nothing changed.",  # date
        "The session began at 10:30.",  # time
        "The session began at 9 a.m. sharp.",  # time
        "Girls aged 15 took part.",  # age
        "Persons under 18 years of age took part.",  # age
        "A 15-year-old boy took part.",  # age
        "A two-day workshop took place.",  # duration
        "It lasted four months.",  # duration
        "It grew over the past 20 years.",  # duration
        "Call the hotline 1552 for help.",  # hotline
        "Law 8764 sets the rules.",  # law number
        "Decree 33 sets the rules.",  # decree number
        "Resolution 1325 sets the rules.",  # identifier
        "The COVID-19 pandemic spread.",  # identifier
        "Plan 2019-2025 sets the rules.",  # identifier / span of years
        "The programme ran 2014-2016.",  # span of years
        "Children under five need care.",  # age
        "It was the first of its kind.",  # ordinal word
        "Hundreds of people and thousands of families and dozens of boats.",  # vague
    ],
)
def test_not_counts(text: str) -> None:
    assert find_numbers(text) == [] or all(n.is_year_like for n in find_numbers(text)), [
        text[n.start : n.end] for n in find_numbers(text)
    ]


def test_years_are_flagged_for_the_extractor_to_decide() -> None:
    nums = find_numbers("In 2019, 1974 migrants were helped; the 2030 Agenda applies.")
    assert [(n.value, n.is_year_like) for n in nums] == [(2019, True), (1974, True), (2030, True)]


def test_a_phone_number_is_not_a_count() -> None:
    assert _values("Tel: +502 2414 7400") == []
    assert _values("Phone: +41 22 717 9111") == []


def test_ratios_are_not_counts() -> None:
    assert _values("Three out of 10 children are stunted.") == []
    assert [v for v in _values("About 1 in 5 boys left.")] == [1]  # the base 5 is dropped


def test_identifiers_glued_to_letters_are_not_counts() -> None:
    assert _values("The G20 and COVID-19 and H1N1 were discussed.") == []


def test_spanish_single_group_stays_decimal_in_the_grammar() -> None:
    # "2.500" is ambiguous alone; the counts extractor reads it as thousands before a count noun
    assert _one("About 2.500 migrants arrived.").value == 2.5


def test_words_to_number() -> None:
    assert words_to_number("one hundred and twenty") == 120
    assert words_to_number("Twenty-five") == 25
    assert words_to_number("two thousand three hundred") == 2300
    assert words_to_number("a dozen") == 12


def test_trie_alternation_matches_exactly_its_phrases() -> None:
    import re

    rx = re.compile(f"(?:{trie_alternation(['one', 'on', 'two', 'a dozen'])})$")
    assert all(rx.match(w) for w in ["one", "on", "two", "a dozen"])
    assert not any(rx.match(w) for w in ["o", "tw", "a", "twos"])


def test_a_month_before_a_grouped_number_is_not_a_date():
    text = "Since January, 3,000 people have returned, and on May 22, 45 officials met."
    values = [n.value for n in find_numbers(text, 0, len(text))]
    assert 3000 in values and 22 not in values and 45 in values
