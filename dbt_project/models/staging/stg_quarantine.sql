-- The facts held back now (raw.quarantine): the quarantine rows of every validation that still holds.
-- The flow keeps that table current: a scoped validation replaces its articles' rows, a withdrawn
-- article's rows leave, a full validation replaces them all; audit.quarantine keeps every run's rows.
with

source as (

    select * from {{ source('raw', 'quarantine') }}

),

renamed as (

    select
        run_id,
        -- one name per fact table whichever spelling the writer used: raw.counts, fct_counts -> counts
        regexp_replace(lower(trim(fact_table)), '^(raw\.|marts\.)?(fct_|dim_)?', '') as fact_table,
        fact_id,
        article_id,
        source_file,
        expectation,
        reason,
        payload

    from source

)

select * from renamed
