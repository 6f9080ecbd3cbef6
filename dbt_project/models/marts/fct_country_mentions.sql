-- Incremental by article (configured in dbt_project.yml): a run rebuilds only the rows of the
-- articles in raw.changed_articles; a first build or --full-refresh builds every row.
-- depends_on: {{ source('raw', 'changed_articles') }}

with

country_mentions as (

    select * from {{ ref('stg_country_mentions') }}
    {{- only_changed_articles() }}

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
