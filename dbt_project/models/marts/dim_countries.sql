with

countries as (

    select * from {{ ref('countries') }}

),

final as (

    select
        upper(country_iso3) as country_iso3,
        upper(country_iso2) as country_iso2,
        country_name,
        region_name,
        subregion_name,
        m49_code

    from countries

)

select * from final
