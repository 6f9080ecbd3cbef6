with

source as (

    select * from {{ source('raw', 'counts') }}

),

renamed as (

    select
        ----------  ids
        count_id,
        article_id,
        part_of_count_id,
        event_id,
        upper(country_iso3) as country_iso3,

        ---------- attributes
        qualifier,
        unit,
        category,
        counted,
        upper(currency) as currency,
        sentence,
        cast(char_start as integer) as char_start,
        cast(char_end as integer) as char_end,

        ---------- measures
        cast(value as double) as value,
        cast(value_max as double) as value_max

    from source

    where {{ is_not_quarantined('counts', 'count_id') }}

)

select * from renamed
