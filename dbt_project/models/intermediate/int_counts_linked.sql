-- Counts with their links to a larger count and to an event. A link to a fact that validation held
-- back in this run is cleared (the count itself is fine); a link to a fact that never existed is
-- kept, so the relationships tests on fct_counts fail loudly.
with

counts as (

    select * from {{ ref('stg_counts') }}

),

quarantine as (

    select * from {{ ref('stg_quarantine') }}

),

held_back_counts as (

    select fact_id as count_id
    from quarantine
    where fact_table = 'counts'

),

held_back_events as (

    select fact_id as event_id
    from quarantine
    where fact_table = 'events'

),

linked as (

    select
        counts.* replace (
            case
                when counts.part_of_count_id in (select count_id from held_back_counts) then null
                else counts.part_of_count_id
            end as part_of_count_id,
            case
                when counts.event_id in (select event_id from held_back_events) then null
                else counts.event_id
            end as event_id
        )

    from counts

),

final as (

    select
        count_id,
        article_id,
        value,
        value_max,
        qualifier,
        unit,
        category,
        counted,
        currency,
        country_iso3,
        part_of_count_id,
        event_id,
        sentence,
        char_start,
        char_end

    from linked

)

select * from final
