{#- Text for people (the planners' explain and changes models): numbers as a planner
    reads them and a list of names, on PostgreSQL and Redshift alike. -#}

{#- A quantity with at most two decimals, trailing zeros dropped: 2.500000000000 -> '2.5',
    3 -> '3', 0 -> '0' (the numeric(38,2) cast always leaves a decimal point to trim to). -#}
{% macro pst_format_number(expr) -%}
  rtrim(rtrim(cast(cast(round({{ expr }}, 2) as numeric(38,2)) as varchar(64)), '0'), '.')
{%- endmacro %}

{#- A number of lines with its noun: '1 line', '0.5 lines', '3 lines'. -#}
{% macro pst_format_lines(expr) -%}
  {{ pst_format_number(expr) }} || case when round({{ expr }}, 2) = 1 then ' line' else ' lines' end
{%- endmacro %}

{#- The values of expr in one string, in order_by order. -#}
{% macro pst_string_agg(expr, delimiter, order_by) -%}
  {{ return(adapter.dispatch('pst_string_agg')(expr, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__pst_string_agg(expr, delimiter, order_by) -%}
  listagg({{ expr }}, {{ delimiter }}) within group (order by {{ order_by }})
{%- endmacro %}

{% macro postgres__pst_string_agg(expr, delimiter, order_by) -%}
  string_agg({{ expr }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{% macro redshift__pst_string_agg(expr, delimiter, order_by) -%}
  {{ default__pst_string_agg(expr, delimiter, order_by) }}
{%- endmacro %}

{#- '1 candidate' / '3 candidates' -#}
{% macro pst_count_noun(count_expr, singular, plural) -%}
  cast({{ count_expr }} as varchar(16)) || case when {{ count_expr }} = 1 then ' {{ singular }}' else ' {{ plural }}' end
{%- endmacro %}
