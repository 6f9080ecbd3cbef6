-- One row per place the facts name (article datelines, event cities), resolved against the
-- gazetteer (macros/places.sql), plus one row per country (at its capital). A table rebuilt in
-- full on every build: it gathers names across articles.
with

articles as (

    select * from {{ ref('dim_articles') }}

),

events as (

    select * from {{ ref('fct_events') }}

),

gazetteer as (

    select * from {{ ref('int_place_coordinates') }}

),

countries as (

    select * from {{ ref('dim_countries') }}

),

named as (

    select
        dateline_place as name_as_written,
        upper(dateline_country_iso3) as country_iso3
    from articles
    where dateline_place is not null
    union
    select
        city as name_as_written,
        upper(country_iso3) as country_iso3
    from events
    where city is not null

),

resolved as (

    select
        {{ place_key('named.name_as_written', 'named.country_iso3') }} as place_key,
        named.name_as_written,
        trim(regexp_replace(named.name_as_written, '\s+', ' ', 'g')) as name_collapsed,
        named.country_iso3,
        {{ place_resolution('named.name_as_written', 'named.country_iso3') }} as resolution,
        {{ place_resolution_note('named.name_as_written', 'named.country_iso3') }} as resolution_note

    from named
    {{ place_lookup_joins('named.name_as_written', 'named.country_iso3') }}

),

-- one row per place: the weakest resolution any of its names had, every note and spelling
by_place as (

    select
        place_key,
        any_value(country_iso3) as country_iso3,
        min(name_collapsed) as first_name_as_written,
        case max(case resolution when 'exact' then 0 when 'by_country' then 1 when 'country_level' then 2 else 3 end)
            when 0 then 'exact' when 1 then 'by_country' when 2 then 'country_level' else 'unresolved'
        end as resolution,
        string_agg(distinct resolution_note, '; ' order by resolution_note) as resolution_note,
        list(distinct name_collapsed order by name_collapsed) as names_as_written

    from resolved
    group by place_key

),

-- every country, named or not, at its gazetteer point
country_places as (

    select
        'country:' || countries.country_iso3 as place_key,
        countries.country_iso3,
        cast(null as varchar) as first_name_as_written,
        'exact' as resolution,
        cast(null as varchar) as resolution_note,
        cast([] as varchar[]) as names_as_written

    from countries
    where 'country:' || countries.country_iso3 not in (select place_key from by_place)

),

places as (

    select * from by_place
    union all
    select * from country_places

),

final as (

    select
        left(sha256(places.place_key), 16) as place_id,
        places.place_key,
        coalesce(gazetteer.place_name, places.first_name_as_written) as place_name,
        gazetteer.place_kind,
        coalesce(gazetteer.country_iso3, places.country_iso3) as country_iso3,
        gazetteer.admin1_code,
        gazetteer.admin1_name,
        coalesce(gazetteer.latitude, country_point.latitude) as latitude,
        coalesce(gazetteer.longitude, country_point.longitude) as longitude,
        places.resolution,
        places.resolution_note,
        coalesce(gazetteer.coordinate_source, case when country_point.latitude is not null then 'country' end)
            as coordinate_source,
        gazetteer.geonames_id,
        places.names_as_written

    from places
    left join gazetteer on places.place_key = gazetteer.place_key
    left join gazetteer as country_point
        on places.resolution = 'country_level' and country_point.place_key = 'country:' || places.country_iso3

)

select * from final
