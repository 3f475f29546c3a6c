-- The parallel run per run_date compared (the cutover criteria's input, `make
-- cutover-report`): N keys of both sides together, M matching within tolerance,
-- A missing, B extra, C differing, match % = 100 M / N, the row-count deviation
-- |platform - legacy| / legacy, and whether the run_date is within the cutover
-- tolerance (at most 0.1% of the keys not matching). The same for tomorrow's rows
-- (fps_dt = run_date + 1), the ones planners act on.
{%- set counts = [
    ('', '1 = 1'),
    ('tomorrow_', 'is_tomorrow = 1'),
] %}

select
    run_date,
    max(compared_at) as compared_at,
    {%- for prefix, condition in counts %}
    cast(sum(case when {{ condition }} and status <> 'extra' then 1 else 0 end) as integer) as {{ prefix }}legacy_rows,
    cast(sum(case when {{ condition }} and status <> 'missing' then 1 else 0 end) as integer) as {{ prefix }}platform_rows,
    cast(sum(case when {{ condition }} then 1 else 0 end) as integer) as {{ prefix }}keys_total,
    cast(sum(case when {{ condition }} and status = 'match' then 1 else 0 end) as integer) as {{ prefix }}keys_matching,
    cast(sum(case when {{ condition }} and status = 'missing' then 1 else 0 end) as integer) as {{ prefix }}rows_missing,
    cast(sum(case when {{ condition }} and status = 'extra' then 1 else 0 end) as integer) as {{ prefix }}rows_extra,
    cast(sum(case when {{ condition }} and status = 'differs' then 1 else 0 end) as integer) as {{ prefix }}rows_differing,
    {%- endfor %}
    cast(round({{ pst_div("100 * sum(case when status = 'match' then 1 else 0 end)", 'count(*)') }}, 2)
         as numeric(7,2)) as match_pct,
    {{ pst_qty(pst_div("count(*) - sum(case when status = 'match' then 1 else 0 end)", 'count(*)')) }}
        as mismatch_share,
    {{ pst_qty(
        'case when sum(case when status <> \'extra\' then 1 else 0 end) = 0 then null else '
        ~ pst_div("abs(sum(case when status <> 'missing' then 1 else 0 end) - sum(case when status <> 'extra' then 1 else 0 end))",
                  "sum(case when status <> 'extra' then 1 else 0 end)")
        ~ ' end') }} as row_count_deviation,
    -- within the cutover tolerance: at most 0.1% of the keys not matching (no division)
    cast(count(*) - sum(case when status = 'match' then 1 else 0 end) as {{ pst_qty_type() }})
        <= cast({{ var('parallel_run_max_mismatch_share') }} as {{ pst_qty_type() }}) * count(*)
        as is_within_tolerance
from {{ ref('parallel_run_comparison') }}
where run_date = {{ pst_run_date() }}
group by run_date
