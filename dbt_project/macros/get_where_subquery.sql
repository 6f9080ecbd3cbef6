{#-
    Overrides dbt's get_where_subquery, which every generic data test calls on the model it tests.

    A test of a mart that was last built incrementally (its table carries the comment set by
    mark_incremental_build) checks only the rows of raw.changed_articles: every other row is
    exactly as the previous build left it, and that build passed the same tests, since the flow
    publishes only a warehouse whose build passed and full-refreshes whenever the project, seeds or
    suites change. The checks stay whole where a row's verdict depends on other rows:
      - unique: the keys of the changed rows are checked against the whole table;
      - relationships: only the child side is narrowed; the parent ("to") is read whole.
    A full build, a first build or --full-refresh tests every row. The test's own `where` config
    still applies, in both cases.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set predicates = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do predicates.append(where) -%}
    {%- endif -%}
    {%- set scope = changed_rows_predicate(relation) -%}
    {%- if scope -%}
        {%- do predicates.append(scope) -%}
    {%- endif -%}
    {%- if predicates -%}
        {%- set filtered -%}
            (select * from {{ relation }} where ({{ predicates | join(') and (') }})) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#- The predicate narrowing a test of `relation` to the changed rows, or '' to test every row. -#}
{% macro changed_rows_predicate(relation) -%}
    {%- if not execute or flags.FULL_REFRESH or relation is string or not was_built_incrementally(relation) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set changed_ids -%}
        select article_id from {{ changed_articles_relation() }}
    {%- endset -%}
    {%- set test = model.get('test_metadata') or {} -%}
    {%- set column = (test.get('kwargs') or {}).get('column_name') -%}
    {%- if test.get('name') == 'unique' and column -%}
        {#- a changed row's key may collide with any row's: check those keys across the whole table -#}
        {{ return(column ~ ' in (select ' ~ column ~ ' from ' ~ relation ~ ' where article_id in (' ~ changed_ids ~ '))') }}
    {%- endif -%}
    {{ return('article_id in (' ~ changed_ids ~ ')') }}
{%- endmacro %}


{#- True when `relation` is a table whose last build was incremental (see mark_incremental_build). -#}
{% macro was_built_incrementally(relation) -%}
    {%- set sql -%}
        select count(*) from duckdb_tables()
        where database_name = '{{ relation.database }}'
            and schema_name = '{{ relation.schema }}'
            and table_name = '{{ relation.identifier }}'
            and comment = '{{ incremental_build_marker() }}'
    {%- endset -%}
    {{ return(run_query(sql).columns[0].values()[0] > 0) }}
{%- endmacro %}
