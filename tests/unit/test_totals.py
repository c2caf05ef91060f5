"""Daily totals from POS exports: one query, Decimal sums per day, outlet, source and key."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import duckdb
import pytest
from posbooks.pos import open_exports
from posbooks.pos.totals import daily_totals

D = Decimal
COLUMNS = (
    "business_date", "outlet", "receipt_no", "line_type", "category", "item", "quantity",
    "tax_code", "payment_method", "amount", "closed_at", "voided",
)  # fmt: skip

# date, outlet, receipt, line type, category, quantity, tax code, payment method, amount, voided
LINES = [
    ("2026-11-20", "Bangsar", "B1", "item", "Food", "2", "", "", "24.00", "false"),
    ("2026-11-20", "Bangsar", "B1", "item", "Beverages", "1", "", "", "6.50", "false"),
    ("2026-11-20", "Bangsar", "B1", "discount", "", "", "", "", "-3.00", "false"),
    ("2026-11-20", "Bangsar", "B1", "tax", "", "", "SST6", "", "1.65", "false"),
    ("2026-11-20", "Bangsar", "B1", "rounding", "", "", "", "", "0.05", "false"),
    ("2026-11-20", "Bangsar", "B1", "payment", "", "", "", "Cash", "29.20", "false"),
    ("2026-11-20", "Bangsar", "B2", "item", "Food", "1", "", "", "12.00", "false"),
    ("2026-11-20", "Bangsar", "B2", "discount", "Food", "", "", "", "-1.20", "false"),
    ("2026-11-20", "Bangsar", "B2", "tip", "", "", "", "", "2.00", "false"),
    ("2026-11-20", "Bangsar", "B2", "payment", "", "", "", "Visa/Master", "12.80", "false"),
    # A refund: the same lines, negated.
    ("2026-11-20", "Bangsar", "B3", "item", "Food", "-1", "", "", "-12.00", "false"),
    ("2026-11-20", "Bangsar", "B3", "payment", "", "", "", "Visa/Master", "-12.00", "false"),
    # A voided receipt: ignored entirely.
    ("2026-11-20", "Bangsar", "B4", "item", "Alcohol", "3", "", "", "90.00", "true"),
    ("2026-11-20", "Bangsar", "B4", "payment", "", "", "", "Amex", "90.00", "true"),
    ("2026-11-20", "KLCC", "K1", "item", "Desserts", "2", "", "", "18.00", "false"),
    ("2026-11-20", "KLCC", "K1", "payment", "", "", "", "GrabPay", "18.00", "false"),
    ("2026-11-22", "KLCC", "K2", "item", "Food", "1", "", "", "10.00", "false"),
    ("2026-11-22", "KLCC", "K2", "payment", "", "", "", "Cash", "10.00", "false"),
    ("2026-11-23", "KLCC", "K3", "item", "Food", "1", "", "", "99.00", "false"),
    ("2026-11-23", "KLCC", "K3", "payment", "", "", "", "Cash", "99.00", "false"),
]


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    path = tmp_path_factory.mktemp("totals") / "sales.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for d, outlet, rno, kind, cat, qty, tax, pay, amount, voided in LINES:
            writer.writerow([d, outlet, rno, kind, cat, "", qty, tax, pay, amount, "", voided])
    opened = open_exports([path])
    opened.raise_if_rejected()
    return opened


def sums(day):
    return {(t.source, t.key): t.amount for t in day.totals}


def test_one_days_totals_per_source_and_key_leave_voided_receipts_out(exports):
    bangsar, klcc = daily_totals(exports, date(2026, 11, 20))
    assert (bangsar.outlet, bangsar.business_date, bangsar.receipt_count) == (
        "Bangsar", date(2026, 11, 20), 3,
    )  # fmt: skip
    assert sums(bangsar) == {
        ("sales", "Food"): D("24.00"),  # 24 + 12 - 12 refunded
        ("sales", "Beverages"): D("6.50"),
        ("discount", None): D("-3.00"),  # receipt-level discount: no category
        ("discount", "Food"): D("-1.20"),
        ("tax", "SST6"): D("1.65"),
        ("rounding", None): D("0.05"),
        ("tip", None): D("2.00"),
        ("payment", "Cash"): D("29.20"),
        ("payment", "Visa/Master"): D("0.80"),
    }
    assert all(type(t.amount) is Decimal for t in bangsar.totals), "money is never a float"
    assert (klcc.outlet, sums(klcc)) == (
        "KLCC", {("sales", "Desserts"): D("18.00"), ("payment", "GrabPay"): D("18.00")},
    )  # fmt: skip


def test_quantity_sold_per_category(exports):
    bangsar, _ = daily_totals(exports, date(2026, 11, 20))
    quantities = {t.key: t.quantity for t in bangsar.totals if t.source == "sales"}
    assert quantities == {"Food": D("2.000"), "Beverages": D("1.000")}


def test_a_period_returns_only_days_with_receipts_in_order(exports):
    days = daily_totals(exports, date(2026, 11, 19), date(2026, 11, 22))
    assert [(d.business_date.day, d.outlet) for d in days] == [
        (20, "Bangsar"), (20, "KLCC"), (22, "KLCC"),
    ]  # fmt: skip


def test_only_the_outlets_asked_for(exports):
    days = daily_totals(exports, date(2026, 11, 20), date(2026, 11, 30), outlets=["KLCC"])
    assert [(d.business_date.day, d.outlet) for d in days] == [
        (20, "KLCC"),
        (22, "KLCC"),
        (23, "KLCC"),
    ]
    assert daily_totals(exports, date(2026, 11, 20), outlets=["Nowhere"]) == []


def test_works_over_any_view_with_the_canonical_columns():
    con = duckdb.connect()
    con.execute(
        "CREATE VIEW my_lines AS SELECT * FROM (VALUES "
        "(DATE '2026-11-20', 'Mont Kiara', 'M1', 'item', 'Food', NULL, 1.000::DECIMAL(18,3),"
        " NULL, NULL, 7.35::DECIMAL(18,2), NULL::TIMESTAMP, NULL::BOOLEAN, 'f.csv', 2::BIGINT),"
        "(DATE '2026-11-20', 'Mont Kiara', 'M1', 'payment', NULL, NULL, NULL,"
        " NULL, 'TNG eWallet', 7.35::DECIMAL(18,2), NULL::TIMESTAMP, NULL::BOOLEAN, 'f.csv', 3::BIGINT)"
        ") t(business_date, outlet, receipt_no, line_type, category, item, quantity, tax_code,"
        " payment_method, amount, closed_at, voided, source_file, source_row)"
    )
    (day,) = daily_totals(SimpleNamespace(con=con, view="my_lines"), date(2026, 11, 20))
    assert sums(day) == {("sales", "Food"): D("7.35"), ("payment", "TNG eWallet"): D("7.35")}
    assert day.receipt_count == 1, "a missing voided flag means not voided"


def _write(path, lines):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for d, outlet, rno, kind, cat, qty, tax, pay, amount, voided in lines:
            writer.writerow([d, outlet, rno, kind, cat, "", qty, tax, pay, amount, "", voided])
    return path


@pytest.mark.parametrize("files", [1, 2], ids=["one file", "split by outlet"])
def test_the_sums_validation_keeps_give_the_totals_the_lines_give(tmp_path, files):
    """Previews read the per-day sums kept when a file was validated, never rescanning its
    lines; they must be exactly what summing the lines gives, over one file or several."""
    if files == 1:
        paths = [_write(tmp_path / "all.csv", LINES)]
    else:
        paths = [
            _write(tmp_path / f"{outlet}.csv", [ln for ln in LINES if ln[1] == outlet])
            for outlet in ("Bangsar", "KLCC")
        ]
    opened = open_exports(paths)
    opened.raise_if_rejected()
    assert opened.day_sums, "validation kept the sums"
    from_lines = SimpleNamespace(con=opened.con, view=opened.view, receipts=opened.receipts)
    period = (date(2026, 11, 1), date(2026, 11, 30))
    kept = daily_totals(opened, *period)
    assert kept == daily_totals(from_lines, *period)
    assert sums(kept[0])[("sales", "Food")] == D("24.00"), "the refund and the void left out"
    assert [d.receipt_count for d in kept] == [3, 1, 1, 1]
