"""One measured task in a fresh interpreter: its time from a cold start and peak memory.

``python bench/probe.py TASK FILE DATE_FROM DATE_TO`` prints one JSON line:
``{"task", "seconds", "drafts", "lines", "vmhwm_kb"}``. A fresh process is the only
honest way to see the first (validating) open of a file and its peak resident memory.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path


def vmhwm_kb() -> int:
    """Peak resident memory of this process so far (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def posbooks_drafts(
    path: Path, date_from: date, date_to: date, kept_sums: bool = True
) -> tuple[list, list]:
    """The preview path: open the export, total the days, build every outlet-day's journal
    draft (posbooks.core.journal.journal_entries, as Preview does for a period).

    ``kept_sums=False`` totals the days from the lines, as if validation had not kept the
    file's per-day sums: what the DuckDB floor is a fair yardstick for."""
    from types import SimpleNamespace

    from posbooks.core.journal import journal_entries
    from posbooks.pos import open_exports
    from posbooks.pos.totals import daily_totals

    exports = open_exports([path])
    exports.raise_if_rejected()
    source = (
        exports
        if kept_sums
        else SimpleNamespace(con=exports.con, view=exports.view, receipts=exports.receipts)
    )
    days = daily_totals(source, date_from, date_to)
    exports.con.close()
    return journal_entries(days), days


def posbooks_preview(path: Path, date_from: date, date_to: date):
    """What the Preview page and ``posbooks preview`` compute: drafts plus the tie-out of
    every POS total to them (posbooks.drafts.preview.preview_exports)."""
    from posbooks.drafts.preview import preview_exports
    from posbooks.pos import open_exports

    exports = open_exports([path])
    try:
        return preview_exports(exports, date_from, date_to)
    finally:
        exports.con.close()


def run(task: str, path: Path, date_from: date, date_to: date) -> dict:
    """Run one task once and describe it."""
    start = time.perf_counter()
    if task == "posbooks":
        drafts, days = posbooks_drafts(path, date_from, date_to)
        lines = sum(len(d.lines) for d in drafts)
    elif task == "pandas":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from pandas_baseline import pandas_drafts

        drafts, days = pandas_drafts(path, date_from, date_to)
        lines = sum(len(d.lines) for d in drafts)
    else:
        raise SystemExit(f"unknown task {task!r}")
    seconds = time.perf_counter() - start
    return {
        "task": task,
        "seconds": seconds,
        "drafts": len(drafts),
        "lines": lines,
        "vmhwm_kb": vmhwm_kb(),
    }


def main(argv: list[str]) -> int:
    task, path, date_from, date_to = argv
    result = run(task, Path(path), date.fromisoformat(date_from), date.fromisoformat(date_to))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
