{#- D7: among the valid rows of one key the highest _row_number wins; every other
    valid row of the key gets the duplicate code. Renders the two CTEs `ranked`
    and `coded` (a trailing CTE list) over `validated`, whose rows carry
    `invalid_code` (NULL = valid). `competing`: the rows that take part (D6: only
    the active items rows); none = every row. -#}
{% macro pst_highest_row_wins(validated, key_columns, duplicate_code, competing=none) -%}
  {%- set competes = (' and ' ~ competing) if competing else '' -%}
ranked as (
    select
        {{ validated }}.*,
        max(case when invalid_code is null{{ competes }} then _row_number end)
            over (partition by {{ key_columns | join(', ') }}) as winning_row_number
    from {{ validated }}
),

coded as (
    select
        ranked.*,
        coalesce(invalid_code, case when {{ competing ~ ' and ' if competing else '' }}_row_number < winning_row_number then '{{ duplicate_code }}' end) as qa_code
    from ranked
)
{%- endmacro %}

{#- D10: the first QA code of a forecasts or inventory row, in qa.md order: a key
    or date that cannot be typed (8; a key holding the marker of an unstorable
    character included, D63), unusable units (7: unreadable or
    negative), a DC without a valid dc_mapping row (1); NULL = counted. Renders
    the CTEs `dc_mapping` and `coded` over `staged`. -#}
{% macro pst_demand_input_coded(date_column, units_column) -%}
dc_mapping as (
    select * from {{ ref('int_dc_mapping__valid') }}
),

coded as (
    select
        staged.*,
        dc_mapping.manufacturing_location,
        case
            when staged.item_id is null or staged.distribution_center is null
              or staged.{{ date_column }} is null
              -- D63: a key with the marker of an unstorable character is not the key
              or {{ pst_has_unstorable('staged.item_id') }}
              or {{ pst_has_unstorable('staged.distribution_center') }} then '8'
            when staged.{{ units_column }} is null or staged.{{ units_column }} < 0 then '7'
            when dc_mapping.distribution_center is null then '1'
        end as qa_code
    from staged
    left join dc_mapping
        on staged.distribution_center = dc_mapping.distribution_center
)
{%- endmacro %}
