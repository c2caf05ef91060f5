"""Open POS export files as one DuckDB view of canonical sales lines, or say what is wrong.

A file with any problem is rejected whole: none of its rows reaches the view. Validation is
set-based SQL and its result is cached per (path, size, mtime), so re-opening the same
files (every Streamlit rerun) costs almost nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from posbooks.core.model import LINE_TYPES
from posbooks.pos import excel, loaders, verdicts
from posbooks.pos.checks import (
    ColumnPlan,
    WrongColumnType,
    column_plan,
    literal,
    quote,
)
from posbooks.pos.clean_csv import clean_csv
from posbooks.pos.clean_parquet import clean_parquet
from posbooks.pos.columns import CANONICAL_COLUMNS, VIEW_COLUMNS, match_headers
from posbooks.pos.date_bounds import business_date_bounds, dates_outside
from posbooks.pos.presets.base import SourceOptions
from posbooks.pos.presets.sources import read_sources
from posbooks.pos.problems import (
    MAX_PROBLEMS_PER_FILE,
    ExportRejected,
    Problem,
    capped,
)
from posbooks.pos.totals import sql as sql_text

if TYPE_CHECKING:
    import pyarrow as pa

VIEW_NAME = "pos_lines"
RECEIPTS_VIEW = "pos_receipts"
DAY_SUMS_VIEW = "pos_day_sums"
# Columns whose canonical value is the raw text trimmed (line_type also lowercased).
TEXT_COLUMNS = ("outlet", "receipt_no", "line_type", "category", "item", "tax_code",
                "payment_method")  # fmt: skip
SUPPORTED = (".parquet", ".csv", ".xlsx")
_CACHE_SIZE = 32
UNREADABLE_PARQUET = "cannot be read as Parquet (the file is damaged or is not a Parquet file)"
DUPLICATE_KEY = ("business_date", "outlet", "receipt_no", "line_type", "category", "item",
                 "tax_code", "payment_method", "amount")  # fmt: skip


@dataclass
class Exports:
    """The accepted export files as the DuckDB view ``view`` on ``con``, and every problem."""

    con: duckdb.DuckDBPyConnection
    view: str
    files: tuple[str, ...]
    problems: tuple[Problem, ...]
    accepted: tuple[str, ...] = field(default=())
    # View of the receipt counts (business_date, outlet, receipt_count) of the one kept file.
    receipts: str | None = None
    # View of the sums per day, outlet and raw column (sql/line_sums.sql) of the kept files.
    day_sums: str | None = None
    # The POS exports recognised (Square, Toast, ...) as presets.Recognised, with the
    # export's own totals for the tie-out.
    recognised: tuple = ()

    @property
    def ok(self) -> bool:
        """True when every file was read without a problem (safe to preview and post)."""
        return not self.problems

    def raise_if_rejected(self) -> None:
        """Raise ExportRejected listing every problem, if there is any."""
        if self.problems:
            raise ExportRejected(self.problems)


@dataclass(frozen=True)
class _Checked:
    """The cached verdict on one file. Problems carry an empty file name (added on use)."""

    problems: tuple[Problem, ...]
    first_date: date | None = None
    last_date: date | None = None
    parquet_sql: str | None = None  # canonical SELECT over the file (CSV, Excel: its spill)
    table: pa.Table | None = None  # canonical lines held in memory (no reader does now)
    # Receipts not voided per (business_date, outlet): daily totals take them from here
    # instead of a second scan of every line. A str is the Parquet file of a kept verdict.
    receipts: pa.Table | str | None = None
    # Sums per day, outlet and raw column (~150k rows for a chain's year of ~10M lines):
    # kept with the verdict so a preview never rescans the lines of a file it has seen.
    day_sums: pa.Table | str | None = None
    # The scratch Parquet file of typed lines (CSV, Excel), deleted when the entry goes.
    spill: str | None = None
    # Scratch files of the tables above (a quick verdict writes them), deleted likewise.
    scratch: tuple[str, ...] = ()


_cache: OrderedDict[tuple, _Checked] = OrderedDict()
_duplicates_cache: OrderedDict[tuple, tuple[Problem, ...]] = OrderedDict()
_lock = threading.Lock()
_spill_dir: tempfile.TemporaryDirectory | None = None


def _remember(cache: OrderedDict, key: tuple, value: object) -> None:
    with _lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > _CACHE_SIZE:
            _, evicted = cache.popitem(last=False)
            _forget(evicted.spill, *evicted.scratch)  # nothing will read them again


def _recall(cache: OrderedDict, key: tuple) -> object | None:
    with _lock:
        value = cache.get(key)
        if value is not None:
            cache.move_to_end(key)
        return value


def clear_cache() -> None:
    """Forget every cached validation (tests; a file edited within the same mtime tick)."""
    with _lock:
        for checked in _cache.values():
            _forget(checked.spill, *checked.scratch)
        _cache.clear()
        _duplicates_cache.clear()


def _file_problem(message: str, row: int | None = None, column: str | None = None) -> _Checked:
    return _Checked((Problem(loaders.ANON, row, column, message),))


def _canonical_select(plans: dict[str, ColumnPlan], raw_sql: str) -> str:
    typed = ", ".join(f"{plans[n].typed} AS {quote('t_' + n)}" for n, _ in CANONICAL_COLUMNS)
    return f"SELECT *, {typed} FROM ({raw_sql})"


def _row_problems(
    con: duckdb.DuckDBPyConnection, checked_sql: str, plans: dict
) -> tuple[list[Problem], int]:
    """The first problems in single values, by row, and how many there are in all."""
    rules = [rule for n, _ in CANONICAL_COLUMNS for rule in plans[n].rules]
    if not rules:
        return [], 0
    cases = ", ".join(
        f"CASE WHEN {r.condition} THEN {{'n': {i}, 'col': {literal(r.column)}, 'msg': {r.message}}} END"
        for i, r in enumerate(rules)
    )
    where = " OR ".join(_gated(plans[n]) for n, _ in CANONICAL_COLUMNS if plans[n].rules)
    # Rows that did not fit the header are reported as such, not value by value.
    found = (
        f"SELECT source_row, unnest([{cases}]) AS p FROM ({checked_sql}) "
        f"WHERE NOT misfit AND ({where})"
    )
    query = (
        f"SELECT source_row, p.col, p.msg FROM ({found}) WHERE p IS NOT NULL "
        f"ORDER BY source_row, p.n LIMIT {MAX_PROBLEMS_PER_FILE + 1}"
    )
    rows = con.execute(query).fetchall()
    problems = [Problem(loaders.ANON, row, col, msg) for row, col, msg in rows]
    total = len(problems)
    if total > MAX_PROBLEMS_PER_FILE:
        total = con.execute(f"SELECT count(*) FROM ({found}) WHERE p IS NOT NULL").fetchone()[0]
    return problems, total


def _gated(plan: ColumnPlan) -> str:
    """SQL true where a rule of ``plan`` fails, testing its cheap gate first."""
    any_rule = " OR ".join(f"({r.condition})" for r in plan.rules)
    return f"(({plan.suspect}) AND ({any_rule}))" if plan.suspect else f"({any_rule})"


def _receipt_problems(
    con: duckdb.DuckDBPyConnection, lines_sql: str, damaged: str | None
) -> tuple[list[Problem], int]:
    """The first receipts that do not balance or are only partly voided, and how many in all.

    Receipts with a damaged line (``damaged`` is its SQL condition) are left out: their
    totals mean nothing until the line is fixed. If a damaged line has no receipt number,
    which receipt it belongs to is unknown, so no receipt is judged.
    """
    exclude = ""
    if damaged is not None:
        unknown = f"SELECT count(*) FROM ({lines_sql}) WHERE ({damaged}) AND t_receipt_no IS NULL"
        if con.execute(unknown).fetchone()[0]:
            return [], 0
        exclude = (
            f"AND t_receipt_no NOT IN (SELECT t_receipt_no FROM ({lines_sql}) WHERE {damaged})"
        )
    known = ", ".join(literal(t) for t in LINE_TYPES)
    grouped = f"""
            SELECT t_business_date AS business_date, t_outlet AS outlet,
                   t_receipt_no AS receipt_no, min(source_row) AS first_row,
                   coalesce(sum(t_amount) FILTER (t_line_type <> 'payment'), 0) AS lines,
                   coalesce(sum(t_amount) FILTER (t_line_type = 'payment'), 0) AS paid,
                   bool_or(t_voided) AS any_void, bool_and(t_voided) AS all_void,
                   count(*) FILTER (t_amount IS NULL OR t_voided IS NULL
                                    OR t_line_type IS NULL OR t_line_type NOT IN ({known})) AS unreadable
            FROM ({lines_sql})
            WHERE t_business_date IS NOT NULL AND t_outlet IS NOT NULL
              AND t_receipt_no IS NOT NULL {exclude}
            GROUP BY ALL
    """
    if damaged is None:  # kept: a clean file's receipts are counted from it (see _check)
        con.execute(f"CREATE OR REPLACE TEMP TABLE receipt_totals AS {grouped}")
        grouped = "SELECT * FROM receipt_totals"
    query = f"""
        SELECT first_row, business_date, outlet, receipt_no, lines, paid, any_void, all_void,
               count(*) OVER () AS total
        FROM ({grouped})
        WHERE unreadable = 0 AND (any_void <> all_void OR (NOT any_void AND lines <> paid))
        ORDER BY first_row LIMIT {MAX_PROBLEMS_PER_FILE + 1}
    """
    found = con.execute(query).fetchall()
    problems = []
    for row, day, outlet, receipt, lines, paid, any_void, all_void, _ in found:
        where = f"receipt {receipt} ({outlet}, {day})"
        if any_void != all_void:
            msg = f"{where} has voided and non-voided lines; void the whole receipt or none of it"
            problems.append(Problem(loaders.ANON, row, "voided", msg))
        else:
            msg = (f"{where} does not balance: lines total {lines}, payments {paid}, "
                   f"difference {lines - paid}")  # fmt: skip
            problems.append(Problem(loaders.ANON, row, "amount", msg))
    return problems, found[0][-1] if found else 0


def _check(con: duckdb.DuckDBPyConnection, headers: list[str], types: list[str],
           raw_from: str, row_sql: str, is_parquet: bool,
           read_misfits: Callable[[], Sequence[Problem]] = tuple) -> _Checked:  # fmt: skip
    """Validate one file's raw columns (already readable as ``raw_from`` on ``con``).

    ``read_misfits()`` gives the rows the loader found not to fit the header; it is asked only
    once the lines are read (a streamed reader knows them only then).
    """
    match = match_headers(headers)
    header_row = None if is_parquet else 1
    problems = [Problem(loaders.ANON, header_row, c, m) for c, m in match.problems]
    type_of = dict(zip(headers, types, strict=True))
    position = {h: i for i, h in enumerate(headers)}
    plans: dict[str, ColumnPlan] = {}
    for name, _ in CANONICAL_COLUMNS:
        header = match.source_of.get(name)
        try:
            plans[name] = column_plan(name, None if header is None else type_of[header])
        except WrongColumnType as exc:
            problems.append(Problem(loaders.ANON, None, name, str(exc)))
    if problems:
        return _Checked(tuple(capped(loaders.ANON, [*problems, *read_misfits()])))

    def source(name: str) -> str:
        header = match.source_of.get(name)
        column = header if is_parquet else f"c{position[header]}"
        return f"{quote(column)} AS {quote('r_' + name)}"

    raw_cols = ", ".join(source(n) for n, _ in CANONICAL_COLUMNS if n in match.source_of)
    misfit = "false" if is_parquet else "misfit"
    raw_sql = f"SELECT {raw_cols}, {row_sql} AS source_row, {misfit} AS misfit FROM {raw_from}"
    checked_sql = _canonical_select(plans, raw_sql)
    if is_parquet and (
        clean := clean_parquet(con, raw_from, match.source_of, type_of, scratch=_spill_path)
    ):
        lines_sql = _canonical_lines(checked_sql, clean.plain)
        return _Checked((), clean.first_date, clean.last_date, parquet_sql=lines_sql,
                        receipts=clean.receipts, day_sums=clean.day_sums,
                        scratch=(clean.receipts, clean.day_sums))  # fmt: skip
    spill = None
    if not is_parquet:  # type the text once, to a Parquet file the checks and view then read
        spill = _spill_path()
        try:
            verdicts.write_private(con, checked_sql, spill)
        except (duckdb.Error, OSError):
            _forget(spill)  # a CSV stream that turned out inexact: the caller reads it again
            raise
        con.unregister(raw_from)  # the raw text table is no longer needed: free it early
        checked_sql = f"SELECT * FROM read_parquet({literal(spill)})"
    # Parquet text already trimmed (and line types lowercase) needs no per-row trim in the view.
    plain = [
        n for n in TEXT_COLUMNS if is_parquet and type_of.get(match.source_of.get(n)) == "VARCHAR"
    ]
    same = "".join(
        f", bool_and({quote('r_' + n)} IS NOT DISTINCT FROM {quote('t_' + n)})" for n in plain
    )
    count, first, last, *clean = con.execute(
        f"SELECT count(*), min(t_business_date), max(t_business_date){same} FROM ({checked_sql})"
    ).fetchone()
    plain = [n for n, ok in zip(plain, clean, strict=True) if ok]
    misfits = read_misfits()  # every line has been read by now
    if count == 0:
        _forget(spill)
        return _file_problem("the file has no sales lines (only a header)")
    rules = [rule.condition for n, _ in CANONICAL_COLUMNS for rule in plans[n].rules]
    row_problems, row_total = _row_problems(con, checked_sql, plans)
    damaged = None  # a clean file skips the extra scans that find damaged receipts
    if row_problems or misfits:
        damaged = " OR ".join(["misfit", *(f"coalesce({c}, false)" for c in rules)])
    receipt_problems, receipt_total = _receipt_problems(con, checked_sql, damaged)
    if misfits or row_problems or receipt_problems:
        problems = sorted([*misfits, *row_problems, *receipt_problems], key=lambda p: p.row or 0)
        total = len(misfits) + row_total + receipt_total
        _forget(spill)
        return _Checked(tuple(capped(loaders.ANON, problems, total)))
    lines_sql = _canonical_lines(checked_sql, plain)
    receipts = con.sql(
        "SELECT business_date, outlet, count(*) FILTER (NOT all_void) AS receipt_count "
        "FROM receipt_totals GROUP BY ALL"
    ).to_arrow_table()
    day_sums = con.sql(_line_sums(_typed(lines_sql, CANONICAL_COLUMNS))).to_arrow_table()
    return _Checked((), first, last, parquet_sql=lines_sql, receipts=receipts, day_sums=day_sums,
                    spill=spill)  # fmt: skip


def _canonical_lines(checked_sql: str, plain: Sequence[str]) -> str:
    """The canonical lines of a clean file: raw text where it is already canonical."""
    canonical = ", ".join(
        f"{quote(('r_' if n in plain else 't_') + n)} AS {quote(n)}" for n, _ in CANONICAL_COLUMNS
    )
    return f"SELECT {canonical}, source_row FROM ({checked_sql})"


def _line_sums(select: str) -> str:
    """The sums daily totals start from (sql/line_sums.sql: their one definition)."""
    return sql_text("line_sums").format(view=f"({select})")


def _spill_path() -> str:
    """A new file in this process's scratch folder (removed when the process ends).

    Typed CSV and Excel lines live there as Parquet instead of in memory: a year of a
    chain's lines is gigabytes as a table, and a day's preview then prunes row groups.
    """
    global _spill_dir
    with _lock:
        if _spill_dir is None:
            _spill_dir = tempfile.TemporaryDirectory(prefix="posbooks-lines-")
    return str(Path(_spill_dir.name) / f"{uuid.uuid4().hex}.parquet")


def _forget(*spills: str | None) -> None:
    """Remove scratch files nothing will read again (a rejected file's, an evicted entry's)."""
    for spill in spills:
        if spill is not None:
            Path(spill).unlink(missing_ok=True)


def _private_connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    # IN lists stay expressions: the join DuckDB makes of them scrambles the order in which
    # the typed lines are written, and the spill must keep the file's order (row groups).
    con.execute("SET disabled_optimizers = 'in_clause'")
    try:  # validation must not draw on the terminal
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        # In Jupyter, DuckDB refuses to touch its progress bar without ipywidgets: a cosmetic
        # setting, so the notebooks read exports all the same.
        pass
    return con


def _check_parquet(path: Path) -> _Checked:
    con = _private_connection()
    source = f"read_parquet({literal(str(path.resolve()))})"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except duckdb.Error:
        return _file_problem(UNREADABLE_PARQUET)
    headers = [d[0] for d in described]
    types = [d[1] for d in described]
    try:
        renamed = _renamed_headers(con, path, headers)
        if renamed is not None:
            return renamed
        return _check(con, headers, types, source, "file_row_number + 2", is_parquet=True)
    except duckdb.Error:
        return _file_problem(UNREADABLE_PARQUET)


def _renamed_headers(con: duckdb.DuckDBPyConnection, path: Path, headers: list) -> _Checked | None:
    """The header problems of a file whose column names DuckDB had to change, else None.

    DuckDB's names are case-insensitive: it reads 'amount' and 'Amount' as amount and
    Amount_1, and the file would pass with one of the two ignored. Judged on the names as
    written, it is refused as ambiguous, like a CSV with the same header.
    """
    schema = con.execute(
        f"SELECT name, num_children FROM parquet_schema({literal(str(path.resolve()))})"
    ).fetchall()
    written = [name for name, _ in schema[1:]]
    if written == headers or any(children for _, children in schema[1:]):
        return None  # the same names, or nested columns (refused by type anyway)
    match = match_headers(written)
    if not match.problems:
        return None
    return _Checked(tuple(Problem(loaders.ANON, None, c, m) for c, m in match.problems))


def _check_parquet_kept(path: Path, key: tuple) -> _Checked:
    """The verdict on a Parquet file, kept on disk for the next process (see verdicts)."""
    folder = verdicts.default_dir()
    if folder is None:
        return _check_parquet(path)
    try:
        fingerprint = verdicts.fingerprint(path, key[1], key[2])
    except OSError:
        return _file_problem("file not found or not readable")
    kept = verdicts.load(folder, fingerprint)
    if kept is not None:
        problems = tuple(Problem(loaders.ANON, *p) for p in kept["problems"])
        return _Checked(problems, kept["first_date"], kept["last_date"], kept["parquet_sql"],
                        receipts=kept["receipts"], day_sums=kept["day_sums"])  # fmt: skip
    checked = _check_parquet(path)
    verdicts.save(folder, fingerprint, {
        "problems": [[p.row, p.column, p.message] for p in checked.problems],
        "first_date": checked.first_date, "last_date": checked.last_date,
        "parquet_sql": checked.parquet_sql,
        "receipts": checked.receipts, "day_sums": checked.day_sums,
    })  # fmt: skip
    kept = verdicts.load(folder, fingerprint)
    if kept is None or kept["parquet_sql"] != checked.parquet_sql:
        return checked  # the home could not keep it: this process's scratch copies serve
    _forget(*checked.scratch)  # read from the home from now on, like the next process
    return replace(checked, receipts=kept["receipts"], day_sums=kept["day_sums"], scratch=())


def _check_csv_quick(path: Path) -> _Checked | None:
    """A clean CSV typed in one DuckDB pass (see clean_csv); None: validate it exactly."""
    con = _private_connection()
    found = clean_csv(con, path, _spill_path)
    if found is None:
        return None
    clean, lines_sql = found
    return _Checked((), clean.first_date, clean.last_date, parquet_sql=lines_sql,
                    receipts=clean.receipts, day_sums=clean.day_sums,
                    scratch=(clean.receipts, clean.day_sums))  # fmt: skip


def _check_csv_stream(path: Path) -> _Checked | None:
    """Validate a CSV streamed batch by batch into the typed spill, never whole in memory.

    None when Arrow cannot number the file's rows exactly: it must be read line by line.
    """
    stream = loaders.stream_csv(path)
    if stream is None:
        return None
    con = _private_connection()
    con.register("raw_lines", stream.reader())
    try:
        checked = _check(con, stream.headers, ["VARCHAR"] * len(stream.headers), "raw_lines",
                         "source_row", is_parquet=False)  # fmt: skip
    except duckdb.Error:
        if stream.failed:
            return None
        raise
    stream.drain()  # a verdict on the header alone (no line read yet) needs exact rows too
    return None if stream.failed else checked


def _check_csv_lines(path: Path) -> _Checked:
    """Validate a CSV read by the exact line reader, streamed in chunks into the typed spill.

    For files Arrow cannot number (often large ones with one bad line): memory stays bounded
    whatever the file size, and rows keep the numbers the user's editor shows.
    """
    try:
        lines = loaders.CsvLines(path)
    except loaders.Unreadable as exc:
        return _file_problem(str(exc), exc.row)
    con = _private_connection()
    con.register("raw_lines", lines.reader())
    try:
        return _check(con, lines.headers, ["VARCHAR"] * len(lines.headers), "raw_lines",
                      "source_row", is_parquet=False, read_misfits=lines.problems)  # fmt: skip
    except loaders.Unreadable as exc:  # found while reading on for the misfits
        return _file_problem(str(exc), exc.row)
    except duckdb.Error:
        if lines.error is None:
            raise
        return _file_problem(str(lines.error), lines.error.row)  # found while DuckDB read


def _check_xlsx(path: Path) -> _Checked:
    try:
        raw = excel.read_xlsx(path)
    except loaders.Unreadable as exc:
        return _file_problem(str(exc), exc.row)
    con = _private_connection()
    headers, misfits = raw.headers, raw.problems
    con.register("raw_lines", raw.table)
    del raw  # the connection holds the only reference, so _check can free the table
    return _check(con, headers, ["VARCHAR"] * len(headers), "raw_lines",
                  "source_row", is_parquet=False, read_misfits=lambda: misfits)  # fmt: skip


def _check_file(path: Path) -> tuple[tuple, _Checked]:
    """The (cached) verdict on one file, and its cache key."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        listed = ", ".join(SUPPORTED)
        return (str(path),), _file_problem(f"unsupported file type '{suffix}' (use {listed})")
    try:
        stat = path.stat()
    except OSError:
        return (str(path),), _file_problem("file not found or not readable")
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    cached = _recall(_cache, key)
    if cached is not None and not _tables_readable(cached):
        cached = None  # its kept tables went with their home (deleted, or another home's)
    if cached is None:
        if suffix == ".parquet":
            cached = _check_parquet_kept(path, key)
        elif suffix == ".xlsx":
            cached = _check_xlsx(path)
        else:  # Arrow when it numbers the rows exactly, else the line reader
            cached = _check_csv_quick(path) or _check_csv_stream(path) or _check_csv_lines(path)
        _remember(_cache, key, cached)
    return key, cached


