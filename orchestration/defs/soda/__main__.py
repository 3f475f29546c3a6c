"""`python -m orchestration.defs.soda [CONTRACT ...] [--set NAME=VALUE ...] [--json]`: verify
the Soda contracts against the warehouse by hand (PST_DATABASE_URL, else the embedded one)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from orchestration.defs.soda.contracts import RANK, verify_contract
from orchestration.defs.soda.specs import CONTRACTS, contract_variables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.defs.soda",
                                     description="Verify Soda contracts against the warehouse "
                                                 "(PST_DATABASE_URL, else the embedded one).")
    parser.add_argument("contracts", nargs="*", metavar="CONTRACT",
                        help=f"any of {', '.join(CONTRACTS)} (default: all)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a contract variable, e.g. RUN_DATE=2026-11-23 or NOW=2026-11-23T06:00:00+00:00")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    args = parser.parse_args(argv)
    unknown = [name for name in args.contracts if name not in CONTRACTS]
    if unknown:
        parser.error(f"unknown contract(s) {', '.join(unknown)}; choose from {', '.join(CONTRACTS)}")
    if any("=" not in item for item in args.set):
        parser.error("--set takes NAME=VALUE")
    variables = dict(item.split("=", 1) for item in args.set)

    from orchestration.warehouse import ensure_warehouse  # noqa: PLC0415

    target = ensure_warehouse()
    worst, verified = "pass", 0
    for name in args.contracts or list(CONTRACTS):
        declared = contract_variables(name)
        missing = [var for var, default in declared.items()
                   if default is None and var not in variables and var not in ("DATABASE", "PUBLISH_SCHEMA", "NOW")]
        if missing:
            print(f"{name}: skipped, needs --set {'=... --set '.join(missing)}=...", file=sys.stderr)
            continue
        outcome = verify_contract(CONTRACTS[name], target,
                                  {var: value for var, value in variables.items() if var in declared})
        worst, verified = max(worst, outcome.worst, key=RANK.__getitem__), verified + 1
        if args.json:
            print(json.dumps({"contract": outcome.contract, "dataset": outcome.dataset,
                              "worst": outcome.worst, "errors": list(outcome.errors),
                              "duration_s": outcome.duration_s,
                              "checks": [dataclasses.asdict(check) for check in outcome.checks]}, indent=2))
        else:
            print(outcome.log_excerpt, end="\n\n")
    if not verified:
        return 2
    return 1 if worst in ("fail", "error") else 0




if __name__ == "__main__":
    sys.exit(main())
