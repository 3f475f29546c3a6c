"""Connection parameters of a PostgreSQL warehouse, parsed from a URL.

Pure functions: the same parameters feed psycopg2 (the loaders) and the dbt
profile (exported as PST_PG_* environment variables).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlparse


@dataclass(frozen=True)
class WarehouseTarget:
    host: str  # a hostname, or a directory holding the Unix socket
    port: int
    user: str
    password: str
    dbname: str
    embedded: bool = False

    @property
    def psycopg2_kwargs(self) -> dict:
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "dbname": self.dbname,
        }

    def dbt_env(self) -> dict[str, str]:
        """Environment read by dbt_project/profiles.yml (target `local`)."""
        return {
            "PST_PG_HOST": self.host,
            "PST_PG_PORT": str(self.port),
            "PST_PG_USER": self.user,
            "PST_PG_PASSWORD": self.password,
            "PST_PG_DBNAME": self.dbname,
        }

    def describe(self) -> str:
        """Where the data is, without the password."""
        kind = "embedded PostgreSQL" if self.embedded else "PostgreSQL"
        return f"{kind} {self.user}@{self.host}:{self.port}/{self.dbname}"


def parse_database_url(url: str, *, embedded: bool = False) -> WarehouseTarget:
    """Parse `postgresql://user:pass@host:port/db` (or `?host=/socket/dir`)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("postgresql", "postgres", "postgresql+psycopg2"):
        raise ValueError(
            "PST_DATABASE_URL must look like postgresql://user:pass@host:port/db "
            f"(got scheme {parsed.scheme!r})"
        )
    query = parse_qs(parsed.query)
    host = query.get("host", [parsed.hostname or ""])[0] or "localhost"
    return WarehouseTarget(
        host=unquote(host),
        port=int(query.get("port", [parsed.port or 5432])[0]),
        user=unquote(parsed.username or "postgres"),
        password=unquote(parsed.password or ""),
        dbname=unquote(parsed.path.lstrip("/") or "postgres"),
        embedded=embedded,
    )
