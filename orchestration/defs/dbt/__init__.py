"""dbt: the models (staging -> stg2 -> dwh) as assets, their tests as checks."""
