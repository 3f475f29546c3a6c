"""`python -m orchestration.warehouse env|stop|url`.

`eval "$(python -m orchestration.warehouse env)"` starts the embedded warehouse
(it stays up) and exports the variables dbt's profile reads, so an analyst can
run plain `dbt build` in dbt_project/.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from orchestration import settings
from orchestration.warehouse.connection import ensure_warehouse
from orchestration.warehouse.embedded import stop_embedded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.warehouse")
    parser.add_argument("command", choices=["env", "stop", "url"])
    args = parser.parse_args(argv)
    if args.command == "stop":
        stopped = stop_embedded(settings.pst_home() / "warehouse")
        print("embedded warehouse stopped" if stopped else "embedded warehouse was not running",
              file=sys.stderr)
        return 0
    target = ensure_warehouse(keep_running=True)
    if args.command == "url":
        print(target.describe())
        return 0
    # no target: a plain `dbt build` uses the analysts' `dev` target (its own schemas)
    env = {**target.dbt_env(), "DBT_PROFILES_DIR": str(settings.DBT_PROJECT_DIR)}
    for key, value in env.items():
        print(f"export {key}={shlex.quote(value)}")
    print(f"# {target.describe()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
