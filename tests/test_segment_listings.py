"""Listing pages of other site formats: one repeated record (date line, headline, summary) in any order.

Every page here is fictional, written for these tests.
"""

from datetime import date

from flows.articles.segment import parse_date_place_line, segment_page


def _resolve(name: str) -> str | None:
    return {"Kathmandu": "NPL", "Juba": "SSD", "Dhaka": "BGD", "Nepal": "NPL"}.get(name.split(",")[0].strip())


def _titles(text: str) -> list[str | None]:
    return [a.title for a in segment_page(text, "list.txt", "sha", _resolve)]


DATE_AFTER_TITLE = """Latest updates

Water points repaired in three hill districts

8 July 2020, Kathmandu

The Agency and district officials repaired 42 water points serving 9,000 people after the monsoon slides.

Health desks open at two border crossings

2 July 2020, Dhaka

Two health desks now screen travellers at the crossings and refer the sick to nearby clinics.

Returnees receive seeds and tools for the new season

25 June 2020, Juba

About 600 returnee families received seeds, hoes and watering cans before the rains.
"""


def test_date_line_after_the_title_opens_no_item_of_its_own():
    articles = segment_page(DATE_AFTER_TITLE, "list.txt", "sha", _resolve)
    assert [a.title for a in articles] == [
        "Water points repaired in three hill districts",
        "Health desks open at two border crossings",
        "Returnees receive seeds and tools for the new season",
    ]
    assert [a.published_date for a in articles] == [date(2020, 7, 8), date(2020, 7, 2), date(2020, 6, 25)]
    # the place on the date line is where the item is reported from
    assert [a.dateline_country_iso3 for a in articles] == ["NPL", "BGD", "SSD"]
    first = articles[0]
    assert first.text[first.dateline_start : first.dateline_end] == "Kathmandu"
    assert "Health desks" not in first.text


BRIEFING = """Briefing notes

14 March 2022

The Agency warns that shelters in the north are full: 3,000 people slept outdoors last week.

11 March 2022

A convoy of 12 trucks carrying blankets and kitchen sets reached the eastern camps on Thursday.

9 March 2022

Registration of new arrivals resumed at the transit centre after a two-day pause.
"""


def test_briefing_items_without_headline_get_a_null_title_and_their_date():
    articles = segment_page(BRIEFING, "brief.txt", "sha")
    assert [a.title for a in articles] == [None, None, None]
    assert [a.published_date for a in articles] == [date(2022, 3, 14), date(2022, 3, 11), date(2022, 3, 9)]
    assert articles[1].text.startswith("A convoy of 12 trucks")
    assert articles[1].body_start == 0 and articles[1].title_end == 0


LABELLED = """Press Release

3 May 2021
News / Local
Mobile clinics reach remote villages after the floods
Four mobile clinics treated 1,200 patients in villages cut off by the floods last month.

28 April 2021
News / Local
Volunteers trained to run evacuation drills
Sixty volunteers learned to plan and lead evacuation drills in their own neighbourhoods.
"""


def test_a_kind_label_printed_with_every_item_is_not_its_headline():
    assert _titles(LABELLED) == [
        "Mobile clinics reach remote villages after the floods",
        "Volunteers trained to run evacuation drills",
    ]


def test_press_release_line_over_a_single_article_is_not_the_title():
    page = (
        "Press Release\n\nFerry service resumes for island residents\n\n"
        "The ferry to the islands runs again since Monday, carrying 400 passengers a day.\n"
    )
    assert _titles(page) == ["Ferry service resumes for island residents"]


CUT_SHORT = """5 May 2021

Shelter kits delivered to families displaced by fighting

The Agency delivered 800 shelter kits to displaced families in the south this week, with more on the way.

2 May 2021

Community leaders meet to plan the return of displaced families

Leaders from nine villages met for two days to agree on how families will go home safely.

30 April 2021

Cash grants help small traders restart their businesses

More than 300 traders have rec
"""


def test_last_item_whose_summary_is_cut_short_is_still_an_item():
    assert _titles(CUT_SHORT)[-1] == "Cash grants help small traders restart their businesses"


