-- The facts validation held back in the latest validation of this warehouse (raw.validation_run).
-- Validation checks every raw fact on every run, so that run's quarantine is the complete current set;
-- earlier runs' rows stay in audit.quarantine as history.
with

source as (

    select * from {{ source('audit', 'quarantine') }}

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

    where run_id in (select run_id from {{ source('raw', 'validation_run') }})

)

select * from renamed
