"""bench/bench_presets.py at a tiny scale: its generated Square exports read through the
preset give the same drafts as the canonical Parquet it compares them with."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_presets  # noqa: E402


def test_generated_square_exports_and_their_parquet_preview_alike(tmp_path):
    square = bench_presets.generate(tmp_path / "sq", locations=2, days=2, receipts=10)
    parquet = bench_presets.canonical_parquet(square, tmp_path / "canonical.parquet")
    day = date(2025, 11, 25)
    through_preset = bench_presets.probe(square, day, day)
    canonical = bench_presets.probe([parquet], day, day)
    assert through_preset["drafts"] == canonical["drafts"] == 2
    assert through_preset["ties"] and canonical["ties"]
    assert through_preset["sources"][0].startswith("Square export: items + transactions")
