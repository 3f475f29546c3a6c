"""The embedded PostgreSQL: the local default when PST_DATABASE_URL is unset.

pgserver ships PostgreSQL in a wheel (Linux x86_64, macOS, Windows; Python
3.9-3.12). Where it has no wheel we fall back to `initdb`/`pg_ctl` found on
PATH. Either way the data lives under `$PST_HOME/warehouse` (git-ignored),
survives between runs, and the server listens on a Unix socket only.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import warnings
from pathlib import Path

import psycopg2
from psycopg2 import sql

from orchestration.warehouse.target import WarehouseTarget, parse_database_url

log = logging.getLogger(__name__)

# Keep the pgserver handle alive for the life of the process: pgserver stops
# the server when the last process that started it with cleanup_mode="stop" exits.
_servers: dict[Path, object] = {}


def start_embedded(data_root: Path, *, keep_running: bool = False) -> WarehouseTarget:
    """Start (or reuse) the embedded server whose data is under data_root.

    A server this process starts is stopped when the process exits, unless
    keep_running; one that was already up (an analyst's `make warehouse`) is
    left running.
    """
    data_root.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        try:
            import pgserver  # noqa: PLC0415 - optional: no wheel on some platforms
        except ImportError:
            return _start_with_pg_ctl(data_root)
        pgdata = data_root / "pgdata"
        already_up = _accepts_connections(pgdata)
        server = pgserver.get_server(
            pgdata, cleanup_mode=None if (keep_running or already_up) else "stop")
    _servers[pgdata] = server
    target = parse_database_url(server.get_uri(), embedded=True)
    _tune(target)
    return target


# The server's defaults (work_mem 4MB) make the scale-100 aggregations spill to
# disk. We own the embedded server, so it gets settings sized for this work;
# an external PST_DATABASE_URL server is never reconfigured.
_SETTINGS = {"work_mem": "256MB", "maintenance_work_mem": "512MB"}


def _tune(target: WarehouseTarget) -> None:
    conn = psycopg2.connect(**target.psycopg2_kwargs)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            changed = False
            for name, value in _SETTINGS.items():
                cur.execute("select setting || coalesce(unit, '') from pg_settings where name = %s",
                            (name,))
                current = cur.fetchone()[0]
                cur.execute("select pg_size_bytes(%s) = pg_size_bytes(%s)",
                            (value, current))
                if not cur.fetchone()[0]:
                    cur.execute(sql.SQL("alter system set {} = {}").format(
                        sql.Identifier(name), sql.Literal(value)))
                    changed = True
            if changed:
                cur.execute("select pg_reload_conf()")
    finally:
        conn.close()


def _accepts_connections(socket_dir: Path) -> bool:
    if not (socket_dir / ".s.PGSQL.5432").exists():
        return False
    try:
        psycopg2.connect(host=str(socket_dir), user="postgres", dbname="postgres",
                         connect_timeout=2).close()
        return True
    except psycopg2.OperationalError:
        return False


def stop_embedded(data_root: Path) -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    pgdata = data_root / "pgdata"
    if not (pgdata / "postmaster.pid").exists() and not (data_root / "pgctl").exists():
        return False
    try:
        import pgserver  # noqa: PLC0415
        from pgserver._commands import pg_ctl  # noqa: PLC0415

        server = pgserver.get_server(pgdata, cleanup_mode="stop")
        _servers.pop(pgdata, None)
        # pgserver stops the server only when the caller holds its last handle; processes
        # that died without letting go (killed run workers) would keep it up forever.
        if (pgdata / "postmaster.pid").exists():
            try:
                pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=server.system_user)
            except Exception:  # noqa: BLE001 - already stopped between the check and the call
                pass
        return True
    except ImportError:
        pg_ctl = shutil.which("pg_ctl")
        if pg_ctl:
            subprocess.run([pg_ctl, "-D", str(data_root / "pgctl"), "stop", "-m", "fast"], check=False)
        return True


def _start_with_pg_ctl(data_root: Path) -> WarehouseTarget:
    """Fallback for platforms without a pgserver wheel (e.g. Linux aarch64)."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not (initdb and pg_ctl):
        raise RuntimeError(
            "No embedded PostgreSQL available: pgserver has no wheel for this platform "
            "and initdb/pg_ctl are not on PATH. Install PostgreSQL binaries or set "
            "PST_DATABASE_URL=postgresql://user:pass@host:port/db."
        )
    pgdata, socket_dir = data_root / "pgctl", data_root / "socket"
    socket_dir.mkdir(exist_ok=True)
    if not (pgdata / "PG_VERSION").exists():
        subprocess.run([initdb, "-D", str(pgdata), "-U", "postgres", "--auth=trust"],
                       check=True, capture_output=True)
    status = subprocess.run([pg_ctl, "-D", str(pgdata), "status"], capture_output=True)
    if status.returncode != 0:
        subprocess.run(
            [pg_ctl, "-D", str(pgdata), "-w", "-l", str(data_root / "postgres.log"), "start",
             "-o", f"-c listen_addresses='' -k {socket_dir}"],
            check=True, capture_output=True,
        )
    return WarehouseTarget(host=str(socket_dir), port=5432, user="postgres", password="",
                           dbname="postgres", embedded=True)
