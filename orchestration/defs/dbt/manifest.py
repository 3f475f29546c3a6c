"""Keep the code location's dbt manifest in step with the project files.

Run once before Dagster starts (`make run`, `make dev`, the test session); the
definitions themselves only read the manifest. Preparing is dagster-dbt's own
`DbtProjectPreparer` (what `prepare-and-package` runs for the image).
"""

from __future__ import annotations

from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR

_WATCHED = ("models", "macros", "tests", "seeds", "dbt_project.yml", "profiles.yml")


def manifest_path() -> Path:
    from orchestration.defs.dbt.project import dbt_project  # noqa: PLC0415

    return dbt_project.manifest_path


def manifest_is_stale() -> bool:
    manifest = manifest_path()
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in _WATCHED:
        path = DBT_PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*") if path.exists() else []
        if any(f.is_file() and f.stat().st_mtime > built for f in files):
            return True
    return False


def prepare_manifest() -> Path:
    """`dbt parse` into the code location's target folder (dagster-dbt's preparer)."""
    from orchestration.defs.dbt.project import dbt_project  # noqa: PLC0415

    dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path


def ensure_manifest() -> bool:
    """Prepare the manifest when a dbt file changed since the last one; True if it did.
    Under a file lock: two processes starting at once (two `make run`, two test workers)
    parse once, the second reads the first's manifest."""
    from filelock import FileLock  # noqa: PLC0415

    lock = manifest_path().parent.with_name("dagster-manifest.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock)):
        if manifest_is_stale():
            prepare_manifest()
            return True
    return False
