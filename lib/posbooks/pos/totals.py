"""Daily totals from the POS lines view: one DuckDB query for the whole period.

The adapter between DuckDB and the pure core: runs ``sql/daily_totals.sql`` over an
open exports view and returns ``DayTotals`` (Decimal amounts, fetched with
``fetchall`` so nothing passes through floats or pandas).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Protocol

from posbooks.core.bulk import cycle_collection_paused
from posbooks.core.model import DailyTotal, DayTotals


class HasView(Protocol):
    """What ``daily_totals`` needs of ``posbooks.pos.Exports``: a connection and a view name."""

    con: Any
    view: str


@cache
def sql(name: str) -> str:
    """The text of ``lib/posbooks/pos/sql/<name>.sql``."""
    return resources.files("posbooks.pos.sql").joinpath(f"{name}.sql").read_text(encoding="utf-8")


def quote_identifier(name: str) -> str:
    """A DuckDB identifier in double quotes (the view name is ours, but quote it anyway)."""
    return '"' + name.replace('"', '""') + '"'


def daily_totals(
    exports: HasView,
    date_from: date,
    date_to: date | None = None,
    outlets: Sequence[str] | None = None,
) -> list[DayTotals]:
    """Every (source, key) total of every business day and outlet in the period.

    ``date_to`` defaults to ``date_from`` (one day); ``outlets`` None means all.
    Voided receipts are left out. Days without receipts are absent.
    """
    date_to = date_to or date_from
    view = quote_identifier(exports.view)
    # Exports from open_exports know their receipts; other views are counted line by line.
    receipts = getattr(exports, "receipts", None)
    if receipts is None:
        receipts = f"({sql('receipt_counts').format(view=view)})"
    else:
        receipts = quote_identifier(receipts)
    # Exports whose validation kept the per-day sums are read from them, else the lines.
    sums = getattr(exports, "day_sums", None)
    if sums is None:
        sums = f"({sql('line_sums').format(view=view)})"
    else:
        sums = quote_identifier(sums)
    query = sql("daily_totals").format(sums=sums, receipts=receipts)
    with cycle_collection_paused():  # ~150k rows and totals for a chain's year
        rows = exports.con.execute(
            query,
            {
                "date_from": date_from,
                "date_to": date_to,
                "all_outlets": outlets is None,
                "outlets": list(outlets or []),
            },
        ).fetchall()
        return list(_group_days(rows))


def _group_days(rows: Iterable[tuple]) -> Iterable[DayTotals]:
    """Rows arrive ordered by day and outlet, the day row (receipt count) first."""
    current: tuple[date, str] | None = None
    receipts = 0
    totals: list[DailyTotal] = []
    for business_date, outlet, source, key, amount, quantity, receipt_count, is_day in rows:
        if is_day:
            if current is not None:
                yield DayTotals(current[0], current[1], tuple(totals), receipts)
            current, receipts, totals = (business_date, outlet), receipt_count, []
            continue
        totals.append(
            DailyTotal(
                business_date,
                outlet,
                source,
                key,
                Decimal(amount),  # the exact DECIMAL(38, 2) sum, as text (daily_totals.sql)
                None if quantity is None else Decimal(quantity),
            )
        )
    if current is not None:
        yield DayTotals(current[0], current[1], tuple(totals), receipts)
