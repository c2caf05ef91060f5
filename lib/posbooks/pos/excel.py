"""Read an .xlsx export's first sheet as text, within limits a workbench can afford.

A workbook is a zip of XML: a 100 KB file can unpack to gigabytes, and a sheet with one
cell at A1 and one at XFD1048576 makes a native reader allocate the whole 17-billion-cell
rectangle (python-calamine aborts the process). So before anything is parsed, the sheet's
XML is streamed once, counting its unpacked bytes and the rectangle its cells span; a
workbook over a limit is refused with a plain message. The sheet is then read by
python-calamine (Rust), row by row, and each value becomes the text a CSV export of it
would hold (``cells.cell_text``).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import PurePosixPath

# numpy and pyarrow.compute (~0.2 s to import) when a workbook is read: every reader of
# POS exports imports this module, only .xlsx uploads need them
from posbooks.core.bulk import cycle_collection_paused
from posbooks.pos.cells import cell_text, column_text, float_text
from posbooks.pos.loaders import ANON, RawTable, Unreadable, np, pa, pc
from posbooks.pos.problems import Problem

# Excel's own limits: a file beyond them was not written by Excel or a POS.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 32_767
# What one upload may unpack to (the sheet's XML and the shared strings, each), and the
# rectangle of cells a sheet may span (~40 columns of Excel's full height).
MAX_UNPACKED_BYTES = 512 << 20
MAX_CELLS = 40_000_000
# A cell's r= in any place among its attributes and either quotes (a hostile file may write
# <c s="1" r='XFD1048576'>); an attribute merely ending in r only makes the span larger.
_CELL_REF = re.compile(rb"""r=["']([A-Z]{1,3})([0-9]{1,7})["']""")
# A reference past column Z or row 999,999: few in a POS export, so far cheaper to find.
_FAR_REF = re.compile(rb"""r=["'](?=[A-Z]{2}|[A-Z][0-9]{7})([A-Z]{1,3})([0-9]{1,7})["']""")
_NEAR_ROWS, _NEAR_COLUMNS = 999_999, 26
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
    from xml.etree import ElementTree  # ~2 ms: loaded when a workbook is opened

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
        rows, columns = _span(book, sheet, _FAR_REF)  # only references past A..Z / 999,999
        if not _within(rows, columns):
            rows, columns = _span(book, sheet, _CELL_REF)  # every reference: exact
    if not _within(rows, columns):
        raise Unreadable(
            f"the first sheet spans {rows:,} rows x {columns:,} columns, more than posbooks "
            f"reads from a workbook ({MAX_CELLS:,} cells, {MAX_ROWS:,} rows); "
            "export the sales as CSV instead"
        )


def header_row(path) -> list[str]:
    """Row 1 of the first sheet as text ('' for a blank cell; [] when row 1 is empty), reading
    the sheet's XML only as far as that row.

    openpyxl's read-only mode parsed a whole sheet that states no dimension (as openpyxl's
    own writer leaves it) to learn its size: ~20 s for 400k lines, to read 12 headers.
    """
    from xml.etree.ElementTree import XMLPullParser

    cells: dict[int, tuple[str, str]] = {}  # column number -> (cell type, value)
    with zipfile.ZipFile(path) as book:
        parser = XMLPullParser(events=("end",))
        with book.open(_first_sheet_xml(book)) as f:
            row = None
            for _ in range(_HEADER_BLOCKS):
                block = f.read(1 << 16)
                if not block:
                    break
                parser.feed(block)
                for _event, element in parser.read_events():
                    if element.tag == f"{_MAIN}c":
                        letters = re.match(r"[A-Z]+", element.get("r", "")) or None
                        kind = element.get("t", "n")
                        if kind == "inlineStr":
                            value = "".join(t.text or "" for t in element.iter(f"{_MAIN}t"))
                        else:
                            value = element.findtext(f"{_MAIN}v") or ""
                        column = (
                            _column_number(letters.group().encode()) if letters else len(cells) + 1
                        )
                        cells[column] = (kind, value)
                    elif element.tag == f"{_MAIN}row":
                        row = element.get("r", "1")
                        break
                if row is not None:
                    break
            else:
                raise Unreadable("the first sheet's first row is too large")
        if row != "1" or not cells:
            return []
        wanted = {int(v) for kind, v in cells.values() if kind == "s" and v.isdigit()}
        shared = _shared_strings(book, max(wanted)) if wanted else []
    texts = []
    for column in range(1, max(cells) + 1):
        kind, value = cells.get(column, ("n", ""))
        if kind == "s":
            index = int(value) if value.isdigit() else -1
            texts.append(shared[index] if 0 <= index < len(shared) else "")
        elif kind == "b":
            texts.append("true" if value == "1" else "false")
        elif kind == "n" and value:
            try:
                texts.append(float_text(float(value)))
            except ValueError:
                texts.append(value)
        else:
            texts.append(value)
    return texts


_HEADER_BLOCKS = 256  # x 64 KiB: a header row is a few hundred bytes


def _shared_strings(book: zipfile.ZipFile, last: int) -> list[str]:
    """The workbook's shared strings 0..``last``, streaming no further than the last."""
    from xml.etree.ElementTree import XMLPullParser

    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    strings: list[str] = []
    parser = XMLPullParser(events=("end",))
    with book.open("xl/sharedStrings.xml") as f:
        while len(strings) <= last and (block := f.read(1 << 16)):
            parser.feed(block)
            for _event, element in parser.read_events():
                if element.tag == f"{_MAIN}si":  # plain text, or runs of rich text
                    runs = [element.find(f"{_MAIN}t"), *element.findall(f"{_MAIN}r/{_MAIN}t")]
                    strings.append("".join(t.text or "" for t in runs if t is not None))
                    element.clear()
    return strings


def _within(rows: int, columns: int) -> bool:
    return rows <= MAX_ROWS and columns <= MAX_COLUMNS and rows * columns <= MAX_CELLS


def _span(book: zipfile.ZipFile, sheet: str, pattern: re.Pattern) -> tuple[int, int]:
    """Rows and columns the sheet's cell references reach, streaming its XML once.

    With ``_FAR_REF`` only far references are seen: a cell not matched lies within
    999,999 rows and 26 columns, so those are the least the span is taken to be.
    """
    far = pattern is _FAR_REF
    rows, columns = (_NEAR_ROWS, _NEAR_COLUMNS) if far else (0, 0)
    unpacked, tail = 0, b""
    with book.open(sheet) as f:
        while block := f.read(1 << 22):
            unpacked += len(block)
            if unpacked > MAX_UNPACKED_BYTES:
                raise Unreadable(f"the first sheet unpacks to more than {MAX_UNPACKED_BYTES >> 20} "
                                 "MiB; export the sales as CSV instead")  # fmt: skip
            data = tail + block
            found = pattern.findall(data)
            if found:  # the maxima over a block's distinct values: set and map run in C
                letters, numbers = zip(*found, strict=True)
                rows = max(rows, *map(int, set(numbers)))
                columns = max(columns, *map(_column_number, set(letters)))
            tail = data[-32:]  # a reference cut by the block's end is found again
    return rows, columns


def read_xlsx(path) -> RawTable:
    """Read the first sheet of an .xlsx workbook as text (header in row 1)."""
    # A row a list, a cell an object: millions of them, in no cycle; the collector's walks
    # over them took 3 of 12 s on 421k lines (bench/bench_excel.py)
    with cycle_collection_paused():
        return _read_sheet(path)


def _read_sheet(path) -> RawTable:
    from python_calamine import CalamineWorkbook  # only Excel uploads pay for it

    try:
        check_limits(path)
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        first = sheet.start[0] if sheet.start else 0  # calamine skips empty leading rows
        cells = sheet.to_python(skip_empty_area=False) if first == 0 else []
    except Unreadable:
        raise
    except Exception as exc:  # zipfile, XML and calamine raise many types for a damaged file
        raise Unreadable(
            f"cannot be read as an Excel workbook (.xlsx): {type(exc).__name__}"
        ) from None
    header = cells[0] if cells else None
    if header is None or not any(str(h).strip() for h in header):
        raise Unreadable("the first sheet is empty (no header row)")
    header_cells = [cell_text(h) or "" for h in header]
    while header_cells and not header_cells[-1].strip():
        header_cells.pop()  # trailing blank header cells are formatting, not columns
    headers = [h.strip() for h in header_cells]
    width, count = len(headers), len(cells) - 1
    columns = [column_text(c) for c in zip(*cells[1:], strict=True)] if count else []
    del cells
    if not columns:
        columns = [pa.array([], pa.string()) for _ in header]
    numbers = np.arange(2, count + 2, dtype=np.int64)
    for column in columns:
        too_long = pc.greater(pc.utf8_length(column), MAX_CELL_CHARS)
        if pc.any(too_long).as_py():
            row = int(numbers[pc.index(too_long, True).as_py()])
            raise Unreadable(f"a cell holds more than {MAX_CELL_CHARS:,} characters", row)
    filled = [pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(c), ""), False) for c in columns]
    kept = _any(filled, count)
    misfit = pc.and_(_any(filled[width:], count), kept)  # a value beyond the header's columns
    problems = [
        Problem(ANON, int(row), None,
                f"row has {len(columns)} values but the header has {width} columns")
        for row in numbers[np.asarray(misfit, dtype=bool)]
    ]  # fmt: skip
    arrays = {f"c{i}": column for i, column in enumerate(columns[:width])}
    for i in range(len(arrays), width):  # header cells beyond the sheet's last used column
        arrays[f"c{i}"] = pa.nulls(count, pa.string())
    table = pa.table({**arrays, "source_row": numbers, "misfit": misfit})
    return RawTable(headers, table.filter(kept), problems)


def _any(flags: list, count: int) -> pa.BooleanArray:
    result = pa.array(np.zeros(count, dtype=bool))
    for flag in flags:
        result = pc.or_(result, flag)
    return result
