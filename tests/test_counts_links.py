"""Categories, part_of links and count countries; fictional sentences written for these tests."""

from flows.articles.model import Article
from flows.facts.counts import extract_counts
from flows.facts.model import Count, CountryMention


def _article(text: str) -> Article:
    return Article("art", "t.txt", "", 0, "", text, 0, 0, 0)


def _counts(text: str, mentions: list[tuple[str, str, str]] = ()) -> dict[float, Count]:
    countries = []
    for word, iso3, kind in mentions:
        start = text.index(word)
        countries.append(CountryMention("art", iso3, word, start, start + len(word), kind))
    return {c.value: c for c in extract_counts(_article(text), countries)}


# --- category --------------------------------------------------------------------------------------


def test_a_governing_weak_cue_decides() -> None:
    assert _counts("The agency delivered aid to some 4,000 farmers uprooted by floods.")[4000].category == "assisted"
    counts = _counts("The violence caused the displacement of 9,100 villagers last month.")
    assert counts[9100].category == "migrants"


def test_new_category_cues() -> None:
    assert _counts("The plan aims to help nearly 12,000 people.")[12000].category == "assisted"
    assert _counts("It offered income opportunities to 70 youths.")[70].category == "employed"
    assert _counts("The forum gathers 35 mayors from the coast.")[35].category == "participants"


def test_a_participation_noun_outranks_a_cue_after_it() -> None:
    assert _counts("Thirty participants chosen by a jury will benefit from the course.")[30].category == "participants"


def test_a_bare_number_doing_what_people_do_counts_people() -> None:
    counts = _counts("Last year, 4,000 returned from the coast and 900 from the hills.")
    assert counts[4000].unit == "persons" and counts[4000].category == "returned"
    assert counts[900].unit == "persons"
    assert _counts("The fund has 300 left.") == {}


def test_at_least_one_is_a_threshold() -> None:
    assert set(_counts("Aid went to 400 homes with at least one disabled member.")) == {400}


# --- part_of ---------------------------------------------------------------------------------------


def test_an_impossible_part_is_linked_as_written() -> None:
    counts = _counts("The boat carried 5 migrants, 48 of whom were minors.")
    assert counts[48].part_of_count_id == counts[5].count_id


def test_a_part_listed_after_a_part_shares_its_whole() -> None:
    counts = _counts("Floods displaced 9,000 people, including 4,000 children, 2,500 women and 300 elders.")
    for part in (4000, 2500, 300):
        assert counts[part].part_of_count_id == counts[9000].count_id


def test_money_parts_opened_by_includes() -> None:
    text = "The donor gave USD 3 million. The grant includes USD 800,000 for food, and USD 1.2 million for rent."
    counts = _counts(text)
    assert counts[800000].part_of_count_id == counts[3000000].count_id
    assert counts[1200000].part_of_count_id == counts[3000000].count_id


def test_of_the_most_is_not_a_part_of_an_earlier_count() -> None:
    counts = _counts("The appeal targets 8,000 families. We reached 2,000 of the poorest families already.")
    assert counts[2000].part_of_count_id is None


def test_but_some_n_remain_refers_back() -> None:
    counts = _counts("The agency moved 5,000 IDPs from the camps, but some 700 remain.")
    assert counts[700].unit == "persons"


def test_an_amount_added_to_a_running_total_is_a_part_of_it() -> None:
    counts = _counts("With this further EUR 3 million, the total support of Norway to the plan reaches EUR 11 million.")
    assert counts[3_000_000].part_of_count_id == counts[11_000_000].count_id
    counts = _counts("Another 450 people went home this week, bringing the total number of returnees to 6,200.")
    assert counts[450].part_of_count_id == counts[6200].count_id


def test_a_total_that_is_only_another_amount_is_not_a_whole() -> None:
    counts = _counts("The fund gave USD 2 million for shelter and a total of USD 5 million for health.")
    assert counts[2_000_000].part_of_count_id is None
    counts = _counts("With USD 9 million more, the total reaches USD 4 million in grants.")  # smaller: no total of it
    assert counts[9_000_000].part_of_count_id is None


def test_an_even_share_is_a_part_of_the_amount_it_splits() -> None:
    counts = _counts("Canada pledged CAD 3 million for three projects. The grant gives CAD 1 million to each project.")
    assert counts[1_000_000].part_of_count_id == counts[3_000_000].count_id
    other = _counts("Canada pledged USD 3 million. The grant gives CAD 1 million to each project.")
    assert other[1_000_000].part_of_count_id is None  # another currency: not a share of it


# --- country ---------------------------------------------------------------------------------------


def test_return_origin_wins_over_the_demonym() -> None:
    text = "This year 3,000 Freedonians, including 900 children, have returned from Sylvania."
    counts = _counts(text, [("Freedonians", "FRE", "demonym"), ("Sylvania", "SYL", "name")])
    assert counts[3000].country_iso3 == "SYL" and counts[900].country_iso3 == "SYL"


def test_several_return_origins_leave_the_demonym() -> None:
    text = "In May 400 Freedonian nationals returned from Sylvania and Ruritania."
    mentions = [("Freedonian", "FRE", "demonym"), ("Sylvania", "SYL", "name"), ("Ruritania", "RUR", "name")]
    assert _counts(text, mentions)[400].country_iso3 == "FRE"


