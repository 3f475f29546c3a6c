"""staffing-data-missing, end to end in one place: the check, the staffing tabs
whose failed load counts as missing staffing, and the auto-remediation."""
