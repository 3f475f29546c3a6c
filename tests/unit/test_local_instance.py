"""The local Dagster home: the platform's settings added, the user's kept, created once."""

from __future__ import annotations

import os
import subprocess
import sys

import yaml

from orchestration import local_instance


def _prepare(home, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return local_instance.prepare_dagster_home()


def test_a_new_home_gets_the_platforms_settings(tmp_path, monkeypatch):
    home = _prepare(tmp_path / "home", monkeypatch)
    config = yaml.safe_load((home / "dagster.yaml").read_text())
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert config["code_servers"]["local_startup_timeout"] == 600
    assert (home / "history").exists()  # storage created once, up front


def test_settings_a_person_changed_are_kept(tmp_path, monkeypatch):
    home = _prepare(tmp_path / "home", monkeypatch)
    path = home / "dagster.yaml"
    text = path.read_text().replace("local_startup_timeout: 600", "local_startup_timeout: 900")
    path.write_text(text + "# my own note\nrun_monitoring:\n  enabled: true\n")
    _prepare(home, monkeypatch)
    after = path.read_text()
    assert "local_startup_timeout: 900" in after and "# my own note" in after
    assert yaml.safe_load(after)["run_monitoring"] == {"enabled": True}


def test_a_missing_setting_is_added_without_touching_the_rest(tmp_path, monkeypatch):
    home = _prepare(tmp_path / "home", monkeypatch)
    path = home / "dagster.yaml"
    kept = "\n".join(line for line in path.read_text().splitlines()
                     if not line.startswith(("code_servers", "  local_startup"))) + "\n# mine\n"
    path.write_text(kept)
    _prepare(home, monkeypatch)
    after = path.read_text()
    assert after.startswith(kept)  # appended, the file as written stays
    assert yaml.safe_load(after)["code_servers"] == {"local_startup_timeout": 600}


def test_an_instance_configured_by_someone_else_is_left_alone(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    own = "run_coordinator:\n  module: dagster.core.run_coordinator\n  class: QueuedRunCoordinator\n"
    (home / "dagster.yaml").write_text(own)
    _prepare(home, monkeypatch)
    assert (home / "dagster.yaml").read_text() == own


def test_two_processes_starting_on_a_fresh_home_initialise_it_once(tmp_path):
    home = tmp_path / "fresh"
    code = ("from orchestration.local_instance import prepare_dagster_home\n"
            "from dagster import DagsterInstance\n"
            "prepare_dagster_home()\n"
            "with DagsterInstance.get() as instance: print(len(instance.get_runs()))\n")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0], [r[1][-2000:] for r in results]
    import sqlite3

    with sqlite3.connect(home / "history" / "runs.db") as db:
        heads = db.execute("select count(*) from alembic_version").fetchone()[0]
    assert heads == 1
