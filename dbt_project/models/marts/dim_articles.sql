with

articles as (

    select * from {{ ref('stg_articles') }}

),

final as (

    select
        article_id,
        source_file,
        content_sha256,
        ordinal,
        title,
        published_date,
        dateline_place,
        dateline_country_iso3,
        primary_country_iso3,
        body_start,
        article_text,
        extractor_version

    from articles

)

select * from final
