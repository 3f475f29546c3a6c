"""Production Scheduling Tool: the Dagster code location."""

import warnings

# backfill_policy is marked beta in dagster 1.13; we rely on it on purpose
# (one run per run_date in backfills), so its warning is noise in every command.
warnings.filterwarnings("ignore", message=r".*`backfill_policy`.*beta", category=Warning)
