{#-
    Incremental fact marts, rebuilt per article.

    The flow lists in raw.changed_articles every article a run inserted or withdrew (withdrawn ones
    are gone from raw.articles); an article whose quarantine status changed was re-validated
    because it was inserted, so it is listed too. An incremental run of a mart keyed by article
    therefore deletes the rows of the changed articles (pre-hook delete_changed_articles) and
    inserts the rows the model now gives for them (filter only_changed_articles); rows of every
    other article are left as they are. A first build or --full-refresh builds everything.

    This is exact as long as a mart row depends only on its own article's raw facts and quarantine
    rows, which holds for the marts built this way: a fact's links (part_of_count_id, event_id)
    point inside its own article. Marts aggregated across articles (dim_funders) and seed-only
    marts (dim_countries) stay tables rebuilt in full; the flow full-refreshes whenever the project,
    seeds, suites or extractor change.
-#}

{#- The relation listing the articles this run changed (raw.changed_articles). -#}
{% macro changed_articles_relation() -%}
    {{ return(source('raw', 'changed_articles')) }}
{%- endmacro %}


{#-
    A where clause keeping only the changed articles' rows when the model builds incrementally.
    The ids are written out as constants when there are few: DuckDB pushes a constant filter down
    through the views to the raw table scans, whereas a semi-join on raw.changed_articles stays
    above the quarantine anti-joins and lets every raw row through them. Past a hundred ids
    the run rebuilds much of the table anyway, and the semi-join's plain scan is as good.
-#}
{% macro only_changed_articles(article_id_column='article_id', max_constants=100) -%}
    {%- if is_incremental() -%}
        {%- set ids_sql -%}
            select distinct article_id from {{ changed_articles_relation() }} where article_id is not null
            order by 1 limit {{ max_constants + 1 }}
        {%- endset -%}
        {%- set ids = run_query(ids_sql).columns[0].values() -%}
        {%- if ids | length == 0 %}
    where false
        {%- elif ids | length <= max_constants %}
    where {{ article_id_column }} in (
        {%- for id in ids %}'{{ id | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
    )
        {%- else %}
    where {{ article_id_column }} in (select article_id from {{ changed_articles_relation() }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook: in an incremental build, drop the rows of every changed article (rebuilt next). -#}
{% macro delete_changed_articles(article_id_column='article_id') -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ article_id_column }} in (select article_id from {{ changed_articles_relation() }})
    {%- endif -%}
{%- endmacro %}


{#-
    Pre-hook: mark a table built incrementally with a comment. A full build replaces the table
    with a new one, which has no comment, so the comment is there exactly when the rows outside
    raw.changed_articles were kept from the previous, fully tested build. The data tests read it
    (get_where_subquery) to test only the rows that changed.
-#}
{% macro mark_incremental_build() -%}
    {%- if is_incremental() -%}
        comment on table {{ this }} is '{{ incremental_build_marker() }}'
    {%- endif -%}
{%- endmacro %}


{% macro incremental_build_marker() -%}
    pressfacts: built incrementally, only the rows of raw.changed_articles were rebuilt
{%- endmacro %}
