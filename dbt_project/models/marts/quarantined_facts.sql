-- The facts held back from the marts now, and why: what an analyst needs to see that a figure exists
-- in the source but was not published (an impossible share, a part larger than its whole, a date
-- that does not exist). One row per held-back fact and failed expectation.
with

quarantine as (

    select * from {{ ref('stg_quarantine') }}

),

articles as (

    select
        article_id,
        title,
        published_date
    from {{ ref('stg_articles') }}

),

final as (

    select
        quarantine.fact_table,
        quarantine.fact_id,
        quarantine.article_id,
        quarantine.source_file,
        articles.title as article_title,
        articles.published_date as article_published_date,
        quarantine.expectation,
        quarantine.reason,
        quarantine.payload,
        quarantine.run_id as held_back_by_run_id

    from quarantine
    left join articles on quarantine.article_id = articles.article_id

)

select * from final
