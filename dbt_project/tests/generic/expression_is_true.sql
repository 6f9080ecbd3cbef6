{#-
    Fails on every row where `expression` is false (a null result passes, so an optional column
    that is null is not a violation). Same contract as dbt_utils.expression_is_true, which cannot
    be installed here (dbt deps has no network). On a column, column_name is accepted and unused:
    the expression names the columns it reads.
-#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
