{#- Exact decimal type for typed quantities. Redshift's bare `numeric` is
    numeric(18,0) (it would drop decimals), so it gets an explicit scale. -#}
{% macro pst_numeric_type() -%}
  {{ return(adapter.dispatch('pst_numeric_type')()) }}
{%- endmacro %}

{% macro default__pst_numeric_type() -%}numeric(38,10){%- endmacro %}
{% macro postgres__pst_numeric_type() -%}numeric{%- endmacro %}
{% macro redshift__pst_numeric_type() -%}numeric(38,10){%- endmacro %}

{#- Text type for message/text columns: Redshift's varchar/text default to 256. -#}
{% macro pst_text_type() -%}varchar(65535){%- endmacro %}

{#- POSIX regex match. Both targets support `~`; patterns passed here must not
    contain backslashes (Redshift string literals treat them as escapes,
    PostgreSQL's do not): use [.] and [0-9] instead of \. and \d. -#}
{% macro pst_regex_match(expr, pattern) -%}
  {{ return(adapter.dispatch('pst_regex_match')(expr, pattern)) }}
{%- endmacro %}

{% macro default__pst_regex_match(expr, pattern) -%}
  {%- if '\\' in pattern -%}
    {{ exceptions.raise_compiler_error("pst_regex_match: no backslashes in patterns (not portable): " ~ pattern) }}
  {%- endif -%}
  ({{ expr }} ~ '{{ pattern }}')
{%- endmacro %}

{#- A decimal in a branch of a UNION. Redshift gives a UNION of decimals the
    precision min(max(p1 - s1, p2 - s2) + scale, 19) ("Computations with numeric
    values"), whatever the branches' own types: the branches say so explicitly
    (precision 19, the scale kept), and the model casts the column back to its
    type after the UNION. 19 digits leave 7 integer digits at scale 12 (the lines
    of a pool) and 9 at scale 10 (the units on hand of one item at one DC); larger
    values must not go through a UNION (the iteration appends its day tables
    instead). PostgreSQL has no such cap: the expression is unchanged there. -#}
{% macro pst_union_decimal(expr, scale) -%}
  {{ return(adapter.dispatch('pst_union_decimal')(expr, scale)) }}
{%- endmacro %}

{% macro default__pst_union_decimal(expr, scale) -%}cast({{ expr }} as numeric(19,{{ scale }})){%- endmacro %}
{% macro postgres__pst_union_decimal(expr, scale) -%}{{ expr }}{%- endmacro %}
{% macro redshift__pst_union_decimal(expr, scale) -%}{{ default__pst_union_decimal(expr, scale) }}{%- endmacro %}
