with

source as (

    select * from {{ source('raw', 'funding_mentions') }}

),

renamed as (

    select
        ----------  ids
        funding_mention_id,
        article_id,
        funder_id,
        event_id,

        ---------- attributes
        funder_name,
        role,
        mention_text,
        sentence,
        cast(char_start as integer) as char_start,
        cast(char_end as integer) as char_end

    from source

    where {{ is_not_quarantined('funding_mentions', 'funding_mention_id') }}

)

select * from renamed
