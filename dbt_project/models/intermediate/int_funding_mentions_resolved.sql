-- Funding mentions with a funder id for every row: the registry id the extractor resolved, else
-- the unregistered id derived from the name as written (the same id int_funders_unioned gives
-- that name). An event link to an event held back in this run is cleared.
with

funding_mentions as (

    select * from {{ ref('stg_funding_mentions') }}

),

held_back_events as (

    select fact_id as event_id
    from {{ ref('stg_quarantine') }}
    where fact_table = 'events'

),

resolved as (

    select
        funding_mention_id,
        article_id,
        coalesce(funder_id, {{ unregistered_funder_id('funder_name') }}) as funder_id,
        funder_id is not null as is_registered_funder,
        funder_name,
        role,
        mention_text,
        case
            when event_id in (select event_id from held_back_events) then null
            else event_id
        end as event_id,
        sentence,
        char_start,
        char_end

    from funding_mentions

),

final as (

    select * from resolved

)

select * from final
