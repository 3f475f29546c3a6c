-- The parallel run, row for row (docs/operations.md "Parallel run and cutover"): the
-- run_date's published schedule against the legacy schedule
-- (PST_LEGACY_SCHEDULE_RELATION), a full outer join on the key of scheduling.md
-- section 5. One row per key of either side: status match | missing (a legacy row the
-- platform did not produce) | extra (a platform row the legacy did not have) |
-- differs, the columns that differ, and both sides' values. Nothing is written for a
-- run_date one side has no rows of (it is not compared). Kept per run_date compared.
{%- set legacy_schedule = source('legacy', 'fact_production_schedule') %}
{%- set keys = pst_parallel_run_keys() %}
{%- set columns = pst_parallel_run_columns() %}
{%- set selected = (keys + columns | map('first') | list) | join(', ') %}

with legacy as (
    {%- if pst_relation_exists(legacy_schedule) %}
    select {{ selected }}
    from {{ legacy_schedule }}
    where run_date = {{ pst_run_date() }}
    {%- else %}
    -- no legacy schedule yet: the platform's own columns, no row
    select {{ selected }}
    from {{ ref('fact_production_schedule') }}
    where 1 = 0
    {%- endif %}
),

platform as (
    select {{ selected }}
    from {{ ref('fact_production_schedule') }}
    where run_date = {{ pst_run_date() }}
),

sides as (
    select
        (select count(*) from legacy) as legacy_rows,
        (select count(*) from platform) as platform_rows
),

joined as (
    select
        {%- for k in keys %}
        case when legacy.item_id is not null then legacy.{{ k }} else platform.{{ k }} end as {{ k }},
        {%- endfor %}
        case
            when platform.item_id is null then 'missing'
            when legacy.item_id is null then 'extra'
        end as side_status,
        {%- for c, kind in columns %}
        legacy.{{ c }} as legacy_{{ c }},
        platform.{{ c }} as platform_{{ c }},
        {%- endfor %}
        ''
        {%- for c, kind in columns %}
        || case when legacy.item_id is not null and platform.item_id is not null
                 and {{ pst_parallel_run_agree('legacy.' ~ c, 'platform.' ~ c, kind) }} = 0
                then '{{ c }}, ' else '' end
        {%- endfor %} as differing_list
    from legacy
    full outer join platform
        on legacy.run_date = platform.run_date
       and legacy.fps_dt = platform.fps_dt
       and legacy.manufacturing_location = platform.manufacturing_location
       and legacy.line_type = platform.line_type
       and legacy.item_id = platform.item_id
)

select
    {%- for k in keys %}
    joined.{{ k }},
    {%- endfor %}
    cast(case
        when joined.side_status is not null then joined.side_status
        when joined.differing_list = '' then 'match'
        else 'differs'
    end as varchar(8)) as status,
    cast(case when joined.differing_list <> ''
              then trim(trailing ', ' from joined.differing_list) end as varchar(1024)) as differing_columns,
    cast(case when joined.fps_dt = {{ pst_date_literal(1) }} then 1 else 0 end as integer) as is_tomorrow,
    {%- for c, kind in columns %}
    joined.legacy_{{ c }},
    joined.platform_{{ c }},
    {%- endfor %}
    {{ pst_now_utc() }} as compared_at
from joined
cross join sides
where sides.legacy_rows > 0
  and sides.platform_rows > 0
