-- Incremental by article (configured in dbt_project.yml): a run rebuilds only the rows of the
-- articles in raw.changed_articles; a first build or --full-refresh builds every row.
-- depends_on: {{ source('raw', 'changed_articles') }}

with

counts as (

    select * from {{ ref('int_counts_linked') }}
    {{- only_changed_articles() }}

),

final as (

    select
        count_id,
        article_id,
        value,
        value_max,
        qualifier,
        unit,
        category,
        counted,
        currency,
        country_iso3,
        part_of_count_id,
        event_id,
        sentence,
        char_start,
        char_end

    from counts

)

select * from final
