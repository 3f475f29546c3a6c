"""The parallel run with the legacy schedule: the legacy schedule as an asset, the
divergence check on the comparison (dbt models parallel_run/*)."""
