"""Business dates a POS export may hold: 2000-01-01 to tomorrow, unless told otherwise.

A date outside is nearly always a typo or a till whose clock was never set (1970-01-01,
2099-12-31); booked, it lands in a closed year or in the future. Such a file is refused
with the rows named. ``POSBOOKS_ALLOW_ANY_BUSINESS_DATE=1`` (or ``allow_any_date=True``
to ``open_exports``) accepts them, for a real import of older history.
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import duckdb

from posbooks.pos.checks import literal
from posbooks.pos.problems import MAX_PROBLEMS_PER_FILE, Problem, capped

EARLIEST = date(2000, 1, 1)
ALLOW_ANY_VARIABLE = "POSBOOKS_ALLOW_ANY_BUSINESS_DATE"


def business_date_bounds(allow_any_date: bool | None = None) -> tuple[date, date] | None:
    """The accepted span of business dates, or None when any date is allowed."""
    if allow_any_date is None:
        allow_any_date = os.environ.get(ALLOW_ANY_VARIABLE, "").strip().lower() in (
            "1", "true", "yes",
        )  # fmt: skip
    return None if allow_any_date else (EARLIEST, date.today() + timedelta(days=1))


def dates_outside(
    lines_sql: str, first: date, last: date, bounds: tuple[date, date] | None
) -> list[Problem]:
    """A problem per line of ``lines_sql`` dated outside ``bounds`` (file name left empty)."""
    if bounds is None or (bounds[0] <= first and last <= bounds[1]):
        return []
    low, high = bounds
    where = f"business_date < DATE {literal(str(low))} OR business_date > DATE {literal(str(high))}"
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"SELECT source_row, business_date, count(*) OVER () FROM ({lines_sql}) "
            f"WHERE {where} ORDER BY source_row LIMIT {MAX_PROBLEMS_PER_FILE + 1}"
        ).fetchall()
    finally:
        con.close()
    problems = [
        Problem("", row, "business_date",
                f"business_date '{day}' is outside {low}..{high}; a typo or a till clock not set? "
                f"(set {ALLOW_ANY_VARIABLE}=1 to accept dates outside)")
        for row, day, _ in rows
    ]  # fmt: skip
    return capped("", problems, rows[0][2] if rows else 0)
