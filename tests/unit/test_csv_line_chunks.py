"""The exact line reader streams a CSV in chunks, yet reads it as one read would.

Files Arrow cannot number (a quoted newline, a blank line, a ragged row, bad UTF-8) are
read by Python's csv module; a large one must not be held whole in memory, so it goes to
DuckDB in chunks of rows. A bookkeeper must not be able to tell: the same lines, and every
problem at the same row with the same words, however small the chunks.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pyarrow as pa
import pytest
from posbooks.pos import exports, loaders, open_exports
from test_csv_stream import HEADER, good_lines, reported, view_rows, with_value

TINY_CHUNK = 2  # rows: a file of ~180 lines arrives in ~90 chunks
QUOTED = '2026-11-10,Bangsar,R-0,item,Food,"Dish\nwith a note",1,,,10.00,2026-11-10 12:00:00,false'


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    return path


def awkward_lines() -> list[str]:
    """The good file with every thing Arrow cannot number, early, so most rows come after."""
    lines = good_lines()
    lines[0] = QUOTED  # rows 2-3: one row over two lines, every later row is one further down
    lines.insert(10, "")  # a blank line
    lines.insert(20, ",,,,,,,,,,,")  # a line of separators only
    lines[30] = lines[30] + ",extra"  # a ragged row
    return lines


def opened(path: Path, chunk_rows: int, monkeypatch) -> exports.Exports:
    """The file opened afresh, the line reader handing DuckDB ``chunk_rows`` rows at a time."""
    exports.clear_cache()
    monkeypatch.setattr(loaders, "CHUNK_ROWS", chunk_rows)
    return open_exports([path])


def test_tiny_chunks_give_the_same_lines_and_misfits_as_one_chunk(tmp_path):
    path = write(tmp_path / "awkward.csv", awkward_lines())

    one = loaders.CsvLines(path, 1_000_000)
    many = loaders.CsvLines(path, TINY_CHUNK)
    batches = list(many.reader())
    whole = one.read_all()

    assert len(batches) > 50, "the tiny chunk really splits the file"
    assert max(b.num_rows for b in batches) == TINY_CHUNK
    assert pa.Table.from_batches(batches).to_pylist() == whole.table.to_pylist()
    assert many.problems() == whole.problems == loaders.read_csv_lines(path).problems
    rows = whole.table["source_row"].to_pylist()
    assert rows[:2] == [2, 4], "the row after the quoted newline is the file's line 4"
    assert 13 not in rows and 23 not in rows, "the blank line and the separators are skipped"
    assert rows[-1] == len(path.read_text().splitlines())


@pytest.mark.parametrize(
    "damage",
    [
        {150: ("amount", "RM18.90"), 60: ("business_date", "20/11/2026")},
        {121: ("amount", "99.99")},  # the first line of receipt R-39
        {177: ("voided", "maybe")},
    ],
    ids=["bad-amount-and-date", "unbalanced-receipt", "bad-voided"],
)
def test_problems_after_a_quoted_newline_are_at_the_same_rows_in_tiny_chunks(
    tmp_path, monkeypatch, damage
):
    lines = awkward_lines()
    for row, (column, value) in damage.items():
        # ``row`` is the line's place in the file: one more than in the good file, whose
        # first row now spans two lines (rows after the blank and separators lines: two more).
        values = lines[row - 2].split(",")
        values[HEADER.split(",").index(column)] = value
        lines[row - 2] = ",".join(values)
    path = write(tmp_path / "damaged.csv", lines)

    one = reported(opened(path, 1_000_000, monkeypatch))
    many = reported(opened(path, TINY_CHUNK, monkeypatch))

    assert many == one
    ragged = (33, None, "row has 13 values but the header has 12 columns")
    assert ragged in many
    assert {row for row, _, _ in many} - {33} == {row + 1 for row in damage}


def test_a_file_with_only_a_quoted_newline_reads_whole_in_tiny_chunks(tmp_path, monkeypatch):
    lines = good_lines()
    lines[0] = QUOTED
    path = write(tmp_path / "note.csv", lines)

    one = view_rows(opened(path, 1_000_000, monkeypatch))
    many = view_rows(opened(path, TINY_CHUNK, monkeypatch))

    assert many == one
    assert len(many) == len(lines)
    assert [row[-1] for row in many] == [2, *range(4, len(lines) + 3)]


def test_a_header_problem_still_lists_the_ragged_rows_found_further_down(tmp_path, monkeypatch):
    lines = [line + ",extra" if n == 150 else line for n, line in enumerate(awkward_lines())]
    path = tmp_path / "renamed.csv"
    path.write_text("\n".join([HEADER.replace("payment_method", "payment_methd"), *lines]) + "\n")

    many = reported(opened(path, TINY_CHUNK, monkeypatch))

    assert many == reported(opened(path, 1_000_000, monkeypatch))
    assert (
        1,
        "payment_method",
        "missing column 'payment_method' (did you mean 'payment_methd'?)",
    ) in many
    assert (153, None, "row has 13 values but the header has 12 columns") in many


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            with_value(140, "item", "Caf\xe9")[1].encode("latin-1"),
            (141, None, "is not UTF-8 text; save it as 'CSV UTF-8' and try again"),
        ),
        (
            with_value(140, "item", "x" * 200_000)[1].encode(),
            (
                None,
                None,
                "cannot be read as CSV near row 141: field larger than field limit (131072)",
            ),
        ),
    ],
    ids=["not-utf8-late", "field-too-long-late"],
)
def test_a_file_unreadable_late_is_rejected_whole_and_leaves_no_scratch_file(
    tmp_path, monkeypatch, broken, expected
):
    lines = [line.encode() for line in awkward_lines()]
    lines[140 - 2] = broken  # row 141 of the file: the quoted newline is above it
    path = tmp_path / "late.csv"
    path.write_bytes(b"\n".join([HEADER.encode(), *lines, b""]))
    opened(write(tmp_path / "first.csv", good_lines()[:3]), TINY_CHUNK, monkeypatch)
    scratch = set(Path(exports._spill_dir.name).iterdir())

    result = opened(path, TINY_CHUNK, monkeypatch)

    assert reported(result) == [expected]
    assert view_rows(result) == []
    assert set(Path(exports._spill_dir.name).iterdir()) <= scratch, "no spill of its lines"


def test_the_line_reader_hands_out_lines_before_it_has_read_the_whole_file(tmp_path):
    lines = [line.encode() for line in awkward_lines()]
    lines[-1] = with_value(100, "item", "Caf\xe9")[1].encode("latin-1")  # the very last line
    path = tmp_path / "bad_end.csv"
    path.write_bytes(b"\n".join([HEADER.encode(), *lines, b""]))

    batches = loaders.CsvLines(path, TINY_CHUNK).reader()
    first = batches.read_next_batch()

    assert first["source_row"].to_pylist() == [2, 4]
    with pytest.raises(loaders.Unreadable, match="not UTF-8") as unreadable:
        batches.read_all()
    assert unreadable.value.row == len(lines) + 2, "the last line (one row spans two)"
    assert gc.isenabled(), "the cycle collector paused per chunk runs again"
