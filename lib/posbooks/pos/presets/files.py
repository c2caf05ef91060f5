"""A POS's export file as its own columns: headers read alone (to identify it), then its rows
as a DuckDB table whose columns carry the POS's header names, numbered as the user sees them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from posbooks.pos import excel, loaders
from posbooks.pos.checks import literal, quote
from posbooks.pos.columns import normalise
from posbooks.pos.problems import Problem


@dataclass(frozen=True)
class PosFile:
    """One uploaded or ``--source`` file: where it is, the name the user knows, its headers."""

    path: Path
    name: str
    headers: tuple[str, ...]
    # normalised header -> header as written (first one wins)
    by_norm: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def has(self, *columns: str) -> bool:
        """Whether every one of ``columns`` is a header of the file (case, spaces ignored)."""
        return all(normalise(c) in self.by_norm for c in columns)

    def column(self, name: str) -> str | None:
        """The header as written in the file for ``name``, or None when absent."""
        return self.by_norm.get(normalise(name))


def read_headers(path: Path, name: str) -> PosFile | None:
    """The file's header row only (None when it cannot be read as CSV/Excel text).

    UTF-8 with or without BOM, CRLF, ``,``/``;``/tab separators; an empty last header
    (a trailing separator) is dropped.
    """
    suffix = path.suffix.lower()
    headers: list[str]
    try:
        if suffix == ".csv" or suffix == ".txt":
            with open(path, encoding="utf-8-sig", newline="") as f:
                first = f.readline()
                f.seek(0)
                headers = next(csv.reader(f, delimiter=loaders.sniff_separator(first)), [])
        elif suffix == ".xlsx":
            headers = excel.header_row(path)
        else:
            return None
    except Exception:  # unreadable files are judged by the canonical reader, in its words
        return None
    headers = [h.strip() for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:  # an empty file is for the canonical reader to name
        return None
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalise(h), h)
    return PosFile(path, name, tuple(headers), by_norm)


@dataclass
class LoadedFile:
    """A file's rows in the DuckDB table ``table`` (POS column names, ``source_row``)."""

    file: PosFile
    table: str
    problems: list[Problem]
    misfit_rows: set[int]


def load(
    con: duckdb.DuckDBPyConnection, file: PosFile, table: str, keep: dict | None = None
) -> LoadedFile:
    """Load every row of ``file`` as text into ``table`` on ``con``.

    Columns are named as in the file (an unnamed or repeated header gets ``column N``);
    ``source_row`` is the line the user's editor shows (header = 1). Rows that do not fit
    the header are kept (their receipts are refused) and listed in ``misfit_rows``.
    ``keep``: a preset's column spec (alias -> (header or alternatives, kind)); only those
    columns are copied (a Square export has 30-50, a preset reads about 15).
    """
    wide: dict[int, int] = {}
    try:
        if file.path.suffix.lower() == ".xlsx":
            raw = excel.read_xlsx(file.path)
        else:
            raw = _read_exact(file.path)
            if raw is None:  # Arrow could not number the rows: some row is odd, find it
                raw = loaders.read_csv_lines(file.path)
                wide = _wide_rows(file.path, len(raw.headers))
    except loaders.Unreadable as exc:
        problem = Problem(file.name, exc.row, None, str(exc))
        return LoadedFile(file, table, [problem], set())
    names, seen = [], set()
    for i, header in enumerate(raw.headers):
        name = header if header and header not in seen else f"column {i + 1}"
        seen.add(name)
        names.append(name)
    con.register(f"{table}_raw", raw.table)
    wanted = None
    if keep is not None:
        wanted = set()
        for headers, _ in keep.values():
            for h in (headers,) if isinstance(headers, str) else headers:
                if file.column(h) is not None:
                    wanted.add(file.column(h))
    columns = [
        f"c{i} AS {quote(n)}"
        for i, n in enumerate(names)
        if i < len(file.headers) and (wanted is None or n in wanted)
    ]
    misfits = {p.row for p in raw.problems if p.row is not None}
    problems = [p.in_file(file.name) for p in raw.problems]
    # The canonical reader forgives extra blank values at a row's end (a trailing separator);
    # in a POS export they mean a separator inside a value moved every field after it.
    for row, count in sorted(wide.items()):
        if row not in misfits:
            misfits.add(row)
            width = len(raw.headers)
            message = f"row has {count} values but the header has {width} columns"
            problems.append(Problem(file.name, row, None, message))
    misfit = "misfit"
    if wide:
        misfit = f"(misfit OR source_row IN ({', '.join(str(r) for r in wide)}))"
    # A view over the Arrow table: the preset types the text in one pass, with no copy.
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {quote(table)} AS SELECT {', '.join(columns)}, "
        f"source_row, {misfit} AS misfit FROM {table}_raw"
    )
    return LoadedFile(file, table, problems, misfits)


def _read_exact(path: Path) -> loaders.RawTable | None:
    """The file read by Arrow when it numbers every row exactly (every row fits), else None."""
    stream = loaders.stream_csv(path)
    if stream is None:
        return None
    try:
        return loaders.RawTable(stream.headers, stream.reader().read_all(), [])
    except loaders.NotExact:
        return None


def _wide_rows(path: Path, width: int) -> dict[int, int]:
    """Rows (numbered by their first line) with more values than the header has columns."""
    wide: dict[int, int] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=loaders.sniff_separator(f.readline()))
        last = reader.line_num + 1  # the header line
        for values in reader:
            start, last = last + 1, reader.line_num + 1
            if len(values) > width and any(v.strip() for v in values):
                wide[start] = len(values)
    return wide


def explain_shifted_rows(
    con: duckdb.DuckDBPyConnection, loaded: LoadedFile, typed: dict[str, str]
) -> list[Problem]:
    """Name the field each misfit row broke on: the first typed column it no longer fits.

    ``typed`` maps a header to the SQL (over ``v``) that is NULL when a value does not read
    as that column's type. A row with an unquoted separator has every later field shifted,
    so the first such column is where the reader lost its place; the row is never guessed.
    """
    if not loaded.misfit_rows:
        return []
    out = []
    by_row = {p.row: p for p in loaded.problems if p.row in loaded.misfit_rows}
    present = [(h, expr) for h, expr in typed.items() if h in loaded.file.headers]
    for row in sorted(loaded.misfit_rows):
        values = con.execute(
            f"SELECT {', '.join(quote(h) for h, _ in present) or 'NULL'} "
            f"FROM {quote(loaded.table)} WHERE source_row = {row}"
        ).fetchall()
        values = values[0] if values else ()
        broke = None
        for (header, expr), value in zip(present, values or (), strict=False):
            if value is None or not str(value).strip():
                continue
            ok = con.execute(
                f"SELECT ({expr}) IS NOT NULL FROM (SELECT {literal(str(value))} AS v)"
            )
            if not ok.fetchall()[0][0]:
                broke = (header, str(value)[:40])
                break
        base = by_row[row].message if row in by_row else "row does not fit the header"
        if broke is None:
            message = (
                f"{base}: a separator inside a value shifted the fields; quote it and export again"
            )
            out.append(Problem(loaded.file.name, row, None, message))
        else:
            message = (
                f"{base}: a separator inside a value shifted the fields, so '{broke[1]}' "
                f"is read as {broke[0]}; quote the value (or re-export) and try again"
            )
            out.append(Problem(loaded.file.name, row, broke[0], message))
    return out
