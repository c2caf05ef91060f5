"""Preview speed and memory on a year of a restaurant chain's POS lines.

Figures (each the median of several runs, the baseline run in the same process):
one day's preview for all outlets; all daily journal drafts of the year; the same
with pandas; the DuckDB floor (just reading the needed columns); peak memory in a
fresh process; the CSV version. Prints a table and writes the "preview" section of
bench/RESULTS.md.

    python bench/bench_preview.py                       # 20 outlets x 365 days
    python bench/bench_preview.py --outlets 2 --days 5  # a quick look
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    RESULTS,
    machine_block,
    median_seconds,
    run_probe,
    seconds,
    table,
    write_section,
)
from make_large import large_export  # noqa: E402
from pandas_baseline import comparable, floor_read, pandas_drafts  # noqa: E402
from probe import posbooks_drafts, posbooks_preview  # noqa: E402

MAX_MEMORY_MB = 1536


def date_span(path: Path) -> tuple[date, date, int]:
    """First and last business date in the file, and its number of lines."""
    con = duckdb.connect()
    try:
        first, last, count = con.execute(
            "SELECT min(business_date), max(business_date), count(*) FROM read_parquet(?)",
            [str(path)],
        ).fetchone()
    finally:
        con.close()
    return first, last, count


def busiest_day(path: Path) -> date:
    """The day with most lines: the preview a bookkeeper waits longest for."""
    con = duckdb.connect()
    try:
        return con.execute(
            "SELECT business_date FROM read_parquet(?) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
            [str(path)],
        ).fetchone()[0]
    finally:
        con.close()


def yes(flag: bool) -> str:
    return "yes" if flag else "NO"


def csv_rows(csv: Path, parquet: Path, day: date, cold_parquet: dict, runs: int) -> list[list]:
    """Figure 6: the first preview of a day from the CSV version vs the Parquet one, each
    in a fresh process (a CSV is loaded whole: no row groups to skip)."""
    csv_probes = [run_probe("posbooks", csv, day, day) for _ in range(runs)]
    pq_probes = [cold_parquet] + [run_probe("posbooks", parquet, day, day) for _ in range(runs - 1)]
    t_csv = statistics.median(p["seconds"] for p in csv_probes)
    t_pq = statistics.median(p["seconds"] for p in pq_probes)
    mem_csv = max(p["vmhwm_kb"] for p in csv_probes) / 1024
    size = f"{csv.stat().st_size / 2**20:,.0f} MiB vs {parquet.stat().st_size / 2**20:,.0f} MiB"
    return [
        ["6. one day from the CSV version (fresh process)", seconds(t_csv), size,
         f"Parquet {seconds(t_pq)}: {t_csv / t_pq:.1f}x slower", "", ""],
        ["6. peak memory, one day from the CSV version", f"{mem_csv:.0f} MiB", "", "",
         "< 1.5 GB", yes(mem_csv < MAX_MEMORY_MB)],
    ]  # fmt: skip


def measure(
    parquet: Path, csv: Path | None, fast: int, slow: int, csv_runs: int
) -> tuple[list[list], dict]:
    """Every figure of the preview benchmark, as table rows plus the raw numbers."""
    first, last, line_count = date_span(parquet)
    day = busiest_day(parquet)

    start = time.perf_counter()
    posbooks_drafts(parquet, day, day)  # first open in this process validates the file
    first_open = time.perf_counter() - start

    t_day, (day_drafts, day_totals) = median_seconds(
        lambda: posbooks_drafts(parquet, day, day), fast
    )
    t_year, (year_drafts, year_totals) = median_seconds(
        lambda: posbooks_drafts(parquet, first, last), slow
    )
    t_lines_year, (lines_drafts, _) = median_seconds(
        lambda: posbooks_drafts(parquet, first, last, kept_sums=False), slow
    )
    t_preview_year, year_preview = median_seconds(
        lambda: posbooks_preview(parquet, first, last), slow
    )
    t_floor_day, _ = median_seconds(lambda: floor_read(parquet, day, day), fast)
    t_floor_year, _ = median_seconds(lambda: floor_read(parquet, first, last), slow)
    t_pd_day, (pd_day_drafts, pd_day) = median_seconds(
        lambda: pandas_drafts(parquet, day, day), fast
    )
    t_pd_year, (pd_year_drafts, pd_year) = median_seconds(
        lambda: pandas_drafts(parquet, first, last), slow
    )

    same_day = comparable(day_totals) == comparable(pd_day) and day_drafts == pd_day_drafts
    same_year = comparable(year_totals) == comparable(pd_year) and year_drafts == pd_year_drafts
    balanced = all(d.balanced for d in year_drafts)
    ties = year_preview.ties and len(year_preview.entries) == len(year_drafts)

    cold_day = run_probe("posbooks", parquet, day, day)
    cold_year = run_probe("posbooks", parquet, first, last)
    pandas_year_mem = run_probe("pandas", parquet, first, last)
    mem_day = cold_day["vmhwm_kb"] / 1024
    mem_year = cold_year["vmhwm_kb"] / 1024

    rows = [
        [
            "1. one day, all outlets (warm)",
            seconds(t_day),
            f"{len(day_drafts)} drafts",
            f"floor {seconds(t_floor_day)}: {t_day / t_floor_day:.1f}x",
            "< 0.5 s, <= 3x floor",
            yes(t_day < 0.5 and t_day <= 3 * t_floor_day),
        ],
        [
            "1. one day, first open in this process (validates the year file)",
            seconds(first_open),
            "",
            "",
            "",
            "",
        ],
        [
            "1. one day, fresh process (verdict kept by the first open)",
            seconds(cold_day["seconds"]),
            "",
            "",
            "",
            "",
        ],
        [
            "2. whole year, all journal drafts (warm)",
            seconds(t_year),
            f"{len(year_drafts)} drafts",
            f"floor {seconds(t_floor_year)}: {t_year / t_floor_year:.1f}x",
            "< 5 s",
            yes(t_year < 5),
        ],
        [
            "2. whole year, totalled from the lines (validation's kept sums unused) (warm)",
            seconds(t_lines_year),
            f"{len(lines_drafts)} drafts",
            f"floor {seconds(t_floor_year)}: {t_lines_year / t_floor_year:.1f}x; "
            f"pandas {t_pd_year / t_lines_year:.1f}x slower",
            "same drafts",
            yes(lines_drafts == year_drafts),
        ],
        [
            "2. whole year, fresh process (verdict kept)",
            seconds(cold_year["seconds"]),
            "",
            "",
            "",
            "",
        ],
        [
            "2. whole year as Preview shows it: drafts + tie-out of every POS total (warm)",
            seconds(t_preview_year),
            f"{len(year_preview.tie_out)} tie-out rows",
            f"pandas drafts {t_pd_year / t_preview_year:.1f}x slower",
            "ties to the cent",
            yes(ties),
        ],
        [
            "3. pandas, one day (totals in pandas, drafts by the same core)",
            seconds(t_pd_day),
            "",
            f"posbooks {t_pd_day / t_day:.1f}x faster",
            ">= 10x",
            yes(t_pd_day >= 10 * t_day),
        ],
        [
            "3. pandas, whole year (totals in pandas, drafts by the same core)",
            seconds(t_pd_year),
            "",
            f"posbooks {t_pd_year / t_year:.1f}x faster",
            ">= 10x",
            yes(t_pd_year >= 10 * t_year),
        ],
        [
            "3. same totals and drafts as pandas (day / year)",
            f"{yes(same_day)} / {yes(same_year)}",
            f"{len(comparable(year_totals))} keys",
            "",
            "identical",
            yes(same_day and same_year),
        ],
        ["2. every year draft balances", yes(balanced), "", "", "all", yes(balanced)],
        ["4. floor: DuckDB reads needed columns, one day", seconds(t_floor_day), "", "", "", ""],
        [
            "4. floor: DuckDB reads needed columns, whole year",
            seconds(t_floor_year),
            "",
            "",
            "",
            "",
        ],
        [
            "5. peak memory, one day (fresh process)",
            f"{mem_day:.0f} MiB",
            "",
            "",
            "< 1.5 GB",
            yes(mem_day < MAX_MEMORY_MB),
        ],
        [
            "5. peak memory, whole year (fresh process)",
            f"{mem_year:.0f} MiB",
            "",
            f"pandas {pandas_year_mem['vmhwm_kb'] / 1024:.0f} MiB",
            "< 1.5 GB",
            yes(mem_year < MAX_MEMORY_MB),
        ],
    ]
    if csv is not None:
        rows += csv_rows(csv, parquet, day, cold_day, csv_runs)
    raw = {
        "lines": line_count,
        "first": first,
        "last": last,
        "day": day,
        "same_day": same_day,
        "same_year": same_year,
        "year_drafts": len(year_drafts),
    }
    return rows, raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--fast-runs", type=int, default=5, help="runs of the fast figures")
    parser.add_argument("--slow-runs", type=int, default=3, help="runs of the slow figures")
    parser.add_argument("--no-csv", action="store_true", help="skip the CSV figure")
    parser.add_argument("--csv-runs", type=int, default=3, help="fresh-process runs of the CSV")
    parser.add_argument("--results", type=Path, default=RESULTS, help="RESULTS.md to update")
    args = parser.parse_args(argv)
    # A home of its own, empty: "first open" then really validates the year (a verdict kept
    # by an earlier run would make it a look-up), and the fresh processes after it read the
    # verdict that first open kept, as a user's next process would.
    os.environ["POSBOOKS_HOME"] = tempfile.mkdtemp(prefix="posbooks-bench-home-")

    parquet = large_export(outlets=args.outlets, days=args.days, fmt="parquet")
    csv = None if args.no_csv else large_export(outlets=args.outlets, days=args.days, fmt="csv")
    rows, raw = measure(parquet, csv, args.fast_runs, args.slow_runs, args.csv_runs)
    headers = ["Figure", "Measured", "Size", "Compared with", "Target", "Met"]
    text = (
        f"## Preview: {args.outlets} outlets x {args.days} days, {raw['lines']:,} POS lines\n\n"
        f"Year {raw['first']} to {raw['last']}; the one-day figures use {raw['day']}, the "
        f"busiest day. Medians of {args.fast_runs} (fast) / {args.slow_runs} (slow) runs.\n\n"
        f"{table(headers, rows)}\n\nMachine:\n{machine_block()}\n"
    )
    print(text)
    write_section("preview", text, args.results)
    return 0 if raw["same_day"] and raw["same_year"] else 1


if __name__ == "__main__":
    sys.exit(main())
