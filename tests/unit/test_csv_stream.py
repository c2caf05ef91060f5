"""A CSV is read in streamed batches, yet gives the same lines and row numbers as one read.

Large files are never held whole in memory: Arrow reads them block by block into the
typed scratch file. A bookkeeper must not be able to tell: the same lines in the same
order, and every problem at the same row, whether the file came in one batch or many.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from posbooks.pos import exports, loaders, open_exports

CORPUS = Path(__file__).parents[1] / "fixtures" / "malformed"
HEADER = "business_date,outlet,receipt_no,line_type,category,item,quantity,tax_code,payment_method,amount,closed_at,voided"
TINY_BLOCK = 256  # bytes: two or three lines per batch (a line must fit in one block)
RECEIPTS = 60  # x 3 lines: far more lines than fit in one tiny block


def receipt(n: int) -> list[str]:
    """Three lines of a balanced receipt, its values varying with n."""
    day, outlet = f"2026-11-{10 + n % 7:02d}", ("Bangsar", "KLCC", "Mont Kiara")[n % 3]
    cents = 1000 + 37 * n
    price, tax = f"{cents // 100}.{cents % 100:02d}", f"0.{n % 90 + 10:02d}"
    total_cents = cents + n % 90 + 10
    total = f"{total_cents // 100}.{total_cents % 100:02d}"
    stamp = f"{day} 12:{n % 60:02d}:00"
    return [
        f"{day},{outlet},R-{n},item,Food,Dish {n % 11},{1 + n % 3},,,{price},{stamp},false",
        f"{day},{outlet},R-{n},tax,,,,SST6,,{tax},{stamp},false",
        f"{day},{outlet},R-{n},payment,,,,,Cash,{total},{stamp},false",
    ]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    return path


def good_lines() -> list[str]:
    return [line for n in range(RECEIPTS) for line in receipt(n)]


def view_rows(result) -> list[tuple]:
    """Every line of the view in the order DuckDB hands it out (no ORDER BY)."""
    return result.con.sql("SELECT * EXCLUDE (source_file) FROM pos_lines").fetchall()


def opened(path: Path, block_size: int | None, monkeypatch) -> exports.Exports:
    """The file opened afresh with Arrow reading blocks of block_size bytes."""
    exports.clear_cache()
    monkeypatch.setattr(loaders, "BLOCK_SIZE", block_size or 1 << 24)
    return open_exports([path])


def reported(result) -> list[tuple]:
    return [(p.row, p.column, p.message) for p in result.problems]


def test_many_batches_give_the_same_lines_in_the_same_order_as_one(tmp_path, monkeypatch):
    path = write(tmp_path / "year.csv", good_lines())
    batches = list(loaders.stream_csv(path, TINY_BLOCK).reader())
    assert len(batches) > 20, "the tiny block really splits the file"

    one = view_rows(opened(path, None, monkeypatch))
    many = view_rows(opened(path, TINY_BLOCK, monkeypatch))

    assert many == one
    assert len(many) == 3 * RECEIPTS
    assert [row[-1] for row in many] == list(range(2, 3 * RECEIPTS + 2)), "file order kept"


def with_value(row: int, column: str, value: str) -> tuple[int, str]:
    """Row ``row`` of the good file with one value changed."""
    values = good_lines()[row - 2].split(",")  # row 1 is the header
    values[HEADER.split(",").index(column)] = value
    return row, ",".join(values)


@pytest.mark.parametrize(
    "damage",
    [
        dict([with_value(40, "amount", "RM18.90"), with_value(150, "business_date", "20/11/2026")]),
        dict([with_value(119, "amount", "99.99")]),  # the first line of receipt R-39
        dict([with_value(77, "voided", "maybe")]),
    ],
    ids=["bad-amount-and-date", "unbalanced-receipt", "bad-voided"],
)
def test_problems_are_at_the_same_rows_in_many_batches_as_in_one(tmp_path, monkeypatch, damage):
    lines = good_lines()
    for row, line in damage.items():
        lines[row - 2] = line
    path = write(tmp_path / "damaged.csv", lines)

    one = reported(opened(path, None, monkeypatch))
    many = reported(opened(path, TINY_BLOCK, monkeypatch))

    assert many == one
    assert [row for row, _, _ in many] == sorted(damage)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            with_value(140, "voided", "false,x,y,z")[1].encode(),
            "row has 15 values but the header has 12 columns",
        ),
        (
            with_value(140, "item", "Caf\xe9")[1].encode("latin-1"),
            "is not UTF-8 text; save it as 'CSV UTF-8' and try again",
        ),
    ],
    ids=["ragged-row-late-in-the-file", "not-utf8-late-in-the-file"],
)
def test_a_line_arrow_refuses_late_in_the_file_is_reported_at_its_row(
    tmp_path, monkeypatch, broken, message
):
    lines = [line.encode() for line in good_lines()]
    lines[140 - 2] = broken
    path = tmp_path / "late.csv"
    path.write_bytes(b"\n".join([HEADER.encode(), *lines, b""]))

    result = opened(path, TINY_BLOCK, monkeypatch)

    assert reported(result)[0] == (140, None, message)
    assert view_rows(result) == []


def test_a_blank_line_in_a_later_batch_keeps_the_row_numbers_after_it(tmp_path, monkeypatch):
    lines = good_lines()
    lines.insert(100, "")  # row 102 is blank: every later line moves down one row
    lines[150] = lines[150].replace(",false", ",maybe")  # now row 152
    path = write(tmp_path / "blank.csv", lines)

    result = opened(path, TINY_BLOCK, monkeypatch)

    assert reported(result) == [
        (152, "voided", "voided 'maybe' is not true or false (use true/false or 1/0)")
    ]


def test_a_file_read_again_line_by_line_leaves_no_scratch_file(tmp_path, monkeypatch):
    lines = good_lines()
    lines.insert(170, "")
    path = write(tmp_path / "blank.csv", lines)
    write(tmp_path / "first.csv", good_lines()[:3])
    opened(tmp_path / "first.csv", TINY_BLOCK, monkeypatch)  # the scratch folder now exists
    scratch = Path(exports._spill_dir.name)
    before = set(scratch.iterdir())

    result = opened(path, TINY_BLOCK, monkeypatch)

    assert result.ok
    assert len(set(scratch.iterdir()) - before) == 1, "only the line reader's spill remains"


@pytest.mark.parametrize(
    "name", sorted(f.name for f in CORPUS.glob("*.csv") if f.stat().st_size > 0)
)
def test_the_broken_corpus_reads_the_same_in_tiny_batches(name, monkeypatch):
    one = reported(opened(CORPUS / name, None, monkeypatch))
    many = reported(opened(CORPUS / name, TINY_BLOCK, monkeypatch))
    assert many == one


def test_a_line_of_separators_in_a_later_batch_is_skipped_like_the_line_reader_does(tmp_path):
    lines = good_lines()
    lines.insert(120, ",,,,,,,,,,,")
    path = write(tmp_path / "separators.csv", lines)

    streamed = loaders._read_csv_arrow(path, TINY_BLOCK)
    by_line = loaders.read_csv_lines(path)

    assert streamed is not None, "a line of separators keeps the fast path"
    assert streamed.table.to_pylist() == by_line.table.to_pylist()
    assert 122 not in streamed.table["source_row"].to_pylist()
    assert streamed.table.num_rows == 3 * RECEIPTS
