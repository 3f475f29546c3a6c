"""Keep dbt's manifest.json in step with the project files (local runs and tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR

_WATCHED = ("models", "macros", "tests", "seeds", "dbt_project.yml", "profiles.yml")


def manifest_path() -> Path:
    return DBT_PROJECT_DIR / "target" / "manifest.json"


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


def parse_dbt_project() -> None:
    """`dbt parse` writes target/manifest.json (what prepare-and-package does)."""
    dbt = Path(sys.executable).with_name("dbt")
    subprocess.run(
        [str(dbt), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR)],
        check=True,
    )
