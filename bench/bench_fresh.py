"""What a new user meets first: whole fresh `posbooks` processes against DuckDB's own floor.

Each figure is the median of N runs of a whole process (interpreter start, imports,
validation, the query, the JSON printed), run alternately with its floor in the same loop
so both suffer the machine's load alike; ratios are what to read on a busy machine.

The processes run as on a user's machine: without PYTHONDONTWRITEBYTECODE (a development
environment may set it; then every run compiles posbooks' editable sources again, ~0.1 s),
after one untimed warm-up run of each command that writes the bytecode and fills the OS
file cache.

- one day from the year Parquet, the file never seen (an empty POSBOOKS_HOME each run),
  then a second process on the unchanged file (the verdict kept in the home);
- one day from the year CSV, fresh process, and its peak memory;
- `posbooks --help` and `posbooks status`.

The floor is one DuckDB query in a fresh interpreter: the day's sums per outlet, line type
and key over the same file (read_parquet / read_csv). Writes the "fresh" section of
bench/RESULTS.md.

    python bench/bench_fresh.py                 # 5 runs each
    python bench/bench_fresh.py --runs 3 --outlets 2 --days 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import RESULTS, ROOT, machine_block, seconds, table, write_section  # noqa: E402
from make_large import large_export  # noqa: E402

POSBOOKS = [sys.executable, "-m", "posbooks.cli"]
FLOOR = """
import sys, duckdb
src, day = sys.argv[1], sys.argv[2]
rel = f"read_parquet('{src}')" if src.endswith('.parquet') else f"read_csv('{src}')"
print(len(duckdb.sql(
    "SELECT business_date, outlet, line_type, coalesce(category, tax_code, payment_method), "
    f"sum(amount) FROM {rel} WHERE business_date = DATE '{day}' AND NOT voided GROUP BY ALL"
).fetchall()))
"""
# What validating a file can least cost: DuckDB alone grouping every line of the year by
# receipt (does each balance?) and by day and key (the sums a preview reads), the two
# questions no row-group statistic answers, in a fresh interpreter.
SCAN = """
import sys, duckdb
rel = f"read_parquet('{sys.argv[1]}')"
con = duckdb.connect()
print(con.sql(
    "SELECT count(*) FROM (SELECT business_date, outlet, receipt_no, "
    "sum(CASE WHEN line_type = 'payment' THEN -amount ELSE amount END) FROM " + rel +
    " GROUP BY ALL)").fetchall(), con.sql(
    "SELECT count(*) FROM (SELECT business_date, outlet, line_type, category, tax_code, "
    "payment_method, sum(amount) FROM " + rel + " WHERE NOT voided GROUP BY ALL)").fetchall())
