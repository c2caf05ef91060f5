"""Amounts, dates and ids as real POS back offices write them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import duckdb
import pytest
from posbooks.pos.presets import parsing


def read(expr: str, value: str):
    con = duckdb.connect()
    return con.execute(f"SELECT {expr} FROM (SELECT ?::VARCHAR AS v)", [value]).fetchone()[0]


@pytest.mark.parametrize(
    ("text", "comma", "amount"),
    [
        ("$1,149.00 ", False, "1149.00"),
        ("($33.62)", False, "-33.62"),
        ("-$7.00", False, "-7.00"),
        ("0.48251", False, "0.48251"),
        ("0.00E+00", False, "0"),  # Excel's zero
        ("", False, "0"),
        ("ZAR1,234.50", False, "1234.50"),
        ("1.234,50", True, "1234.50"),
        ("-3,20", True, "-3.20"),
    ],
)
def test_amounts_as_written(text, comma, amount):
    value = read(parsing.amount("v", comma), text)
    assert value == Decimal(amount) and isinstance(value, Decimal)


@pytest.mark.parametrize("text", ["12abc", "1.2.3", "-", "two"])
def test_what_is_not_an_amount_is_not_guessed(text):
    assert read(parsing.amount("v"), text) is None


def test_decimal_comma_is_detected_from_the_file():
    con = duckdb.connect()
    con.execute("CREATE TABLE a AS SELECT * FROM (VALUES ('1.234,50'), ('3,20')) t(x)")
    con.execute("CREATE TABLE b AS SELECT * FROM (VALUES ('1,234'), ('3.20')) t(x)")
    assert parsing.uses_decimal_comma(con, "a", ["x"])
    assert not parsing.uses_decimal_comma(con, "b", ["x"])


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("1/2/2021 11:37", False, datetime(2021, 1, 2, 11, 37)),
        ("1/2/2021 11:37", True, datetime(2021, 2, 1, 11, 37)),
        ("01/10/26 2:05 PM", True, datetime(2026, 10, 1, 14, 5)),
        ("2026-05-30 1:03:14 PM", False, datetime(2026, 5, 30, 13, 3, 14)),
        ("Oct 1, 2026 2:05 PM", False, datetime(2026, 10, 1, 14, 5)),
        ("13/10/2026", False, None),  # not a month: never silently swapped
    ],
)
def test_dates_and_12_hour_times(text, day_first, expected):
    assert read(parsing.timestamp("v", day_first), text) == expected


def test_excel_damaged_ids_are_recognised():
    assert read(parsing.damaged_id("v"), "5E+17")
    assert read(parsing.damaged_id("v"), "5.00001E+17")
    assert not read(parsing.damaged_id("v"), "500000000012345678")


@pytest.mark.parametrize(
    ("text", "comma", "amount"),
    [("CA$12.50", False, "12.50"), ("€12.00", False, "12.00"), ("12,00 €", True, "12.00"),
     ("-US$7.00", False, "-7.00")],
)  # fmt: skip
def test_currency_signs_and_codes(text, comma, amount):
    assert read(parsing.amount("v", comma), text) == Decimal(amount)


def test_a_decimal_comma_followed_by_a_currency_sign_is_seen():
    con = duckdb.connect()
    con.execute("CREATE TABLE a AS SELECT * FROM (VALUES ('12,00 €'), ('1.234,50 €')) t(x)")
    assert parsing.uses_decimal_comma(con, "a", ["x"])
