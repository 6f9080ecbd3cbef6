"""Segmentation on pages written for the tests, one per layout, plus the real pages' shapes."""

from datetime import date
from pathlib import Path

import pytest

from flows.articles.decode import read_page
from flows.articles.segment import parse_date_line, segment_page

NAV_PAGE = """-
Who we are
WHO WE AREThe Agency is part of a large system of partner organizations with 190 member states.
-
Our Work
Our WorkAs the leading organization, it plays a key role in the 2030 Agenda across many areas.
What We Do
What We Do
Partnerships
Partnerships
- Where we work
- Data and Research
Agency Helps 40 Families Rebuild Homes After Floods in Sylhet
Dhaka - The Agency has helped 40 families rebuild their homes
after the floods that struck Sylhet division in June, with
funding from the European Union.
For more information please contact:
Rana Das, Tel: +880 1711 234567, Email: rdas@example.org
"""

LISTING_PAGE = """12 May, 2021

Job fair opens doors for 300 returnees in San Pedro Sula

San Pedro Sula. On May 10, 300 returned migrants met 25 employers at a job fair organized by the municipality.

3 May, 2021

Shelter staff trained on psychosocial first aid

Thirty staff members from six shelters in Tapachula took part in a two-day course on psychosocial first aid.

28 April, 2021

New guide on safe migration presented in Belize

Belize City - A new guide with practical advice for people on the move was presented to 60 officials.
"""

TAGGED_PAGE = """Officials trained on new asylum law


Honduras, Guatemala
6 June, 2019


On May 22, forty officials took part in a workshop on the new asylum law held in Tegucigalpa.
"""


def _one(text: str):
    articles = segment_page(text, "page.txt", "sha")
    assert len(articles) == 1
    return articles[0]


def test_navigation_block_is_dropped_and_title_found():
    a = _one(NAV_PAGE)
    assert a.title == "Agency Helps 40 Families Rebuild Homes After Floods in Sylhet"
    assert "Who we are" not in a.text and "2030 Agenda" not in a.text
    assert a.text.startswith(a.title)
    assert a.dateline_place == "Dhaka"


def test_contact_details_are_redacted_in_the_stored_text():
    a = _one(NAV_PAGE)
    assert "rdas@example.org" not in a.text and "1711 234567" not in a.text
    assert "For more information please contact:" in a.text


def test_listing_page_gives_one_article_per_dated_item():
    articles = segment_page(LISTING_PAGE, "list.txt", "sha")
    assert [a.title for a in articles] == [
        "Job fair opens doors for 300 returnees in San Pedro Sula",
        "Shelter staff trained on psychosocial first aid",
        "New guide on safe migration presented in Belize",
    ]
    assert [a.published_date for a in articles] == [date(2021, 5, 12), date(2021, 5, 3), date(2021, 4, 28)]
    assert len({a.article_id for a in articles}) == 3
    assert "Thirty staff" not in articles[0].text


def test_tag_line_and_date_line_belong_to_the_article_header():
    a = _one(TAGGED_PAGE)
    assert a.title == "Officials trained on new asylum law"
    assert a.published_date == date(2019, 6, 6)
    assert "Honduras, Guatemala" in a.text[: a.body_start]
    assert a.text[a.body_start :].startswith("On May 22")


def test_dateline_with_date_gives_the_published_date_when_the_page_has_none():
    a = _one(
        "Relief reaches 2,000 families\nColón, Panama, April 3rd, 2020. IOM delivered food kits to 2,000 families.\n"
    )
    assert a.published_date == date(2020, 4, 3)
    assert a.dateline_place == "Colón, Panama"


def test_html_page_segments_like_text():
    html = b"""<!DOCTYPE html><html><head><script>var x = 1;</script><style>p {}</style></head>
    <body><nav><ul><li>Who we are</li><li>Our work</li></ul></nav>
    <article><h1>Ten clinics equipped in Cox&#8217;s Bazar</h1><time datetime="2022-02-14">14 Feb</time>
    <p>Cox&#8217;s Bazar &ndash; The Agency equipped ten clinics serving 5,000&nbsp;people in the camps.</p></article>
    <footer>Contact: press@example.org</footer></body></html>"""
    page = read_page(html)
    a = _one(page.text)
    assert a.title == "Ten clinics equipped in Cox\u2019s Bazar"
    assert a.published_date == date(2022, 2, 14)
    assert "var x" not in a.text and "press@example.org" not in a.text and "Who we are" not in a.text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("6 June, 2019", date(2019, 6, 6)),
        ("June 6, 2019", date(2019, 6, 6)),
        ("Tue, 12/18/2018 - 08:58", date(2018, 12, 18)),
        ("2019-03-08", date(2019, 3, 8)),
        ("Date Publish: 25 January 2017", date(2017, 1, 25)),
        ("April 12th, 2020", date(2020, 4, 12)),
        ("45 March, 2019", None),
        ("The workshop was held on 6 June, 2019", None),
    ],
)
def test_parse_date_line(line, expected):
    assert parse_date_line(line) == expected


SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared not present")
def test_real_pages_titles_are_lines_of_the_page():
    for path in sorted((SHARED / "corpus" / "dev").glob("*.txt")) + sorted((SHARED / "seeds").glob("*.txt")):
        page = read_page(path.read_bytes())
        articles = segment_page(page.text, path.name, "sha")
        assert articles, path.name
        for a in articles:
            assert a.title in page.text
            assert a.text[a.title_start : a.title_end] == a.title
