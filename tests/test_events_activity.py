"""The events extractor's model of the reported activity: what kind, where, and what is part of what.

Sentences are written for these tests; countries are given by hand.
"""

from __future__ import annotations

from datetime import date

from flows.articles.model import Article
from flows.facts.events import extract_events
from flows.facts.model import CountryMention


def _article(text: str, dateline: str | None = None) -> Article:
    return Article("a1", "f.txt", "sha", 0, "T", text, published_date=date(2021, 4, 9), dateline_country_iso3=dateline)


def _countries(text: str, names: dict[str, str]) -> list[CountryMention]:
    out = []
    for name, iso3 in names.items():
        start = text.find(name)
        while start >= 0:
            out.append(CountryMention("a1", iso3, name, start, start + len(name), "name", None))
            start = text.find(name, start + 1)
    return out


def _types(text: str, names: dict[str, str] | None = None, dateline: str | None = None) -> list[tuple[str, str | None]]:
    art = _article(text, dateline)
    return [(e.event_type, e.country_iso3) for e in extract_events(art, _countries(text, names or {}), [], [])]


def test_conflicts_and_disasters_that_strike_people_are_incidents() -> None:
    assert _types("Heavy fighting forced farmers to leave the valley.") == [("incident", None)]
    assert _types("The cyclone destroyed the fishing villages.") == [("incident", None)]
    assert _types("Thousands fled the war in Ruritania.", {"Ruritania": "RUR"}) == [("incident", "RUR")]
    # an incident word used as a verb of striving against something is no incident
    assert _types("The network is aimed at fighting exploitation of workers.") == []
    # a compound adjective ("conflict-affected") names the people, not an incident
    assert _types("Relief items reached conflict-affected villages.") == [("assistance", None)]


def test_relief_distributions_and_aid_projects_are_assistance() -> None:
    for sentence in (
        "IOM started distributing blankets in the camps.",
        "The mayor handed over the equipment to the police.",
        "Partners delivered relief items to the families.",
        "The reintegration project reached 400 returnees.",
    ):
        assert [t for t, _ in _types(sentence)] == ["assistance"], sentence


def test_trainings_and_assessments_listed_by_a_programme_are_parts_of_it() -> None:
    text = (
        "The project will provide roofs for farmers and vocational training for teenagers. "
        "The vocational training will last a year."
    )
    assert _types(text) == [("assistance", None)]
    text = "The activities include quick assessments and relief items for herders."
    assert _types(text) == [("assistance", None)]
    # a training whose subject is not the programme stays a training
    assert _types("IOM is planning a training for enumerators.") == [("training", None)]
    # nor does a programme named by a passive participle make its sentence a list of its parts
    assert _types("Projects funded by donors let the officers receive training.") == [("training", None)]


def test_a_country_opening_an_organisation_name_is_no_place() -> None:
    text = "The project ran in Ruritania and Freedonia Fund for Development paid for it."
    names = {"Ruritania": "RUR", "Freedonia": "FRE"}
    assert _types(text + " IOM distributed kits.", names) == [("assistance", None)]
    text = "IOM distributed kits in Ruritania and Freedonia Fund for Development paid for them."
    assert _types(text, names) == [("assistance", "RUR")]


def test_obligations_and_needs_are_not_reported_activities() -> None:
    assert _types("To see the whole picture, one must study the routes people take.") == []
    assert _types("More help is needed to give youth job training and schooling.") == []
    assert _types("IOM will study the routes people take.") == [("survey", None)]


def test_interviews_inside_a_simulation_are_exercises_of_the_training() -> None:
    text = "Guards joined mock drills in which they ran interviews with actors."
    assert _types(text) == []


def test_a_visit_is_an_event_when_a_dignitary_pays_it() -> None:
    text = "The Minister visited the shelter on Monday, where she met and spoke to families."
    assert _types(text) == [("other", None)]
    assert _types("Staff visited three border towns in order to identify needs.") == [("survey", None)]
    assert _types("Tourists visited the old town.") == []


def test_help_given_beside_a_return_operation_is_not_that_operation() -> None:
    text = "Besides assisted voluntary return for 20 migrants, IOM assisted 300 migrants in its centres."
    assert sorted(t for t, _ in _types(text)) == ["assistance", "return"]
    # but an assistance word qualifying a return programme is the programme
    assert _types("Farida joined an assisted return program last spring.") == [("return", None)]


def test_a_place_right_after_a_trigger_belongs_to_that_trigger() -> None:
    text = "At the donation ceremony, the minister spoke of the war in Ruritania."
    assert sorted(_types(text, {"Ruritania": "RUR"}, dateline="FRE")) == [("assistance", "FRE"), ("incident", "RUR")]
    text = "IOM held a training in Ruritania and a meeting in Freedonia."
    assert sorted(_types(text, {"Ruritania": "RUR", "Freedonia": "FRE"})) == [("meeting", "FRE"), ("training", "RUR")]


