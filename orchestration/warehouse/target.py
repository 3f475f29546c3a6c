"""Connection parameters of the warehouse, parsed from one URL (PST_DATABASE_URL).

Pure functions: the same parameters feed psycopg2 (loaders, checks, the alert
store) and the dbt profile (exported as environment variables the profile's
target reads), so Python and dbt can never point at different databases.

    postgresql://user:pass@host:5432/db   PostgreSQL (local deployment, dbt target `local`)
    redshift://user:pass@host:5439/db     Redshift (production deployment, dbt target `redshift`)
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlparse

POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg2")
REDSHIFT_SCHEMES = ("redshift",)
ENGINES = ("postgres", "redshift")


@dataclass(frozen=True)
class WarehouseTarget:
    host: str  # a hostname, or a directory holding the Unix socket
    port: int
    user: str
    password: str
    dbname: str
    embedded: bool = False
    engine: str = "postgres"  # postgres | redshift

    @property
    def is_redshift(self) -> bool:
        return self.engine == "redshift"

    @property
    def dbt_target(self) -> str:
        """The profile target Dagster builds on this warehouse (dbt_project/profiles.yml)."""
        return "redshift" if self.is_redshift else "local"

    @property
    def psycopg2_kwargs(self) -> dict:
        kwargs = {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "dbname": self.dbname,
        }
        # Redshift speaks PostgreSQL's protocol; a cluster accepts only TLS by default.
        return {**kwargs, "sslmode": "require"} if self.is_redshift else kwargs

    def dbt_env(self) -> dict[str, str]:
        """Environment read by dbt_project/profiles.yml (targets `local` / `redshift`)."""
        prefix = "REDSHIFT" if self.is_redshift else "PST_PG"
        return {
            f"{prefix}_HOST": self.host,
            f"{prefix}_PORT": str(self.port),
            f"{prefix}_USER": self.user,
            f"{prefix}_PASSWORD": self.password,
            f"{prefix}_DBNAME": self.dbname,
        }

    def describe(self) -> str:
        """Where the data is, without the password."""
        kind = ("Redshift" if self.is_redshift
                else "embedded PostgreSQL" if self.embedded else "PostgreSQL")
        return f"{kind} {self.user}@{self.host}:{self.port}/{self.dbname}"


def parse_database_url(url: str, *, embedded: bool = False) -> WarehouseTarget:
    """Parse `postgresql://user:pass@host:port/db` (or `?host=/socket/dir`) or
    `redshift://user:pass@host:5439/db`."""
    parsed = urlparse(url)
    if parsed.scheme not in POSTGRES_SCHEMES + REDSHIFT_SCHEMES:
        raise ValueError(
            "PST_DATABASE_URL must look like postgresql://user:pass@host:port/db "
            f"or redshift://user:pass@host:5439/db (got scheme {parsed.scheme!r})"
        )
    engine = "redshift" if parsed.scheme in REDSHIFT_SCHEMES else "postgres"
    query = parse_qs(parsed.query)
    host = query.get("host", [parsed.hostname or ""])[0] or "localhost"
    default_port = 5439 if engine == "redshift" else 5432
    return WarehouseTarget(
        host=unquote(host),
        port=int(query.get("port", [parsed.port or default_port])[0]),
        user=unquote(parsed.username or "postgres"),
        password=unquote(parsed.password or ""),
        dbname=unquote(parsed.path.lstrip("/") or "postgres"),
        embedded=embedded,
        engine=engine,
    )
