"""What every POS preset shares: its options, what it recognised, what it extracted, and the
typing of a POS file's columns with a problem per unreadable value (in the POS's own words).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

import duckdb

from posbooks.pos.checks import literal, quote
from posbooks.pos.presets import parsing
from posbooks.pos.presets.files import LoadedFile, PosFile, explain_shifted_rows
from posbooks.pos.problems import MAX_PROBLEMS_PER_FILE, Problem

UNCATEGORISED = "Uncategorised"
GIFT_CARDS_SOLD = "Gift cards sold"
GRATUITY_AS = ("service_charge", "tip")
SPLIT_RULES = ("refuse", "clearing")
# The canonical lines a preset extracts, then the POS file/row/column each came from.
LINE_COLUMNS = (
    "business_date", "outlet", "receipt_no", "line_type", "category", "item", "quantity",
    "tax_code", "payment_method", "amount", "closed_at", "voided",
    "pos_file", "pos_row", "pos_column",
)  # fmt: skip


@dataclass(frozen=True)
class SourceOptions:
    """How to read a POS's export where the file alone does not say (the "source profile").

    ``day_first``/``decimal_comma`` None = decided from the file. ``cutoff_hour``: a receipt
    closed before this hour belongs to the business day before. ``clearing_method``: the
    payment method that takes each receipt's total when the export carries no tenders (the
    payout is then reconciled in that clearing account).
    """

    tax_code: str = "Sales tax"
    tax_code_by_outlet: tuple[tuple[str, str], ...] = ()  # (outlet, code): hashable
    day_first: bool | None = None
    decimal_comma: bool | None = None
    cutoff_hour: int = 0
    # The zone business days are counted in, for exports whose times are UTC (None: the
    # export's times are already local, as Square's, Toast's and Loyverse's are).
    time_zone: str | None = None
    outlet: str | None = None
    gratuity_as: str = "service_charge"
    clearing_method: str | None = None
    split_tender: str = "refuse"
    # The generic column mapping: (role, header) pairs, e.g. ("date", "Order Date"), and
    # (value in the file, line type) pairs for a one-row-per-line file's kind column.
    columns: tuple[tuple[str, str], ...] = ()
    line_type_values: tuple[tuple[str, str], ...] = ()
    columns_name: str = ""  # what the bookkeeper called the column mapping ("Kassenbuch")

    def __post_init__(self) -> None:
        if self.gratuity_as not in GRATUITY_AS:
            raise ValueError(f"gratuity_as must be one of {', '.join(GRATUITY_AS)}")
        if self.split_tender not in SPLIT_RULES:
            raise ValueError(f"split_tender must be one of {', '.join(SPLIT_RULES)}")
        if self.split_tender == "clearing" and not self.clearing_method:
            raise ValueError("split_tender 'clearing' needs a clearing_method")
        for name in ("tax_code_by_outlet", "columns", "line_type_values"):  # JSON lists, dicts
            value = getattr(self, name)
            pairs = value.items() if isinstance(value, dict) else value
            object.__setattr__(self, name, tuple(tuple(p) for p in pairs))
        if self.time_zone:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(self.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone '{self.time_zone}' "
                                 "(e.g. America/New_York, Asia/Kuala_Lumpur)") from None  # fmt: skip
        if not 0 <= self.cutoff_hour <= 12:
            raise ValueError("cutoff_hour must be between 0 and 12")

    def as_dict(self) -> dict:
        """JSON-ready (saved in the home with the mapping)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> SourceOptions:
        """Options from saved JSON; unknown keys (a newer posbooks) are ignored."""
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    def tax_code_sql(self, outlet_sql: str) -> str:
        """SQL of the tax code for a line of ``outlet_sql``."""
        if not self.tax_code_by_outlet:
            return literal(self.tax_code)
        cases = " ".join(f"WHEN {literal(o)} THEN {literal(c)}" for o, c in self.tax_code_by_outlet)
        return f"CASE {outlet_sql} {cases} ELSE {literal(self.tax_code)} END"

    def business_date_sql(self, ts_sql: str) -> str:
        """The business day of a receipt closed at ``ts_sql`` (after the cutoff hour, in the
        time zone when the export's times are UTC)."""
        if self.time_zone:
            ts_sql = f"timezone({literal(self.time_zone)}, ({ts_sql}) AT TIME ZONE 'UTC')"
        if not self.cutoff_hour:
            return f"CAST({ts_sql} AS DATE)"
        return f"CAST({ts_sql} - INTERVAL {int(self.cutoff_hour)} HOUR AS DATE)"


@dataclass(frozen=True)
class Match:
    """Files one preset recognised, by kind (e.g. Square ``items`` and ``transactions``)."""

    preset: str
    title: str
    files: dict[str, tuple[PosFile, ...]]

    def kinds(self) -> list[str]:
        return [k for k, v in self.files.items() if v]

    def all_files(self) -> list[PosFile]:
        return [f for files in self.files.values() for f in files]


