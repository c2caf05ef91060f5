"""Reconcile a chain's period against the local QuickBooks sandbox: wall time and requests.

Posts the period first (the sandbox's and the client's rate limits raised for that
set-up step only, so a year is in QuickBooks in about a minute), waits a minute for those
calls to leave the rate windows, then reconciles it with QuickBooks' default limits, reporting wall time, /v3 requests by kind and the statuses.
``--profile`` prints a pyinstrument profile of the reconciliation. Prints figures; it is
not a test and writes nothing to RESULTS.md.

    python bench/bench_reconcile.py                        # 20 outlets x 365 days
    python bench/bench_reconcile.py --outlets 3 --days 30 --profile
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_backfill import _api_requests, connected_book  # noqa: E402
from bench_preview import date_span  # noqa: E402
from make_large import large_export  # noqa: E402

UNLIMITED = {"per_minute": 1_000_000, "per_second": 100_000, "batch_per_minute": 100_000}
QBO_LIMITS = {"per_minute": 500, "per_second": 10, "batch_per_minute": 40}


def _post_period(config, store, path: Path, first, last) -> Counter:
    """Send the period with the limits out of the way (set-up, not measured)."""
    from posbooks.posting.plan import post_range
    from posbooks.qbo.gateway import ClientLimits, open_gateway

    fast = open_gateway(config, store, limits=ClientLimits(100_000, 1_000_000, 100_000))
    outcomes = post_range(config, store, sources=[path], date_from=first, date_to=last,
                          gateway=fast)  # fmt: skip
    return Counter(o.status for o in outcomes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--unsent", action="store_true", help="reconcile without posting first")
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile")
    args = parser.parse_args(argv)

    from posbooks.reconcile.gather import reconcile

    path = large_export(outlets=args.outlets, days=args.days)
    first, last, lines = date_span(path)
    with tempfile.TemporaryDirectory(prefix="posbooks-bench-") as home:
        sandbox, config, store = connected_book(Path(home), [path])
        try:
            if not args.unsent:
                sandbox.admin("limits", UNLIMITED)
                start = time.perf_counter()
                sent = _post_period(config, store, path, first, last)
                print(f"set-up: posted {dict(sent)} in {time.perf_counter() - start:.1f} s")
                time.sleep(62)  # the set-up's minute of calls ages out of both rate limiters
            sandbox.admin("limits", QBO_LIMITS)
            before = sandbox.admin("state")["requests"]
            profiler = None
            if args.profile:
                from pyinstrument import Profiler

                profiler = Profiler()
                profiler.start()
            start = time.perf_counter()
            result = reconcile(config, store, sources=[path], date_from=first, date_to=last)
            wall = time.perf_counter() - start
            if profiler is not None:
                profiler.stop()
            after = sandbox.admin("state")["requests"]
        finally:
            sandbox.stop()
    api = _api_requests(before, after)
    print(f"period {first}..{last}, {args.outlets} outlets, {lines:,} POS lines")
    print(f"documents reconciled: {len(result.documents)}  statuses: {result.counts()}")
    print(f"reconcile wall time: {wall:.2f} s")
    print(
        f"/v3 requests: {sum(api.values())}  "
        + ", ".join(f"{k} {v}" for k, v in sorted(api.items()))
    )
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
