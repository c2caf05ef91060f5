"""Read CSV exports into raw text columns (Excel: see ``excel``), keeping each value's row number.

Values stay text here; typing and validation happen in DuckDB (see ``checks``) so every
format is judged by the same rules. Row numbers are what the user sees: the header is
row 1 and blank lines still count, so a message points at the line in their editor.
"""

from __future__ import annotations

import csv
import functools
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path

from posbooks.core.bulk import cycle_collection_paused
from posbooks.pos.problems import Problem


class _ImportedOnFirstUse:
    """A module imported when first used: a preview of a Parquet file whose verdict is kept
    reads no CSV, and numpy + pyarrow.compute cost it ~0.1 s of a ~0.3 s run."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> object:
        return getattr(importlib.import_module(self._name), attribute)


np = _ImportedOnFirstUse("numpy")
pa = _ImportedOnFirstUse("pyarrow")
pc = _ImportedOnFirstUse("pyarrow.compute")

# Problem.file is filled in by the caller, who knows the name the user gave the file.
ANON = ""
# Bytes of CSV per batch: Arrow parses several blocks ahead, so this bounds the memory used.
BLOCK_SIZE = 1 << 20
# Rows per batch of the line reader: tens of MB of Python strings, whatever the file size.
CHUNK_ROWS = 65_536


@dataclass(frozen=True)
class RawTable:
    """A file's headers and a text table: columns c0..cN in header order, plus source_row."""

    headers: list[str]
    table: pa.Table
    problems: list[Problem]


class Unreadable(Exception):
    """The file cannot be read at all; the message is in plain words."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


def _undecodable_row(path: Path) -> int | None:
    """The line holding the first byte that is not UTF-8 (only read when decoding failed).

    Read in blocks cut after a newline, a byte never inside a UTF-8 character, so a large
    file is never held whole.
    """
    lines, rest = 0, b""
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 24)
            data = rest + block
            cut = data.rfind(b"\n") + 1 if block else len(data)
            try:
                data[:cut].decode("utf-8")
            except UnicodeDecodeError as exc:
                return lines + data[: exc.start].count(b"\n") + 1
            if not block:
                return None
            lines += data.count(b"\n", 0, cut)
            rest = data[cut:]


def _fit(values: list, width: int, row: int, problems: list[Problem]) -> tuple[list, bool]:
    """Values padded/trimmed to the header width, and whether they did not fit (a problem).

    A row that does not fit is still kept (marked misfit) so its receipt is known to be
    damaged and is not also reported as unbalanced.
    """
    if len(values) > width and not any(str(v or "").strip() for v in values[width:]):
        values = values[:width]
    if len(values) == width:
        return values, False
    problems.append(
        Problem(ANON, row, None, f"row has {len(values)} values but the header has {width} columns")
    )
    return (values + [None] * width)[:width], True


def sniff_separator(header_line: str) -> str:
    """',' or ';', whichever the header line uses more."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_csv(path: Path) -> RawTable:
    """Read a UTF-8 (optionally BOM) CSV with ',' or ';' separators as text, all in memory.

    Arrow's reader when it numbers rows exactly, else the line reader (see ``stream_csv``).
    Large files should go through ``stream_csv`` instead, which never holds the whole table.
    """
    fast = _read_csv_arrow(path)
    return fast if fast is not None else _read_csv_lines(path)


def read_csv_lines(path: Path) -> RawTable:
    """Read the CSV line by line, all in memory: slower than Arrow, but numbers rows exactly
    in any file Python can parse. Large files should go through ``CsvLines(path).reader()``."""
    return _read_csv_lines(path)


def utf8_line_count(path: Path) -> int | None:
    """How many lines the file has, or None when it is not all UTF-8 (a reader that skips
    the columns it does not need would not notice a bad byte in them)."""
    lines, rest, last = 0, b"", b"\n"
    with open(path, "rb") as f:
        while block := f.read(1 << 24):
            lines += block.count(b"\n")
            last = block[-1:]
            if rest or not block.isascii():  # ASCII, by far the usual case, is UTF-8
                data = rest + block
                cut = data.rfind(b"\n") + 1
                try:
                    data[:cut].decode("utf-8")
                except UnicodeDecodeError:
                    return None
                rest = data[cut:]
    try:
        rest.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return lines + (last != b"\n")


def line_count(path: Path) -> int:
    """How many lines the file has (a last line without a newline counts)."""
    lines, last = 0, b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


class NotExact(Exception):
    """Arrow cannot number this CSV's rows exactly (or cannot read it): use the line reader."""


