"""`make dev` as a test fixture: the webserver and daemon on a free port, its own
PST_HOME (embedded warehouse, Dagster home), talked to over GraphQL.

The same processes a user gets: `make dev` runs orchestration.dev_prepare, then
`dagster dev` reads [tool.dagster] in pyproject.toml; runs are launched by the
daemon's queue into run workers, exactly as from the UI.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCATION = "production_scheduling"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DagsterDev:
    port: int
    home: Path
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def graphql(self, query: str, variables: dict | None = None, timeout: float = 60) -> dict:
        request = urllib.request.Request(
            f"{self.url}/graphql", data=json.dumps({"query": query,
                                                    "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"GraphQL {error.code}: {error.read()[:2000]!r}") from None
        if body.get("errors"):
            raise AssertionError(f"GraphQL errors: {body['errors']}")
        return body["data"]

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


LOCATION_STATUS = """
query { workspaceOrError { ... on Workspace { locationEntries { name
  locationOrLoadError { __typename ... on PythonError { message } } } } } }
"""


def start(home: Path, env: dict[str, str], startup_timeout: float = 600) -> DagsterDev:
    """`make dev PORT=<free>` with PST_HOME=home; returns once the code location loaded."""
    port = free_port()
    log_path = home / "dagster-dev.log"
    home.mkdir(parents=True, exist_ok=True)
    full_env = {**os.environ, **env, "PST_HOME": str(home),
                "DAGSTER_HOME": str(home / "dagster_home")}
    process = subprocess.Popen(
        ["make", "-s", "dev", f"PORT={port}"], cwd=ROOT, env=full_env,
        stdout=log_path.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)  # its own process group: stopped as a whole
    dev = DagsterDev(port, home, process, log_path)
    try:
        _wait_for_location(dev, startup_timeout)
    except BaseException:
        stop(dev)  # a failed start leaves no webserver, daemon or code server behind
        raise
    return dev


def _wait_for_location(dev: DagsterDev, startup_timeout: float) -> None:
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if dev.process.poll() is not None:
            raise AssertionError(f"make dev exited ({dev.process.returncode}):\n{dev.log_tail()}")
        try:
            entries = dev.graphql(LOCATION_STATUS, timeout=10)["workspaceOrError"]["locationEntries"]
            loaded = {e["name"]: e["locationOrLoadError"] for e in entries}
            state = loaded.get(LOCATION)
            if state and state["__typename"] == "RepositoryLocation":
                return
            if state and state["__typename"] == "PythonError":
                raise AssertionError(f"code location failed to load: {state['message']}")
        except OSError:
            pass
        time.sleep(2)
    raise AssertionError(f"make dev did not load {LOCATION} in {startup_timeout} s:\n"
                         f"{dev.log_tail()}")


def stop(dev: DagsterDev) -> None:
    """Ctrl-C as a person would, then make sure no process of it is left (the
    webserver, daemon, code server and run workers share its process group)."""
    group = dev.process.pid
    for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        try:
            os.killpg(group, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            dev.process.poll()
            try:
                os.killpg(group, 0)  # raises once every member has exited
            except ProcessLookupError:
                return
            time.sleep(0.5)


LAUNCH_BACKFILL = """
mutation($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message stack }
  ... on UnauthorizedError { message } } }
"""

BACKFILL_RUNS = """
query($id: String!) {
  partitionBackfillOrError(backfillId: $id) { __typename ... on PartitionBackfill { status } }
  runsOrError(filter: {tags: [{key: "dagster/backfill", value: $id}]}) {
    ... on Runs { results { runId status startTime endTime tags { key value } } } }
}
"""

FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def launch_job_backfill(dev: DagsterDev, job: str, partitions: list[str]) -> str:
    """What the UI's job page does on Materialize all… → partitions → Launch backfill."""
    params = {"selector": {"partitionSetName": f"{job}_partition_set",
                           "repositorySelector": {"repositoryLocationName": LOCATION,
                                                  "repositoryName": "__repository__"}},
              "partitionNames": partitions, "fromFailure": False}
    result = dev.graphql(LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
    assert result["__typename"] == "LaunchBackfillSuccess", result
    return result["backfillId"]


def wait_for_backfill(dev: DagsterDev, backfill_id: str, expected_runs: int,
                      timeout: float = 1800) -> list[dict]:
    deadline = time.monotonic() + timeout
    runs: list[dict] = []
    while time.monotonic() < deadline:
        data = dev.graphql(BACKFILL_RUNS, {"id": backfill_id})
        runs = data["runsOrError"]["results"]
        if len(runs) >= expected_runs and all(r["status"] in FINISHED for r in runs):
            return runs
        time.sleep(5)
    raise AssertionError(f"backfill {backfill_id} not finished in {timeout} s: {runs}\n"
                         f"{dev.log_tail()}")
