import pytest

from orchestration.warehouse.target import parse_database_url


def test_url_with_host_and_port():
    target = parse_database_url("postgresql://pst:s%40cret@db.example:6543/warehouse")
    assert (target.host, target.port, target.user, target.password, target.dbname) == (
        "db.example", 6543, "pst", "s@cret", "warehouse")
    assert target.dbt_env()["PST_PG_PORT"] == "6543"
    assert "s@cret" not in target.describe()


def test_socket_url_from_pgserver():
    target = parse_database_url("postgresql://postgres:@/postgres?host=/data/pg", embedded=True)
    assert target.host == "/data/pg" and target.port == 5432 and target.embedded


def test_other_schemes_are_refused_clearly():
    with pytest.raises(ValueError, match="PST_DATABASE_URL"):
        parse_database_url("mysql://u:p@h/db")