def test_the_same_activity_named_again_keeps_its_place() -> None:
    text = (
        "IOM held a training for officials in Ruritania. Partners organized the workshop. "
        "Officials discussed changes happening in Freedonia."
    )
    assert _types(text, {"Ruritania": "RUR", "Freedonia": "FRE"}) == [("training", "RUR")]


def test_a_town_the_gazetteer_lacks_still_leads_to_its_country() -> None:
    text = "IOM held joint training sessions in Oldtown, Ruritania and Newbridge, Freedonia."
    assert _types(text, {"Ruritania": "RUR", "Freedonia": "FRE"}, dateline="RUR") == [
        ("training", "RUR"),
        ("training", "FRE"),
    ]


def test_what_a_campaign_includes_is_the_campaign() -> None:
    text = "The campaign also includes comic books distributed to pupils."
    assert _types(text) == [("campaign", None)]


def test_a_conflict_named_only_as_a_cause_is_background() -> None:
    assert _types("IOM delivered relief items to homes ravaged by conflict.") == [("assistance", None)]
    assert _types("Arrivals grew, partly due to a worsening economy and a series of attacks.") == []
    # a named, dated or placed incident stays one
    assert _types("Barns were flattened by the 9 October earthquake.") == [("incident", None)]
    assert _types("Families were displaced by conflict in Northern Ruritania.") == [("incident", None)]


def test_going_home_is_a_return_when_helped_or_dated() -> None:
    assert _types("The programme helps displaced families to return home.") == [("return", None)]
    assert _types("Some 3,000 refugees returned home in March 2020.") == [("return", None)]
    assert _types("Staff work with children in shelters and when they return home.") == []


def test_help_running_on_into_a_return_is_that_return() -> None:
    text = "Volunteers assisted 300 stranded sailors near the dunes to voluntarily return to the coast."
    assert _types(text) == [("return", None)]


def test_awareness_activities_registration_and_released_films_are_typed() -> None:
    assert _types("Scout troops ran awareness-raising activities at fairs.") == [("campaign", None)]
    assert _types("The council counts herders through biometric registration.") == [("survey", None)]
    assert _types("IOM released the documentary on Friday.") == [("launch", None)]
    assert _types("A documentary crew filmed the border.") == []


def test_the_date_of_the_triggers_own_clause_wins() -> None:
    text = "IOM ran a voluntary return flight in March 2015, and between May and July 2016, it held workshops."
    events = extract_events(_article(text), [], [], [])
    assert [(e.event_type, e.start_date, e.date_precision) for e in events] == [
        ("return", date(2015, 3, 1), "month"),
        ("training", date(2016, 5, 1), "month"),
    ]
    # a date before the trigger still dates it, the most precise first
    text = "The ministry signed on the 3rd of May, a work plan for the year 2018."
    assert [e.start_date for e in extract_events(_article(text), [], [], [])] == [date(2018, 5, 3)]


def test_with_no_page_date_yesterday_dates_nothing() -> None:
    def dated(text: str, published: date | None) -> list[tuple[str, date | None]]:
        art = Article("a1", "f.txt", "sha", 0, "T", text, published_date=published)
        return [(e.event_type, e.start_date) for e in extract_events(art, [], [], [])]

    text = "Aid rose in 2016. Staff cheered. The Minister visited the camp yesterday."
    assert dated(text, None) == [("other", None)]
    assert dated(text, date(2016, 5, 4)) == [("other", date(2016, 5, 3))]


_NAMES = {"Ruritania": "RUR", "Freedonia": "FRE", "Sylvania": "SYL", "Latveria": "LAT"}


def test_countries_people_come_from_are_not_places_of_the_activity() -> None:
    text = "The workshop in Ruritania brought together officials from Freedonia, Sylvania and Latveria."
    assert _types(text, _NAMES) == [("training", "RUR")]
    text = "The meeting, held in Ruritania, gathered the member states: Freedonia, Sylvania and Latveria."
    assert _types(text, _NAMES) == [("meeting", "RUR")]
    # a list that starts at a place goes on naming places
    text = "IOM held workshops in Ruritania, Freedonia and Sylvania."
    assert _types(text, _NAMES) == [("training", "RUR"), ("training", "FRE"), ("training", "SYL")]


def test_where_the_people_described_work_is_not_where_the_activity_happens() -> None:
    text = "The workshop, which was held in Ruritania, trained officials who work with migrants in Freedonia."
    assert _types(text, _NAMES) == [("training", "RUR")]


def test_a_described_state_of_a_country_is_a_place() -> None:
    text = "Twelve migrants drowned in the northern state of Ruritania."
    assert _types(text, _NAMES, dateline="FRE") == [("incident", "RUR")]


def test_possible_cancelled_or_planned_as_activities_are_not_reported() -> None:
    assert _types("The guide could be used in future trainings.") == []
    assert _types("Bakers will be able to receive training on food safety.") == []
    assert _types("The workshop in the capital was cancelled because of the storm.") == []
    assert _types("The gathering, initially planned as a rooftop workshop, became a call.") == []
    # "May" the month is no modal
    assert _types("In May the workshop took place in the capital.") == [("training", None)]


