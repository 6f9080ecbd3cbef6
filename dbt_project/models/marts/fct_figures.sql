-- One row per distinct figure a story reports, however many times it is printed: what to add up.
--
-- fct_counts keeps every mention (provenance: each has its span). Two mentions are one figure when
-- they belong to one story (one article; or a listing item and its full article, loaded both: same
-- headline and date) and say the same thing: same value (and range max), unit, category, counted
-- noun, currency, country and whole they are part of. A headline mention is the body's figure when
-- exactly one body figure has its unit, category, currency and country and either its value (the
-- headline may name it with other words: "900 migrants" for "900 vulnerable migrants") or, failing
-- that, a value it rounds (66,700 in the title for "over 66,619": closer than the headline's rounding
-- step, 100). Nothing else is merged: two body figures that share a value but not a noun are two.
with

counts as (

    select * from {{ ref('fct_counts') }}

),

articles as (

    select * from {{ ref('dim_articles') }}

),

stories as (

    -- a story: the articles with one headline and date (an item of a listing and its full page)
    select
        article_id,
        body_start,
        first_value(article_id) over (
            partition by coalesce(lower(trim(title)), article_id), published_date
            order by length(article_text) desc, article_id
        ) as story_id

    from articles

),

mentions as (

    select
        counts.*,
        stories.story_id,
        counts.char_start < stories.body_start as is_in_title,
        coalesce(lower(trim(counts.counted)), '') as counted_key,
        parent.value as part_of_value

    from counts
    inner join stories on counts.article_id = stories.article_id
    left join counts as parent on counts.part_of_count_id = parent.count_id

),

-- the figures the body states: a headline figure joins one of them, when it says the same
body_figures as (

    select distinct
        story_id,
        value,
        value_max,
        unit,
        category,
        currency,
        country_iso3,
        counted_key,
        part_of_value
    from mentions
    where not is_in_title

),

headline_candidates as (

    select
        m.count_id,
        b.value,
        b.counted_key,
        b.part_of_value,
        b.value = m.value as is_equal

    from mentions as m
    inner join body_figures as b
        on
            m.story_id = b.story_id
            and m.unit = b.unit
            and m.category is not distinct from b.category
            and m.currency is not distinct from b.currency
            and m.country_iso3 is not distinct from b.country_iso3
            and m.value_max is not distinct from b.value_max
            and (
                m.value = b.value
                or ({{ rounding_step('m.value') }} >= 10 and abs(m.value - b.value) < {{ rounding_step('m.value') }})
            )
    where m.is_in_title

),

-- one body figure with the headline's value, else exactly one that the headline rounds
headline_matches as (

    select
        count_id,
        any_value(value) as value,
        any_value(counted_key) as counted_key,
        any_value(part_of_value) as part_of_value,
        bool_and(not is_equal) as is_rounded

    from headline_candidates
    where
        is_equal
        or count_id not in (
            select equal_candidates.count_id from headline_candidates as equal_candidates
            where equal_candidates.is_equal
        )
    group by count_id
    having count(*) = 1

),

identified as (

    select
        mentions.*,
        coalesce(headline_matches.is_rounded, false) as is_rounded_headline,
        md5(concat_ws(
            '|', mentions.story_id, coalesce(headline_matches.value, mentions.value),
            coalesce(cast(mentions.value_max as varchar), ''), mentions.unit, coalesce(mentions.category, ''),
            coalesce(headline_matches.counted_key, mentions.counted_key), coalesce(mentions.currency, ''),
            coalesce(mentions.country_iso3, ''),
            coalesce(cast(coalesce(headline_matches.part_of_value, mentions.part_of_value) as varchar), '')
        ))[:16] as figure_id

    from mentions
    left join headline_matches on mentions.count_id = headline_matches.count_id

),

figures as (

    select
        figure_id,
        story_id,
        -- the first body mention (else the first mention) stands for the figure
        arg_min(count_id, (is_in_title, article_id != story_id, char_start)) as first_count_id,
        count(*) as mention_count,
        list(count_id order by article_id, char_start) as count_ids,
        count(distinct article_id) as article_count,
        bool_or(is_rounded_headline) as has_rounded_headline

    from identified
    group by figure_id, story_id

),

final as (

    select
        figures.figure_id,
        first_mention.article_id,
        figures.story_id,
        first_mention.event_id,
        parent_figure.figure_id as part_of_figure_id,
        first_mention.country_iso3,
        first_mention.qualifier,
        first_mention.unit,
        first_mention.category,
        first_mention.counted,
        first_mention.currency,
        first_mention.part_of_count_id is not null as is_subtotal,
        {{ says_cumulative('first_mention.sentence') }} as is_cumulative,
        figures.has_rounded_headline,
        first_mention.value,
        first_mention.value_max,
        figures.mention_count,
        figures.article_count,
        figures.count_ids,
        figures.first_count_id,
        first_mention.sentence as first_sentence,
        first_mention.char_start as first_char_start,
        first_mention.char_end as first_char_end

    from figures
    inner join identified as first_mention on figures.first_count_id = first_mention.count_id
    left join identified as parent_figure on first_mention.part_of_count_id = parent_figure.count_id

)

select * from final