class CsvStream:
    """A CSV file read by Arrow in batches of text columns c0..cN, source_row and misfit.

    The batches are produced lazily by ``reader()``, one block at a time, so a large file
    never sits in memory whole. Whether the row numbers were exact is only known once the
    last batch is read: reading then ends in ``NotExact`` (and ``failed`` is set) when Arrow
    refused a line or skipped blank lines. Whatever was built from the batches must then
    be thrown away and the file read with ``CsvLines``.
    """

    def __init__(self, path: Path, headers: list[str], separator: str, block_size: int) -> None:
        self.path, self.headers = path, headers
        self.separator, self._block_size = separator, block_size
        self._names = [f"c{i}" for i in range(len(headers))]
        self.failed = False
        self.finished = False

    # Built on first use: a CSV the quick DuckDB pass finds clean only needs the header
    # above, and importing pyarrow for these would cost a fresh process ~0.2 s.
    @functools.cached_property
    def _types(self) -> dict:
        # Plain text: batches are small, and dictionary-encoding them cost ~10% more time.
        return dict.fromkeys(self._names, pa.string())

    @functools.cached_property
    def schema(self) -> pa.Schema:
        return pa.schema([*self._types.items(), ("source_row", pa.int64()), ("misfit", pa.bool_())])

    def reader(self) -> pa.RecordBatchReader:
        """The batches, in file order (read once)."""
        return pa.RecordBatchReader.from_batches(self.schema, self._batches())

    def drain(self) -> None:
        """Read to the end without keeping anything, to learn whether the rows were exact."""
        if not self.finished and not self.failed:
            try:
                for _ in self._batches():
                    pass
            except NotExact:
                pass

    def _batches(self) -> Iterator[pa.RecordBatch]:
        from pyarrow import ArrowInvalid
        from pyarrow import csv as pacsv

        try:
            arrow = pacsv.open_csv(
                self.path,
                read_options=pacsv.ReadOptions(
                    column_names=self._names, skip_rows=1, block_size=self._block_size
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.separator, newlines_in_values=False
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=self._types, strings_can_be_null=False
                ),
            )
            next_row = 2  # the header is row 1
            for batch in arrow:
                count = batch.num_rows
                rows = pa.array(np.arange(next_row, next_row + count, dtype=np.int64))
                next_row += count
                batch = batch.append_column("source_row", rows)
                batch = batch.append_column("misfit", pa.repeat(False, count))
                blank = _all_blank(batch, self._names)
                yield batch if blank is None else batch.filter(pc.invert(blank))
            if next_row - 1 != line_count(self.path):
                raise NotExact("Arrow skipped blank lines: which row is which is no longer known")
        except (ArrowInvalid, OSError, NotExact) as exc:
            self.failed = True
            raise NotExact(str(exc)) from None
        self.finished = True


def stream_csv(path: Path, block_size: int | None = None) -> CsvStream | None:
    """Arrow's streamed reading of the CSV, or None when its first line already rules it out.

    A header that is not UTF-8, is blank or holds a quote (it may span lines) is left to
    the line reader, which knows where it ends.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            first = f.readline()
    except UnicodeDecodeError:
        return None
    if '"' in first or not first.strip():
        return None
    separator = sniff_separator(first)
    headers = [h.strip() for h in next(csv.reader([first], delimiter=separator))]
    return CsvStream(path, headers, separator, block_size or BLOCK_SIZE)


def _read_csv_arrow(path: Path, block_size: int | None = None) -> RawTable | None:
    """The whole file read by Arrow, or None when its row numbers would not be exact."""
    stream = stream_csv(path, block_size)
    if stream is None:
        return None
    try:
        table = stream.reader().read_all()
    except NotExact:
        return None
    return RawTable(stream.headers, table, [])


def _all_blank(batch: pa.RecordBatch, names: list[str]) -> pa.BooleanArray | None:
    """Rows whose every value is blank (a line of separators), which the line reader skips."""
    blank = None
    for name in names:
        empty = _blank(batch.column(name))
        blank = empty if blank is None else pc.and_(blank, empty)
        if not pc.any(blank).as_py():
            return None  # the usual case, known after the first column
    return blank


def _blank(values: pa.Array) -> pa.BooleanArray:
    """Which values of a text column are blank."""
    return pc.equal(pc.utf8_trim_whitespace(values), "")


def _read_csv_lines(path: Path) -> RawTable:
    """Read the file with Python's csv module, numbering every physical line."""
    return CsvLines(path).read_all()


