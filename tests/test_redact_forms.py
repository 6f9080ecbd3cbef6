"""Personal data masking (flows/articles/redact.py): every written form of an e-mail or phone number is
masked, length for length; dates, years, ranges and counts are never touched."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.articles.redact import redact_personal_data

WORDS = st.sampled_from(["August", "about", "at", "Tegucigalpa", "went", "report", "IOM", "from", "the", "sent"])
NAME = st.from_regex(r"[a-z]{2,8}(\.[a-z]{2,8})?", fullmatch=True)
DOMAIN = st.from_regex(r"[a-z]{2,10}", fullmatch=True)
TLD = st.sampled_from(["org", "int", "com", "hn", "gt"])


@st.composite
def emails(draw) -> str:
    name, domain, tld = draw(NAME), draw(DOMAIN), draw(TLD)
    form = draw(st.sampled_from(["plain", "brackets", "parens", "words", "mixed"]))
    text = {
        "plain": f"{name}@{domain}.{tld}",
        "brackets": f"{name} [at] {domain} [dot] {tld}",
        "parens": f"{name}(at){domain}(dot){tld}",
        "words": f"{name} at {domain} dot {tld}",
        "mixed": f"{name} [at] {domain}.{tld}",
    }[form]
    return text.upper() if draw(st.booleans()) else text


def _digits(n: int):
    return st.text("0123456789", min_size=n, max_size=n).filter(lambda s: s[0] != "0")


@st.composite
def phones(draw) -> str:
    form = draw(st.sampled_from(["intl", "local-dash", "local-space", "area", "us"]))
    a, b = draw(_digits(4)), draw(_digits(4))
    # a two-year pair ("2014-2020") is read as a range: phones under test are not shaped like one
    if re.fullmatch(r"(1[89]|20)\d\d", a) and re.fullmatch(r"(1[89]|20)\d\d", b):
        a = "4" + a[1:]
    return {
        "intl": f"+504 {a}-{b}",
        "local-dash": f"{a}-{b}",
        "local-space": f"{a} {b}",
        "area": f"(502) {a}-{b}",
        "us": f"+1 (202) 555-{b}",
    }[form]


@st.composite
def dates_and_counts(draw) -> str:
    year, year2 = draw(st.integers(1900, 2030)), draw(st.integers(1900, 2030))
    day, day2 = draw(st.integers(1, 28)), draw(st.integers(1, 28))
    month = draw(st.integers(1, 12))
    n = draw(st.integers(1000, 999_999_999))
    return draw(
        st.sampled_from(
            [
                f"August {day}-{day2} {year}",
                f"August {day} - {day2}, {year}",
                f"({year}-{year2})",
                f"{year}-{year2}",
                f"{year} - {year2}",
                f"{day:02d}/{month:02d}/{year}",
                f"{year}-{month:02d}-{day:02d}",
                f"{day}.{month}.{year}",
                f"{n:,}",
                f"{n:,}".replace(",", " "),
                f"{n:,}".replace(",", "."),
            ]
        )
    )


@settings(max_examples=300, deadline=None)
@given(before=WORDS, email=emails(), after=WORDS)
def test_every_written_form_of_an_email_is_masked_length_for_length(before: str, email: str, after: str) -> None:
    text = f"{before} {email} {after}"
    out = redact_personal_data(text)
    assert len(out) == len(text)
    start = len(before) + 1
    assert out[start : start + len(email)] == "x" * len(email), out
    assert out[:start] == text[:start] and out[start + len(email) :] == text[start + len(email) :]


@settings(max_examples=300, deadline=None)
@given(before=st.sampled_from(["Tel:", "phone", "call", "contact", "office", "T:", "or"]), phone=phones())
def test_every_written_form_of_a_phone_number_is_masked(before: str, phone: str) -> None:
    text = f"For details, {before} {phone} today."
    out = redact_personal_data(text)
    assert len(out) == len(text)
    start = text.index(phone)
    masked = out[start : start + len(phone)]
    assert not any(c.isdigit() for c in masked), out
    assert re.sub(r"\d", "#", phone) == masked  # separators kept, digits replaced one for one


@settings(max_examples=500, deadline=None)
@given(before=WORDS, value=dates_and_counts(), after=WORDS)
def test_dates_years_ranges_and_counts_are_never_touched(before: str, value: str, after: str) -> None:
    text = f"{before} {value} {after}"
    assert redact_personal_data(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Migrants arrived August 15-17 2018 in Tapachula.",  # "August" ends in t: not a "T:" cue
        "The armed conflict (1960-1996) displaced thousands.",
        "The plan covers 2019-2023.",
        "Published 15/03/2024.",
        "IOM assisted 1,195 people; 2 500 000 are in need.",
        "A report sent 2 500 000 kits.",
    ],
)
def test_known_false_positives_stay_text(text: str) -> None:
    assert redact_personal_data(text) == text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Tel. 2414-7401", "2414-7401"),
        ("call 4433 2211 or", "4433 2211"),
        ("Honduras: +504 2234-5678.", "+504 2234-5678"),
        ("Guatemala (502) 2412-3456.", "(502) 2412-3456"),
    ],
)
def test_local_formats_are_masked(text: str, number: str) -> None:
    out = redact_personal_data(text)
    i = text.index(number)
    assert out[i : i + len(number)] == re.sub(r"\d", "#", number)


def test_met_at_a_place_is_not_an_email() -> None:
    text = "We met at iom.int headquarters and at the office at 10."
    assert redact_personal_data(text) == text


def _dbt_personal_data_rows(values: list[str]) -> list[str]:
    """Run dbt_project/tests/generic/has_no_personal_data.sql (its body, rendered) over ``values``."""
    from pathlib import Path

    import duckdb

    sql = (Path(__file__).resolve().parent.parent / "dbt_project/tests/generic/has_no_personal_data.sql").read_text()
    body = sql.split("%}", 1)[1].rsplit("{% endtest %}", 1)[0]  # after the comment and the test tag
    body = body.replace("{{ model }}", "texts").replace("{{ column_name }}", "t")
    con = duckdb.connect()
    con.execute("create table texts (t varchar)")
    con.executemany("insert into texts values (?)", [[v] for v in values])
    return [r[0] for r in con.execute(body).fetchall()]


def test_the_dbt_test_catches_obfuscated_emails_and_passes_masked_text() -> None:
    leaks = [
        "write to jane.doe [at] iom [dot] int",
        "JANE (AT) IOM (DOT) INT",
        "jane at iom dot int",
        "jane@iom.int",
        "+504 2234 5678",
    ]
    clean = [redact_personal_data(t) for t in leaks] + ["We met at iom.int and at the office at 10."]
    assert sorted(_dbt_personal_data_rows(leaks)) == sorted(leaks)
    assert _dbt_personal_data_rows(clean) == []
