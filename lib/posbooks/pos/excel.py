"""Read an .xlsx export's first sheet as text, within limits a workbench can afford.

A workbook is a zip of XML: a 100 KB file can unpack to gigabytes, and a sheet with one
cell at A1 and one at XFD1048576 makes a native reader allocate the whole 17-billion-cell
rectangle (python-calamine aborts the process). So before anything is parsed, the sheet's
XML is streamed once, counting its unpacked bytes and the rectangle its cells span; a
workbook over a limit is refused with a plain message. The sheet is then read by
python-calamine (Rust), row by row, and each value becomes the text a CSV export of it
would hold (see ``loaders._cell_text``).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath
from xml.etree import ElementTree

from posbooks.pos.loaders import RawTable, Unreadable, _as_table, _cell_text, _fit
from posbooks.pos.problems import Problem

# Excel's own limits: a file beyond them was not written by Excel or a POS.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 32_767
# What one upload may unpack to (the sheet's XML and the shared strings, each), and the
# rectangle of cells a sheet may span (~40 columns of Excel's full height).
MAX_UNPACKED_BYTES = 512 << 20
MAX_CELLS = 40_000_000
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _first_sheet_xml(book: zipfile.ZipFile) -> str:
    """The zip member holding the workbook's first sheet."""
    workbook = ElementTree.fromstring(_bounded(book, "xl/workbook.xml", 16 << 20))
    first = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
    rels = ElementTree.fromstring(_bounded(book, "xl/_rels/workbook.xml.rels", 16 << 20))
    if first is None:
        raise Unreadable("the workbook has no sheet")
    for rel in rels.iter(f"{_RELS}Relationship"):
        if rel.get("Id") == first.get(_REL_ID):
            target = rel.get("Target", "")
            return (
                target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
            )
    raise Unreadable("the workbook's first sheet is missing")


def _bounded(book: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with book.open(name) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(f"the workbook's {name} unpacks to more than {limit >> 20} MiB")
    return data


def check_limits(path) -> None:
    """Raise ``Unreadable`` with a plain message when the workbook is over a limit."""
    mib = MAX_UNPACKED_BYTES >> 20
    with zipfile.ZipFile(path) as book:
        sheet = _first_sheet_xml(book)
        if "xl/sharedStrings.xml" in book.namelist():
            with book.open("xl/sharedStrings.xml") as f:
                unpacked = 0
                while block := f.read(1 << 20):
                    unpacked += len(block)
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise Unreadable(f"the workbook's text unpacks to more than {mib} MiB; "
                                         "export the sales as CSV instead")  # fmt: skip
        rows, columns, unpacked, tail = 0, 0, 0, b""
        with book.open(sheet) as f:
            while block := f.read(1 << 22):
                unpacked += len(block)
                if unpacked > MAX_UNPACKED_BYTES:
                    raise Unreadable(f"the first sheet unpacks to more than {mib} MiB; "
                                     "export the sales as CSV instead")  # fmt: skip
                data = tail + block
                for letters, number in _CELL_REF.findall(data):
                    rows = max(rows, int(number))
                    columns = max(columns, _column_number(letters))
                tail = data[-32:]  # a reference cut by the block's end is found again
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise Unreadable(
            f"the first sheet spans {rows:,} rows x {columns:,} columns, more than posbooks "
            f"reads from a workbook ({MAX_CELLS:,} cells, {MAX_ROWS:,} rows); "
            "export the sales as CSV instead"
        )


def read_xlsx(path) -> RawTable:
    """Read the first sheet of an .xlsx workbook as text (header in row 1)."""
    from python_calamine import CalamineWorkbook  # only Excel uploads pay for it

    try:
        check_limits(path)
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except Unreadable:
        raise
    except Exception as exc:  # zipfile, XML and calamine raise many types for a damaged file
        raise Unreadable(
            f"cannot be read as an Excel workbook (.xlsx): {type(exc).__name__}"
        ) from None
    lines = iter(sheet.iter_rows())
    first = sheet.start[0] if sheet.start else 0  # calamine skips empty leading rows
    header = next(lines, None) if first == 0 else None
    if header is None or not any(str(h).strip() for h in header):
        raise Unreadable("the first sheet is empty (no header row)")
    header_cells = [_cell_text(h) or "" for h in header]
    while header_cells and not header_cells[-1].strip():
        header_cells.pop()  # trailing blank header cells are formatting, not columns
    headers = [h.strip() for h in header_cells]
    problems: list[Problem] = []
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    misfits: list[bool] = []
    width = len(headers)
    for row, cells in enumerate(lines, start=2):
        values = [v if type(v) is str else _cell_text(v) for v in cells]
        if not any(v and v.strip() for v in values):
            continue
        if any(v and len(v) > MAX_CELL_CHARS for v in values):
            raise Unreadable(f"a cell holds more than {MAX_CELL_CHARS:,} characters", row)
        values = [v or None for v in values]
        values += [None] * (width - len(values))
        fitted, misfit = _fit(values, width, row, problems)
        rows.append(fitted)
        numbers.append(row)
        misfits.append(misfit)
    return RawTable(headers, _as_table(headers, rows, numbers, misfits), problems)
