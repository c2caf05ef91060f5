"""One quick verdict on a Parquet export already in canonical types: clean, or look closer.

A POS that writes Parquet usually writes the canonical types (DATE, DECIMAL, BOOLEAN,
trimmed text). For such a file every rule of ``checks`` can be decided from two grouped
reads (per receipt, and per day/outlet/raw columns), which also give the receipt counts
and the per-day sums a preview needs: about one scan of the file instead of five. The
answer is only ever "clean" or "not sure": any doubt (a blank, an untrimmed name, an
unknown line type, a receipt that does not balance) sends the file through the full
validation in ``exports``, which names every problem by row and column as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb

from posbooks.core.model import LINE_TYPES
from posbooks.pos.checks import REQUIRED_ON, literal, quote, written_as_its_date
from posbooks.pos.verdicts import write_private

# Raw types whose canonical value is the raw value, losslessly (see checks.column_plan).
_SAME_TYPE = {
    "business_date": ("DATE",),
    "closed_at": ("TIMESTAMP", "DATE"),
    "voided": ("BOOLEAN",),
}
_DECIMAL_SCALE = {"amount": 2, "quantity": 3}
# Text compared as is with its canonical value (trimmed, blank = NULL) on the grouped rows.
GROUPED_TEXT = ("outlet", "receipt_no", "line_type", "category", "tax_code", "payment_method")


@dataclass(frozen=True)
class CleanFile:
    """What validation keeps of a clean file (see exports._Checked)."""

    first_date: date
    last_date: date
    plain: tuple[str, ...]  # text columns whose raw value is already the canonical one
    receipts: str  # Parquet file of receipts not voided per business_date and outlet
    day_sums: str  # Parquet file of the sums per day, outlet and key (sql/line_sums.sql)


def _fits(name: str, rtype: str | None) -> bool:
    """Whether the raw type types to the canonical one with no rule but 'is empty'."""
    if rtype is None:
        return name not in ("business_date", "amount") and name not in GROUPED_TEXT[:4]
    if name in _DECIMAL_SCALE:
        if not rtype.startswith("DECIMAL("):
            return False
        precision, scale = (int(x) for x in rtype[8:-1].split(","))
        want = _DECIMAL_SCALE[name]
        return scale <= want and precision - scale <= 18 - want
    if name in _SAME_TYPE:
        return any(rtype.startswith(t) for t in _SAME_TYPE[name])
    return rtype == "VARCHAR"


def _plain(column: str) -> str:
    """SQL true where a text value is its own canonical value (NULL, or trimmed and not blank).

    DuckDB's trim cuts the space and Unicode's other spaces (no other ASCII character): an
    all-ASCII value (as many bytes as characters) needs only its ends compared with ' ',
    which costs a fifth of trimming 1.5 M receipt numbers."""
    c = quote(column)
    ascii_ends = f"NOT starts_with({c}, ' ') AND NOT ends_with({c}, ' ')"
    trimmed = f"CASE WHEN strlen({c}) = length({c}) THEN {ascii_ends} ELSE {c} = trim({c}) END"
    return f"({c} IS NULL OR ({c} <> '' AND {trimmed}))"


def clean_parquet(
    con: duckdb.DuckDBPyConnection,
    source: str,
    source_of: dict[str, str],
    type_of: dict,
    flagged: str = "false",
    expected_lines: Callable[[], int | None] | None = None,
    one_pass: bool = False,
    *,
    scratch: Callable[[], str],
    date_text: bool = False,
) -> CleanFile | None:
    """The verdict on a clean typed Parquet file ``source`` (a read_parquet(...) call), or None
    when the file is not in canonical types or anything may be wrong with it.

    ``flagged``: SQL true on a line found wrong by other means (then None); and when
    ``expected_lines`` is given, the file must have exactly as many lines as it answers once
    the lines are read (None: their number is unknown, so look closer). ``scratch()``
    names a new file for each table kept (the receipt counts and the day sums).
    ``date_text``: business_date is still text (a CSV's); it is grouped as read and typed on
    the grouped rows, where only text that is its date's own rendering (2026-11-24) passes."""
    names = (*GROUPED_TEXT, "business_date", "amount", "quantity", "voided", "closed_at")
    if not all(_fits(n, type_of.get(source_of.get(n))) for n in names
               if not (date_text and n == "business_date")):  # fmt: skip
        return None

    def col(name: str, default: str = "NULL") -> str:
        return quote(source_of[name]) if name in source_of else default

    # A line found wrong, or without an amount, loses its receipt number: its receipt then
    # fails as one without a number, and no aggregate has to count such lines.
    receipt_no = (
        f"CASE WHEN ({flagged}) OR {col('amount')} IS NULL THEN NULL ELSE {col('receipt_no')} END"
    )
    base = ", ".join([
        f"{col('business_date')} AS business_date",
        *(f"{receipt_no if n == 'receipt_no' else col(n)} AS {n}" for n in GROUPED_TEXT),
        f"CAST({col('amount')} AS DECIMAL(18,2)) AS amount",
        f"CAST({col('quantity')} AS DECIMAL(18,3)) AS quantity",
        f"coalesce({col('voided', 'false')}, false) AS voided",
    ])  # fmt: skip
    # As few aggregates as the verdict needs (each costs ~0.1 s over 10 M lines, and in one
    # pass every grouping set computes all of them). A receipt balances when its lines less
    # its payments sum to zero; voids = line_count: all voided. The day sums are grouped by
    # voided too, so they need no filter, and the same signed sum gives a day's amount
    # (its line type is a key).
    aggregate = {
        "signed": "sum(CASE WHEN line_type = 'payment' THEN -amount ELSE amount END)",
        "voids": "count(*) FILTER (voided)",
        "quantity": "sum(quantity)",
        "line_count": "count(*)",
    }
    by_receipt, by_day = ("signed", "voids", "line_count"), ("signed", "quantity", "line_count")

    def computed(names: tuple[str, ...]) -> str:
        return ", ".join(f"{aggregate[n]} AS {n}" for n in names)

    receipt_keys = "business_date, outlet, receipt_no"
    day_keys = "business_date, outlet, line_type, category, tax_code, payment_method, voided"
    lines = f"(SELECT {base} FROM {source})"
    if one_pass:  # a source that is dear to read (CSV text) is read once for both
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE clean_groups AS
            SELECT GROUPING(receipt_no) AS by_day, {receipt_keys}, line_type, category,
                   tax_code, payment_method, voided, {computed(tuple(aggregate))}
            FROM {lines} GROUP BY GROUPING SETS (({receipt_keys}), ({day_keys}))
        """)  # fmt: skip
        receipts_from = days_from = "clean_groups"
        receipts_where, days_where = "WHERE by_day = 0", "WHERE by_day = 1"
        receipt_cols = f"{receipt_keys}, {', '.join(by_receipt)}"
        day_cols = f"{day_keys}, {', '.join(by_day)}"
    else:
        receipts_from, days_from, receipts_where, days_where = lines, lines, "", ""
        receipt_cols = f"{receipt_keys}, {computed(by_receipt)}"
        day_cols = f"{day_keys}, {computed(by_day)}"
    group = "" if one_pass else "GROUP BY ALL"
    receipt_ok = " AND ".join([
        "receipt_no IS NOT NULL", _plain("receipt_no"), "voids IN (0, line_count)",
        "(voids > 0 OR signed = 0)",
    ])  # fmt: skip
    # A date as text is typed once per day and outlet; any other spelling than the date's
    # own (' 2026-11-24', '2026-1-5') could split a receipt in two, so it looks closer.
    if date_text:
        day = "TRY_CAST(business_date AS DATE)"
        date_bad = f"NOT ({written_as_its_date('business_date')})"
    else:
        day, date_bad = "business_date", "false"
    # Judged and counted per day and outlet as they are grouped: ~7k rows are kept, not the
    # 1.5 M receipts of a chain's year (writing and rescanning those cost ~0.2 s).
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE clean_receipts AS
        SELECT {day} AS business_date, outlet, receipts, receipt_count,
               bad + CASE WHEN coalesce({date_bad}, true) THEN 1 ELSE 0 END AS bad, lines
        FROM (
            SELECT business_date, outlet, count(*) AS receipts,
                   count(*) FILTER (voids < line_count) AS receipt_count,
                   count(*) FILTER (NOT ({receipt_ok})) AS bad, sum(line_count) AS lines
            FROM (SELECT {receipt_cols} FROM {receipts_from} {receipts_where} {group})
            GROUP BY ALL
        )
    """)  # fmt: skip
    con.execute(f"CREATE OR REPLACE TEMP TABLE clean_day_sums AS SELECT * REPLACE "
                f"({day} AS business_date) FROM (SELECT {day_cols} FROM {days_from} "
                f"{days_where} {group})")  # fmt: skip
    day_outlet_ok = " AND ".join(["business_date IS NOT NULL", "outlet IS NOT NULL", "bad = 0"])
    known = ", ".join(literal(t) for t in LINE_TYPES)
    needed = [
        f"(line_type <> '{kind}' OR {name} IS NOT NULL)" for name, kind in REQUIRED_ON.items()
    ]
    days_ok = " AND ".join([
        "line_type IS NOT NULL", f"line_type IN ({known})", "outlet IS NOT NULL",
        *(_plain(n) for n in ("outlet", "category", "tax_code", "payment_method")), *needed,
    ])  # fmt: skip
    [(count, first, last, bad_receipts, lines)] = con.execute(
        "SELECT sum(receipts), min(business_date), max(business_date), "
        f"count(*) FILTER (NOT ({day_outlet_ok})), sum(lines) FROM clean_receipts"
    ).fetchall()
    if expected_lines is not None and lines != expected_lines():
        return None
    [(bad_days,)] = con.execute(
        f"SELECT count(*) FROM clean_day_sums WHERE NOT ({days_ok})"
    ).fetchall()
    if not count or bad_receipts or bad_days:
        return None
    # Written as Parquet, not handed over as Arrow: a preview then never loads pyarrow
    # (~0.2 s of a fresh process) and a kept verdict copies the files as they are.
    receipts = write_private(
        con, "SELECT business_date, outlet, receipt_count FROM clean_receipts", scratch()
    )
    day_sums = write_private(
        con,
        "SELECT business_date, outlet, line_type, category, tax_code, payment_method, "
        "CASE WHEN line_type = 'payment' THEN -signed ELSE signed END AS amount, quantity "
        "FROM clean_day_sums WHERE NOT voided",
        scratch(),
    )
    con.execute("DROP TABLE IF EXISTS clean_groups")
    con.execute("DROP TABLE clean_receipts")
    con.execute("DROP TABLE clean_day_sums")
    # Item is not grouped (thousands of names): the view trims it, as for any text column.
    plain = tuple(n for n in GROUPED_TEXT if n in source_of)
    return CleanFile(first, last, plain, receipts, day_sums)
