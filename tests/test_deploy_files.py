"""Structural checks of the container deployment (no Docker engine, no network).

docker-compose.yml, workspace.yaml, deploy/Dockerfile, deploy/dagster.yaml and
.dockerignore must agree with each other and with the repository: every file
they name exists and reaches the image, the gRPC endpoint matches the compose
service, storage comes from the environment and no secret is written down.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
WORKSPACE = ROOT / "workspace.yaml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DAGSTER_YAML = ROOT / "deploy" / "dagster.yaml"
DOCKERIGNORE = ROOT / ".dockerignore"

# The code location (orchestration/) was written alongside these files: while
# the package does not exist yet, checks of the files the deploy names skip;
# once it exists, a missing file fails.
NOT_YET = "orchestration/ does not exist yet (being written); the deploy files name {}"

SECRET_NAMES = ("SLACK_BOT_TOKEN", "SUPPLYBUY_API_TOKEN", "GOOGLE_SHEETS_SPREADSHEET_ID")
SECRET_KEY = re.compile(r"PASSWORD|TOKEN|SECRET|CREDENTIALS|API_KEY", re.I)
# A value that is one compose interpolation and nothing else.
ONE_INTERPOLATION = re.compile(r"^\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}$")
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}")


def _load(path: Path):
    return yaml.safe_load(path.read_text())


@pytest.fixture(scope="module")
def compose() -> dict:
    return _load(COMPOSE)


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose-style ${VAR}, ${VAR:-default}, ${VAR:?error} against `env`."""

    def one(m: re.Match) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        if env.get(name):
            return env[name]
        if op and op.endswith("?"):
            raise KeyError(f"{name} is required: {arg}")
        return arg or ""

    return INTERPOLATION.sub(one, value)


def _command(service: dict) -> list[str]:
    cmd = service["command"]
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd)


def _option(argv: list[str], *names: str) -> str:
    for i, arg in enumerate(argv):
        if arg in names:
            return argv[i + 1]
    raise AssertionError(f"none of {names} in {argv}")


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined, comments dropped."""
    joined, out = "", []
    for line in DOCKERFILE.read_text().splitlines():
        if line.strip().startswith("#") and not joined:
            continue
        if line.rstrip().endswith("\\"):
            joined += line.rstrip()[:-1] + " "
            continue
        joined += line
        if joined.strip():
            word, _, rest = joined.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
        joined = ""
    return out


def _dockerignored(rel: str) -> bool:
    """Docker's rule: the last matching pattern wins; a matched directory excludes its contents."""
    parts = rel.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for raw in DOCKERIGNORE.read_text().splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
            ignored = not negate
    return ignored


def _require_code_location_file(path: Path) -> None:
    if not (ROOT / "orchestration" / "__init__.py").exists():
        pytest.skip(NOT_YET.format(path.relative_to(ROOT)))
    assert path.is_file(), f"{path.relative_to(ROOT)} is named by the deploy files but missing"


# --- compose -----------------------------------------------------------------


def test_compose_has_the_deploy_docker_services(services):
    assert {"postgres", "dagster_migrate", "user_code", "webserver", "daemon"} <= set(services)
    assert services["postgres"]["image"].split(":")[1].startswith("16")


def test_every_service_has_an_image_or_an_existing_build(services):
    for name, service in services.items():
        build = service.get("build")
        if build is None:
            assert service.get("image"), f"{name}: neither image nor build"
            continue
        build = {"context": build} if isinstance(build, str) else build
        context = ROOT / build.get("context", ".")
        assert context.is_dir(), f"{name}: build context {context} missing"
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        assert dockerfile.is_file(), f"{name}: {dockerfile} missing"
        assert dockerfile.resolve() == DOCKERFILE.resolve()


