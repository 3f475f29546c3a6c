"""Alerting: the alarm catalog of qa.md, findings -> alerts, routing, delivery, the alert log."""
