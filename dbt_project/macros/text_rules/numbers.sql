{#- D1: sheet numbers. Optional sign, digits with optional `,` thousands groups,
    optional decimals; commas are dropped before the cast. `1,25`, `1e3`, `.5`
    and `5.` are rejected. At most 28 integer digits on every target (beyond
    that Redshift's numeric(38,10) overflows and would fail the run instead of
    reporting the cell). -#}
{% macro pst_is_number(expr) -%}
  coalesce(
    {{ pst_regex_match(expr, '^[+-]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)([.][0-9]+)?$') }}
    and length(ltrim(split_part(replace({{ expr }}, ',', ''), '.', 1), '+-')) <= 28,
    false)
{%- endmacro %}

{% macro pst_parse_number(expr) -%}
  case when {{ pst_is_number(expr) }}
       then cast(replace({{ expr }}, ',', '') as {{ pst_numeric_type() }}) end
{%- endmacro %}

{#- D5: the CSV stand-ins (forecasts, inventory) carry plain numbers only. -#}
{% macro pst_is_plain_number(expr) -%}
  coalesce(
    {{ pst_regex_match(expr, '^[+-]?[0-9]+([.][0-9]+)?$') }}
    and length(ltrim(split_part({{ expr }}, '.', 1), '+-')) <= 28,
    false)
{%- endmacro %}

{% macro pst_parse_plain_number(expr) -%}
  case when {{ pst_is_plain_number(expr) }}
       then cast({{ expr }} as {{ pst_numeric_type() }}) end
{%- endmacro %}
