"""Asset checks: each named after the alarm it raises (orchestration/alerting/catalog.py)."""
