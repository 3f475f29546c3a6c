"""`python -m orchestration.sample_data --out DIR [--scale N] [--seed S] [--start D] [--end D]`."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from orchestration.sample_data.generate import (
    DEFAULT_END,
    DEFAULT_OUT_DIR,
    DEFAULT_SEED,
    DEFAULT_START,
    generate_sample,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.sample_data",
                                     description="Write the local sample CSV files.")
    parser.add_argument("--out", default=str(DEFAULT_OUT_DIR), help="output directory")
    parser.add_argument("--scale", type=int, default=1, help="multiplies items and lines")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START,
                        help="first forecast/staffing date (YYYY-MM-DD)")
    parser.add_argument("--end", type=date.fromisoformat, default=DEFAULT_END,
                        help="last forecast/staffing date (YYYY-MM-DD)")
    parser.add_argument("--inventory-every", type=int, default=1, metavar="DAYS",
                        help="days between inventory snapshots (default daily, like the ERP)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    counts = generate_sample(args.out, scale=args.scale, seed=args.seed, start=args.start,
                             end=args.end, inventory_every_days=args.inventory_every)
    elapsed = time.perf_counter() - began
    summary = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    print(f"wrote {args.out} in {elapsed:.1f}s: {summary}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
