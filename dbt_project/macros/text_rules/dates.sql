{#- D2: sheet dates are YYYY-MM-DD (two-digit month and day) or M/D/YYYY (one
    or two digits, four-digit year), and must be real calendar dates
    (2026-02-30 is rejected). D5: the CSV stand-ins allow ISO only
    (us_dates=false). The parts are checked before any cast, so a bad cell
    never raises. -#}

{% macro pst_iso_date_pattern() -%}^[0-9]{4}-[0-9]{2}-[0-9]{2}${%- endmacro %}
{% macro pst_us_date_pattern() -%}^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}${%- endmacro %}

{#- year/month/day given as digit-only text. -#}
{% macro pst_is_real_date(year_text, month_text, day_text) -%}
  (cast({{ year_text }} as integer) >= 1
   and cast({{ month_text }} as integer) between 1 and 12
   and cast({{ day_text }} as integer) between 1 and
       case when cast({{ month_text }} as integer) = 2 then
                 case when (mod(cast({{ year_text }} as integer), 4) = 0
                            and mod(cast({{ year_text }} as integer), 100) <> 0)
                           or mod(cast({{ year_text }} as integer), 400) = 0
                      then 29 else 28 end
            when cast({{ month_text }} as integer) in (4, 6, 9, 11) then 30
            else 31 end)
{%- endmacro %}

{% macro pst_is_date(expr, us_dates=true) -%}
  coalesce(
    case
      when {{ pst_regex_match(expr, pst_iso_date_pattern()) }}
        then {{ pst_is_real_date('substring(' ~ expr ~ ' from 1 for 4)', 'substring(' ~ expr ~ ' from 6 for 2)', 'substring(' ~ expr ~ ' from 9 for 2)') }}
      {%- if us_dates %}
      when {{ pst_regex_match(expr, pst_us_date_pattern()) }}
        then {{ pst_is_real_date("split_part(" ~ expr ~ ", '/', 3)", "split_part(" ~ expr ~ ", '/', 1)", "split_part(" ~ expr ~ ", '/', 2)") }}
      {%- endif %}
    end,
    false)
{%- endmacro %}

{% macro pst_parse_date(expr, us_dates=true) -%}
  case when {{ pst_is_date(expr, us_dates) }} then
    case
      when {{ pst_regex_match(expr, pst_iso_date_pattern()) }}
        then {{ pst_make_date('substring(' ~ expr ~ ' from 1 for 4)', 'substring(' ~ expr ~ ' from 6 for 2)', 'substring(' ~ expr ~ ' from 9 for 2)') }}
      {%- if us_dates %}
      else {{ pst_make_date("split_part(" ~ expr ~ ", '/', 3)", "split_part(" ~ expr ~ ", '/', 1)", "split_part(" ~ expr ~ ", '/', 2)") }}
      {%- endif %}
    end
  end
{%- endmacro %}
