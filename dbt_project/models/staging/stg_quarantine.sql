-- The facts validation held back in the current run (var('run_id')); empty when the var is unset.
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

    {% if var('run_id', none) is none %}
    where false
    {% else %}
    where run_id = '{{ var("run_id") | string | replace("'", "''") }}'
    {% endif %}

)

select * from renamed
