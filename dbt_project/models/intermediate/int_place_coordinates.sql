-- The gazetteer (seed place_coordinates) with each place's key and folded name.
with

places as (

    select * from {{ ref('place_coordinates') }}

),

final as (

    select
        case place_kind
            when 'country' then 'country:' || upper(country_iso3)
            when 'admin1' then 'admin1:' || admin1_code
            else 'geonames:' || geonames_id
        end as place_key,
        {{ place_name_key('place_name') }} as name_key,
        place_name,
        place_kind,
        upper(country_iso3) as country_iso3,
        nullif(admin1_code, '') as admin1_code,
        nullif(admin1_name, '') as admin1_name,
        latitude,
        longitude,
        population,
        nullif(alternate_names, '') as alternate_names,
        nullif(geonames_id, '') as geonames_id,
        nullif(coordinate_source, '') as coordinate_source,
        source

    from places

)

select * from final
