{#-
    Resolving a place named by a fact (a dateline, an event's city) against the gazetteer
    (seed place_coordinates, through int_place_names).

    A fact carries a name as written and, usually, a country. The name is folded (place_name_key:
    lower case, accents off, punctuation and runs of spaces to one space), and looked up:

    - with a country: among the gazetteer's places of that country only; the most specific reading
      wins (the country itself, then its capital, then the most populous city, then a first-level
      subdivision). "San José" with CRI is San José, Costa Rica, never San Jose, California.
    - without a country: only when every place of that name lies in one country.

    When the whole name is not found and it has a comma ("San José, Costa Rica", "Palenque,
    Chiapas"), the part before the first comma is looked up the same way. A name found nowhere
    (or only in other countries, or, without a country, in several) is not guessed at: it becomes
    a place of its own, at its country's point when the fact has a country (resolution
    country_level), else without coordinates (unresolved). A fact without a name is at its
    country (the country's row). The key depends only on the fact's own name and country and on
    the seeds, so an incremental build and a full one give the same place_id.

    Use: place_lookup_joins(name, country) after the from clause, then place_key(name, country)
    (and place_resolution / place_resolution_note) in the select list.
-#}

{% macro place_name_key(name) -%}
    nullif(trim(regexp_replace(lower(strip_accents({{ name }})), '[^a-z0-9]+', ' ', 'g')), '')
{%- endmacro %}


{#- The part of the name before its first comma, when it has one. -#}
{% macro place_head_key(name) -%}
    case when contains({{ name }}, ',') then {{ place_name_key("split_part(" ~ name ~ ", ',', 1)") }} end
{%- endmacro %}


{% macro place_lookup_joins(name, country) -%}
    left join {{ ref('int_place_names') }} as place_in_country
        on place_in_country.name_key = {{ place_name_key(name) }}
        and place_in_country.country_iso3 = {{ country }}
    left join {{ ref('int_place_names') }} as place_head_in_country
        on place_head_in_country.name_key = {{ place_head_key(name) }}
        and place_head_in_country.country_iso3 = {{ country }}
    left join {{ ref('int_place_names') }} as place_anywhere
        on place_anywhere.name_key = {{ place_name_key(name) }}
        and place_anywhere.country_iso3 is null
    left join {{ ref('int_place_names') }} as place_head_anywhere
        on place_head_anywhere.name_key = {{ place_head_key(name) }}
        and place_head_anywhere.country_iso3 is null
{%- endmacro %}


{#- The place's key: "country:HND", "admin1:HN-CR", "geonames:3600949", or "name:<ISO3>:<folded name>". -#}
{% macro place_key(name, country) -%}
    case
        when nullif(trim({{ name }}), '') is null
            then 'country:' || upper({{ country }})
        when {{ country }} is not null
            then coalesce(
                place_in_country.place_key,
                place_head_in_country.place_key,
                'name:' || upper({{ country }}) || ':' || coalesce({{ place_name_key(name) }}, lower(trim({{ name }})))
            )
        else coalesce(
            place_anywhere.place_key,
            place_head_anywhere.place_key,
            'name::' || coalesce({{ place_name_key(name) }}, lower(trim({{ name }})))
        )
    end
{%- endmacro %}


{#- The place_id of dim_places: the first 16 hex digits of sha256 of the place's key. -#}
{% macro place_id(name, country) -%}
    left(sha256({{ place_key(name, country) }}), 16)
{%- endmacro %}


{#- exact | by_country | country_level | unresolved (null when the fact names neither place nor country). -#}
{% macro place_resolution(name, country) -%}
    case
        when nullif(trim({{ name }}), '') is null
            then case when {{ country }} is not null then 'exact' end
        when {{ country }} is not null
            then case
                when coalesce(place_in_country.place_key, place_head_in_country.place_key) is null
                    then 'country_level'
                when coalesce(place_in_country.n_countries, place_head_in_country.n_countries) > 1
                    then 'by_country'
                else 'exact'
            end
        when coalesce(place_anywhere.place_key, place_head_anywhere.place_key) is not null
            then 'exact'
        else 'unresolved'
    end
{%- endmacro %}


{#- Why a name resolved the way it did, in words; null for a plain exact match. -#}
{% macro place_resolution_note(name, country) -%}
    case
        when nullif(trim({{ name }}), '') is null
            then null
        when {{ country }} is not null
            then case
                when place_in_country.place_key is not null
                    then nullif(concat_ws('; ',
                        case when place_in_country.n_countries > 1
                            then 'places of this name in ' || place_in_country.n_countries || ' countries ('
                                || place_in_country.countries || '); the fact''s country taken' end,
                        case when place_in_country.places_in_country > 1
                            then place_in_country.places_in_country || ' places of this name in the country; the '
                                || place_in_country.place_kind || ' taken' end
                    ), '')
                when place_head_in_country.place_key is not null
                    then 'matched on the part before the comma'
                        || case when place_head_in_country.n_countries > 1
                            then '; places of that name in ' || place_head_in_country.n_countries || ' countries ('
                                || place_head_in_country.countries || '); the fact''s country taken' else '' end
                when place_anywhere.countries is not null
                    then 'no place of this name in the fact''s country; there are some in ' || place_anywhere.countries
                else 'not in the gazetteer (GeoNames cities of 15,000+, ISO 3166-2 subdivisions, countries)'
            end
        when place_anywhere.place_key is not null
            then 'no country given; the name is a place only in ' || place_anywhere.countries
        when place_head_anywhere.place_key is not null
            then 'no country given; the part before the comma is a place only in ' || place_head_anywhere.countries
        when place_anywhere.countries is not null
            then 'no country given, and places of this name are in ' || place_anywhere.n_countries || ' countries ('
                || place_anywhere.countries || ')'
        else 'not in the gazetteer, and no country given'
    end
{%- endmacro %}
