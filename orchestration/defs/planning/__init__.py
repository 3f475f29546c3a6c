"""The planners' schedule report as an asset of the daily run (orchestration/planning)."""