@dataclass
class Extraction:
    """Canonical lines (``lines``: SQL on the connection, LINE_COLUMNS) or the problems.

    ``own_totals``: the export's own total per (day, outlet) under ``total_label`` (e.g.
    Square's Total Collected), for the tie-out beside the drafts'.
    """

    lines: str | None
    problems: list[Problem]
    description: str
    own_totals: list[tuple[date, str, Decimal]] = field(default_factory=list)
    total_label: str = ""
    compares: str = "payments"  # what the own total is compared with: payments or sales
    notes: list[str] = field(default_factory=list)


class Preset(Protocol):
    """A POS export reader (beangulp-like): identify from headers, extract canonical lines."""

    name: str
    title: str
    kinds: dict[str, tuple[str, ...]]  # kind -> headers that identify it

    def identify(
        self, files: list[PosFile], options: SourceOptions | None = None
    ) -> Match | None: ...

    def extract(
        self, con: duckdb.DuckDBPyConnection, match: Match, options: SourceOptions
    ) -> Extraction: ...


def identify_by_kinds(
    name: str, title: str, kinds: dict[str, tuple[str, ...]], files: list[PosFile]
) -> Match | None:
    """The files whose headers include every identifying column of one of ``kinds``."""
    found: dict[str, list[PosFile]] = {k: [] for k in kinds}
    for f in files:
        for kind, columns in kinds.items():
            if f.has(*columns):
                found[kind].append(f)
                break
    if not any(found.values()):
        return None
    return Match(name, title, {k: tuple(v) for k, v in found.items()})


# What a column holds: amount (2 places), amount5 (more places allowed), timestamp, flag, text.
KINDS = ("amount", "amount5", "timestamp", "flag", "text", "quantity")


@dataclass
class Typed:
    """A POS file's columns read into types: table ``name`` (aliases, source_row, misfit)."""

    name: str
    file: PosFile
    problems: list[Problem]
    source_of: dict[str, str]  # alias -> POS header (only those present)

    def col(self, alias: str) -> str:
        """The POS's own name of the column behind ``alias`` (for problems and pos_column)."""
        return self.source_of.get(alias, alias)


def type_columns(
    con: duckdb.DuckDBPyConnection,
    loaded: LoadedFile,
    spec: dict[str, tuple[str | tuple[str, ...], str]],
    options: SourceOptions,
    decimal_comma: bool | None = None,
    day_first: bool | None = None,
    extra: dict[str, Callable[[bool, dict[str, str]], str]] | None = None,
) -> Typed:
    """Type the columns of ``spec`` (alias -> (POS header or alternatives, kind)).

    ``extra``: alias -> function of (day_first, alias -> quoted POS header) giving SQL over
    the raw columns (e.g. a timestamp from a date and a time column). Absent optional columns read as NULL (amounts as 0). Every value that does not read is a
    problem: file, row, the POS's column name, the value and what was expected.
    """
    file, table = loaded.file, loaded.table
    source_of: dict[str, str] = {}
    for alias, (headers, _) in spec.items():
        for h in (headers,) if isinstance(headers, str) else headers:
            if file.column(h) is not None:
                source_of[alias] = file.column(h)
                break
    amounts = [
        source_of[a] for a, (_, k) in spec.items() if k.startswith("amount") and a in source_of
    ]
    comma = decimal_comma
    if comma is None:
        comma = options.decimal_comma
    if comma is None:
        comma = parsing.uses_decimal_comma(con, table, amounts)
    first = options.day_first if day_first is None else day_first
    selects, checks = [], []
    for alias, (_, kind) in spec.items():
        header = source_of.get(alias)
        raw = quote(header) if header else "NULL"
        if kind.startswith("amount"):
            expr = parsing.amount(raw, comma)
            expected = (
                "an amount (e.g. 1,149.00 or (33.62))" if not comma else "an amount (e.g. 1.234,50)"
            )
        elif kind == "quantity":
            expr = parsing.amount(raw, comma)
            expected = "a quantity"
        elif kind == "timestamp":
            expr = parsing.timestamp(raw, bool(first))
            order = "DD/MM/YYYY" if first else "MM/DD/YYYY"
            expected = f"a date (YYYY-MM-DD or {order}, optionally with a time)"
        elif kind == "flag":
            expr = parsing.flag(raw)
            expected = "TRUE or FALSE"
        else:
            expr, expected = parsing.text(raw), ""
        selects.append(f"{expr} AS {quote(alias)}")
        if header and expected:
            # Checked on the typed table: the raw text is kept beside its typed value, so the
            # parsing runs once per value.
            kept = quote("raw " + alias)
            selects.append(f"{raw} AS {kept}")
            typed = quote(alias)
            bad = f"(nullif(trim({kept}), '') IS NOT NULL AND {typed} IS NULL)"
            checks.append((header, bad, f"'{{}}' is not {expected}", kept))
            if kind == "amount":
                more = f"({typed} IS NOT NULL AND {typed} <> round({typed}, 2))"
                checks.append((header, more, "'{}' has more than 2 decimals", kept))
    for alias, sql in (extra or {}).items():
        raw_of = {a: quote(h) for a, h in source_of.items()}
        selects.append(f"{sql(bool(first), raw_of)} AS {quote(alias)}")
    name = f"{table}_typed"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {quote(name)} AS SELECT source_row, misfit, "
        f"{', '.join(selects)} FROM {quote(table)}"
    )
    problems = [p for p in loaded.problems if p.row not in loaded.misfit_rows]
    typed_for_shift = {
        h: (parsing.amount("v", comma) if spec[a][1] in ("amount", "amount5", "quantity")
            else parsing.timestamp("v", bool(first)) if spec[a][1] == "timestamp"
            else parsing.flag("v") if spec[a][1] == "flag" else "v")
        for a, h in source_of.items() if spec[a][1] != "text"
    }  # fmt: skip
    problems += explain_shifted_rows(con, loaded, typed_for_shift)
    problems += value_problems(con, name, file.name, checks)
    return Typed(name, file, problems, source_of)


