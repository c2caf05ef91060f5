"""Scratch copies of CSV and Excel lines (posbooks-lines-*) go with their cache entry and are
readable by their owner only (issue 16, section 7: 100 files outlived 32 entries)."""

from __future__ import annotations

import stat
from pathlib import Path

from posbooks.pos import exports, open_exports

HEADER = "business_date,outlet,receipt_no,line_type,category,tax_code,payment_method,amount"


def csv_needing_the_line_reader(path: Path, receipt: int) -> Path:
    # The blank line keeps DuckDB's and Arrow's readers out: the exact reader spills the lines.
    path.write_text(
        f"{HEADER}\n2026-11-20,Bangsar,R{receipt},item,Food,,,18.90\n\n"
        f"2026-11-20,Bangsar,R{receipt},payment,,,Cash,18.90\n"
    )
    return path


def spills() -> list[Path]:
    return sorted(Path(exports._spill_dir.name).iterdir()) if exports._spill_dir else []


def test_spills_go_with_their_cache_entries_and_are_private(tmp_path):
    exports.clear_cache()
    before = set(spills())
    assert before == set()  # clear_cache removed those of earlier tests
    for n in range(exports._CACHE_SIZE + 8):
        result = open_exports([csv_needing_the_line_reader(tmp_path / f"day{n}.csv", n)])
        assert result.ok, result.problems
        result.con.close()
    left = spills()
    assert len(left) == exports._CACHE_SIZE
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in left)
    assert stat.S_IMODE(Path(exports._spill_dir.name).stat().st_mode) == 0o700
    exports.clear_cache()
    assert spills() == []
