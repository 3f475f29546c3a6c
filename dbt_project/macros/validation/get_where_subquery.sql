{#- dbt's hook for a generic test's `where` config (documented for overriding):
    `__pst_run_date__` stands for the build's run_date, so the tests of a table
    that keeps every run_date (the stage, D64) audit this build's rows only.
    dbt_project.yml cannot call a macro in a config, hence the placeholder. -#}
{% macro get_where_subquery(relation) -%}
  {%- set where = config.get('where') -%}
  {%- if where -%}
    {%- set where = where | replace('__pst_run_date__', pst_run_date()) -%}
    {%- set filtered -%}
      (select * from {{ relation }} where {{ where }}) dbt_subquery
    {%- endset -%}
    {%- do return(filtered) -%}
  {%- else -%}
    {%- do return(relation) -%}
  {%- endif -%}
{%- endmacro %}