def test_an_organisations_standing_mission_is_no_event() -> None:
    assert _types("The agency works to provide humanitarian assistance to migrants in need.") == []
    assert _types("Its mandate includes training and awareness campaigns.") == []


def test_a_launched_course_named_again_is_that_launch() -> None:
    text = "IOM launched an online course on smuggling. The course is free and open to all."
    assert _types(text) == [("launch", None)]
    assert _types("The course is free and open to all.") == [("training", None)]


def test_a_service_place_opened_or_a_project_to_help_people_is_assistance() -> None:
    assert _types("The city will establish four legal counselling centres near the port.") == [("assistance", None)]
    assert _types("A year after the opening of the migrant information hub, visits doubled.") == [("assistance", None)]
    assert _types("The donors launched a project to support displaced families.") == [("assistance", None)]
    # a centre or project merely named is no activity
    assert _types("The centre is located near the border.") == []
    assert _types("The project ends in June.") == []


def test_what_another_activity_is_for_is_part_of_it() -> None:
    text = "Drivers were given training so as to help them offer emergency assistance to hikers."
    assert _types(text) == [("training", None)]
    text = "The workshop sought to increase referrals of hikers for humanitarian assistance."
    assert _types(text) == [("training", None)]
    # two activities side by side stay two
    assert sorted(_types("IOM held a workshop, and staff distributed hygiene kits.")) == [
        ("assistance", None),
        ("training", None),
    ]


def test_a_definition_of_a_tool_is_no_activity() -> None:
    assert _types("The displacement tracking matrix (DTM) is a method for counting tents.") == []
    assert _types("The DTM is a tool used to track displacement.") == []


def test_people_an_activity_gathers_are_its_participants() -> None:
    from flows.facts.model import Count

    for text in ("The workshop was attended by 21 officers.", "The forum gathered some 60 mayors."):
        start = next(i for i, ch in enumerate(text) if ch.isdigit())
        count = Count("a1", float(text[start : start + 2]), start, start + 2, category="other_persons", counted="x")
        events = extract_events(_article(text), [], [count], [])
        assert [e.participants for e in events] == [count.value], text


def test_health_screenings_and_displacement_tracking_are_typed_and_needs_are_not_help() -> None:
    assert _types("Mobile teams conducted medical screenings at the border.") == [("assistance", None)]
    assert _types("A displacement tracking exercise was conducted in the north.") == [("survey", None)]
    assert _types("Four million people are in need of food assistance.") == []


def test_a_transit_centres_care_is_assistance_beside_a_return_programme() -> None:
    text = (
        "IOM organised the voluntary return of 900 migrants. Before departure, returnees receive a meal "
        "at the transit centre."
    )
    assert sorted(t for t, _ in _types(text)) == ["assistance", "return"]


def test_an_activity_also_held_elsewhere_happens_where_the_article_does_too() -> None:
    text = "Officials took part in a course, the first of three that will also be held in Freedonia and Sylvania."
    assert _types(text, _NAMES, dateline="RUR") == [("training", "RUR"), ("training", "FRE"), ("training", "SYL")]
    # without "also", the places named are the only ones
    text = "Officials took part in a course held in Freedonia and Sylvania."
    assert _types(text, _NAMES, dateline="RUR") == [("training", "FRE"), ("training", "SYL")]


def test_returning_voluntarily_is_a_return() -> None:
    assert _types("Some 200 migrants chose to return voluntarily last month.") == [("return", None)]


def test_a_plan_still_being_drawn_up_is_not_launched() -> None:
    text = "The mayor opened a consultation for the creation of the River Action Plan."
    assert [t for t, _ in _types(text)] == ["meeting"]
    assert _types("The mayor presented the River Action Plan.") == [("launch", None)]


def test_people_met_with_are_participants() -> None:
    from flows.facts.model import Count

    text = "The mayor held three meetings with around 30 bakers."
    start = text.find("30")
    count = Count("a1", 30, start, start + 2, category="other_persons", counted="bakers")
    assert [e.participants for e in extract_events(_article(text), [], [count], [])] == [30]


def test_a_walk_against_a_harm_and_a_chair_taken_up_are_events() -> None:
    text = "A Walk against Poaching took place between Ruritania and Freedonia."
    assert _types(text, _NAMES) == [("campaign", "RUR"), ("campaign", "FRE")]
    assert _types("Ruritania will assume the rotating presidency in May.", _NAMES) == [("other", None)]
    # "between" alone is a relation, not a venue
    text = "IOM held a meeting on migration between Ruritania and Freedonia."
    assert _types(text, _NAMES, dateline="SYL") == [("meeting", "SYL")]


def test_where_returnees_had_been_living_is_not_where_the_return_is() -> None:
    text = "A voluntary return brought the family home after two years living in Freedonia."
    assert _types(text, _NAMES, dateline="RUR") == [("return", "RUR")]
    assert _types("IOM ran a voluntary return flight in Freedonia.", _NAMES, dateline="RUR") == [("return", "FRE")]
