{#- D3: booleans are true/false/yes/no/1/0 in any case. -#}
{% macro pst_parse_bool(expr) -%}
  case when lower({{ expr }}) in ('true', 'yes', '1') then true
       when lower({{ expr }}) in ('false', 'no', '0') then false end
{%- endmacro %}

{#- D3: day_of_week is digits only with value 1..7 (1 = Monday); leading zeros
    are allowed ("07" is 7), so the cast can never overflow. -#}
{% macro pst_is_day_of_week(expr) -%}
  coalesce({{ pst_regex_match(expr, '^0*[1-7]$') }}, false)
{%- endmacro %}

{% macro pst_parse_day_of_week(expr) -%}
  case when {{ pst_is_day_of_week(expr) }} then cast({{ expr }} as integer) end
{%- endmacro %}
