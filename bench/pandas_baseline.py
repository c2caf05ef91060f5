"""The yardsticks posbooks is measured against, run in the same process.

``pandas_daily_totals``: what a straightforward pandas script would do: read the
whole Parquet file, filter the dates, group, then turn the sums into Decimal in pure
Python. It uses pandas' Arrow-backed dtypes so decimals stay exact (the default
object-Decimal dtypes are far slower still; see RESULTS.md), which makes it the
strongest fair baseline, not a strawman.

``pandas_drafts``: the same, then every day's journal draft built by posbooks' own core
(the drafts are what figure 2 asks of both; the core is not what is being compared).

``floor_read``: DuckDB reading just the columns the totals need for the same dates,
with no aggregation and no Python objects: no implementation can do less work.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
from posbooks.core.journal import journal_entries
from posbooks.core.model import DailyTotal, DayTotals, JournalDraft

# key of each source: category for sales/discounts, tax code, payment method, else none
_KEY_COLUMN = {
    "item": "category",
    "discount": "category",
    "tax": "tax_code",
    "payment": "payment_method",
}
_SOURCE = {
    "item": "sales",
    "discount": "discount",
    "service_charge": "service_charge",
    "tax": "tax",
    "rounding": "rounding",
    "tip": "tip",
    "payment": "payment",
}
_COLUMNS = [
    "business_date",
    "outlet",
    "receipt_no",
    "line_type",
    "category",
    "tax_code",
    "payment_method",
    "quantity",
    "amount",
    "voided",
]


def pandas_daily_totals(path: Path, date_from: date, date_to: date) -> list[DayTotals]:
    """Daily totals per outlet, the pandas way: read all, filter, group by, to Decimal."""
    df = pd.read_parquet(path, columns=_COLUMNS, dtype_backend="pyarrow")
    days = df["business_date"]
    df = df[(days >= pd.Timestamp(date_from).date()) & (days <= pd.Timestamp(date_to).date())]
    df = df[~df["voided"]]
    line_type = df["line_type"].astype(str).to_numpy()
    key = pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]")
    for lt, column in _KEY_COLUMN.items():
        chosen = line_type == lt
        key[chosen] = df.loc[chosen, column].astype("string[pyarrow]")
    df = df.assign(key=key)
    sums = (
        df.groupby(["business_date", "outlet", "line_type", "key"], dropna=False, sort=True)
        .agg(amount=("amount", "sum"), quantity=("quantity", "sum"))
        .reset_index()
    )
    receipts = (
        df.groupby(["business_date", "outlet"], sort=True)["receipt_no"].nunique().reset_index()
    )
    return _to_day_totals(sums, receipts)


def pandas_drafts(
    path: Path, date_from: date, date_to: date
) -> tuple[list[JournalDraft], list[DayTotals]]:
    """Every day's journal draft from the pandas totals, and the totals."""
    days = pandas_daily_totals(path, date_from, date_to)
    return journal_entries(days), days


def _to_day_totals(sums: pd.DataFrame, receipts: pd.DataFrame) -> list[DayTotals]:
    """Pure-Python conversion of the grouped frame into the shared vocabulary."""
    lines: dict[tuple[date, str], list[DailyTotal]] = defaultdict(list)
    for day, outlet, line_type, key, amount, quantity in zip(
        sums["business_date"].tolist(),
        sums["outlet"].tolist(),
        sums["line_type"].tolist(),
        sums["key"].tolist(),
        sums["amount"].tolist(),
        sums["quantity"].tolist(),
        strict=True,
    ):
        source = _SOURCE[line_type]
        if key is pd.NA or (key is not None and not key.strip()):
            key = None  # a blank category on a discount is a receipt-level discount
        lines[(day, outlet)].append(
            DailyTotal(
                business_date=day,
                outlet=outlet,
                source=source,
                key=key,
                amount=Decimal(amount).quantize(Decimal("0.01")),
                quantity=Decimal(quantity) if source == "sales" and quantity is not None else None,
            )
        )
    counts = {
        (d, o): int(n)
        for d, o, n in zip(
            receipts["business_date"].tolist(),
            receipts["outlet"].tolist(),
            receipts["receipt_no"].tolist(),
            strict=True,
        )
    }
    return [
        DayTotals(business_date=d, outlet=o, totals=tuple(t), receipt_count=counts.get((d, o), 0))
        for (d, o), t in sorted(lines.items())
    ]


FLOOR_SQL = """
SELECT business_date, outlet, line_type, category, tax_code, payment_method, amount
FROM read_parquet(?)
WHERE business_date BETWEEN ? AND ? AND NOT voided
"""


def floor_read(path: Path, date_from: date, date_to: date) -> int:
    """Read just the needed columns of those dates into Arrow; returns the row count."""
    con = duckdb.connect()
    try:
        rel = con.sql(FLOOR_SQL, params=[str(path), date_from, date_to])
        return rel.to_arrow_table().num_rows
    finally:
        con.close()


def comparable(days: list[DayTotals]) -> dict[tuple, tuple]:
    """Totals keyed by (date, outlet, source, key) -> (amount, quantity), zero sums dropped,
    plus receipt counts: the form in which posbooks and the baseline must agree."""
    out: dict[tuple, tuple] = {}
    for day in days:
        out[(day.business_date, day.outlet, "receipts", None)] = (day.receipt_count, None)
        for t in day.totals:
            quantity = t.quantity if t.source == "sales" else None
            if t.amount == 0 and not quantity:
                continue
            k = (t.business_date, t.outlet, t.source, t.key)
            prev = out.get(k, (Decimal("0.00"), None))
            out[k] = (prev[0] + t.amount, quantity if prev[1] is None else prev[1] + quantity)
    return out


__all__ = ["pandas_daily_totals", "pandas_drafts", "floor_read", "comparable"]
