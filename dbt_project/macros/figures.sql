{% macro rounding_step(value) -%}
    {#- The rounding step a whole number is written to: 100 for 66,700, 1 for 66,619, 1 for 0. -#}
    (case
        when {{ value }} is null or {{ value }} != floor({{ value }}) or {{ value }} = 0 then 1
        else cast(power(10, length(cast(cast({{ value }} as bigint) as varchar))
                           - length(rtrim(cast(cast({{ value }} as bigint) as varchar), '0'))) as double)
    end)
{%- endmacro %}

{% macro says_cumulative(sentence) -%}
    {#- True when the sentence says the figure is a running total ("since 2019", "to date", "so far",
        "in total since", "cumulatively"), null when it does not say: never a guess of false. -#}
    (case
        when regexp_matches(
            lower({{ sentence }}),
            '\bsince (the (start|beginning|launch)|(january|february|march|april|may|june|july|august|september|october|november|december) )?((19|20)\d\d|its|the programme|the program)|\bto date\b|\bso far\b|\bcumulative(ly)?\b|\bin total since\b|\bsince (it|they) (began|started)'
        ) then true
    end)
{%- endmacro %}
