"""A canonical export rendered into each POS's own shape and read back through its preset
gives the same daily totals (what the drafts are built from) as the canonical file."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from posbooks.pos import open_exports
from posbooks.pos.totals import daily_totals

DAYS = (date(2026, 10, 13), date(2026, 10, 14))  # day > 12: Loyverse's DD/MM is certain
OUTLET = "Harbour"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Receipt:
    day: date
    items: tuple[tuple[str, Decimal, Decimal], ...]  # category, gross, discount (positive)
    tax: Decimal
    tip: Decimal
    service: Decimal
    method: str
    refund: bool

    @property
    def sign(self) -> int:
        return -1 if self.refund else 1

    @property
    def total(self) -> Decimal:
        net = sum(g - d for _, g, d in self.items)
        return self.sign * (net + self.service + self.tax + self.tip)


money = st.integers(0, 50_000).map(lambda c: Decimal(c) * CENT)


@st.composite
def receipts(draw, tips: bool, service: bool, refunds: bool) -> Receipt:
    items = []
    for _ in range(draw(st.integers(1, 3))):
        gross = draw(st.integers(1, 50_000).map(lambda c: Decimal(c) * CENT))
        discount = draw(st.integers(0, int(gross / CENT) // 2).map(lambda c: Decimal(c) * CENT))
        items.append((draw(st.sampled_from(["Food", "Drinks"])), gross, discount))
    return Receipt(
        draw(st.sampled_from(DAYS)), tuple(items), draw(money),
        draw(money) if tips else Decimal(0), draw(money) if service else Decimal(0),
        draw(st.sampled_from(["Visa", "Cash"])), draw(st.booleans()) if refunds else False,
    )  # fmt: skip


def canonical(receipts: list[Receipt]) -> list[dict]:
    rows = []
    for n, r in enumerate(receipts):
        base = {"business_date": r.day.isoformat(), "outlet": OUTLET, "receipt_no": f"R{n}"}
        s = r.sign
        for category, gross, discount in r.items:
            rows.append({**base, "line_type": "item", "category": category, "amount": s * gross})
            if discount:
                rows.append({**base, "line_type": "discount", "category": category,
                             "amount": -s * discount})  # fmt: skip
        for kind, amount in (("service_charge", r.service), ("tax", r.tax), ("tip", r.tip)):
            if amount:
                code = "Sales tax" if kind == "tax" else ""
                rows.append({**base, "line_type": kind, "tax_code": code, "amount": s * amount})
        rows.append({**base, "line_type": "payment", "payment_method": r.method, "amount": r.total})
    return rows


def write(path: Path, rows: list[dict], header: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, header, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def usd(amount: Decimal) -> str:
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def square(folder: Path, receipts: list[Receipt]) -> list[Path]:
    items, txns = [], []
    for n, r in enumerate(receipts):
        s, event = r.sign, "Refund" if r.refund else "Payment"
        common = {"Date": r.day.isoformat(), "Time": "12:00:00", "Transaction ID": f"T{n}",
                  "Event Type": event, "Location": OUTLET}  # fmt: skip
        for i, (category, gross, discount) in enumerate(r.items):
            items.append({**common, "Category": category, "Item": "Thing", "Qty": "1.0",
                          "Gross Sales": usd(s * gross), "Discounts": usd(-s * discount),
                          "Net Sales": usd(s * (gross - discount)),
                          "Tax": usd(s * r.tax if i == 0 else Decimal(0))})  # fmt: skip
        gross = sum(g for _, g, _ in r.items)
        discount = sum(d for _, _, d in r.items)
        txns.append({**common, "Gross Sales": usd(s * gross), "Discounts": usd(-s * discount),
                     "Service Charges": usd(s * r.service), "Net Sales": usd(s * (gross - discount)),
                     "Tax": usd(s * r.tax), "Tip": usd(s * r.tip), "Total Collected": usd(r.total),
                     "Card": usd(r.total if r.method == "Visa" else Decimal(0)),
                     "Cash": usd(r.total if r.method == "Cash" else Decimal(0)),
                     "Card Brand": "Visa" if r.method == "Visa" else ""})  # fmt: skip
    items_header = ["Date", "Time", "Time Zone", "Category", "Item", "Qty", "Gross Sales",
                    "Discounts", "Net Sales", "Tax", "Transaction ID", "Event Type", "Location"]  # fmt: skip
    txn_header = ["Date", "Time", "Gross Sales", "Discounts", "Service Charges", "Net Sales",
                  "Gift Card Sales", "Tax", "Tip", "Partial Refunds", "Total Collected", "Card",
                  "Cash", "Transaction ID", "Card Brand", "Event Type", "Location"]  # fmt: skip
    return [write(folder / "items.csv", items, items_header),
            write(folder / "transactions.csv", txns, txn_header)]  # fmt: skip


def toast(folder: Path, receipts: list[Receipt]) -> list[Path]:
    items, orders, payments = [], [], []
    for n, r in enumerate(receipts):
        when = f"{r.day.month}/{r.day.day}/{r.day.year} 12:00"
        common = {"Order Id": f"9000{n}", "Order #": str(n + 1), "Location": OUTLET}
        for category, gross, discount in r.items:
            items.append({**common, "Order Date": when, "Menu Item": "Thing", "Menu Group": "X",
                          "Sales Category": category, "Gross Price": gross, "Discount": 0,
                          "Net Price": gross - discount, "Qty": 1, "Tax": 0, "Void?": "FALSE",
                          "Deferred": "FALSE"})  # fmt: skip
        amount = sum(g - d for _, g, d in r.items) + r.service
        orders.append({**common, "Opened": when, "Amount": amount, "Tax": r.tax, "Tip": r.tip,
                       "Gratuity": 0, "Total": r.total, "Voided": "FALSE"})  # fmt: skip
        payments.append({**common, "Payment Id": f"P{n}", "Paid Date": when, "Order Date": when,
                         "Amount": amount + r.tax, "Tip": r.tip, "Gratuity": 0,
                         "Status": "CAPTURED", "Type": "Credit" if r.method == "Visa" else "Cash",
                         "Card Type": "Visa" if r.method == "Visa" else ""})  # fmt: skip
    return [
        write(folder / "ItemSelectionDetails.csv", items, ["Order Id", "Order #", "Order Date",
              "Menu Item", "Menu Group", "Sales Category", "Gross Price", "Discount", "Net Price",
              "Qty", "Tax", "Void?", "Deferred", "Location"]),
        write(folder / "OrderDetails.csv", orders, ["Order Id", "Order #", "Opened", "Amount",
              "Tax", "Tip", "Gratuity", "Total", "Voided", "Location"]),
        write(folder / "PaymentDetails.csv", payments, ["Payment Id", "Order Id", "Order #",
              "Paid Date", "Order Date", "Amount", "Tip", "Gratuity", "Status", "Type",
              "Card Type", "Location"]),
    ]  # fmt: skip


def loyverse(folder: Path, receipts: list[Receipt]) -> list[Path]:
    by_item, rows = [], []
    for n, r in enumerate(receipts):
        s = r.sign
        common = {"Date": f"{r.day.day:02d}/{r.day.month:02d}/{r.day.year} 12:00",
                  "Receipt number": f"1-{1000 + n}", "Receipt type": "Refund" if r.refund else "Sale",
                  "Store": OUTLET, "Status": "Closed"}  # fmt: skip
        for i, (category, gross, discount) in enumerate(r.items):
            by_item.append({**common, "Category": category, "Item": "Thing", "Quantity": s,
                            "Gross sales": s * gross, "Discounts": s * discount,
                            "Net sales": s * (gross - discount),
                            "Taxes": s * r.tax if i == 0 else 0})  # fmt: skip
        net = sum(g - d for _, g, d in r.items)
        rows.append({**common, "Gross sales": s * sum(g for _, g, _ in r.items),
                     "Discounts": s * sum(d for _, _, d in r.items), "Net sales": s * net,
                     "Taxes": s * r.tax, "Total collected": r.total, "Payment type": r.method})  # fmt: skip
    return [
        write(folder / "receipts-by-item.csv", by_item, ["Date", "Receipt number", "Receipt type",
              "Category", "Item", "Quantity", "Gross sales", "Discounts", "Net sales", "Taxes",
              "Store", "Status"]),
        write(folder / "receipts.csv", rows, ["Date", "Receipt number", "Receipt type",
              "Gross sales", "Discounts", "Net sales", "Taxes", "Total collected", "Payment type",
              "Store", "Status"]),
    ]  # fmt: skip


def totals_of(paths: list[Path]) -> list[tuple]:
    exports = open_exports(paths)
    assert [str(p) for p in exports.problems] == []
    days = daily_totals(exports, DAYS[0], DAYS[-1])
    return [(d.business_date, d.outlet, d.receipt_count,
             sorted((t.source, t.key or "", t.amount) for t in d.totals)) for d in days]  # fmt: skip


def same_as_canonical(render, receipts: list[Receipt]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        header = ["business_date", "outlet", "receipt_no", "line_type", "category", "item",
                  "quantity", "tax_code", "payment_method", "amount"]  # fmt: skip
        expected = totals_of([write(folder / "canonical.csv", canonical(receipts), header)])
        (folder / "pos").mkdir()
        assert totals_of(render(folder / "pos", receipts)) == expected


SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(receipts(tips=True, service=True, refunds=True), min_size=1, max_size=6))
def test_square_shape_reads_back_the_same(receipts):
    same_as_canonical(square, receipts)


@SETTINGS
@given(st.lists(receipts(tips=True, service=True, refunds=False), min_size=1, max_size=6))
def test_toast_shape_reads_back_the_same(receipts):
    same_as_canonical(toast, receipts)


@SETTINGS
@given(st.lists(receipts(tips=False, service=False, refunds=True), min_size=1, max_size=6))
def test_loyverse_shape_reads_back_the_same(receipts):
    same_as_canonical(loyverse, receipts)
