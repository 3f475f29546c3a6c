{#- qa.md text rules: cells are trimmed; a blank cell is NULL (D4). Trimmed
    characters are ASCII whitespace (space, tab, LF, VT, FF, CR), the same set
    as the loaders' Python text rules (orchestration/landing/text_rules.py). -#}
{% macro pst_clean_cell(expr) -%}
  nullif(btrim({{ expr }}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)), '')
{%- endmacro %}

{#- D63: the loaders replace each character the warehouse cannot store (NUL,
    lone surrogates, undecodable bytes; and cut a value over 65,535 bytes) by
    U+FFFD, the Unicode replacement character (text_rules.UNSTORABLE_MARKER in
    orchestration/landing/text_rules.py), and land the rest of the tab. The
    marker is reported rather than typed: a cell that holds it is not what was
    typed (a name or a key with a character missing would join nothing, or the
    wrong thing), so it is code 8 in every column kind, text ones included.
    A cell that arrives with U+FFFD already is the trace of a character lost
    upstream and is reported the same way. strpos is on both targets. -#}
{% macro pst_unstorable_marker() -%}�{%- endmacro %}

{% macro pst_has_unstorable(expr) -%}
  (strpos({{ expr }}, '{{ pst_unstorable_marker() }}') > 0)
{%- endmacro %}

{#- A cell value quoted for a message, cut short so a pasted essay cannot
    overflow the message column. -#}
{% macro pst_quote_value(expr) -%}
  '''' || substring({{ expr }} from 1 for 80) || ''''
{%- endmacro %}

{#- "staffing row 12": how a planner finds a sheet row (header = row 1). -#}
{% macro pst_sheet_row(tab, row_number_expr='_row_number') -%}
  '{{ tab }} row ' || cast({{ row_number_expr }} as varchar(20))
{%- endmacro %}

{#- Code 8 message for a sheet row, from its staged type_error. -#}
{% macro pst_type_error_message(tab) -%}
  {{ pst_sheet_row(tab) }} || ' cannot be read: ' || type_error || '. The row is ignored until it is fixed in the sheet.'
{%- endmacro %}