def _tables_readable(checked: _Checked) -> bool:
    """Whether the tables a verdict keeps on disk are still there."""
    return all(
        os.path.exists(table)
        for table in (checked.receipts, checked.day_sums)
        if isinstance(table, str)
    )


def _table_name(key: tuple) -> str:
    return "pos_file_" + hashlib.sha1(repr(key).encode()).hexdigest()[:16]


def _lines_sql(key: tuple, checked: _Checked, name: str) -> str:
    """SELECT of this file's canonical lines, with source_file/source_row, in view order."""
    if checked.parquet_sql is not None:
        body = checked.parquet_sql
    else:
        body = f"SELECT * FROM {_table_name(key)}"
    columns = ", ".join(quote(n) for n, _ in CANONICAL_COLUMNS)
    return f"SELECT {columns}, {literal(name)} AS source_file, source_row FROM ({body})"


def _duplicates(con, later: tuple, earlier: tuple, sqls: dict, names: dict) -> tuple[Problem, ...]:
    """Receipts of the later file whose lines also appear, identically, in the earlier one."""
    cache_key = (later, earlier)
    cached = _recall(_duplicates_cache, cache_key)
    if cached is None:
        on = " AND ".join(f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in DUPLICATE_KEY)
        query = f"""
            SELECT min(a.source_row), a.business_date, a.outlet, a.receipt_no, count(*)
            FROM ({sqls[later]}) a SEMI JOIN ({sqls[earlier]}) b ON {on}
            GROUP BY ALL ORDER BY 1 LIMIT {MAX_PROBLEMS_PER_FILE + 1}
        """
        cached = tuple(
            Problem(loaders.ANON, row, None,
                    f"receipt {receipt} ({outlet}, {day}) is also in {{other}} ({n} identical "
                    f"line{'s' if n != 1 else ''}): the same receipt exported twice")
            for row, day, outlet, receipt, n in con.execute(query).fetchall()
        )  # fmt: skip
        _remember(_duplicates_cache, cache_key, cached)
    return tuple(
        Problem(names[later], p.row, p.column, p.message.replace("{other}", names[earlier]))
        for p in cached
    )


