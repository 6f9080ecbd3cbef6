-- Incremental by article (configured in dbt_project.yml): a run rebuilds only the rows of the
-- articles in raw.changed_articles; a first build or --full-refresh builds every row.
-- depends_on: {{ source('raw', 'changed_articles') }}

with

funding_mentions as (

    select * from {{ ref('int_funding_mentions_resolved') }}
    {{- only_changed_articles() }}

),

final as (

    select
        funding_mention_id,
        article_id,
        funder_id,
        role,
        mention_text,
        funder_name as funder_name_as_extracted,
        event_id,
        sentence,
        char_start,
        char_end

    from funding_mentions

)

select * from final
