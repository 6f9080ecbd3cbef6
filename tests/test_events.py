"""The events extractor, on articles written for these tests (countries and counts given by hand)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.articles.model import Article
from flows.facts.events import extract_events
from flows.facts.model import Count, CountryMention, FundingMention


def _article(text: str, published: date | None = date(2019, 6, 6), dateline: str | None = None) -> Article:
    return Article("a1", "f.txt", "sha", 0, "T", text, published_date=published, dateline_country_iso3=dateline)


def _countries(text: str, names: dict[str, tuple[str, str, str | None]]) -> list[CountryMention]:
    """Country mentions for each occurrence of the given names: name -> (iso3, match_kind, place_kind)."""
    out = []
    for name, (iso3, kind, place_kind) in names.items():
        start = text.find(name)
        while start >= 0:
            out.append(CountryMention("a1", iso3, name, start, start + len(name), kind, place_kind))
            start = text.find(name, start + 1)
    return out


COUNTRY = "name", None


def test_event_types_from_the_lexicon() -> None:
    cases = {
        "IOM held a workshop for border officials.": "training",
        "The ministers met at a regional conference.": "meeting",
        "IOM launched a campaign against trafficking.": "campaign",
        "The ministry presented a new protocol for victim care.": "launch",
        "Two return flights left the capital.": "return",
        "IOM donated computers to the migration office.": "assistance",
        "A job fair drew many employers.": "employment",
        "IOM teams carried out a needs assessment.": "survey",
        "A shipwreck off the coast struck the boat.": "incident",
    }
    for sentence, expected in cases.items():
        events = extract_events(_article(sentence), [], [], [])
        assert [e.event_type for e in events] == [expected], sentence
        e = events[0]
        assert sentence[e.char_start : e.char_end] == e.trigger


def test_generic_statements_and_unpresented_plans_are_not_events() -> None:
    for sentence in ("The training is vital for service providers.", "The national plan sets priorities."):
        assert extract_events(_article(sentence), [], [], []) == []


def test_one_event_per_place_with_slots() -> None:
    text = (
        "IOM held workshops in Guatemala for officials. "
        "The workshop will also be held in Panama, Costa Rica and Honduras."
    )
    countries = _countries(
        text,
        {
            "Guatemala": ("GTM", *COUNTRY),
            "Panama": ("PAN", *COUNTRY),
            "Costa Rica": ("CRI", *COUNTRY),
            "Honduras": ("HND", *COUNTRY),
        },
    )
    events = extract_events(_article(text), countries, [], [])
    assert sorted(e.country_iso3 for e in events) == ["CRI", "GTM", "HND", "PAN"]
    assert len({e.event_id for e in events}) == 4
    assert {e.slot for e in events if e.trigger == "workshop"} == {0, 1, 2}


def test_repeated_mentions_merge_and_city_date_participants_fill_in() -> None:
    text = (
        "A workshop opened March 5-6 in Managua, Nicaragua for officials. "
        "The workshop gathered 50 participants. The workshop was praised."
    )
    countries = _countries(text, {"Managua": ("NIC", "place", "capital"), "Nicaragua": ("NIC", *COUNTRY)})
    start = text.find("50")
    count = Count("a1", 50, start, start + 2, category="participants", counted="participants")
    events = extract_events(_article(text), countries, [count], [])
    assert len(events) == 1
    e = events[0]
    assert (e.event_type, e.country_iso3, e.city) == ("training", "NIC", "Managua")
    assert (e.start_date, e.end_date, e.date_precision) == (date(2019, 3, 5), date(2019, 3, 6), "day")
    assert e.participants == 50
    assert count.event_id == e.event_id


def test_two_dated_activities_of_one_type_stay_apart() -> None:
    text = "Workshops were held on May 22 and 27. A training ran on May 8 and 20 for inspectors."
    events = extract_events(_article(text, dateline="GTM"), [], [], [])
    assert [(e.start_date, e.country_iso3) for e in events] == [
        (date(2019, 5, 22), "GTM"),
        (date(2019, 5, 8), "GTM"),
    ]


def test_country_falls_back_to_dateline_then_primary() -> None:
    art = _article("IOM organised a webinar on smuggling.", dateline="CRI")
    assert extract_events(art, [], [], [])[0].country_iso3 == "CRI"
    art = _article("IOM organised a webinar on smuggling.")
    art.primary_country_iso3 = "PAN"
    assert extract_events(art, [], [], [])[0].country_iso3 == "PAN"


def test_year_from_the_article_when_there_is_no_page_date() -> None:
    text = "In 2017 IOM opened a new office. The forum met on the 15th of November."
    events = extract_events(_article(text, published=None), [], [], [])
    meeting = next(e for e in events if e.event_type == "meeting")
    assert meeting.start_date == date(2017, 11, 15)


def test_participants_after_bring_together() -> None:
    text = "The seminar will bring together 40 judges from the region."
    start = text.find("40")
    count = Count("a1", 40, start, start + 2, category="other_persons", counted="judges")
    assert extract_events(_article(text), [], [count], [])[0].participants == 40


def test_funders_link_to_the_event_in_their_sentence_or_the_only_event() -> None:
    text = "The workshop in the capital is funded by USAID. The project is supported by UNICEF."
    f1 = FundingMention("a1", "usaid", "USAID", "funder", "USAID", text.find("USAID"), text.find("USAID") + 5)
    u = text.find("UNICEF")
    f2 = FundingMention("a1", "unicef", "UNICEF", "supporter", "UNICEF", u, u + 6)
    events = extract_events(_article(text), [], [], [f1, f2])
    assert len(events) == 1
    assert f1.event_id == f2.event_id == events[0].event_id


def test_return_programme_parts_are_one_return_event() -> None:
    text = (
        "IOM facilitated the voluntary return of migrants to Honduras and Guatemala. "
        "During their return trip, migrants received hygiene kits in Honduras and Guatemala."
    )
    countries = _countries(text, {"Honduras": ("HND", *COUNTRY), "Guatemala": ("GTM", *COUNTRY)})
    events = extract_events(_article(text), countries, [], [])
    assert [e.event_type for e in events] == ["return"]
    assert events[0].country_iso3 is None


def test_trigger_inside_an_organisation_name_is_no_event() -> None:
    text = "Officials of the Regional Conference on Migration visited the office."
    assert extract_events(_article(text), [], [], []) == []


def test_contact_block_is_ignored() -> None:
    text = "News in brief.\n\nFor more information please contact: the workshop desk."
    assert extract_events(_article(text), [], [], []) == []


@settings(max_examples=60)
@given(st.text(max_size=300), st.one_of(st.none(), st.dates()))
def test_arbitrary_text_never_raises_and_spans_stay_inside(text: str, published: date | None) -> None:
    for e in extract_events(_article(text, published), [], [], []):
        assert 0 <= e.char_start < e.char_end <= len(text)
        assert text[e.char_start : e.char_end] == e.trigger


def test_date_from_the_previous_sentence_that_names_no_activity() -> None:
    text = "Two activities took place in the month of August. The first was a workshop for teachers."
    events = extract_events(_article(text, published=date(2019, 9, 5)), [], [], [])
    assert [(e.event_type, e.start_date, e.date_precision) for e in events] == [("training", date(2019, 8, 1), "month")]


_TRIGGER_WORDS = [
    "workshop", "Workshops", "training", "job", "fair", "job fair", "voluntary", "return", "returns", "the",
    "Regional", "Conference", "on", "Migration", "capacity", "building", "non-food", "re-training", "\u0130n",
]  # fmt: skip


@settings(max_examples=400)
@given(
    st.lists(st.sampled_from(_TRIGGER_WORDS), min_size=1, max_size=12),
    st.sampled_from([" ", "\n", "  ", "-"]),
)
def test_trigger_search_at_first_words_equals_a_full_regex_scan(words: list[str], space: str) -> None:
    from flows.facts.events import _lexicon, _trigger_matches, _trigger_starts

    text = space.join(words)
    fast = [m.span() for m in _trigger_matches(text, 0, len(text), _trigger_starts(text, len(text)))]
    assert fast == [m.span() for m in _lexicon()[0].finditer(text)]


def _types(text: str, countries: list[CountryMention] | None = None) -> list[tuple[str, str | None]]:
    return [(e.event_type, e.country_iso3) for e in extract_events(_article(text), countries or [], [], [])]


def test_results_or_findings_are_a_launch_only_when_presented_close_by() -> None:
    assert _types("The findings of the study were released on Monday to local mayors.") == [("launch", None)]
    assert _types("The results were presented to the ministry.") == [("launch", None)]
    # a presenting verb far off in the sentence does not make the results a launch
    far = (
        "One year after launching a long project with many partners across the whole region, "
        "the team is proud of the results achieved so far."
    )
    assert _types(far) == []


def test_aid_items_and_support_are_assistance() -> None:
    assert _types("Each family received a hygiene kit and a blanket.") == [("assistance", None)]
    assert _types("Staff gave psychosocial support to the survivors of the fire.") == [("assistance", None)]


def test_a_trigger_naming_a_kind_of_thing_or_an_exercise_is_no_activity() -> None:
    assert _types("The clinic added two medical consultation rooms.") == []
    assert _types("The training methodology was written by the university.") == []
    assert _types("Participants practised interviews with actors playing victims.") == []
    # without the modifier or the exercise verb, the same words are activities
    assert _types("A consultation with mayors took place.") == [("meeting", None)]


def test_a_trigger_inside_an_institution_name_is_no_activity() -> None:
    text = "Teams work with the Flood Relief and\nRepatriation Commissioner on the camps."
    assert _types(text) == []
    assert _types("The Repatriation of the remains took a week.") == [("return", None)]


def test_a_verb_form_of_train_is_training_but_the_vehicle_is_not() -> None:
    assert _types("Volunteers will train 300 farmers on soil care.") == [("training", None)]
    assert _types("They rode the freight train to the north.") == []


def test_assistance_verb_describing_another_activity_is_that_activity() -> None:
    assert _types("The seminar was delivered by two trainers.") == [("training", None)]
    assert _types("The seminar ended and IOM delivered food to families.") == [
        ("training", None),
        ("assistance", None),
    ]


def test_an_office_located_in_a_country_is_not_where_the_activity_happens() -> None:
    text = "The workshop, designed by the regional office in Chile, took place in Peru."
    countries = _countries(text, {"Chile": ("CHL", *COUNTRY), "Peru": ("PER", *COUNTRY)})
    assert _types(text, countries) == [("training", "PER")]