def _overlap(a: _Checked, b: _Checked) -> bool:
    return a.first_date <= b.last_date and b.first_date <= a.last_date


def open_exports(
    paths: Sequence[str | Path],
    *,
    names: Sequence[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    preset: str | None = None,
    options: SourceOptions | None = None,
    allow_any_date: bool | None = None,
) -> Exports:
    """Validate POS export files and expose the accepted ones as the view ``pos_lines``.

    ``names`` are the names the user knows the files by (upload names); by default the
    file names. Every problem is reported with file, row and column; a file with any
    problem contributes no rows. The view always exists (empty when nothing was accepted).
    Square, Toast and Loyverse exports are recognised from their headers (or read as the
    forced ``preset``) and turned into canonical lines first, read with ``options``.
    Business dates outside 2000-01-01..tomorrow are refused unless ``allow_any_date``
    (default: the POSBOOKS_ALLOW_ANY_BUSINESS_DATE variable; see date_bounds).
    """
    paths = [Path(p) for p in paths]
    given = [p.name for p in paths] if names is None else list(names)
    if len(given) != len(paths):
        raise ValueError("names must give one name per path")
    sources = read_sources(paths, given, preset=preset, options=options)
    paths, names = sources.paths, sources.names
    con = duckdb.connect() if con is None else con
    problems: list[Problem] = list(sources.problems)
    accepted: list[tuple[tuple, _Checked, str]] = []
    seen: dict[tuple, str] = {}
    bounds = business_date_bounds(allow_any_date)
    for path, name in zip(paths, names, strict=True):
        key, checked = _check_file(path)
        if not checked.problems and checked.parquet_sql is not None:
            outside = dates_outside(checked.parquet_sql, checked.first_date, checked.last_date,
                                    bounds)  # fmt: skip
            checked = replace(checked, problems=tuple(outside)) if outside else checked
        if checked.problems:
            problems.extend(p.in_file(name) for p in checked.problems)
        elif key in seen:
            problems.append(
                Problem(name, None, None, f"is the same file as {seen[key]}, given twice")
            )
        else:
            seen[key] = name
            accepted.append((key, checked, name))
    for key, checked, _ in accepted:
        if checked.table is not None:
            con.register(_table_name(key), checked.table)
    sqls = {key: _lines_sql(key, checked, name) for key, checked, name in accepted}
    names_of = {key: name for key, _, name in accepted}
    rejected: set[tuple] = set()
    for i, (later, checked_later, _) in enumerate(accepted):
        for earlier, checked_earlier, _ in accepted[:i]:
            if not _overlap(checked_later, checked_earlier):
                continue
            found = _duplicates(con, later, earlier, sqls, names_of)
            if found:
                problems.extend(capped(names_of[later], list(found)))
                rejected.add(later)
                break
    kept = [(key, name) for key, _, name in accepted if key not in rejected]
    _create_view(con, [sqls[key] for key, _ in kept])
    checked_of = {key: checked for key, checked, _ in accepted}
    receipts = _create_receipts_view(con, [(key, checked_of[key].receipts) for key, _ in kept])
    day_sums = _create_day_sums_view(con, [(key, checked_of[key].day_sums) for key, _ in kept])
    return Exports(con, VIEW_NAME, tuple(given), tuple(sources.translate(problems)),
                   tuple(n for _, n in kept), receipts, day_sums,
                   recognised=tuple(r for r in sources.recognised if r.name in dict(kept).values()))  # fmt: skip


def _create_receipts_view(con: duckdb.DuckDBPyConnection, tables: list) -> str | None:
    """The view ``pos_receipts`` of the one kept file's receipt counts, else None.

    With several files a receipt number may appear in two of them, so counts cannot be
    added up: daily totals then count distinct receipts over the lines.
    """
    if len(tables) != 1 or tables[0][1] is None:
        con.execute(f"DROP VIEW IF EXISTS {RECEIPTS_VIEW}")  # no stale counts on a reused con
        return None
    key, table = tables[0]
    con.execute(f"CREATE OR REPLACE TEMP VIEW {RECEIPTS_VIEW} AS "
                f"SELECT * FROM {_kept_table(con, key, '_receipts', table)}")  # fmt: skip
    return RECEIPTS_VIEW


def _kept_table(con: duckdb.DuckDBPyConnection, key: tuple, suffix: str, table) -> str:
    """A relation over a table validation kept: in memory (Arrow), or on disk (verdicts)."""
    if isinstance(table, str):
        return f"read_parquet({literal(table)})"
    con.register(_table_name(key) + suffix, table)
    return _table_name(key) + suffix


def _create_day_sums_view(con: duckdb.DuckDBPyConnection, tables: list) -> str | None:
    """The view ``pos_day_sums`` over the kept files' sums, else None (nothing kept, or a
    file without them). A line is in exactly one file, so the files' sums add up."""
    if not tables or any(table is None for _, table in tables):
        con.execute(f"DROP VIEW IF EXISTS {DAY_SUMS_VIEW}")  # no stale sums on a reused con
        return None
    body = " UNION ALL ".join(
        f"SELECT * FROM {_kept_table(con, key, '_day_sums', table)}" for key, table in tables
    )
    con.execute(f"CREATE OR REPLACE TEMP VIEW {DAY_SUMS_VIEW} AS {body}")
    return DAY_SUMS_VIEW


def _typed(select: str, columns: Sequence[tuple[str, str]] = VIEW_COLUMNS) -> str:
    """``select`` with each of ``columns`` cast to its type in the view."""
    casts = ", ".join(f"CAST({quote(n)} AS {t}) AS {quote(n)}" for n, t in columns)
    return f"SELECT {casts} FROM ({select})"


def _create_view(con: duckdb.DuckDBPyConnection, selects: list[str]) -> None:
    if not selects:
        empty = ", ".join(f"CAST(NULL AS {t}) AS {quote(n)}" for n, t in VIEW_COLUMNS)
        selects = [f"SELECT {empty} WHERE false"]
    body = " UNION ALL ".join(_typed(s) for s in selects)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {VIEW_NAME} AS {body}")
