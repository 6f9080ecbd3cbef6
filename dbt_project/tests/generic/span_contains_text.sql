{#-
    Provenance check (extraction.md): the span [char_start, char_end) of each fact, cut from its
    article's stored text, must lie inside the text and contain the fact's own text (column_name).
    Offsets are Python string indices (code points), as DuckDB's substring counts them.
-#}
{% test span_contains_text(model, column_name, articles, text_column='article_text') %}

with

facts as (

    select * from {{ model }}

),

-- only the articles the facts are in (a test narrowed to a few changed articles reads a few
-- texts), each text's length counted once, not once per fact
articles as (

    select
        article_id,
        {{ text_column }} as article_text,
        length({{ text_column }}) as text_length

    from {{ articles }}

    where article_id in (select article_id from facts)

),

spans as (

    select
        facts.*,
        articles.text_length,
        substring(articles.article_text, facts.char_start + 1, facts.char_end - facts.char_start) as span_text

    from facts

    inner join articles
        on facts.article_id = articles.article_id

)

select *
from spans
where {{ column_name }} is not null
    and (
        char_start < 0
        or char_end > text_length
        or strpos(span_text, {{ column_name }}) = 0
    )

{% endtest %}
