"""The raw archive: every payload a production fetch received, kept as it came.

`s3://$PST_RAW_BUCKET/<source>/<run_date>/<load stamp>/<name>` in production;
`$PST_HOME/raw_archive/<source>/<run_date>/<load stamp>/<name>` when no bucket is
configured. Each load gets its own stamp folder, so a re-run never overwrites
what an earlier load received (the audit trail of what a schedule was built from).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Protocol


class ArchiveStore(Protocol):
    def put(self, key: str, payload: bytes, content_type: str) -> str:
        """Store payload under key; return where it went (a URI)."""


@dataclass(frozen=True)
class S3Store:
    client: Any  # a boto3 S3 client (dagster-aws S3Resource.get_client())
    bucket: str

    def put(self, key: str, payload: bytes, content_type: str) -> str:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=payload, ContentType=content_type)
        return f"s3://{self.bucket}/{key}"


@dataclass(frozen=True)
class FolderStore:
    root: Path

    def put(self, key: str, payload: bytes, content_type: str) -> str:
        path = self.root.joinpath(*PurePosixPath(key).parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
        return path.as_uri()


def load_stamp(loaded_at: datetime) -> str:
    """Folder name of one load: sortable UTC time to the microsecond."""
    return loaded_at.strftime("%Y%m%dT%H%M%S%fZ")


@dataclass
class ArchiveWriter:
    """Writes the payloads of one load of one source for one run_date."""

    store: ArchiveStore
    source: str
    run_date: date
    loaded_at: datetime
    written: int = 0

    @property
    def prefix(self) -> str:
        return f"{self.source}/{self.run_date.isoformat()}/{load_stamp(self.loaded_at)}"

    def put(self, name: str, payload: bytes, content_type: str = "application/json") -> str:
        self.written += 1
        return self.store.put(f"{self.prefix}/{name}", payload, content_type)
