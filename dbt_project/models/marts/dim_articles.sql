{{
    config(
        materialized='incremental',
        pre_hook=["{{ delete_changed_articles() }}", "{{ mark_incremental_build() }}"],
    )
}}
-- Incremental by article (macros/incremental_by_article.sql): a run rebuilds only the rows of the
-- articles in raw.changed_articles; a first build or --full-refresh builds every row.
-- depends_on: {{ source('raw', 'changed_articles') }}

with

articles as (

    select * from {{ ref('stg_articles') }}
    {{- only_changed_articles() }}

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
