{#-
    extraction.md: phone numbers and e-mail addresses from press-contact blocks must stay out of the
    published marts. Fails on rows whose column holds something shaped like either, the obfuscated
    e-mail forms included ("name [at] domain [dot] org", "name (at) domain", "name at domain dot org").
-#}
{% test has_no_personal_data(model, column_name) %}

select *
from {{ model }}
-- the cheap contains() rules out most rows before the regular expression runs
where (contains({{ column_name }}, '@')
        and regexp_matches({{ column_name }}, '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}'))
    or (contains({{ column_name }}, '+')
        and regexp_matches({{ column_name }}, '\+\s?\d[\d\s().-]{7,}\d'))
    or (regexp_matches(lower({{ column_name }}), '[a-z0-9._%+-]\s*[\[({<]\s*at\s*[\])}>]\s*[a-z0-9-]+'))
    or (regexp_matches(lower({{ column_name }}), '[a-z0-9._%+-]+\s+at\s+[a-z0-9-]+(\.[a-z0-9-]+)*\s+dot\s+[a-z]{2,}\b'))

{% endtest %}
