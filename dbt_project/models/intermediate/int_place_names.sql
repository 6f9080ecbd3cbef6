{{ config(materialized='table') }}
-- Every folded place name of the gazetteer, looked up by name and country (macros/places.sql):
-- one row per (name, country) with the reading taken there, and one row per name with no country
-- (country_iso3 null) that names the place only when every place of that name lies in one country.
-- Countries are found under their names in countries.csv and country_aliases.csv (names, variants),
-- cities also under GeoNames' alternate names, which yield to any place's own name.
-- A table, rebuilt on every build from the seeds alone: the facts' models join it four times.

with

places as (

    select * from {{ ref('int_place_coordinates') }}

),

country_aliases as (

    select * from {{ ref('country_aliases') }}

),

alternate_names as (

    select
        places.place_key,
        {{ place_name_key('alternate.name') }} as name_key,
        places.country_iso3,
        places.place_kind,
        places.population

    from places,
        unnest(string_split(places.alternate_names, '|')) as alternate (name)
    where places.alternate_names is not null

),

country_names as (

    select
        'country:' || upper(country_aliases.country_iso3) as place_key,
        {{ place_name_key('country_aliases.alias') }} as name_key,
        upper(country_aliases.country_iso3) as country_iso3,
        'country' as place_kind,
        cast(null as bigint) as population,
        0 as is_alternate

    from country_aliases
    where country_aliases.kind in ('name', 'variant')

),

named_places as (

    select
        place_key,
        name_key,
        country_iso3,
        place_kind,
        population,
        0 as is_alternate
    from places
    union all
    select
        place_key,
        name_key,
        country_iso3,
        place_kind,
        population,
        1 as is_alternate
    from alternate_names
    union all
    select
        place_key,
        name_key,
        country_iso3,
        place_kind,
        population,
        is_alternate
    from country_names

),

-- a place found under its own name and an alternate one counts once, under its own
candidates as (

    select
        place_key,
        name_key,
        country_iso3,
        place_kind,
        population,
        min(is_alternate) as is_alternate

    from named_places
    where name_key is not null
    group by place_key, name_key, country_iso3, place_kind, population

),

ranked as (

    select
        *,
        row_number() over (
            partition by name_key, country_iso3
            order by
                is_alternate asc,
                case place_kind when 'country' then 0 when 'capital' then 1 when 'city' then 2 else 3 end asc,
                population desc nulls last,
                place_key asc
        ) as rank_in_country

    from candidates

),

in_country as (

    select
        name_key,
        country_iso3,
        count(distinct place_key) as places_in_country

    from candidates
    group by name_key, country_iso3

),

by_name as (

    select
        name_key,
        count(distinct country_iso3) as n_countries,
        string_agg(distinct country_iso3, ', ' order by country_iso3) as countries

    from candidates
    group by name_key

),

per_country as (

    select
        ranked.name_key,
        ranked.country_iso3,
        ranked.place_key,
        ranked.place_kind,
        in_country.places_in_country,
        by_name.n_countries,
        by_name.countries

    from ranked
    inner join in_country
        on ranked.name_key = in_country.name_key and ranked.country_iso3 = in_country.country_iso3
    inner join by_name on ranked.name_key = by_name.name_key
    where ranked.rank_in_country = 1

),

anywhere as (

    select
        by_name.name_key,
        cast(null as varchar) as country_iso3,
        case when by_name.n_countries = 1 then per_country.place_key end as place_key,
        case when by_name.n_countries = 1 then per_country.place_kind end as place_kind,
        case when by_name.n_countries = 1 then per_country.places_in_country end as places_in_country,
        by_name.n_countries,
        by_name.countries

    from by_name
    left join per_country
        on by_name.name_key = per_country.name_key and by_name.n_countries = 1

),

final as (

    select * from per_country
    union all
    select * from anywhere

)

select * from final
