"""The parallel run with the legacy schedule and the cutover decision (issue 11)."""
