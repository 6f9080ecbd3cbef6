with

source as (

    select * from {{ source('raw', 'articles') }}

),

renamed as (

    select
        ----------  ids
        article_id,
        source_file,
        content_sha256,
        cast(ordinal as integer) as ordinal,

        ---------- attributes
        title,
        cast(published_date as date) as published_date,
        dateline_place,
        upper(dateline_country_iso3) as dateline_country_iso3,
        upper(primary_country_iso3) as primary_country_iso3,
        article_text,
        cast(body_start as integer) as body_start,
        extractor_version

    from source

    where {{ is_not_quarantined('articles', 'article_id') }}

)

select * from renamed
