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

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pyarrow as pa

from posbooks.core.model import LINE_TYPES
from posbooks.pos.checks import REQUIRED_ON, literal, quote

# Raw types whose canonical value is the raw value, losslessly (see checks.column_plan).
_SAME_TYPE = {
    "business_date": ("DATE",),
    "closed_at": ("TIMESTAMP", "DATE"),
    "voided": ("BOOLEAN",),
}
_DECIMAL_SCALE = {"amount": 2, "quantity": 3}
# Text compared as is with its canonical value (trimmed, blank = NULL) on the grouped rows.
_GROUPED_TEXT = ("outlet", "receipt_no", "line_type", "category", "tax_code", "payment_method")


@dataclass(frozen=True)
class CleanFile:
    """What validation keeps of a clean file (see exports._Checked)."""

    first_date: date
    last_date: date
    plain: tuple[str, ...]  # text columns whose raw value is already the canonical one
    receipts: pa.Table
    day_sums: pa.Table


def _fits(name: str, rtype: str | None) -> bool:
    """Whether the raw type types to the canonical one with no rule but 'is empty'."""
    if rtype is None:
        return name not in ("business_date", "amount") and name not in _GROUPED_TEXT[:4]
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
    """SQL true where a text value is its own canonical value (NULL, or trimmed and not blank)."""
    c = quote(column)
    return f"({c} IS NULL OR ({c} <> '' AND {c} = trim({c})))"


def clean_parquet(
    con: duckdb.DuckDBPyConnection, source: str, source_of: dict[str, str], type_of: dict
) -> CleanFile | None:
    """The verdict on a clean typed Parquet file ``source`` (a read_parquet(...) call), or None
    when the file is not in canonical types or anything may be wrong with it."""
    names = (*_GROUPED_TEXT, "business_date", "amount", "quantity", "voided", "closed_at")
    if not all(_fits(n, type_of.get(source_of.get(n))) for n in names):
        return None

    def col(name: str, default: str = "NULL") -> str:
        return quote(source_of[name]) if name in source_of else default

    amount = f"CAST({col('amount')} AS DECIMAL(18,2))"
    quantity = f"CAST({col('quantity')} AS DECIMAL(18,3))"
    voided = f"coalesce({col('voided', 'false')}, false)"
    line_type = col("line_type")
    keys = {n: col(n) for n in _GROUPED_TEXT}
    receipt_keys = ", ".join(f"{keys[n]} AS {n}" for n in ("outlet", "receipt_no"))
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE clean_receipts AS
        SELECT {col("business_date")} AS business_date, {receipt_keys},
               count(*) FILTER ({amount} IS NULL) AS no_amount,
               coalesce(sum({amount}) FILTER ({line_type} <> 'payment'), 0) AS lines,
               coalesce(sum({amount}) FILTER ({line_type} = 'payment'), 0) AS paid,
               bool_or({voided}) AS any_void, bool_and({voided}) AS all_void
        FROM {source} GROUP BY ALL
    """)  # fmt: skip
    day_keys = ", ".join(f"{keys[n]} AS {n}" for n in _GROUPED_TEXT if n != "receipt_no")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE clean_day_sums AS
        SELECT {col("business_date")} AS business_date, {day_keys},
               sum({amount}) FILTER (NOT {voided}) AS amount,
               sum({quantity}) FILTER (NOT {voided}) AS quantity,
               count(*) FILTER (NOT {voided}) AS kept
        FROM {source} GROUP BY ALL
    """)  # fmt: skip
    receipts_ok = " AND ".join([
        "business_date IS NOT NULL", "outlet IS NOT NULL", "receipt_no IS NOT NULL",
        _plain("outlet"), _plain("receipt_no"), "no_amount = 0",
        "any_void = all_void", "(any_void OR lines = paid)",
    ])  # fmt: skip
    known = ", ".join(literal(t) for t in LINE_TYPES)
    needed = [
        f"(line_type <> '{kind}' OR {name} IS NOT NULL)" for name, kind in REQUIRED_ON.items()
    ]
    days_ok = " AND ".join([
        "line_type IS NOT NULL", f"line_type IN ({known})",
        *(_plain(n) for n in ("category", "tax_code", "payment_method")), *needed,
    ])  # fmt: skip
    [(count, first, last, bad_receipts)] = con.execute(
        "SELECT count(*), min(business_date), max(business_date), "
        f"count(*) FILTER (NOT ({receipts_ok})) FROM clean_receipts"
    ).fetchall()
    [(bad_days,)] = con.execute(
        f"SELECT count(*) FROM clean_day_sums WHERE NOT ({days_ok})"
    ).fetchall()
    if not count or bad_receipts or bad_days:
        return None
    receipts = con.sql(
        "SELECT business_date, outlet, count(*) FILTER (NOT all_void) AS receipt_count "
        "FROM clean_receipts GROUP BY ALL"
    ).to_arrow_table()
    day_sums = con.sql(
        "SELECT business_date, outlet, line_type, category, tax_code, payment_method, "
        "amount, quantity FROM clean_day_sums WHERE kept > 0"
    ).to_arrow_table()
    con.execute("DROP TABLE clean_receipts")
    con.execute("DROP TABLE clean_day_sums")
    # Item is not grouped (thousands of names): the view trims it, as for any text column.
    plain = tuple(n for n in _GROUPED_TEXT if n in source_of)
    return CleanFile(first, last, plain, receipts, day_sums)
