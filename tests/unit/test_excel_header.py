"""A workbook's columns are read from its first row alone, as the sheet's reader reads them.

Which POS wrote an upload is told from its headers; a 400k-line sheet that states no
dimension (as openpyxl's writer leaves it) once took ~20 s to give up its 12 headers.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from posbooks.pos import excel
from posbooks.pos.presets.files import read_headers


def book(path: Path, cells: dict[str, object], write_only_rows: list | None = None) -> Path:
    workbook = openpyxl.Workbook(write_only=write_only_rows is not None)
    if write_only_rows is not None:
        sheet = workbook.create_sheet()
        for row in write_only_rows:
            sheet.append(row)
    else:
        for ref, value in cells.items():
            workbook.active[ref] = value
        workbook.create_sheet("Other")["A1"] = "not this sheet"
    workbook.save(path)
    return path


CASES = {
    "shared-strings": {"A1": "Date", "B1": "Gross Sales", "C1": "Café ü", "A2": "2026-01-01"},
    "gaps-and-numbers": {"B1": "x", "D1": 2026, "E1": 3.5, "F1": True, "A2": 1},
    "rich-text": {"A1": CellRichText([TextBlock(InlineFont(b=True), "Gross"), " Sales"])},
    "padded": {"A1": "  spaced  ", "B1": "Net"},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_headers_are_the_first_row_as_the_sheet_reader_reads_it(tmp_path, name):
    path = book(tmp_path / f"{name}.xlsx", CASES[name])
    headers = [h.strip() for h in excel.header_row(path)]
    while headers and not headers[-1]:
        headers.pop()
    assert headers == excel.read_xlsx(path).headers
    assert headers[0] or name == "gaps-and-numbers"


def test_a_sheet_without_a_dimension_gives_its_headers_and_rows(tmp_path):
    rows = [["business_date", "outlet", "amount"], *(["2026-01-01", "A", i] for i in range(500))]
    path = book(tmp_path / "written.xlsx", {}, write_only_rows=rows)
    assert excel.header_row(path) == rows[0]
    found = read_headers(path, "written.xlsx")
    assert found is not None and found.headers == tuple(rows[0])


def test_an_empty_first_row_is_no_header(tmp_path):
    path = book(tmp_path / "late.xlsx", {"A2": "outlet", "A3": "Bangsar"})
    assert excel.header_row(path) == []
    assert read_headers(path, "late.xlsx") is None
