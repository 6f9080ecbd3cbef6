with

country_mentions as (

    select * from {{ ref('stg_country_mentions') }}

),

final as (

    select
        mention_id,
        article_id,
        country_iso3,
        mention_text,
        match_kind,
        char_start,
        char_end

    from country_mentions

)

select * from final