def test_a_page_with_one_title_and_a_trailing_update_date_is_one_article():
    page = (
        "Clinic reopens in the old town\n\n4 May 2021\n\n"
        "The clinic reopened on Monday after repairs and now sees 80 patients a day.\n\n"
        "Staff were trained on the new patient records system before the opening.\n\n"
        "Last updated: 5 May 2021\n\nAll content on this site is published under an open licence.\n"
    )
    assert _titles(page) == ["Clinic reopens in the old town"]


def test_dateline_with_date_under_a_one_line_lede_gives_date_and_place():
    page = (
        "Radios donated to border posts\n"
        "New radios, paid for by the donor, will link six remote border posts.\n"
        "Juba, 11 April 2023 - Officials received 30 radios at a ceremony at the main border post.\n"
    )
    (a,) = segment_page(page, "p.txt", "sha", _resolve)
    assert a.published_date == date(2023, 4, 11)
    assert a.dateline_place == "Juba" and a.dateline_country_iso3 == "SSD"


def test_date_lines_with_a_place_a_label_or_a_time():
    assert parse_date_place_line("8 July 2020, Kathmandu") == (date(2020, 7, 8), "Kathmandu")
    assert parse_date_place_line("Addis Ababa - 23 March 2016") == (date(2016, 3, 23), "Addis Ababa")
    assert parse_date_place_line("This note has been updated on 31/01/2019 - 17:25 GMT +1") == (
        date(2019, 1, 31),
        None,
    )
    assert parse_date_place_line("Posted on 3 March 2021 by the Agency") == (date(2021, 3, 3), None)
    assert parse_date_place_line("Floods of 8 July 2020") is None
    assert parse_date_place_line("Juba, 11 April 2023 - Officials received 30 radios") is None


UNDATED = """Our news

Boats bring food to flooded river islands

Six boats carried rice, lentils and oil to 2,000 families on islands cut off by the river.

New wells dug in villages hit by drought

Village committees and the Agency dug 14 wells that now serve about 5,000 people.

Teachers learn to support children who fled the fighting

Forty teachers from host schools took a course on helping displaced children settle in.
"""

UNDATED_MORE = """Mobile team visits mountain villages
The team treated 150 patients in four villages and left medicines with the village nurses.
Read more
Bridge repaired on the main market road
Workers from the villages repaired the bridge in ten days, with tools lent by the district.
Read more
"""

ARTICLE_WITH_SUBHEADINGS = """Families rebuild homes after the storm in the delta

The Agency has helped 300 families rebuild their homes since the storm struck in May, with
materials bought from local traders.

Most families had lost their roofs and walls, and many had lost their stock of rice as well.

Support for livelihoods in coastal villages

Fishing families received nets and repaired boats so they could go back to sea within weeks.

Plans for the coming rainy season

District teams have mapped safe shelters and trained volunteers to warn families in time.
"""


def test_listing_without_dates_gives_one_article_per_headline():
    assert _titles(UNDATED) == [
        "Boats bring food to flooded river islands",
        "New wells dug in villages hit by drought",
        "Teachers learn to support children who fled the fighting",
    ]
    assert all(a.published_date is None for a in segment_page(UNDATED, "u.txt", "sha"))


def test_read_more_links_close_undated_items():
    assert _titles(UNDATED_MORE) == ["Mobile team visits mountain villages", "Bridge repaired on the main market road"]


def test_article_with_subheadings_stays_one_article():
    assert _titles(ARTICLE_WITH_SUBHEADINGS) == ["Families rebuild homes after the storm in the delta"]


TIMELINE_ARTICLE = """Floods displace thousands along the river valley

8 May 2021

Heavy rains have displaced more than 4,000 families along the river, officials said on Friday.

The Agency is distributing tents and water kits in the worst-hit districts.

Timeline of the response

3 May 2021

The first evacuation centres opened in schools and churches.

5 May 2021

Boats reached villages cut off by the water.
"""


def test_an_article_with_a_dated_timeline_stays_one_article():
    (a,) = segment_page(TIMELINE_ARTICLE, "t.txt", "sha")
    assert a.title == "Floods displace thousands along the river valley"
    assert a.published_date == date(2021, 5, 8)
    assert "Boats reached villages" in a.text


TWO_DATES_PER_ITEM = """Boats deliver aid to island communities
Posted 8 Jul 2020
Originally published 7 Jul 2020
Six boats carried food and medicine to 2,000 families living on the river islands, the Agency said.
New clinic opens at the border crossing
Posted 2 Jul 2020
Originally published 1 Jul 2020
The clinic will screen travellers and refer those who need care to the district hospital nearby.
"""


