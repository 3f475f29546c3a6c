{#- Staging of one Sheets tab: the selected snapshot, fully blank rows skipped
    (D4), cells trimmed, each typed column next to its raw text, and a
    type_error naming every cell the text rules reject (NULL = typed cleanly).
    columns: ordered mapping column name -> kind; the kinds are
      text          required text (keys, names): only blank is an error
      number        D1            date        D2 (ISO or M/D/YYYY)
      bool          D3            day_of_week D3
      plain_number  D5 (CSV)      iso_date    D5 (CSV)
    A text column keeps its name; a typed column `c` is `c_text` (trimmed
    cell) and `c` (typed, NULL when blank or rejected). A cell with the
    loaders' marker of an unstorable character is an error of every kind (D63). -#}

{% macro pst_cell_column(name, kind) -%}
  {{ name if kind == 'text' else name ~ '_text' }}
{%- endmacro %}

{% macro pst_parse_cell(kind, expr) -%}
  {%- if kind == 'text' -%} {{ expr }}
  {%- elif kind == 'number' -%} {{ pst_parse_number(expr) }}
  {%- elif kind == 'plain_number' -%} {{ pst_parse_plain_number(expr) }}
  {%- elif kind == 'date' -%} {{ pst_parse_date(expr) }}
  {%- elif kind == 'iso_date' -%} {{ pst_parse_date(expr, us_dates=false) }}
  {%- elif kind == 'bool' -%} {{ pst_parse_bool(expr) }}
  {%- elif kind == 'day_of_week' -%} {{ pst_parse_day_of_week(expr) }}
  {%- else -%} {{ exceptions.raise_compiler_error("unknown cell kind: " ~ kind) }}
  {%- endif -%}
{%- endmacro %}

{#- What a rejected cell of each kind should look like, for the planner. -#}
{% macro pst_cell_rule(kind) -%}
  {{ return({
      'number': 'is not a number (write e.g. 1250 or 1,250.5)',
      'plain_number': 'is not a plain number (e.g. 1250 or 125.5)',
      'date': 'is not a real date written YYYY-MM-DD or M/D/YYYY',
      'iso_date': 'is not a real date written YYYY-MM-DD',
      'bool': 'is not one of TRUE, FALSE, yes, no, 1, 0',
      'day_of_week': 'is not a day of week 1-7 (1 = Monday)',
  }[kind]) }}
{%- endmacro %}

{#- D63: any kind, text included; names where the marker stands. -#}
{% macro pst_unstorable_rule() -%}
  has a character the warehouse cannot store (a NUL or a broken character, or over 65,535 bytes), shown as {{ pst_unstorable_marker() }}
{%- endmacro %}

{#- "col is blank; col2 'x' is not a number ..." or NULL. Each part starts with
    '; ' and the first two characters are cut (Redshift has no concat_ws;
    substring(x from n) is the form both targets accept). -#}
{% macro pst_type_error(columns) -%}
  nullif(substring(
    {%- for name, kind in columns.items() %}
    coalesce(case when {{ pst_cell_column(name, kind) }} is null then '; {{ name }} is blank'
                  when {{ pst_has_unstorable(pst_cell_column(name, kind)) }}
                    then '; {{ name }} ' || {{ pst_quote_value(pst_cell_column(name, kind)) }} || ' {{ pst_unstorable_rule() }}'
                  {%- if kind != 'text' %}
                  when {{ name }} is null then '; {{ name }} ' || {{ pst_quote_value(name ~ '_text') }} || ' {{ pst_cell_rule(kind) }}'
                  {%- endif %} end, ''){{ ' ||' if not loop.last }}
    {%- endfor %}
  from 3), '')
{%- endmacro %}

{% macro pst_stage_sheet_tab(source_relation, load_source, columns) -%}
with selected_snapshot as (
    select *
    from {{ source_relation }}
    where {{ pst_latest_snapshot_filter('_snapshot_dt', load_source) }}
),

cleaned as (
    select
        _row_number,
        _snapshot_dt,
        _loaded_at,
        _extra_columns,
        {%- for name, kind in columns.items() %}
        {{ pst_clean_cell(name) }} as {{ pst_cell_column(name, kind) }}{{ ',' if not loop.last }}
        {%- endfor %}
    from selected_snapshot
),

-- D4: a row whose cells are all blank is skipped without a finding; a row
-- with content only in extra columns is not blank (it is reported, code 8)
non_blank as (
    select *
    from cleaned
    where _extra_columns is not null
    {%- for name, kind in columns.items() %}
       or {{ pst_cell_column(name, kind) }} is not null
    {%- endfor %}
),

typed as (
    select
        _row_number,
        _snapshot_dt,
        _loaded_at,
        _extra_columns,
        {{ pst_typed_cells(columns) | join(',\n        ') }}
    from non_blank
)

select
    typed.*,
    cast({{ pst_type_error(columns) }} as {{ pst_text_type() }}) as type_error
from typed
{%- endmacro %}

{#- select-list entries: text columns as they are, typed ones as c_text, c. -#}
{% macro pst_typed_cells(columns) -%}
  {%- set cells = [] -%}
  {%- for name, kind in columns.items() -%}
    {%- if kind == 'text' -%}
      {%- do cells.append(name) -%}
    {%- else -%}
      {%- do cells.append(name ~ '_text') -%}
      {%- do cells.append(pst_parse_cell(kind, name ~ '_text') ~ ' as ' ~ name) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(cells) }}
{%- endmacro %}
