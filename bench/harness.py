"""Shared plumbing of the benchmark scripts: timing, the machine, peak memory, RESULTS.md.

The scripts print figures; they are not timed tests. Each figure is the median of
several runs, measured in the same process as its baseline so ratios compare like
with like on this machine.
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "RESULTS.md"


def median_seconds(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Run ``run`` ``repeat`` times; return the median wall time and the last result."""
    times: list[float] = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def machine() -> dict[str, str]:
    """What the figures were measured on: cores, memory, CPU, versions, date."""
    import duckdb
    import pandas
    import pyarrow

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return {
        "load average (1/5/15 min) when written": load,
        "date (UTC)": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "nproc": str(os.cpu_count()),
        "RAM": f"{ram_gb:.1f} GiB",
        "CPU": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "pyarrow": pyarrow.__version__,
    }


def run_probe(task: str, path: Path, date_from: date, date_to: date) -> dict:
    """Run bench/probe.py in a fresh interpreter: cold-start time, drafts, peak memory.

    The child reports its own VmHWM; RUSAGE_CHILDREN (the max over all children so
    far) is only a cross-check, kept as ``maxrss_children_kb``.
    """
    import resource

    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH_DIR / "probe.py"),
            task,
            str(path),
            str(date_from),
            str(date_to),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"probe {task} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["maxrss_children_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, readable as plain text too."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    fmt = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    lines = [fmt(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += [fmt(r) for r in cells[1:]]
    return "\n".join(lines)


def machine_block() -> str:
    return "\n".join(f"- {k}: {v}" for k, v in machine().items())


def write_section(name: str, body: str, results: Path = RESULTS) -> None:
    """Replace (or append) the section ``name`` of RESULTS.md, leaving the others as they are."""
    begin, end = f"<!-- begin:{name} -->", f"<!-- end:{name} -->"
    text = results.read_text() if results.exists() else "# Benchmark results\n\n"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _: block, text) if pattern.search(text) else text + "\n" + block + "\n"
    )
    results.write_text(text)


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
