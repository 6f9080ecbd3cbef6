with

counts as (

    select * from {{ ref('int_counts_linked') }}

),

final as (

    select
        count_id,
        article_id,
        value,
        value_max,
        qualifier,
        unit,
        category,
        counted,
        currency,
        country_iso3,
        part_of_count_id,
        event_id,
        sentence,
        char_start,
        char_end

    from counts

)

select * from final
