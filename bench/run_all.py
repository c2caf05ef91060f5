"""Every benchmark, in order (`make bench`): the year file, preview, fresh processes, Excel,
the browser, scale, backfill.

The backfill takes minutes by design (QuickBooks' 40 batch requests a minute);
``--quick`` runs everything at a small scale instead, to check the scripts work.

    python bench/run_all.py            # the full figures for bench/RESULTS.md
    python bench/run_all.py --quick    # a few outlets and days, into bench/out/RESULTS-quick.md
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_backfill  # noqa: E402
import bench_browser  # noqa: E402
import bench_excel  # noqa: E402
import bench_fresh  # noqa: E402
import bench_preview  # noqa: E402
import make_large  # noqa: E402
import scale  # noqa: E402
from harness import RESULTS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scale, separate results file")
    parser.add_argument(
        "--skip-backfill", action="store_true", help="leave out the minutes-long backfill"
    )
    args = parser.parse_args(argv)

    if args.quick:
        results = make_large.OUT_DIR / "RESULTS-quick.md"
        size = ["--outlets", "3", "--days", "10"]
        steps = [
            ("preview", bench_preview.main, [*size, "--csv-runs", "1"]),
            ("fresh", bench_fresh.main, [*size, "--runs", "1", "--day", "2026-11-20"]),
            ("excel", bench_excel.main, [*size, "--lines", "2000", "--runs", "1"]),
            ("scale", scale.main, ["--outlets", "1", "3", "--days", "10", "--runs", "1"]),
            ("backfill", bench_backfill.main, size),
        ]
    else:
        results = RESULTS
        steps = [
            ("year file", make_large.main, []),
            ("preview", bench_preview.main, ["--csv-runs", "1"]),
            ("fresh", bench_fresh.main, []),
            ("excel", bench_excel.main, []),
            ("browser", bench_browser.main, []),
            ("scale", scale.main, []),
            ("backfill", bench_backfill.main, []),
        ]
    if args.skip_backfill:
        steps = [s for s in steps if s[0] != "backfill"]
    failed = []
    for name, run, step_args in steps:
        start = time.perf_counter()
        extra = [] if name == "year file" else ["--results", str(results)]
        status = run([*step_args, *extra])
        print(f"== {name}: exit {status} in {time.perf_counter() - start:.0f} s", flush=True)
        if status:
            failed.append(name)
    print(f"results in {results}" + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
