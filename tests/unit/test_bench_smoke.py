"""The benchmark scripts at a tiny scale, so they cannot rot between benchmark runs.

Not a timing test: it checks that every script runs, prints the rows a reader of
bench/RESULTS.md expects, and that the pandas baseline computes the same totals as
posbooks (otherwise the speed ratio would compare different work).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_backfill  # noqa: E402
import bench_excel  # noqa: E402
import bench_fresh  # noqa: E402
import bench_preview  # noqa: E402
import make_large  # noqa: E402
import scale  # noqa: E402
from pandas_baseline import comparable, floor_read, pandas_drafts  # noqa: E402
from probe import posbooks_drafts  # noqa: E402


@pytest.fixture(scope="module")
def bench_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny generated exports, kept apart from the real benchmark cache."""
    out = tmp_path_factory.mktemp("bench-out")
    saved = make_large.OUT_DIR
    make_large.OUT_DIR = out
    yield out
    make_large.OUT_DIR = saved


def test_pandas_baseline_computes_the_same_totals_and_drafts_as_posbooks(bench_out: Path) -> None:
    path = make_large.large_export(outlets=2, days=3, receipts_per_day=20)
    first, last, lines = bench_preview.date_span(path)
    drafts, ours = posbooks_drafts(path, first, last)
    their_drafts, theirs = pandas_drafts(path, first, last)

    assert len(drafts) == 2 * 3 and all(d.balanced for d in drafts)
    assert comparable(ours) == comparable(theirs)
    assert drafts == their_drafts
    # the comparison is not vacuous: sales, taxes and payments of every outlet-day
    sources = {k[2] for k in comparable(ours)}
    assert {"sales", "tax", "payment", "receipts"} <= sources
    assert 0 < floor_read(path, first, last) <= lines


def test_bench_preview_prints_every_figure(bench_out: Path, capsys) -> None:
    results = bench_out / "RESULTS.md"
    argv = [
        "--outlets",
        "2",
        "--days",
        "3",
        "--fast-runs",
        "1",
        "--slow-runs",
        "1",
        "--csv-runs",
        "1",
    ]
    status = bench_preview.main([*argv, "--results", str(results)])
    printed = capsys.readouterr().out

    assert status == 0
    for figure in (
        "1. one day, all outlets (warm)",
        "2. whole year, all journal drafts (warm)",
        "3. pandas, one day",
        "3. pandas, whole year",
        "2. whole year as Preview shows it",
        "4. floor: DuckDB reads needed columns, one day",
        "5. peak memory, whole year (fresh process)",
        "6. one day from the CSV version (fresh process)",
        "6. peak memory, one day from the CSV version",
        "Machine:",
    ):
        assert figure in printed
    assert re.search(
        r"\| 3\. same totals and drafts as pandas \(day / year\) +\| yes / yes", printed
    )
    assert "<!-- begin:preview -->" in results.read_text()


def test_scale_prints_one_row_per_outlet_count(bench_out: Path, capsys) -> None:
    results = bench_out / "RESULTS.md"
    status = scale.main(
        ["--outlets", "1", "2", "--days", "2", "--runs", "1", "--results", str(results)]
    )
    printed = capsys.readouterr().out

    assert status == 0
    table_rows = [ln for ln in printed.splitlines() if ln.startswith("| ") and " | 2 " in ln]
    assert [r.split("|")[1].strip() for r in table_rows] == ["1", "2"]
    assert "<!-- begin:scale -->" in results.read_text()


def test_backfill_posts_each_outlet_day_once_within_the_limits(bench_out: Path, capsys) -> None:
    results = bench_out / "RESULTS.md"
    status = bench_backfill.main(["--outlets", "2", "--days", "2", "--results", str(results)])
    printed = capsys.readouterr().out

    assert status == 0, printed
    assert "| created " in printed and "| 4 " in printed
    assert "duplicates: 0" in printed
    assert "<!-- begin:backfill -->" in results.read_text()


def test_bench_fresh_compares_whole_processes_with_the_floor(bench_out: Path, capsys) -> None:
    results = bench_out / "RESULTS.md"
    argv = ["--outlets", "2", "--days", "3", "--runs", "1", "--day", "2026-11-23"]
    status = bench_fresh.main([*argv, "--results", str(results)])
    printed = capsys.readouterr().out

    assert status == 0
    for figure in ("first time (validates)", "second process (verdict kept)", "year CSV",
                   "posbooks --help", "posbooks status"):  # fmt: skip
        assert figure in printed
    assert re.search(r"\| same preview JSON from every run and format +\| yes", printed)
    assert "<!-- begin:fresh -->" in results.read_text()


def test_bench_excel_reads_the_sheet_and_the_csv_alike(bench_out: Path, capsys) -> None:
    results = bench_out / "RESULTS.md"
    argv = ["--outlets", "2", "--days", "3", "--lines", "200", "--runs", "1"]
    status = bench_excel.main([*argv, "--results", str(results)])
    printed = capsys.readouterr().out

    assert status == 0
    assert re.search(r"\| same drafts from both +\| yes", printed)
    assert "<!-- begin:excel -->" in results.read_text()
