with

funding_mentions as (

    select * from {{ ref('int_funding_mentions_resolved') }}

),

final as (

    select
        funding_mention_id,
        article_id,
        funder_id,
        role,
        mention_text,
        funder_name as funder_name_as_extracted,
        event_id,
        sentence,
        char_start,
        char_end

    from funding_mentions

)

select * from final
