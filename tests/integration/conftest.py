from __future__ import annotations

import shutil
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from orchestration.scoped_environment import scoped_environment

RUN_DATE = date(2026, 11, 23)


@pytest.fixture(scope="session")
def sample_dir(pst_home) -> Path:
    """The platform's own sample, over a window that covers the test run_dates."""
    from orchestration.sample_data.generate import generate_sample

    out = pst_home / "test-sample"
    if not (out / "forecasts.csv").exists():
        generate_sample(out, scale=1, start=date(2026, 10, 1), end=date(2027, 1, 31))
    return out


@pytest.fixture
def data_copy(sample_dir, tmp_path) -> Path:
    """A private copy of the sample a test may damage."""
    target = tmp_path / "data"
    shutil.copytree(sample_dir, target)
    return target


@contextmanager
def own_database(warehouse, name: str):
    """A database of its own on the session's embedded warehouse (dropped afterwards)."""
    import psycopg2
    from dataclasses import replace
    from psycopg2 import sql

    def admin(statement: str) -> None:
        conn = psycopg2.connect(**warehouse.psycopg2_kwargs)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql.SQL(statement).format(sql.Identifier(name)))
        conn.close()

    admin("drop database if exists {} with (force)")
    admin("create database {}")
    try:
        yield replace(warehouse, dbname=name)
    finally:
        admin("drop database if exists {} with (force)")


def environment(**values):
    """Variables for a block of a test (None: unset), restored afterwards."""
    return scoped_environment(values)


def run_partition(run_date: date, data_dir: Path, capsys=None, land_only: bool = False,
                  **env) -> int:
    """`make run RUN_DATE=...` in process: the same entry point, same code path
    (land_only: `make land`, the sources only, for tests about landing: no dbt build)."""
    from orchestration.run import main

    with environment(PST_LOCAL_DATA_DIR=str(data_dir), **env):
        return main(["--run-date", run_date.isoformat(), *(["--land-only"] if land_only else [])])


def route_findings(router, findings, resolutions) -> None:
    """What the alert path does with a check's findings: close what cleared, raise the
    rest, deliver (the sensor and make run do it through process_finished_run)."""
    for resolution in resolutions:
        router.resolve(resolution)
    for finding in findings:
        router.raise_finding(finding)
    router.deliver_pending()
