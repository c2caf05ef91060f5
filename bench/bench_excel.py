"""An Excel export of 400k POS lines against the same lines as CSV (issue 16, section 3).

Builds (once, cached beside the year file) a workbook of the year's first days, about
400,000 lines, and the same lines as CSV; then opens each in a fresh interpreter
(bench/probe.py: validation, the period's totals and drafts), alternately, and reports
the medians and peak memory. Writes the "excel" section of bench/RESULTS.md.

    python bench/bench_excel.py               # 400k lines, 3 runs each
    python bench/bench_excel.py --lines 20000 --runs 1
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import RESULTS, machine_block, run_probe, seconds, table, write_section  # noqa: E402
from make_large import large_export  # noqa: E402


def same_lines(lines: int, **size: int) -> tuple[Path, Path, object, object]:
    """The workbook and the CSV of the year's first whole days holding >= ``lines`` lines."""
    year = large_export(**size)
    con = duckdb.connect()
    days = con.execute(
        f"SELECT business_date, sum(count(*)) OVER (ORDER BY business_date) FROM "
        f"read_parquet('{year}') GROUP BY 1 ORDER BY 1"
    ).fetchall()
    last = next((d for d, total in days if total >= lines), days[-1][0])
    first = days[0][0]
    stem = year.parent / f"{year.stem}_{first}_{last}"
    select = f"SELECT * FROM read_parquet('{year}') WHERE business_date <= DATE '{last}'"
    csv, xlsx = stem.with_suffix(".csv"), stem.with_suffix(".xlsx")
    if not csv.exists():
        con.execute(f"COPY ({select}) TO '{csv}' (HEADER)")
    if not xlsx.exists():
        import openpyxl

        start = time.perf_counter()
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        result = con.execute(select)
        sheet.append([d[0] for d in result.description])
        while batch := result.fetchmany(50_000):
            for row in batch:
                sheet.append(list(row))
        partial = xlsx.with_suffix(".partial.xlsx")
        book.save(partial)
        partial.rename(xlsx)
        print(f"wrote {xlsx.name} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    con.close()
    return xlsx, csv, first, last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=400_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    xlsx, csv, first, last = same_lines(args.lines, outlets=args.outlets, days=args.days)
    probes: dict[str, list[dict]] = {"xlsx": [], "csv": []}
    for i in range(args.runs):
        for name, path in (("csv", csv), ("xlsx", xlsx)):
            probes[name].append(run_probe("posbooks", path, first, last))
        print(f"run {i + 1}: " + ", ".join(f"{k} {v[-1]['seconds']:.2f} s" for k, v in probes.items()),
              flush=True)  # fmt: skip
    t = {k: statistics.median(p["seconds"] for p in v) for k, v in probes.items()}
    peak = {k: max(p["vmhwm_kb"] for p in v) / 1024 for k, v in probes.items()}
    lines = duckdb.sql(f"SELECT count(*) FROM read_csv('{csv}')").fetchall()[0][0]
    same = probes["xlsx"][-1]["lines"] == probes["csv"][-1]["lines"]
    rows = [
        ["open + validate + drafts, .xlsx", seconds(t["xlsx"]), f"{lines:,} lines, "
         f"{xlsx.stat().st_size / 2**20:.1f} MiB", f"CSV {seconds(t['csv'])}: "
         f"{t['xlsx'] / t['csv']:.1f}x", "<= 2x CSV", "yes" if t["xlsx"] <= 2 * t["csv"] else "NO"],
        ["peak memory, .xlsx", f"{peak['xlsx']:,.0f} MiB", "", f"CSV {peak['csv']:,.0f} MiB",
         "< 1 GiB", "yes" if peak["xlsx"] < 1024 else "NO"],
        ["same drafts from both", "yes" if same else "NO", "", "", "identical",
         "yes" if same else "NO"],
    ]  # fmt: skip
    body = "\n".join([
        f"## Excel: a {lines:,}-line sheet vs the same lines as CSV",
        "",
        f"Days {first} to {last} of the year file; each a fresh interpreter (bench/probe.py: "
        f"open, validate, total and draft every day), alternately, medians of {args.runs}. "
        "Read by python-calamine after the limits check (posbooks.pos.excel).",
        "",
        table(["Figure", "Measured", "Size", "Compared with", "Target", "Met"], rows),
        "",
        "Machine:",
        machine_block(),
    ])  # fmt: skip
    print(body)
    write_section("excel", body, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
