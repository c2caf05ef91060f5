"""A business day as Sales Receipts, one per payment method, read as a bookkeeper would."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from daybook import pos_day
from posbooks.core.model import Mapping, Ref
from posbooks.core.receipts import sales_receipts_for_day

D = Decimal

A_DAY = """
    Bangsar 2026-11-20, 40 receipts
    sales           Food        300.00  qty 24
    sales           Beverages   100.00  qty 40
    discount        -           -20.00
    service_charge  -            38.00
    tax             SST6         25.08
    rounding        -             0.02
    payment         Cash        110.05
    payment         Visa/Master 333.05
"""

MAPPING = Mapping(
    accounts={
        ("payment", "Cash"): Ref("11", "Cash on Hand"),
        ("payment", "Visa/Master"): Ref("12", "Card Clearing"),
    },
    classes={"Food": Ref("c1", "Kitchen")},
    locations={"Bangsar": Ref("d1", "Bangsar")},
    items={
        "Food": Ref("i1", "Food"),
        "Beverages": Ref("i2", "Beverages"),
        "discount": Ref("i3", "Discount"),
        "service_charge": Ref("i4", "Service Charge"),
        "tax": Ref("i5", "SST"),
        "rounding": Ref("i6", "Rounding"),
    },
)


def lines(receipt):
    return [(ln.source, ln.key, ln.amount) for ln in receipt.lines]


def test_one_receipt_per_payment_method_each_totalling_what_it_took():
    cash, card = sales_receipts_for_day(pos_day(A_DAY), MAPPING)
    assert (cash.payment_method, cash.total, cash.deposit_account) == (
        "Cash", D("110.05"), Ref("11", "Cash on Hand"),
    )  # fmt: skip
    assert (card.payment_method, card.total) == ("Visa/Master", D("333.05"))
    for receipt in (cash, card):
        assert sum(ln.amount for ln in receipt.lines) == receipt.total
        assert receipt.location == Ref("d1", "Bangsar")
        assert receipt.issues == ()


def test_each_category_is_pro_rated_to_the_cent_and_adds_back_to_the_pos_total():
    cash, card = sales_receipts_for_day(pos_day(A_DAY), MAPPING)
    # Cash took 110.05 of 443.10: 24.836% of each line, to the cent.
    assert lines(cash) == [
        ("sales", "Beverages", D("24.84")),
        ("sales", "Food", D("74.51")),
        ("discount", None, D("-4.97")),
        ("service_charge", None, D("9.44")),
        ("tax", "SST6", D("6.23")),
    ]
    assert lines(card) == [
        ("sales", "Beverages", D("75.16")),
        ("sales", "Food", D("225.49")),
        ("discount", None, D("-15.03")),
        ("service_charge", None, D("28.56")),
        ("tax", "SST6", D("18.85")),
        ("rounding", None, D("0.02")),
    ]


def test_items_classes_and_exact_quantity_times_price():
    (cash, card) = sales_receipts_for_day(pos_day(A_DAY), MAPPING)
    food = next(ln for ln in cash.lines if ln.key == "Food")
    assert (food.item, food.class_) == (Ref("i1", "Food"), Ref("c1", "Kitchen"))
    tax = next(ln for ln in cash.lines if ln.source == "tax")
    assert tax.item == Ref("i5", "SST"), "tax:SST6 falls back to the tax Item"
    for ln in cash.lines + card.lines:
        assert ln.unit_price * ln.quantity == ln.amount


def test_a_method_that_takes_a_whole_category_uses_the_pos_quantity_when_exact():
    (receipt,) = sales_receipts_for_day(
        pos_day("""
            KLCC 2026-11-20
            sales    Desserts   90.00  qty 6
            sales    Food       10.00  qty 3
            payment  GrabPay   100.00
        """)
    )
    assert [(ln.key, ln.quantity, ln.unit_price) for ln in receipt.lines] == [
        ("Desserts", D("6"), D("15.00")),
        ("Food", D("1"), D("10.00")),  # 10.00 / 3 is not whole cents: 1 x 10.00
    ]


def test_a_method_that_refunded_more_than_it_took_is_a_refund_receipt_of_the_excess():
    receipts = sales_receipts_for_day(
        pos_day("""
            KLCC 2026-11-21
            sales    Food         80.00
            payment  Cash        100.00
            payment  Visa/Master -20.00
        """),
        MAPPING,
    )
    refund = next(r for r in receipts if r.payment_method == "Visa/Master")
    assert refund.doc_type == "refund" and not refund.blocked
    # paid back 20.00 from the card account, reversing 20.00 of Food sales
    assert refund.total == D("20.00") and lines(refund) == [("sales", "Food", D("20.00"))]
    assert all(ln.quantity * ln.unit_price == ln.amount for ln in refund.lines)
    cash = next(r for r in receipts if r.payment_method == "Cash")
    assert not cash.blocked and cash.total == D("100.00")


def test_unmapped_items_and_deposit_accounts_block_the_receipt():
    mapping = Mapping(items={"Food": Ref("i1", "Food")})
    (receipt,) = sales_receipts_for_day(
        pos_day("""
            Mont Kiara 2026-11-20
            sales    Food      50.00
            tip      -          5.00
            payment  Amex      55.00
        """),
        mapping,
    )
    assert [(i.code, i.source) for i in receipt.issues] == [
        ("unmapped_deposit_account", "payment"),
        ("unmapped_item", "tip"),
    ]


def test_a_short_day_adds_an_automatic_over_short_line_spread_over_the_receipts():
    receipts = sales_receipts_for_day(
        pos_day("""
            Bangsar 2026-11-22
            sales    Food   100.00
            payment  Cash    40.00
            payment  Amex    59.90
        """)
    )
    assert [r.total for r in receipts] == [D("59.90"), D("40.00")]
    over_short = [ln for r in receipts for ln in r.lines if ln.source == "over_short"]
    assert sum(ln.amount for ln in over_short) == D("-0.10")
    assert all(i.code != "unbalanced_day" or i.blocking for r in receipts for i in r.issues)
    assert any(i.code == "unbalanced_day" for i in receipts[0].issues)


def test_a_day_whose_payments_net_to_zero_cannot_be_split():
    (receipt,) = sales_receipts_for_day(
        pos_day("""
            Bangsar 2026-11-23
            sales    Food    0.00
            payment  Cash   25.00
            payment  Amex  -25.00
        """)
    )
    assert receipt.blocked and "cannot_split" in [i.code for i in receipt.issues]


def test_a_receipt_deposits_to_its_own_deposit_account_when_one_is_mapped():
    """Vouchers may be a liability in journals; the receipt deposits to an asset instead."""
    deposits = {"Visa/Master": Ref("3", "Undeposited Funds")}
    mapping = replace(MAPPING, deposits=deposits)
    cash, card = sales_receipts_for_day(pos_day(A_DAY), mapping)
    assert card.deposit_account == Ref("3", "Undeposited Funds")
    assert cash.deposit_account == Ref("11", "Cash on Hand")  # no deposit of its own
    assert card.issues == ()