def test_several_date_lines_in_a_row_are_one_record_date():
    articles = segment_page(TWO_DATES_PER_ITEM, "t.txt", "sha")
    assert [a.title for a in articles] == [
        "Boats deliver aid to island communities",
        "New clinic opens at the border crossing",
    ]
    assert [a.published_date for a in articles] == [date(2020, 7, 8), date(2020, 7, 2)]


LABEL_THEN_TITLE_THEN_DATE = """News / Local
Market traders receive cash grants in the north
8 July 2020
Two hundred traders received grants to restock their stalls after the fire in the old market.
News / Local
Health workers trained on safe childbirth
2 July 2020
Forty midwives and nurses finished a two-week course on safe childbirth at the district hospital.
"""


def test_label_headline_date_summary_records():
    assert _titles(LABEL_THEN_TITLE_THEN_DATE) == [
        "Market traders receive cash grants in the north",
        "Health workers trained on safe childbirth",
    ]


DATE_LAST = """Our stories
Boats deliver aid to island communities
Six boats carried food and medicine to 2,000 families living on the river islands, the Agency said.
8 July 2020
New clinic opens at the border crossing
The clinic will screen travellers and refer those who need care to the district hospital nearby.
2 July 2020
"""


def test_records_whose_date_line_comes_last():
    articles = segment_page(DATE_LAST, "t.txt", "sha")
    assert [a.title for a in articles] == [
        "Boats deliver aid to island communities",
        "New clinic opens at the border crossing",
    ]
    assert [a.published_date for a in articles] == [date(2020, 7, 8), date(2020, 7, 2)]
    assert "2 July 2020" not in articles[1].text


TAGGED_RECORDS = """Wells dug in drought-hit villages
Nepal
8 July 2020
Village committees dug fourteen wells that now serve about 5,000 people in the hills.
Midwives trained at the district hospital
Bangladesh, Myanmar
2 July 2020
Forty midwives and nurses finished a two-week course on safe childbirth and newborn care.
"""


def test_a_tag_line_between_headline_and_date_stays_with_its_item():
    articles = segment_page(TAGGED_RECORDS, "t.txt", "sha")
    assert [a.title for a in articles] == [
        "Wells dug in drought-hit villages",
        "Midwives trained at the district hospital",
    ]
    assert "Bangladesh, Myanmar" in articles[1].text[: articles[1].body_start]
    assert "Midwives" not in articles[0].text


def test_more_date_line_forms():
    assert parse_date_place_line("News / Local - 8 July 2020") == (date(2020, 7, 8), None)
    assert parse_date_place_line("Briefing Notes, 8 July 2020") == (date(2020, 7, 8), None)
    assert parse_date_place_line("08.07.2020") == (date(2020, 7, 8), None)
    assert parse_date_place_line("2020/07/08") == (date(2020, 7, 8), None)
    assert parse_date_place_line("8th of July 2020") == (date(2020, 7, 8), None)
    assert parse_date_place_line("Kathmandu (Nepal), 8 July 2020") == (date(2020, 7, 8), "Kathmandu (Nepal)")
    assert parse_date_place_line("The 8th of July 2020 was hot") is None


METADATA_BLOCK = """Boats deliver aid to flooded island communities
Format
News and Press Release
Source
The Agency
Posted
8 Jul 2020
Originally published
8 Jul 2020
Origin
View original
Dhaka - Six boats carried food and medicine to 2,000 families living on the river islands this week.
The islands have been cut off since the river burst its banks in late June.
"""


def test_a_block_of_metadata_fields_under_the_headline():
    (a,) = segment_page(METADATA_BLOCK, "m.txt", "sha", _resolve)
    assert a.title == "Boats deliver aid to flooded island communities"
    assert a.published_date == date(2020, 7, 8)
    assert a.dateline_country_iso3 == "BGD"


def test_a_date_line_above_a_single_articles_headline_is_its_date():
    page = (
        "Press Release | 8 July 2020\n\nBoats deliver aid to flooded island communities\n\n"
        "Six boats carried food and medicine to 2,000 families living on the river islands this week.\n"
    )
    (a,) = segment_page(page, "p.txt", "sha")
    assert a.title == "Boats deliver aid to flooded island communities"
    assert a.published_date == date(2020, 7, 8)
