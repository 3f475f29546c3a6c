"""The jobs' names, the one place each is spelled: the jobs are defined by their
integrations, and the run report (defs/monitoring/runs.py) tells them apart."""

DAILY_JOB = "production_schedule_job"
LAND_JOB = "land_sources_job"
REMEDIATION_JOB = "staffing_remediation_job"
DAILY_DIGEST_JOB = "daily_digest_job"
WEEKLY_SUMMARY_JOB = "weekly_summary_job"
# jobs that only report (the P4 digests): their failures are logged, not an alarm of
# the schedule; every other run (the daily job, the remediation, a materialization
# from the UI's asset pages, `__ASSET_JOB`) builds the schedule
REPORTING_JOBS = (DAILY_DIGEST_JOB, WEEKLY_SUMMARY_JOB)
