{#-
    The id of a funder that is not in the registry seed: "unregistered-" followed by the first
    16 hex digits of sha256 of the name, lower-cased, trimmed, with runs of whitespace (ASCII or
    Unicode separators such as no-break space) collapsed to one space.
    Stable across runs and machines; in Python:
    "unregistered-" + flows.articles.model.stable_id(" ".join(name.split()).lower()).
-#}
{% macro unregistered_funder_id(name_column) -%}
    'unregistered-' || left(sha256(lower(trim(regexp_replace({{ name_column }}, '[\s\pZ]+', ' ', 'g')))), 16)
{%- endmacro %}
