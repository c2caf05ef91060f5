"""A workbook is read within limits: one built to exhaust memory is refused in plain words
(issue 16, section 3: a 104 KB .xlsx took 2.7 GB; one cell at XFD1048576 aborts the reader)."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import openpyxl
import pytest
from posbooks.pos import excel, exports, open_exports

HEADER = ["business_date", "outlet", "receipt_no", "line_type", "category", "tax_code",
          "payment_method", "amount"]  # fmt: skip
ROWS = [
    ["2026-11-20", "Bangsar", "R1", "item", "Food", None, None, 18.9],
    ["2026-11-20", "Bangsar", "R1", "payment", None, None, "Cash", 18.9],
]


@pytest.fixture(autouse=True)
def fresh():
    exports.clear_cache()
    yield
    exports.clear_cache()


def workbook(path, rows=ROWS, **cells):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(path)
    return path


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_a_plain_workbook_is_read(tmp_path):
    result = open_exports([workbook(tmp_path / "till.xlsx")])
    assert result.ok, result.problems
    assert result.con.sql("SELECT sum(amount) FROM pos_lines").fetchall()[0][0] == Decimal("37.80")


def test_a_cell_at_the_far_corner_is_refused_not_allocated(tmp_path):
    path = workbook(tmp_path / "far.xlsx", XFD1048576="x")
    assert path.stat().st_size < 10_000
    assert messages(open_exports([path])) == [
        "far.xlsx: the first sheet spans 1,048,576 rows x 16,384 columns, more than posbooks "
        "reads from a workbook (40,000,000 cells, 1,048,576 rows); export the sales as CSV instead"
    ]


def test_a_far_cell_whose_reference_is_not_its_first_attribute_is_refused(tmp_path):
    """XML lets a hand-made file order a cell's attributes and quote them as it likes."""
    plain = workbook(tmp_path / "plain.xlsx", XFD1048576="x")
    path = tmp_path / "reordered.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(
                    b'<c r="XFD1048576" t="inlineStr">', b"<c t='inlineStr' r='XFD1048576'>"
                )
            dst.writestr(item, data)
    with zipfile.ZipFile(path) as book:
        assert b"r='XFD1048576'" in book.read("xl/worksheets/sheet1.xml")
    assert messages(open_exports([path])) == [
        "reordered.xlsx: the first sheet spans 1,048,576 rows x 16,384 columns, more than "
        "posbooks reads from a workbook (40,000,000 cells, 1,048,576 rows); export the sales "
        "as CSV instead"
    ]


def test_a_sheet_that_unpacks_past_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(excel, "MAX_UNPACKED_BYTES", 4 << 20)
    rows = [[*ROWS[0][:2], f"R{n}", *ROWS[0][3:]] for n in range(60_000)]
    path = workbook(tmp_path / "big.xlsx", rows)
    assert messages(open_exports([path])) == [
        "big.xlsx: the first sheet unpacks to more than 4 MiB; export the sales as CSV instead"
    ]


def test_a_cell_longer_than_the_limit_is_refused_at_its_row(tmp_path, monkeypatch):
    monkeypatch.setattr(excel, "MAX_CELL_CHARS", 1000)  # Excel's 32,767: openpyxl cuts there
    path = workbook(tmp_path / "long.xlsx", C3="x" * 1001)
    assert messages(open_exports([path])) == [
        "long.xlsx, row 3: a cell holds more than 1,000 characters"
    ]
