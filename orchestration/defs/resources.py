"""The resources every integration shares, chosen by the deployment switch
(PST_DEPLOYMENT, in the style of Dagster's project_fully_featured): `local` (the
embedded warehouse or PST_DATABASE_URL, the CSV form of any source that is not
configured) or `production`, which refuses to start without its settings."""

from dagster_aws.s3 import S3Resource

from orchestration.landing.local_form import LocalFormSources
from orchestration.landing.raw_archive import RawArchiveResource
from orchestration.settings import DeploymentNotConfigured, Settings
from orchestration.warehouse.resource import WarehouseResource


__all__ = ["DeploymentNotConfigured", "shared_resources"]


def shared_resources(settings: Settings) -> dict:
    settings.refuse_incomplete_production()
    # AWS clients take region, endpoint and credentials from the usual AWS environment
    # (AWS_REGION, AWS_ENDPOINT_URL, the ECS task role); they are built only when used.
    return {
        "warehouse": WarehouseResource(),
        "local_sources": LocalFormSources(),
        "raw_archive": RawArchiveResource(s3=S3Resource()),
    }