def value_problems(
    con: duckdb.DuckDBPyConnection,
    table: str,
    file_name: str,
    checks: list[tuple[str, str, str, str]],
) -> list[Problem]:
    """One problem per (row, column) where a check's SQL condition holds (misfit rows aside).

    A check is (the POS column, condition, message with {} for the value, SQL of the value).
    """
    if not checks:
        return []
    parts = []
    for column, bad, template, value in checks:
        before, _, after = template.partition("{}")
        msg = f"({literal(before)} || left(trim({value}), 40) || {literal(after)})"
        parts.append(
            f"SELECT source_row, {literal(column)} AS col, {msg} AS msg FROM {quote(table)} "
            f"WHERE NOT misfit AND {bad}"
        )
    rows = con.execute(
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) ORDER BY source_row "
        f"LIMIT {MAX_PROBLEMS_PER_FILE}"
    ).fetchall()
    return [Problem(file_name, row, col, msg) for row, col, msg in rows]


def line(
    *,
    business_date: str,
    outlet: str,
    receipt_no: str,
    line_type: str,
    amount: str,
    pos_file: str,
    pos_row: str,
    pos_column: str,
    category: str = "NULL",
    item: str = "NULL",
    quantity: str = "NULL",
    tax_code: str = "NULL",
    payment_method: str = "NULL",
    closed_at: str = "NULL",
    voided: str = "false",
    line_type_sql: str | None = None,
) -> str:
    """The SELECT list of one canonical line, each argument SQL (text values quoted by caller)."""
    values = {
        "business_date": business_date, "outlet": outlet, "receipt_no": receipt_no,
        "line_type": line_type_sql or literal(line_type), "category": category, "item": item,
        "quantity": f"CAST({quantity} AS DECIMAL(18,3))", "tax_code": tax_code,
        "payment_method": payment_method, "amount": f"CAST({amount} AS DECIMAL(18,2))",
        "closed_at": f"CAST({closed_at} AS TIMESTAMP)", "voided": voided,
        "pos_file": pos_file, "pos_row": pos_row, "pos_column": pos_column,
    }  # fmt: skip
    return ", ".join(f"{values[c]} AS {quote(c)}" for c in LINE_COLUMNS)


def select_lines(source: str, where: str, **columns: str) -> str:
    """SELECT of canonical lines (see ``line``) from ``source``."""
    return f"SELECT {line(**columns)} FROM {source} {where}"


def problem_rows(con: duckdb.DuckDBPyConnection, sql: str, column: str) -> list[Problem]:
    """Problems from a query of (pos_file, source_row, message), at most a file's worth."""
    found = con.execute(f"{sql} ORDER BY 1, 2 LIMIT {MAX_PROBLEMS_PER_FILE}").fetchall()
    return [Problem(f, r, column, " ".join(m.split())) for f, r, m in found]


def union_view(con: duckdb.DuckDBPyConnection, table: str, parts: list[str]) -> str:
    """One temporary view ``table`` over the typed files of a kind (columns matched by name)."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS {' UNION ALL BY NAME '.join(parts)}")
    return table


def no_outlet_column(file_name: str, column: str) -> Problem:
    """An export with no location column and no outlet name in the source options."""
    return Problem(file_name, 1, None, (
        f"the file has no {column} column: set the outlet name in the source options "
        "(posbooks mapping source --outlet NAME)"))  # fmt: skip