def test_dependencies_wait_for_health_and_migration(services):
    for name, service in services.items():
        for dep, cond in service.get("depends_on", {}).items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            if cond["condition"] == "service_healthy":
                assert "healthcheck" in services[dep], f"{dep} has no healthcheck"
    assert _command(services["dagster_migrate"]) == ["dagster", "instance", "migrate"]
    assert services["dagster_migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("user_code", "webserver", "daemon"):
        assert "healthcheck" in services[name], name
        assert (
            services[name]["depends_on"]["dagster_migrate"]["condition"]
            == "service_completed_successfully"
        )
    for name in ("webserver", "daemon"):
        assert services[name]["depends_on"]["user_code"]["condition"] == "service_healthy"


def test_code_server_serves_the_configured_module(services, pyproject):
    argv = _command(services["user_code"])
    assert argv[:3] == ["dagster", "code-server", "start"]
    assert _option(argv, "-h", "--host") == "0.0.0.0"
    module = _option(argv, "-m", "--module-name")
    assert module == pyproject["tool"]["dagster"]["module_name"]
    cmd = next(args for word, args in _dockerfile_instructions() if word == "CMD")
    assert module in cmd, "the image's default command serves another module"
    _require_code_location_file(ROOT / (module.replace(".", "/") + ".py"))


def test_webserver_and_daemon_use_the_workspace(services):
    web = _command(services["webserver"])
    assert web[0] == "dagster-webserver"
    assert _option(web, "-p", "--port") == "3000"
    assert any(p.split(":")[-1] == "3000" for p in services["webserver"]["ports"])
    daemon = _command(services["daemon"])
    assert daemon[:2] == ["dagster-daemon", "run"]
    for argv in (web, daemon):
        assert (ROOT / _option(argv, "-w", "--workspace")).resolve() == WORKSPACE.resolve()


def test_workspace_points_at_the_code_server(services, pyproject):
    entries = _load(WORKSPACE)["load_from"]
    assert len(entries) == 1
    grpc = entries[0]["grpc_server"]
    assert grpc["host"] in services, f"workspace host {grpc['host']} is not a compose service"
    argv = _command(services[grpc["host"]])
    assert argv[:3] == ["dagster", "code-server", "start"]
    assert str(grpc["port"]) == _option(argv, "-p", "--port")
    assert grpc["location_name"] == pyproject["tool"]["dagster"]["code_location_name"]


def test_platform_env_points_at_the_compose_postgres(compose, services):
    fake = {"POSTGRES_PASSWORD": "pw"}
    pg = {k: _interpolate(str(v), fake) for k, v in services["postgres"]["environment"].items()}
    env = {k: _interpolate(str(v), fake) for k, v in services["user_code"]["environment"].items()}

    url = urlsplit(env["PST_DATABASE_URL"])
    assert url.scheme == "postgresql"
    assert (url.hostname, url.port) == ("postgres", 5432)
    assert (url.username, url.password) == (pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"])
    assert url.path.lstrip("/") == pg["POSTGRES_DB"]
    from orchestration.warehouse.target import parse_database_url

    assert env["PST_DEPLOYMENT"] == "local"
    profiles = _load(ROOT / "dbt_project" / "profiles.yml")
    target = parse_database_url(env["PST_DATABASE_URL"])
    assert target.dbt_target in next(iter(profiles.values()))["outputs"]

    # Dagster storage: a second database on the same server, created at init.
    for name in ("dagster_migrate", "user_code", "webserver", "daemon"):
        denv = {k: _interpolate(str(v), fake) for k, v in services[name]["environment"].items()}
        assert denv["DAGSTER_POSTGRES_HOST"] == "postgres", name
        assert denv["DAGSTER_POSTGRES_DB"] != pg["POSTGRES_DB"], name
    init_sql = _interpolate(compose["configs"]["create-dagster-db"]["content"], fake)
    assert f'CREATE DATABASE "{env["DAGSTER_POSTGRES_DB"]}"' in init_sql
    target = services["postgres"]["configs"][0]["target"]
    assert target.startswith("/docker-entrypoint-initdb.d/") and target.endswith(".sql")


def test_no_literal_secrets_in_compose(services):
    user_code = services["user_code"]["environment"]
    for name in SECRET_NAMES:
        assert user_code.get(name) == f"${{{name}:-}}", f"{name} must pass through as ${{{name}:-}}"
    for sname, service in services.items():
        for key, value in (service.get("environment") or {}).items():
            value = str(value)
            if SECRET_KEY.search(key):
                assert ONE_INTERPOLATION.match(value), f"{sname}.{key} is a literal: {value!r}"
                assert not re.search(r":-[^}]", value), f"{sname}.{key} has a default value"
            url = urlsplit(value) if "://" in value else None
            if url and url.password:
                assert ONE_INTERPOLATION.match(url.password), f"{sname}.{key}: literal password"
    # Secrets only where the code runs: webserver and daemon never see them.
    for name in ("webserver", "daemon", "dagster_migrate"):
        assert not set(SECRET_NAMES) & set(services[name]["environment"]), name


def test_no_known_secret_formats_in_deploy_files():
    pattern = re.compile(r"xox[bpa]-[0-9A-Za-z-]{10,}|AKIA[0-9A-Z]{16}|PRIVATE KEY-----")
    for path in (COMPOSE, WORKSPACE, DOCKERFILE, DAGSTER_YAML, DOCKERIGNORE):
        assert not pattern.search(path.read_text()), path


# --- image -------------------------------------------------------------------


def test_dockerfile_copies_only_existing_files():
    copies = [args for word, args in _dockerfile_instructions() if word in ("COPY", "ADD")]
    assert copies
    for args in copies:
        words = shlex.split(args)
        if any(w.startswith("--from") for w in words):
            continue  # from another image, not from the repository
        sources = [w for w in words if not w.startswith("--")][:-1]
        assert sources, args
        for src in sources:
            path = ROOT / src
            assert path.exists(), f"Dockerfile copies {src}, which does not exist"
            if src not in (".", "./"):
                assert not _dockerignored(src.rstrip("/")), f"{src} is excluded by .dockerignore"


def test_build_context_keeps_what_the_image_needs():
    needed = [
        "pyproject.toml",
        "uv.lock",
        "workspace.yaml",
        "deploy/dagster.yaml",
        "dbt_project/dbt_project.yml",
        "dbt_project/profiles.yml",
        "orchestration/definitions.py",
        "orchestration/defs/dbt/project.py",
    ]
    for rel in needed:
        assert not _dockerignored(rel), f"{rel} is excluded from the build context"
    kept_out = [".env", ".venv/bin/python", ".git/HEAD", ".pst/x", "dbt_project/target/x.json"]
    for rel in kept_out:
        assert _dockerignored(rel), f"{rel} would be sent to the image"
    for rel in needed:
        if rel.startswith("orchestration/"):
            _require_code_location_file(ROOT / rel)
        else:
            assert (ROOT / rel).is_file(), f"{rel} missing"


def test_dockerfile_installs_from_the_lockfile_and_builds_the_manifest(pyproject):
    steps = _dockerfile_instructions()
    base = next(args for word, args in steps if word == "FROM")
    assert re.match(r"python:3\.11\b", base), base
    assert SpecifierSet(pyproject["project"]["requires-python"]).contains(
        base.split(":")[1].split("-")[0]
    )
    runs = [args for word, args in steps if word == "RUN"]
    syncs = [r for r in runs if "uv sync" in r]
    assert syncs and all("--frozen" in r and "--no-dev" in r for r in syncs)
    assert not any("pip install" in r for r in runs)

    prepare = next(r for r in runs if "dagster-dbt project prepare-and-package" in r)
    project_file = ROOT / _option(shlex.split(prepare), "--file")
    env = " ".join(args for word, args in steps if word == "ENV")
    home = re.search(r"DAGSTER_HOME=(\S+)", env).group(1)
    copies = [shlex.split(args) for word, args in steps if word == "COPY"]
    assert any(c[-2] == "deploy/dagster.yaml" and c[-1] == f"{home}/dagster.yaml" for c in copies)
    _require_code_location_file(project_file)
    assert "DbtProject" in project_file.read_text()


# --- dagster.yaml --------------------------------------------------------------


def test_dagster_yaml_storage_comes_from_env(services):
    config = _load(DAGSTER_YAML)
    db = config["storage"]["postgres"]["postgres_db"]
    env_vars = set()
    for field in ("hostname", "port", "username", "password", "db_name"):
        assert isinstance(db[field], dict) and set(db[field]) == {"env"}, f"{field} is a literal"
        env_vars.add(db[field]["env"])
    for name in ("dagster_migrate", "user_code", "webserver", "daemon"):
        missing = env_vars - set(services[name]["environment"])
        assert not missing, f"{name} lacks {missing}"

    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    # the dbt steps of different runs queue in one pool (D64)
    assert config["concurrency"]["pools"]["default_limit"] == 1
    assert config["run_monitoring"]["enabled"] is True
    assert config["run_monitoring"]["max_runtime_seconds"] > 0
    assert config["telemetry"]["enabled"] is False


def test_dagster_yaml_is_a_valid_instance_config(monkeypatch):
    from dagster._config import process_config
    from dagster._core.instance.config import dagster_instance_config
    from dagster._core.instance.ref import InstanceRef
    from dagster_postgres import DagsterPostgresStorage
    from dagster_postgres.utils import pg_url_from_config

    env = {
        "DAGSTER_POSTGRES_HOST": "db.example",
        "DAGSTER_POSTGRES_PORT": "5433",
        "DAGSTER_POSTGRES_USER": "dagster",
        "DAGSTER_POSTGRES_PASSWORD": "p@ss",
        "DAGSTER_POSTGRES_DB": "dagster_db",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    dagster_instance_config(str(DAGSTER_YAML.parent))  # raises on schema errors
    ref = InstanceRef.from_dir(str(DAGSTER_YAML.parent))
    assert ref.storage_data.class_name == "DagsterPostgresStorage"
    processed = process_config(DagsterPostgresStorage.config_type(), ref.storage_data.config_dict)
    assert processed.success, processed.errors
    url = pg_url_from_config(processed.value)
    assert url == "postgresql+psycopg2://dagster:p%40ss@db.example:5433/dagster_db"
    coordinator = ref.run_coordinator_data.rehydrate(object)  # the class imports
    assert type(coordinator).__name__ == "QueuedRunCoordinator"
