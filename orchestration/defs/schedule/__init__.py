"""The schedule: the daily job, landing only, the checks between build and publish."""
