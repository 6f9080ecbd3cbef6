with

source as (

    select * from {{ source('raw', 'country_mentions') }}

),

renamed as (

    select
        ----------  ids
        mention_id,
        article_id,
        upper(country_iso3) as country_iso3,

        ---------- attributes
        mention_text,
        match_kind,
        cast(char_start as integer) as char_start,
        cast(char_end as integer) as char_end

    from source

    where {{ is_not_quarantined('country_mentions', 'mention_id') }}

)

select * from renamed
