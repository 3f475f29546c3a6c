"""Monitoring: alerts, sensors, P4 reports and the checks of tables as a whole."""
