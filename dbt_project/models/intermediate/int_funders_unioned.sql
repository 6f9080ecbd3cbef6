-- Every funder the marts can point at: the registry seed, plus one row per funder name that the
-- extractor could not resolve to the registry (funder_id null in raw.funding_mentions). Spellings
-- that differ only in case or spacing are one unregistered funder, named by their first spelling
-- in sort order so the name is stable across runs.
with

registry as (

    select * from {{ ref('funders') }}

),

funding_mentions as (

    select * from {{ ref('stg_funding_mentions') }}

),

registered as (

    select
        funder_id,
        funder_name,
        acronym,
        funder_kind,
        upper(country_iso3) as country_iso3,
        iati_org_id,
        parent_funder_id,
        true as is_registered

    from registry

),

unregistered_names as (

    select
        {{ unregistered_funder_id('funder_name') }} as funder_id,
        min(trim(funder_name)) as funder_name

    from funding_mentions

    where funder_id is null
        and nullif(trim(funder_name), '') is not null

    group by 1

),

unregistered as (

    select
        funder_id,
        funder_name,
        cast(null as varchar) as acronym,
        cast(null as varchar) as funder_kind,
        cast(null as varchar) as country_iso3,
        cast(null as varchar) as iati_org_id,
        cast(null as varchar) as parent_funder_id,
        false as is_registered

    from unregistered_names

),

final as (

    select * from registered
    union all
    select * from unregistered

)

select * from final
