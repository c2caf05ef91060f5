"""The committed sample export looks like a real Malaysian restaurant group and balances."""

from __future__ import annotations

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from posbooks.pos import VIEW_COLUMNS, open_exports

DATA = Path(__file__).parents[2] / "data"
SAMPLE = DATA / "sample_sales.parquet"
CARDS = ("Visa/Master", "Amex")


def load_generator():
    spec = importlib.util.spec_from_file_location("make_sample", DATA / "make_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sample():
    result = open_exports([SAMPLE])
    assert result.ok, result.problems[:5]
    con = result.con
    # One row per receipt, with what its lines say about it.
    con.execute("""
        CREATE TEMP TABLE receipts AS
        SELECT business_date, outlet, receipt_no, bool_and(voided) AS voided,
               count(*) FILTER (line_type = 'payment') AS payments,
               bool_or(payment_method = 'Cash') AS cash,
               bool_or(payment_method IN ('Visa/Master', 'Amex')) AS card,
               count(*) FILTER (line_type = 'rounding') AS roundings,
               count(*) FILTER (line_type = 'tip') AS tips,
               sum(amount) FILTER (line_type = 'item') AS items,
               sum(amount) FILTER (line_type <> 'payment') AS lines,
               coalesce(sum(amount) FILTER (line_type = 'payment'), 0) AS paid
        FROM pos_lines GROUP BY ALL
    """)
    return con


def one(con, sql: str, *params):
    return con.execute(sql, list(params)).fetchall()[0][0]


def column(con, sql: str) -> list:
    return [row[0] for row in con.sql(sql).fetchall()]


def test_three_outlets_over_at_least_ninety_consecutive_days(sample):
    assert column(sample, "SELECT DISTINCT outlet FROM pos_lines ORDER BY 1") == [
        "Bangsar",
        "KLCC",
        "Mont Kiara",
    ]
    first, last, days = sample.sql(
        "SELECT min(business_date), max(business_date), count(DISTINCT business_date) FROM pos_lines"
    ).fetchall()[0]
    assert last == dt.date(2026, 11, 24)
    assert days >= 90 and (last - first).days + 1 == days
    assert one(sample, "SELECT count(DISTINCT (outlet, business_date)) FROM pos_lines") == 3 * days


def test_menu_taxes_and_tenders_use_the_agreed_names(sample):
    assert column(sample, "SELECT DISTINCT category FROM pos_lines WHERE line_type = 'item' ORDER BY 1") == [
        "Alcohol", "Beverages", "Desserts", "Food"]  # fmt: skip
    assert column(
        sample, "SELECT DISTINCT tax_code FROM pos_lines WHERE line_type = 'tax' ORDER BY 1"
    ) == ["SST10", "SST6"]
    assert column(sample, "SELECT DISTINCT payment_method FROM pos_lines WHERE line_type = 'payment' ORDER BY 1") == [
        "Amex", "Cash", "GrabPay", "TNG eWallet", "Visa/Master", "Voucher"]  # fmt: skip
    assert set(column(sample, "SELECT DISTINCT line_type FROM pos_lines")) == {
        "item", "discount", "service_charge", "tax", "rounding", "tip", "payment"}  # fmt: skip


def test_every_receipt_balances_to_the_cent(sample):
    assert one(sample, "SELECT count(*) FROM receipts WHERE lines <> paid") == 0


def test_cash_is_rounded_to_five_sen_with_a_rounding_line_only_on_cash_receipts(sample):
    assert (
        one(
            sample,
            "SELECT count(*) FROM receipts WHERE roundings > 0 AND NOT coalesce(cash, false)",
        )
        == 0
    )
    assert one(sample, "SELECT count(*) FROM receipts WHERE roundings > 0") > 1000
    rounding = "SELECT DISTINCT abs(amount) FROM pos_lines WHERE line_type = 'rounding' ORDER BY 1"
    assert column(sample, rounding) == [Decimal("0.01"), Decimal("0.02")]
    not_five_sen = (
        "SELECT count(*) FROM pos_lines WHERE payment_method = 'Cash' AND amount % 0.05 <> 0"
    )
    assert one(sample, not_five_sen) == 0
    signs = "SELECT count(DISTINCT sign(amount)) FROM pos_lines WHERE line_type = 'rounding'"
    assert one(sample, signs) == 2


def test_tips_only_come_with_card_payments(sample):
    assert one(sample, "SELECT count(*) FROM receipts WHERE tips > 0") > 100
    assert one(sample, "SELECT count(*) FROM receipts WHERE tips > 0 AND NOT card") == 0


def test_split_tenders_are_present(sample):
    pairs = sample.sql("""
        SELECT DISTINCT list_sort(list(payment_method)) FROM pos_lines
        WHERE line_type = 'payment' GROUP BY outlet, business_date, receipt_no HAVING count(*) = 2
    """).fetchall()
    assert {tuple(p[0]) for p in pairs} >= {("Cash", "Voucher"), ("TNG eWallet", "Visa/Master")}


def test_service_charge_is_ten_percent_on_dine_in_receipts_only(sample):
    charged = sample.sql("""
        SELECT count(*) FILTER (sc IS NOT NULL), count(*) FILTER (sc IS NULL),
               count(*) FILTER (sc IS NOT NULL AND sc <> round(net * 0.10, 2))
        FROM (SELECT sum(amount) FILTER (line_type IN ('item', 'discount')) AS net,
                     sum(amount) FILTER (line_type = 'service_charge') AS sc
              FROM pos_lines WHERE NOT voided AND amount > 0 OR line_type <> 'item'
              GROUP BY outlet, business_date, receipt_no HAVING sum(amount) FILTER (line_type = 'item') > 0)
    """).fetchall()[0]
    with_charge, without_charge, wrong = charged
    assert with_charge > without_charge > 1000  # most receipts are dine-in, many are not
    assert wrong == 0


def test_sst6_is_six_percent_of_food_drinks_desserts_and_service_rounded_half_up(sample):
    wrong = one(
        sample,
        """
        SELECT count(*) FROM (
            SELECT sum(amount) FILTER (line_type IN ('item', 'discount', 'service_charge')
                                       AND coalesce(category, '') <> 'Alcohol') AS base,
                   sum(amount) FILTER (tax_code = 'SST6') AS sst6,
                   count(*) FILTER (line_type = 'discount' AND category IS NULL) AS receipt_discounts
            FROM pos_lines GROUP BY outlet, business_date, receipt_no)
        WHERE receipt_discounts = 0 AND base > 0 AND sst6 <> round(base * 0.06, 2)
    """,
    )
    assert wrong == 0


def test_discounts_refunds_and_voids_are_present(sample):
    item_discounts = (
        "SELECT count(*) FROM pos_lines WHERE line_type = 'discount' AND category IS NOT NULL"
    )
    receipt_discounts = (
        "SELECT count(*) FROM pos_lines WHERE line_type = 'discount' AND category IS NULL"
    )
    assert one(sample, item_discounts) > 100 and one(sample, receipt_discounts) > 100
    assert one(sample, "SELECT count(*) FROM pos_lines WHERE line_type = 'discount' AND amount >= 0") == one(
        sample, "SELECT count(*) FROM pos_lines WHERE line_type = 'discount' AND receipt_no IN "
        "(SELECT receipt_no FROM receipts WHERE items < 0)")  # fmt: skip
    refunds = one(
        sample, "SELECT count(*) FROM receipts WHERE items < 0 AND paid < 0 AND NOT voided"
    )
    refund_days = one(sample, "SELECT count(DISTINCT business_date) FROM receipts WHERE items < 0")
    assert refunds > 50 and 20 < refund_days < 120
    voided = one(sample, "SELECT count(*) FROM receipts WHERE voided")
    assert 100 < voided < one(sample, "SELECT count(*) FROM receipts") * 0.02


def test_weekends_are_busier(sample):
    per_weekday = dict(
        sample.sql("""
        SELECT isodow(business_date), count(*) / count(DISTINCT business_date) FROM receipts GROUP BY 1
    """).fetchall()
    )
    assert min(per_weekday[6], per_weekday[7]) > max(per_weekday[d] for d in range(1, 5)) * 1.2


def test_receipts_close_in_trading_hours_some_after_midnight(sample):
    hours = column(sample, "SELECT DISTINCT hour(closed_at) FROM pos_lines ORDER BY 1")
    assert set(hours) <= set(range(0, 2)) | set(range(10, 24))
    late = "SELECT count(*) FROM pos_lines WHERE CAST(closed_at AS DATE) = business_date + 1"
    early = "SELECT count(*) FROM pos_lines WHERE CAST(closed_at AS DATE) NOT IN (business_date, business_date + 1)"
    assert one(sample, late) > 0 and one(sample, early) == 0


def test_file_is_small_sorted_typed_and_in_row_groups_of_about_100k():
    assert SAMPLE.stat().st_size < 5_000_000
    con = duckdb.connect()
    types = dict(con.sql(f"SELECT column_name, column_type FROM (DESCRIBE '{SAMPLE}')").fetchall())
    assert (types["business_date"], types["amount"], types["quantity"]) == (
        "DATE",
        "DECIMAL(18,2)",
        "DECIMAL(18,3)",
    )
    sizes = column(
        con, f"SELECT DISTINCT row_group_num_rows FROM parquet_metadata('{SAMPLE}') ORDER BY 1 DESC"
    )
    assert 90_000 <= sizes[0] <= 110_000
    out_of_order = con.sql(f"""
        SELECT count(*) FROM (
            SELECT (business_date, outlet, receipt_no) AS k,
                   lag((business_date, outlet, receipt_no)) OVER (ORDER BY file_row_number) AS prev
            FROM read_parquet('{SAMPLE}', file_row_number = true))
        WHERE prev > k
    """).fetchall()[0][0]
    assert out_of_order == 0


def test_regenerating_reproduces_the_committed_sample(tmp_path):
    again = tmp_path / "again.parquet"
    load_generator().make_sample(again)
    con = duckdb.connect()
    # A fingerprint of every line and its position: same lines, same order.
    columns = ", ".join(name for name, _ in VIEW_COLUMNS[:-2])
    fingerprint = (
        f"SELECT count(*), sum(hash(file_row_number, {columns})::HUGEINT) "
        "FROM read_parquet('{}', file_row_number = true)"
    )
    expected = con.sql(fingerprint.format(SAMPLE)).fetchall()
    assert con.sql(fingerprint.format(again)).fetchall() == expected
    assert expected[0][0] > 100_000


def test_generator_scales_to_more_outlets_and_writes_csv(tmp_path):
    path = tmp_path / "group.csv"
    count = load_generator().make_sample(path, outlets=5, days=3, receipts_per_day=20, fmt="csv")
    result = open_exports([path])
    assert result.ok, result.problems[:5]
    assert one(result.con, "SELECT count(*) FROM pos_lines") == count
    outlets = column(result.con, "SELECT DISTINCT outlet FROM pos_lines ORDER BY 1")
    assert outlets == ["Bangsar", "KLCC", "Mont Kiara", "Outlet 04", "Outlet 05"]
