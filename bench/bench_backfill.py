"""Backfill a chain's year of daily journal entries to the local QuickBooks sandbox.

The sandbox enforces QuickBooks' published per-company limits (10 requests/s, 500/min,
40 batch requests/min). Reports documents created, HTTP requests, batch requests, 429s
seen (the sandbox's own counters from GET /_sandbox/state), failures, duplicates and
wall time, next to the minimum those limits impose. Takes minutes at full scale by
design; --days/--outlets scale it down. Writes the "backfill" section of RESULTS.md.

    python bench/bench_backfill.py                       # 20 outlets x 365 days
    python bench/bench_backfill.py --outlets 3 --days 10
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_preview import date_span  # noqa: E402
from harness import RESULTS, machine_block, seconds, table, write_section  # noqa: E402
from make_large import large_export  # noqa: E402

BATCH_SIZE = 30  # QuickBooks' maximum operations per batch request
BATCHES_PER_MINUTE = 40


def connected_book(home: Path, sources: list[Path]):
    """A fresh sandbox with QBO's default limits, connected, settings read, mapping saved."""
    from posbooks.drafts.mapping import pos_keys, save_mapping, suggest_mapping
    from posbooks.pos import open_exports
    from posbooks.qbo.connect import auto_approve
    from posbooks.qbo.settings import refresh_settings
    from posbooks.state.config import load_config
    from posbooks.state.store import open_store
    from qbo_sandbox import start_sandbox

    sandbox = start_sandbox(port=0)
    config = load_config(
        env={"POSBOOKS_HOME": str(home), "POSBOOKS_SANDBOX_URL": sandbox.base_url},
        secrets_file=home / "no-secrets.toml",
    )
    store = open_store(config)
    auto_approve(config, store)
    settings = refresh_settings(config, store)
    exports = open_exports(sources)
    exports.raise_if_rejected()
    keys, outlets = pos_keys(exports)
    exports.con.close()
    save_mapping(store, suggest_mapping(keys, settings, outlets=outlets), note="benchmark")
    return sandbox, config, store


def backfill(path: Path, outlets: int, days: int) -> tuple[list[list], dict]:
    """Post every day of the file once, then once more (the re-run must create nothing)."""
    from posbooks.posting.plan import post_range

    first, last, line_count = date_span(path)
    with tempfile.TemporaryDirectory(prefix="posbooks-bench-") as home:
        sandbox, config, store = connected_book(Path(home), [path])
        try:
            before = sandbox.admin("state")["requests"]
            done = Counter()

            def progress(count: int, total: int, outcome) -> None:
                done[outcome.status] += 1
                if count % 500 == 0 or count == total:
                    print(f"  {count}/{total} {dict(done)}", file=sys.stderr, flush=True)

            start = time.perf_counter()
            outcomes = post_range(
                config, store, sources=[path], date_from=first, date_to=last, progress=progress
            )
            wall = time.perf_counter() - start
            after = sandbox.admin("state")
            rerun_start = time.perf_counter()
            again = post_range(config, store, sources=[path], date_from=first, date_to=last)
            rerun_wall = time.perf_counter() - rerun_start
            final = sandbox.admin("state")
        finally:
            sandbox.stop()

    statuses = Counter(o.status for o in outcomes)
    rerun = Counter(o.status for o in again)
    created = statuses.get("created", 0)
    journals = final["entities"][sandbox.realm_id].get("JournalEntry", 0)
    api = _api_requests(before, after["requests"])
    requests = sum(api.values())
    batches = sum(v for k, v in api.items() if k.endswith("/batch"))
    throttled = after["requests"]["throttled_429"] - before["throttled_429"]
    documents = len(outcomes)
    minimum_batches = math.ceil(documents / BATCH_SIZE)
    floor_seconds = documents / BATCH_SIZE / BATCHES_PER_MINUTE * 60
    failed = {k: v for k, v in statuses.items() if k not in ("created", "unchanged")}
    duplicates = journals - created
    lookups = requests - batches
    shapes = ", ".join(f"{k.split('/{id}/')[-1]} {v}" for k, v in sorted(api.items()))
    rows = [
        ["documents (outlet-days)", documents, f"{line_count:,} POS lines", ""],
        ["created", created, "", ""],
        ["not created (blocked/failed)", sum(failed.values()) or 0, str(failed or ""), "none"],
        ["API requests (/v3)", requests, shapes, f"<= {minimum_batches} + look-ups"],
        [
            "batch requests",
            batches,
            f"{documents / max(batches, 1):.1f} docs per batch",
            f"<= 1 per {BATCH_SIZE} docs",
        ],
        ["look-ups and other requests", lookups, f"{lookups / max(documents, 1):.2f} per doc", ""],
        ["429s answered by the sandbox", throttled, "", "seen, absorbed"],
        ["wall time on the sandbox", seconds(wall), f"{documents / wall:.1f} docs/s", ""],
        [
            "minimum under QBO limits",
            seconds(floor_seconds),
            f"{minimum_batches} batches / {BATCHES_PER_MINUTE} per min",
            f"wall / minimum {wall / floor_seconds:.2f}" if floor_seconds else "",
        ],
        [
            "JournalEntry objects in the company",
            journals,
            f"duplicates: {duplicates}",
            "0 duplicates",
        ],
        ["re-run of the same range", seconds(rerun_wall), dict(rerun), "creates nothing"],
    ]
    raw = {
        "documents": documents,
        "created": created,
        "duplicates": duplicates,
        "failed": failed,
        "rerun_created": rerun.get("created", 0),
        "requests": requests,
        "batches": batches,
        "throttled": throttled,
        "wall": wall,
        "first": first,
        "last": last,
    }
    return rows, raw


def _api_requests(before: dict, after: dict) -> dict[str, int]:
    """/v3 requests by method and path shape made between two /_sandbox/state readings."""
    return {
        k: v - before["by_path"].get(k, 0)
        for k, v in after["by_path"].items()
        if "/v3/" in k and v - before["by_path"].get(k, 0)
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--results", type=Path, default=RESULTS, help="RESULTS.md to update")
    args = parser.parse_args(argv)

    path = large_export(outlets=args.outlets, days=args.days, fmt="parquet")
    rows, raw = backfill(path, args.outlets, args.days)
    text = (
        f"## Backfill: {args.outlets} outlets x {args.days} days of journal entries "
        "to the sandbox with QBO limits enforced\n\n"
        f"Range {raw['first']} to {raw['last']}, sandbox limits 10 req/s, 500/min, "
        "40 batch/min per company (QuickBooks' published values).\n\n"
        f"{table(['Figure', 'Measured', 'Detail', 'Target'], rows)}\n\n"
        f"Machine:\n{machine_block()}\n"
    )
    print(text)
    write_section("backfill", text, args.results)
    ok = not raw["failed"] and raw["duplicates"] == 0 and raw["rerun_created"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