def test_where_the_people_are_wins_over_their_demonym() -> None:
    text = "The agency paid 600 Freedonian families with a sick member in Oldtown, Sylvania."
    counts = _counts(text, [("Freedonian", "FRE", "demonym"), ("Sylvania", "SYL", "name")])
    assert counts[600].country_iso3 == "SYL"


# --- part_of forms ---------------------------------------------------------------------------------


def test_out_of_and_pronoun_openers_name_the_whole() -> None:
    counts = _counts("Out of 800 farmers surveyed, 120 were women.")
    assert counts[120].part_of_count_id == counts[800].count_id
    counts = _counts("The patrol found 310 people. Of these, 75 were children.")
    assert counts[75].part_of_count_id == counts[310].count_id
    counts = _counts("The patrol found 310 people. Among them, 40 were elderly men.")
    assert counts[40].part_of_count_id == counts[310].count_id


def test_a_share_in_brackets_does_not_hide_the_count_before_it() -> None:
    counts = _counts("Of the 900 applicants, 360 (40%) were women.")
    assert counts[360].part_of_count_id == counts[900].count_id
    assert counts[40].unit == "percent" and counts[40].part_of_count_id is None


def test_a_split_in_brackets_is_made_of_parts() -> None:
    counts = _counts("The course was attended by 30 (18 men and 12 women) customs officers.")
    assert counts[30].counted == "customs officers"
    assert counts[18].part_of_count_id == counts[30].count_id
    assert counts[12].part_of_count_id == counts[30].count_id


def test_included_and_a_relative_before_a_bare_number() -> None:
    counts = _counts("The 2,600 returnees included 700 children.")
    assert counts[700].part_of_count_id == counts[2600].count_id
    counts = _counts("The storm hit 90,000 people, of whom 30,000 need urgent help.")
    assert counts[30000].part_of_count_id == counts[90000].count_id and counts[30000].unit == "persons"


def test_a_compared_figure_counts_what_the_figure_before_it_counts() -> None:
    counts = _counts("Officials registered 5,200 asylum seekers in June, up from 3,900 in May.")
    assert counts[3900].unit == "persons" and counts[3900].part_of_count_id is None


def test_share_of_them_counts_the_noun() -> None:
    assert _counts("It reached 1,000 people, 60 per cent of them women.")[60].counted == "women"


def test_rescued_people_are_migrants() -> None:
    assert _counts("The coast guard rescued 230 people at sea.")[230].category == "migrants"


def test_the_number_of_x_reached_n() -> None:
    counts = _counts("The number of people displaced by the floods has exceeded 2 million.")
    assert counts[2000000].unit == "persons" and counts[2000000].category == "migrants"
    counts = _counts("The death toll has risen to 57.")
    assert counts[57].category == "dead_missing"
    assert _counts("The number of visits was high in 2031.") == {}
    assert _counts("The number of people displaced by the floods has exceeded 2 million.")[2000000].qualifier == "min"


def test_a_strong_cue_as_an_adjective_of_the_noun() -> None:
    assert _counts("The flight carried 146 stranded nationals home.")[146].category == "migrants"
    assert _counts("The unit met 30 trafficked women.")[30].category == "victims"
    assert _counts("Last week 20 migrant boys returned to their villages.")[20].category == "returned"


def test_a_list_of_countries_leaves_the_count_country_empty() -> None:
    text = "The course trained 45 officials from Sylvania, Ruritania and Freedonia."
    mentions = [("Sylvania", "SYL", "name"), ("Ruritania", "RUR", "name"), ("Freedonia", "FRE", "name")]
    assert _counts(text, mentions)[45].country_iso3 is None
    text = "In Sylvania, 3,500 people were displaced; in Ruritania, 1,200 more fled."
    counts = _counts(text, [("Sylvania", "SYL", "name"), ("Ruritania", "RUR", "name")])
    assert counts[3500].country_iso3 == "SYL" and counts[1200].country_iso3 == "RUR"


def test_more_verbs_of_people_after_a_bare_number() -> None:
    counts = _counts("About 40 returnees opened shops and 25 found employment.")
    assert counts[25].unit == "persons" and counts[25].category == "employed"
    counts = _counts("More than 90 people were killed and 300 injured in the attack.")
    assert counts[300].unit == "persons"


def test_remains_and_apprenticeships() -> None:
    assert _counts("The remains of 14 migrants were found.")[14].category == "dead_missing"
    assert _counts("The project placed 150 youths in apprenticeships.")[150].category == "employed"


def test_headline_die_and_money_counted_word() -> None:
    assert _counts("Four Fishermen Die at Sea")[4].category == "dead_missing"
    assert _counts("Donor Provides EUR 3 Million for Schools")[3000000].counted != "rovides"


def test_a_verb_after_a_number_starts_no_noun_phrase() -> None:
    counts = _counts("Of the 300 returnees, 120 found jobs and a further 80 opened shops.")
    assert counts[120].unit == "persons" and counts[120].part_of_count_id == counts[300].count_id
    assert counts[80].unit == "persons" and counts[80].part_of_count_id == counts[300].count_id


def test_another_part_listed_after_a_part() -> None:
    counts = _counts("The team assisted 900 migrants, including 400 women and another 250 children.")
    assert counts[250].part_of_count_id == counts[900].count_id
