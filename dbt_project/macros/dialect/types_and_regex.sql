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
