with

funders as (

    select * from {{ ref('int_funders_unioned') }}

),

final as (

    select
        funder_id,
        funder_name,
        acronym,
        funder_kind,
        country_iso3,
        iati_org_id,
        parent_funder_id,
        is_registered

    from funders

)

select * from final
