with

events as (

    select * from {{ ref('stg_events') }}

),

final as (

    select
        event_id,
        article_id,
        event_type,
        trigger,
        country_iso3,
        city,
        start_date,
        end_date,
        date_precision,
        participants,
        sentence,
        char_start,
        char_end

    from events

)

select * from final