class CsvLines:
    """A CSV file read by Python's csv module in batches of ``chunk_rows`` rows.

    The exact reader for files Arrow cannot number (a ragged row, a quoted newline, a blank
    line, bad UTF-8): every physical line is counted, so rows keep the numbers the user's
    editor shows. Batches (columns c0..cN, source_row, misfit) are made lazily by
    ``reader()``, so a large file never sits in memory whole. Rows that do not fit the
    header are collected in ``misfits`` as they are read; a file that cannot be read ends
    the reading with ``Unreadable``, also kept in ``error`` for whoever drove the reading.
    """

    def __init__(self, path: Path, chunk_rows: int | None = None) -> None:
        self.path, self._chunk_rows = path, chunk_rows or CHUNK_ROWS
        self.misfits: list[Problem] = []
        self.error: Unreadable | None = None
        self._started = False
        try:
            with open(path, encoding="utf-8-sig", newline="") as f:
                self._separator = sniff_separator(f.readline())
                f.seek(0)
                header = next(csv.reader(f, delimiter=self._separator), None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _unreadable(path, exc, 1) from None
        if header is None or not any(h.strip() for h in header):
            raise Unreadable("the file is empty (no header row)")
        self.headers = [h.strip() for h in header]
        text = [(f"c{i}", pa.string()) for i in range(len(self.headers))]
        self.schema = pa.schema([*text, ("source_row", pa.int64()), ("misfit", pa.bool_())])

    def reader(self) -> pa.RecordBatchReader:
        """The batches, in file order (read once)."""
        return pa.RecordBatchReader.from_batches(self.schema, self._batches())

    def read_all(self) -> RawTable:
        """The whole file as one table (small files: large ones go through ``reader()``)."""
        table = pa.Table.from_batches(list(self._batches()), self.schema)
        return RawTable(self.headers, table, self.misfits)

    def problems(self) -> list[Problem]:
        """The rows that do not fit the header, reading the rest of the file first if needed.

        Raises ``Unreadable`` when the file turned out not to be readable.
        """
        if not self._started:
            for _ in self._batches():
                pass  # nothing kept: only the misfits and whether the file reads are wanted
        if self.error is not None:
            raise self.error
        return self.misfits

    def _batches(self) -> Iterator[pa.RecordBatch]:
        if self._started:
            raise RuntimeError("a CsvLines is read once")
        self._started = True
        try:
            yield from self._read()
        except Unreadable as exc:
            self.error = exc
            raise

    def _read(self) -> Iterator[pa.RecordBatch]:
        reader = None
        try:
            with open(self.path, encoding="utf-8-sig", newline="") as f:
                reader = csv.reader(f, delimiter=self._separator)
                next(reader)  # the header, read already
                last_line = reader.line_num
                while True:
                    # A chunk is ~800k small lists and strings, none in a cycle: the cycle
                    # collector walking them took a third of the reading time.
                    with cycle_collection_paused():
                        rows: list[list[str | None]] = []
                        ends: list[int] = []
                        keep_row, keep_end = rows.append, ends.append
                        for values in islice(reader, self._chunk_rows):
                            keep_row(values)
                            keep_end(reader.line_num)  # a row may span lines (quoted newline)
                        if not rows:
                            break
                        batch = self._batch(rows, ends, last_line)
                        last_line = ends[-1]
                        # Freed now, while the collector is paused, or it would walk them.
                        del rows, ends, keep_row, keep_end
                    if batch.num_rows:
                        yield batch
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _unreadable(self.path, exc, reader.line_num if reader else 1) from None

    def _batch(
        self, rows: list[list[str | None]], ends: list[int], last_line: int
    ) -> pa.RecordBatch:
        """One chunk of rows as a batch: numbered, fitted to the header, blank lines dropped.

        Per-row work is left to C (map, numpy, Arrow): only the rare rows of the wrong
        width or with a blank first value are looked at one by one in Python.
        """
        width, count = len(self.headers), len(rows)
        ends_at = np.fromiter(ends, np.int64, count)
        starts = np.concatenate(([last_line], ends_at[:-1])) + 1  # the row's first line
        keep = np.ones(count, dtype=bool)
        misfit = np.zeros(count, dtype=bool)
        lengths = np.fromiter(map(len, rows), np.int64, count)
        for i in np.flatnonzero(lengths != width).tolist():
            if not "".join(rows[i]).strip():  # a blank line (csv gives []) or blank values
                keep[i], rows[i] = False, [""] * width
            else:
                rows[i], misfit[i] = _fit(rows[i], width, int(starts[i]), self.misfits)
        firsts = np.fromiter(map(len, map(str.strip, map(itemgetter(0), rows))), np.int64, count)
        for i in np.flatnonzero(firsts == 0).tolist():
            if keep[i] and not misfit[i] and not "".join(rows[i]).strip():
                keep[i] = False  # a line of separators only
        flat = pa.array(list(chain.from_iterable(rows)), type=pa.string())
        # Row-major values to columns: every width-th value, taken in C.
        columns = [flat.take(np.arange(c, count * width, width)) for c in range(width)]
        arrays = [*columns, pa.array(starts), pa.array(misfit)]
        batch = pa.RecordBatch.from_arrays(arrays, schema=self.schema)
        return batch if keep.all() else batch.filter(pa.array(keep))


def _unreadable(path: Path, exc: Exception, line: int) -> Unreadable:
    """The plain-words error for a file Python's csv module could not read."""
    if isinstance(exc, UnicodeDecodeError):
        return Unreadable(
            "is not UTF-8 text; save it as 'CSV UTF-8' and try again", _undecodable_row(path)
        )
    return Unreadable(f"cannot be read as CSV near row {line}: {exc}")
