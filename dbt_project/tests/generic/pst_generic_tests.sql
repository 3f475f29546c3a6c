{#- Generic data tests used by the scheduling models (no dbt_utils offline). -#}

{#- The columns together identify a row (the model's grain). -#}
{% test pst_unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as row_count
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Every value of the column satisfies a SQL condition (e.g. '>= 0'). -#}
{% test pst_expression_holds(model, column_name, condition) %}
select {{ column_name }}
from {{ model }}
where not ({{ column_name }} {{ condition }})
{% endtest %}

