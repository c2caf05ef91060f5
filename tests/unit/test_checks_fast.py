"""Typing text values by their fast path gives exactly what the general rules give.

POS exports write nearly every value in its canonical form (2026-11-24, 15.90, true), so
``checks`` types those by a cast checked against its own rendering and sends everything
else through the general regexes. A bookkeeper would notice at once if that shortcut let
1.234 through as 1.23, read 1e2 as 100, or took " 2026-1-5" for a date: here every tricky
value is typed both ways and must come out identical (value, NULL and rule verdicts).
"""

from __future__ import annotations

import duckdb
import pytest
from posbooks.pos import checks

TRICKY = [
    None, "", " ", "  15.90", "15.90 ", "15.90", "15.9", "15", "-15.90", "+15.90", "-0.00",
    "0.00", ".50", "0.50", "1.234", "1.230", "1.2300", "1e2", "1E2", "1,234.50", "1.234,50",
    "12345678901234567.89", "1234567890123456.78", "9999999999999999.99", "NaN", "inf",
    "0x10", "١٢", "15.90\t", "2026-11-24", "2026-1-5", "2026-02-30", "20261124",
    "2026/11/24", " 2026-11-24", "2026-11-24 10:00:00", "2026-11-24T10:00:00",
    "2026-11-24 10:00:00.5", "2026-11-24 25:00:00", "0044-03-15 (BC)", "true", "false",
    "TRUE", "False", " true", "t", "f", "yes", "no", "1", "0", "1.000", "3.000", "0.125",
    "2.0005", "-1.500", "\t2026-11-24 10:00:00", "2026-11-24 10:00:00\n", " 2026-11-24 10:00 ",
    "2026-11-24 10:00:00+02", "2026-11-24 10:00:00 UTC", "2026-11-24 10:00:00Z", "infinity",
    "-infinity", "epoch", "2026-11-24 10:00:00.123456789", "2026-11-24 24:00:00",
]  # fmt: skip


@pytest.mark.parametrize("name", ["amount", "quantity", "business_date", "closed_at", "voided"])
def test_fast_path_types_every_value_as_the_general_rules_do(name, monkeypatch):
    fast = checks.column_plan(name, "VARCHAR")
    monkeypatch.setattr(checks, "_fast", lambda canonical, value, general: general)
    general = checks.column_plan(name, "VARCHAR")
    assert fast.typed != general.typed  # the shortcut is really in use

    def typed(plan: checks.ColumnPlan) -> list[tuple]:
        rules = ", ".join(f"coalesce({r.condition}, false)" for r in plan.rules) or "NULL"
        con = duckdb.connect()
        con.execute(f"CREATE TABLE raw (i INTEGER, {checks.quote('r_' + name)} VARCHAR)")
        con.executemany("INSERT INTO raw VALUES (?, ?)", list(enumerate(TRICKY)))
        return con.execute(
            f"SELECT i, {plan.typed} AS {checks.quote('t_' + name)} FROM raw ORDER BY i"
        ).fetchall(), con.execute(
            f"SELECT i, [{rules}] FROM (SELECT *, {plan.typed} AS {checks.quote('t_' + name)} "
            "FROM raw) ORDER BY i"
        ).fetchall()

    assert typed(fast) == typed(general)


def test_values_a_bookkeeper_would_mistype_are_still_refused():
    plan = checks.column_plan("amount", "VARCHAR")
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT r_amount, {plan.typed} FROM (VALUES ('15.90'), ('1.234'), ('1e2'), ('15.9')) "
        "t(r_amount)"
    ).fetchall()
    assert [(raw, None if v is None else str(v)) for raw, v in rows] == [
        ("15.90", "15.90"), ("1.234", None), ("1e2", None), ("15.9", "15.90"),
    ]  # fmt: skip
