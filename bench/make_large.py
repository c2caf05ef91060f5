"""A restaurant chain's year of POS lines, made by the sample generator at scale.

Default: 20 outlets x 365 days, about 10 million lines, Parquet sorted by
business_date (row groups of ~120k rows, so one day's preview reads few of them),
plus the same lines as CSV. Files are cached under bench/out/ (gitignored), named
by their parameters, so every benchmark after the first reuses them.

    python bench/make_large.py                       # the year file + its CSV
    python bench/make_large.py --outlets 2 --days 5  # something small
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# POSBOOKS_BENCH_OUT lets the smoke test keep its tiny files out of the shared cache
OUT_DIR = Path(os.environ.get("POSBOOKS_BENCH_OUT") or BENCH_DIR / "out")
GENERATOR = ROOT / "data" / "make_sample.py"
END_DATE = "2026-11-24"  # the sample's fixed end date: figures do not depend on today
RECEIPTS_PER_DAY = 170  # per outlet: ~8 lines a receipt gives ~10M lines for 20 x 365


def large_export(
    *,
    outlets: int = 20,
    days: int = 365,
    receipts_per_day: int = RECEIPTS_PER_DAY,
    fmt: str = "parquet",
    out_dir: Path | None = None,
) -> Path:
    """The cached export for these parameters, generating it first if missing."""
    out_dir = out_dir or OUT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"sales_{outlets}x{days}_r{receipts_per_day}_{END_DATE}"
    parquet = out_dir / f"{stem}.parquet"
    if not parquet.exists():
        _generate(parquet, outlets=outlets, days=days, receipts_per_day=receipts_per_day)
    if fmt == "parquet":
        return parquet
    if fmt != "csv":
        raise ValueError(f"format must be parquet or csv, not {fmt!r}")
    csv = out_dir / f"{stem}.csv"
    if not csv.exists():
        _to_csv(parquet, csv)
    return csv


def _generate(target: Path, *, outlets: int, days: int, receipts_per_day: int) -> None:
    """Run data/make_sample.py; write to a temporary name so a killed run leaves no cache."""
    partial = target.with_suffix(".partial.parquet")
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "--outlets",
            str(outlets),
            "--days",
            str(days),
            "--receipts-per-day",
            str(receipts_per_day),
            "--end",
            END_DATE,
            "--format",
            "parquet",
            "--output",
            str(partial),
        ],
        check=True,
        cwd=ROOT,
    )
    partial.rename(target)
    print(f"generated {target.name} in {time.perf_counter() - start:.1f} s", file=sys.stderr)


def _to_csv(parquet: Path, csv: Path) -> None:
    """The same lines as CSV (ISO dates, amounts like 1234.50), in the same order."""
    partial = csv.with_suffix(".partial.csv")
    con = duckdb.connect()
    try:
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{parquet}')) TO '{partial}' (HEADER, DELIMITER ',')"
        )
    finally:
        con.close()
    partial.rename(csv)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--receipts-per-day", type=int, default=RECEIPTS_PER_DAY)
    parser.add_argument("--no-csv", action="store_true")
    args = parser.parse_args(argv)
    kwargs = dict(outlets=args.outlets, days=args.days, receipts_per_day=args.receipts_per_day)
    print(large_export(**kwargs, fmt="parquet"))
    if not args.no_csv:
        print(large_export(**kwargs, fmt="csv"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
