{#- qa.md text rules: cells are trimmed; a blank cell is NULL (D4). Tabs and
    line breaks count as blank space too (pasted cells carry them). -#}
{% macro pst_clean_cell(expr) -%}
  nullif(btrim({{ expr }}, ' ' || chr(9) || chr(10) || chr(13)), '')
{%- endmacro %}

{#- A cell value quoted for a message, cut short so a pasted essay cannot
    overflow the message column. -#}
{% macro pst_quote_value(expr) -%}
  '''' || substr({{ expr }}, 1, 80) || ''''
{%- endmacro %}

{#- "staffing row 12": how a planner finds a sheet row (header = row 1). -#}
{% macro pst_sheet_row(tab, row_number_expr='_row_number') -%}
  '{{ tab }} row ' || cast({{ row_number_expr }} as varchar(20))
{%- endmacro %}

{#- Code 8 message for a sheet row, from its staged type_error. -#}
{% macro pst_type_error_message(tab) -%}
  {{ pst_sheet_row(tab) }} || ' cannot be read: ' || type_error || '. The row is ignored until it is fixed in the sheet.'
{%- endmacro %}
