with

source as (

    select * from {{ source('raw', 'events') }}

),

renamed as (

    select
        ----------  ids
        event_id,
        article_id,
        upper(country_iso3) as country_iso3,

        ---------- attributes
        event_type,
        trigger,
        city,
        date_precision,
        sentence,
        cast(char_start as integer) as char_start,
        cast(char_end as integer) as char_end,

        ---------- measures
        cast(participants as double) as participants,

        ---------- dates
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date

    from source

    where {{ is_not_quarantined('events', 'event_id') }}

)

select * from renamed
