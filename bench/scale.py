"""How building every daily journal draft grows with outlets x days.

For 1, 5, 20 and 50 outlets over the same days: the first build in a fresh process
(validation included), the warm build (validation cached), peak memory, and the
cost per outlet-day and per million lines. Flat per-outlet-day cost = linear growth.
Prints a table and writes the "scale" section of bench/RESULTS.md.

    python bench/scale.py                          # 1, 5, 20, 50 outlets x 90 days
    python bench/scale.py --outlets 1 2 --days 3   # a quick look
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_preview import date_span  # noqa: E402
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
from probe import posbooks_drafts  # noqa: E402


def measure(outlets: list[int], days: int, runs: int) -> list[list]:
    """One table row per outlet count."""
    rows: list[list] = []
    base_cost: float | None = None
    previous: tuple[int, float] | None = None  # (outlet-days, warm seconds) of the size before
    for count in outlets:
        path = large_export(outlets=count, days=days, fmt="parquet")
        first, last, lines = date_span(path)
        cold = run_probe("posbooks", path, first, last)
        start = time.perf_counter()
        posbooks_drafts(path, first, last)  # validates once; the warm runs reuse it
        first_in_process = time.perf_counter() - start
        warm, (drafts, _) = median_seconds(
            lambda p=path, a=first, b=last: posbooks_drafts(p, a, b), runs
        )
        outlet_days = len(drafts)
        per_outlet_day = warm / outlet_days
        base_cost = base_cost or per_outlet_day
        # the cost of the extra outlet-days over the size before: flat = linear growth
        marginal = (
            f"{(warm - previous[1]) / (outlet_days - previous[0]) * 1e6:.0f} us"
            if previous and outlet_days > previous[0]
            else ""
        )
        previous = (outlet_days, warm)
        rows.append(
            [
                count,
                days,
                f"{lines:,}",
                outlet_days,
                seconds(cold["seconds"]),
                seconds(first_in_process),
                seconds(warm),
                f"{per_outlet_day * 1e6:.0f} us",
                f"{per_outlet_day / base_cost:.2f}",
                marginal,
                f"{warm / lines * 1e6 * 1e3:.0f} ms",
                f"{cold['vmhwm_kb'] / 1024:.0f} MiB",
            ]
        )
        print(rows[-1], flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, nargs="+", default=[1, 5, 20, 50])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--runs", type=int, default=3, help="warm runs per size (median)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="RESULTS.md to update")
    args = parser.parse_args(argv)

    rows = measure(args.outlets, args.days, args.runs)
    headers = [
        "Outlets",
        "Days",
        "POS lines",
        "Drafts",
        "Fresh process",
        "First in process",
        "Warm build",
        "Warm per outlet-day",
        "vs smallest",
        "Marginal per added outlet-day",
        "Warm per 1M lines",
        "Peak memory",
    ]
    text = (
        f"## Scale: all daily journal drafts as outlets grow ({args.days} days)\n\n"
        "Fresh process = imports + validation + totals + drafts, in a new interpreter. "
        "Warm = the same with the validation cached (what a running app pays). "
        f"Warm times are medians of {args.runs} runs.\n\n"
        f"{table(headers, rows)}\n\nMachine:\n{machine_block()}\n"
    )
    print(text)
    write_section("scale", text, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
