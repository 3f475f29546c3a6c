{#- Fails with every row whose column is below zero (NULLs pass: use not_null). -#}
{% test not_negative(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} < 0
{% endtest %}
