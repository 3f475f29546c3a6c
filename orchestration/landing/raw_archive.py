"""Where raw payloads are archived: S3 (PST_RAW_BUCKET) or a local folder."""

from __future__ import annotations

from datetime import date, datetime

from dagster import ConfigurableResource
from dagster_aws.s3 import S3Resource

from orchestration import settings
from orchestration.landing.archive import ArchiveWriter, FolderStore, S3Store


class RawArchiveResource(ConfigurableResource):
    """bucket empty = PST_RAW_BUCKET; neither set = $PST_HOME/raw_archive.

    The S3 client comes from dagster-aws (credentials, region and endpoint from
    the usual AWS environment: AWS_REGION, AWS_ENDPOINT_URL, an IAM role on ECS).
    """

    s3: S3Resource
    bucket: str = ""

    def location(self) -> str:
        bucket = self.bucket or settings.raw_bucket()
        return f"s3://{bucket}" if bucket else str(settings.pst_home() / "raw_archive")

    def writer(self, source: str, run_date: date, loaded_at: datetime) -> ArchiveWriter:
        bucket = self.bucket or settings.raw_bucket()
        store = (S3Store(self.s3.get_client(), bucket) if bucket
                 else FolderStore(settings.pst_home() / "raw_archive"))
        return ArchiveWriter(store, source, run_date, loaded_at)
