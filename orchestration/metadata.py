"""What every asset and check shows a person in the UI besides its data: who
owns it and the runbook to open when it goes red."""

from __future__ import annotations

import os

from dagster import MetadataValue

from orchestration import settings
from orchestration.alarms import alarm

# The team on call for the platform (Dagster owners: an email or `team:<name>`).
OWNERS = ["team:data-engineering"]


def runbook_base_url() -> str:
    """PST_RUNBOOK_BASE_URL (e.g. the repository's web URL), else the local checkout."""
    return (os.environ.get("PST_RUNBOOK_BASE_URL", "").strip()
            or settings.PROJECT_ROOT.as_uri()).rstrip("/")


def runbook_url(alarm_name: str) -> str:
    return f"{runbook_base_url()}/{alarm(alarm_name).runbook}"


def runbook_metadata(alarm_name: str) -> dict[str, MetadataValue]:
    # plain text: definitions are serialized to the webserver, which knows no AlarmName
    return {"runbook": MetadataValue.url(runbook_url(alarm_name)), "alarm": str(alarm_name)}


def doc_metadata(doc: str) -> dict[str, MetadataValue]:
    """A link to one of the project's docs (e.g. `docs/operations.md`)."""
    return {"docs": MetadataValue.url(f"{runbook_base_url()}/{doc}")}


def with_runbook(description: str | None, alarm_name: str | None) -> str:
    """A check's description with the runbook link the UI shows on its page."""
    text = (description or "").rstrip()
    if alarm_name is None:
        return text
    return f"{text}\n\nRunbook ({alarm_name}): {runbook_url(alarm_name)}".lstrip()


def check_docs(alarm_name: str, description: str) -> dict:
    """`@asset_check(**check_docs(alarm, "..."))`: the description with the runbook
    link (shown on the check's page) and the same link as metadata."""
    return {"description": with_runbook(description, alarm_name),
            "metadata": runbook_metadata(alarm_name)}
