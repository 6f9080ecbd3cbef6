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

events as (

    select * from {{ ref('stg_events') }}
    {{- only_changed_articles() }}

),

final as (

    select
        event_id,
        article_id,
        event_type,
        trigger,
        country_iso3,
        city,
        start_date,
        end_date,
        date_precision,
        participants,
        sentence,
        char_start,
        char_end

    from events

)

select * from final