"""
TIME = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)


def run(argv: list[str], env: dict) -> tuple[float, float | None, str]:
    """Wall seconds, peak resident MiB (None without GNU time) and stdout of one process."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as peak:
        prefix = [TIME, "-f", "%M", "-o", peak.name] if TIME else []
        start = time.perf_counter()
        done = subprocess.run([*prefix, *argv], env=env, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode not in (0, 1):  # status exits 1 when not connected
            raise RuntimeError(f"{argv} failed:\n{done.stderr[-2000:]}")
        text = peak.read().strip().splitlines() if TIME else []
    mib = int(text[-1]) / 1024 if text and text[-1].isdigit() else None
    return wall, mib, done.stdout


def preview(path: Path, day: date) -> list[str]:
    return [*POSBOOKS, "preview", "--source", str(path), "--date", str(day), "--format", "json"]


def floor(path: Path, day: date) -> list[str]:
    return [sys.executable, "-c", FLOOR, str(path), str(day)]


def median(values: list[float]) -> float:
    return statistics.median(values)


def user_environment() -> dict:
    """This environment as a user's shell has it: bytecode written and read again."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def warm_up(parquet: Path, csv: Path, day: date, env: dict, home: Path) -> None:
    """One untimed run of each command: bytecode compiled, files in the OS cache."""
    home.mkdir()
    env = {**env, "POSBOOKS_HOME": str(home)}
    for argv in (floor(parquet, day), preview(parquet, day), preview(parquet, day),
                 floor(csv, day), preview(csv, day), [*POSBOOKS, "--help"],
                 [*POSBOOKS, "status"]):  # fmt: skip
        run(argv, env)


def measure(parquet: Path, csv: Path, day: date, runs: int) -> list[list]:
    env = {**user_environment(), "POSBOOKS_HOME": ""}
    homes = Path(tempfile.mkdtemp(prefix="posbooks-bench-homes-"))
    t = {
        k: []
        for k in (
            "floor_pq",
            "scan",
            "first",
            "second",
            "floor_csv",
            "csv",
            "pass",
            "help",
            "status",
        )  # fmt: skip
    }
    mem = {"csv": [], "first": [], "floor_csv": []}
    outputs = set()
    try:
        warm_up(parquet, csv, day, env, homes / "warm-up")
        for i in range(runs):
            home = homes / f"home{i}"
            home.mkdir()
            env["POSBOOKS_HOME"] = str(home)
            t["floor_pq"].append(run(floor(parquet, day), env)[0])
            t["scan"].append(run([sys.executable, "-c", SCAN, str(parquet)], env)[0])
            wall, mib, out = run(preview(parquet, day), env)  # never seen: validates
            t["first"].append(wall)
            mem["first"].append(mib)
            outputs.add(out)
            wall, _, out = run(preview(parquet, day), env)  # the verdict kept in the home
            t["second"].append(wall)
            outputs.add(out)
            t["floor_pq"].append(run(floor(parquet, day), env)[0])
            wall, mib, _ = run(floor(csv, day), env)
            t["floor_csv"].append(wall)
            mem["floor_csv"].append(mib)
            wall, mib, out = run(preview(csv, day), env)
            t["csv"].append(wall)
            mem["csv"].append(mib)
            outputs.add(out)
            t["pass"].append(run([sys.executable, "-c", "pass"], env)[0])
            t["help"].append(run([*POSBOOKS, "--help"], env)[0])
            run([*POSBOOKS, "status"], env)  # the first makes the home's database
            t["status"].append(run([*POSBOOKS, "status"], env)[0])
            print(f"run {i + 1}/{runs}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in t.items()),
                  flush=True)  # fmt: skip
    finally:
        shutil.rmtree(homes, ignore_errors=True)
    m = {k: median(v) for k, v in t.items()}

    def peak(name: str) -> str:
        values = [v for v in mem[name] if v is not None]
        return f"{max(values):,.0f} MiB" if values else "n/a"

    same = "yes" if len(outputs) == 1 else f"NO ({len(outputs)} different outputs)"
    ratio = lambda a, b: f"{m[a] / m[b]:.1f}x"  # noqa: E731
    return [
        ["one day, year Parquet, first time (validates)", seconds(m["first"]),
         f"floor {seconds(m['floor_pq'])}", ratio("first", "floor_pq"), "<= 3x floor",
         "yes" if m["first"] <= 3 * m["floor_pq"] else "NO"],
        ["  DuckDB alone grouping the year by receipt and by day (fresh process)",
         seconds(m["scan"]), f"floor {seconds(m['floor_pq'])}", ratio("scan", "floor_pq"),
         "", ""],
        ["one day, year Parquet, second process (verdict kept)", seconds(m["second"]),
         f"floor {seconds(m['floor_pq'])}", ratio("second", "floor_pq"), "<= 1.5x floor",
         "yes" if m["second"] <= 1.5 * m["floor_pq"] else "NO"],
        ["one day, year CSV (fresh process)", seconds(m["csv"]),
         f"DuckDB read_csv {seconds(m['floor_csv'])}", ratio("csv", "floor_csv"),
         "<= 2x read_csv", "yes" if m["csv"] <= 2 * m["floor_csv"] else "NO"],
        ["peak memory, one day from the CSV", peak("csv"), f"read_csv {peak('floor_csv')}", "",
         "< 1 GiB", "yes" if peak("csv") != "n/a" and max(mem["csv"]) < 1024 else "?"],
        ["peak memory, Parquet first time", peak("first"), "", "", "", ""],
        ["posbooks --help", seconds(m["help"]), f"python -c pass {seconds(m['pass'])}", "",
         "< 0.3 s", "yes" if m["help"] < 0.3 else "NO"],
        ["posbooks status", seconds(m["status"]), "", "", "< 0.3 s",
         "yes" if m["status"] < 0.3 else "NO"],
        ["same preview JSON from every run and format", same, "", "", "identical",
         "yes" if len(outputs) == 1 else "NO"],
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--day", default="2026-04-25", help="the day previewed (the busiest)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    parquet = large_export(outlets=args.outlets, days=args.days)
    csv = large_export(outlets=args.outlets, days=args.days, fmt="csv")
    rows = measure(parquet, csv, date.fromisoformat(args.day), args.runs)
    body = "\n".join([
        f"## Fresh processes: what a new user or a cron job meets first ({args.outlets} outlets "
        f"x {args.days} days)",
        "",
        f"Whole `posbooks preview --date {args.day} --format json` processes, medians of "
        f"{args.runs}, each run alternating posbooks and the DuckDB floor (the day's sums in one "
        "query over the same file, fresh interpreter). Read the ratios: the machine is shared. "
        "As on a user's machine: bytecode written (PYTHONDONTWRITEBYTECODE removed from the "
        "processes' environment) and one untimed warm-up run of each command first. "
        "A file seen for the first time is validated whole, so its row also shows what "
        "DuckDB alone takes for the two groupings of every line that validation cannot "
        "avoid (by receipt: does each balance; by day and key: the sums previews read).",
        "",
        table(["Figure", "posbooks", "Compared with", "Ratio", "Target", "Met"], rows),
        "",
        "Machine:",
        machine_block(),
    ])  # fmt: skip
    print(body)
    write_section("fresh", body, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
