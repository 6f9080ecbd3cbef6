{#-
    Predicates that keep a staged fact out of the marts when validation held it back.
    Quarantine rows are read from stg_quarantine, the facts held back now (raw.quarantine);
    an article held back takes all its facts with it.
-#}

{% macro quarantined_ids(fact_table) -%}
    (
        select fact_id
        from {{ ref('stg_quarantine') }}
        where fact_table = '{{ fact_table }}'
            and fact_id is not null
    )
{%- endmacro %}

{% macro is_not_quarantined(fact_table, id_column, article_id_column='article_id') -%}
    {{ id_column }} not in {{ quarantined_ids(fact_table) }}
    {%- if fact_table != 'articles' %}
    and {{ article_id_column }} not in {{ quarantined_ids('articles') }}
    {%- endif %}
{%- endmacro %}
