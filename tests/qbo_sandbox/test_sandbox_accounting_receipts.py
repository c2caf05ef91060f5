"""Sales receipts in the sandbox over real HTTP, through python-quickbooks objects."""

from __future__ import annotations

from decimal import Decimal

import pytest
from quickbooks.exceptions import QuickbooksException, UnsupportedException
from quickbooks.objects.detailline import DescriptionOnlyLine, SalesItemLine, SalesItemLineDetail
from quickbooks.objects.salesreceipt import SalesReceipt
from sandbox_accounting_support import (
    CARD_VISA,
    CLASS_FOOD,
    ITEM_BEVERAGES,
    ITEM_FOOD,
    LOCATION_KLCC,
    SALES_FOOD,
    fault_of,
    open_api,
    ref,
)

pytestmark = pytest.mark.usefixtures("needs_accounting")


@pytest.fixture
def api(fresh_sandbox, tokens):
    return open_api(fresh_sandbox, tokens)


def item_line(item: str, amount: str, qty: str | None = "1", price: str | None = None, **extra):
    line = SalesItemLine()
    line.Amount = Decimal(amount)
    line.Description = extra.pop("Description", None)
    detail = SalesItemLineDetail()
    detail.ItemRef = ref(item) if item else None
    detail.Qty = Decimal(qty) if qty is not None else None
    detail.UnitPrice = Decimal(price if price is not None else amount) if qty is not None else None
    detail.ServiceDate = None
    detail.TaxInclusiveAmt = None
    for key, value in extra.items():
        setattr(detail, key, value)
    line.SalesItemLineDetail = detail
    return line


def receipt(*lines, **header) -> SalesReceipt:
    result = SalesReceipt()
    result.TxnDate = "2026-11-20"
    result.DocNumber = "SR-BGR-20261120-VISA"
    result.PaymentMethodRef = ref("2")
    result.DepartmentRef = ref(LOCATION_KLCC)
    result.Line = list(lines)
    for key, value in header.items():
        setattr(result, key, value)
    return result


def test_receipt_totals_its_item_lines_and_deposits_to_undeposited_funds(qb):
    description = DescriptionOnlyLine()
    description.Description = "Covers 42"
    description.Amount = Decimal("999.00")  # QBO ignores an amount on a description line
    saved = receipt(
        item_line(ITEM_FOOD, "200.50", qty="2", price="100.25", ClassRef=ref(CLASS_FOOD)),
        item_line(ITEM_BEVERAGES, "35.10"),
        description,
    ).save(qb=qb)

    read = SalesReceipt.get(saved.Id, qb=qb)
    assert read.TotalAmt == Decimal("235.60") and read.Balance == 0
    assert read.DepositToAccountRef.name == "Undeposited Funds"
    assert read.PaymentMethodRef.name == "Visa/Master" and read.DepartmentRef.name == "KLCC"
    food = read.Line[0]
    assert food.SalesItemLineDetail["ItemRef"]["name"] == "Food Sales"
    assert food.SalesItemLineDetail["ItemAccountRef"]["value"] == SALES_FOOD
    assert food.SalesItemLineDetail["ClassRef"]["name"] == "Food"
    assert read.Line[2].Amount == 0  # the description line
    assert read.Line[-1].DetailType == "SubTotalLineDetail"


def test_default_qty_and_price_of_zero_is_refused_like_qbo(api, qb):
    line = SalesItemLine()
    line.Amount = Decimal("20.00")
    line.SalesItemLineDetail = SalesItemLineDetail()  # python-quickbooks sends Qty=0, UnitPrice=0
    line.SalesItemLineDetail.ItemRef = ref(ITEM_FOOD)
    with pytest.raises(QuickbooksException) as refused:
        receipt(line).save(qb=qb)
    assert refused.value.error_code == 6070
    assert "Amount is not equal to UnitPrice * Qty" in refused.value.detail
    assert SalesReceipt.all(qb=qb) == []


def test_line_without_item_counts_for_nothing_and_empty_receipt_is_fine(qb):
    saved = receipt(
        item_line(ITEM_FOOD, "10.00"), item_line("", "50.00", qty=None, Description="no item")
    ).save(qb=qb)
    assert saved.TotalAmt == Decimal("10.00")
    assert saved.Line[1].DetailType == "DescriptionOnly"
    only_text = DescriptionOnlyLine()
    only_text.Description = "Outlet closed"
    assert receipt(only_text, DocNumber="SR-CLOSED").save(qb=qb).TotalAmt == 0


def test_tax_is_kept_as_sent_and_added_to_the_total(api):
    body = {
        "TxnDate": "2026-11-20",
        "Line": [
            {
                "Amount": "100.00",
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {"ItemRef": {"value": ITEM_FOOD}},
            }
        ],
        "TxnTaxDetail": {"TotalTax": "6.00", "TxnTaxCodeRef": {"value": "1"}},
    }
    status, reply = api.post("salesreceipt", body)
    assert status == 200, reply
    assert reply["SalesReceipt"]["TotalAmt"] == Decimal("106.00")
    assert reply["SalesReceipt"]["TxnTaxDetail"]["TxnTaxCodeRef"]["name"] == "SST6"


def _receipt_body(**overrides):
    line = {
        "Amount": "10.00",
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": ITEM_FOOD}},
    }
    body = {"Line": [line]}
    for key, value in overrides.items():
        if key.startswith("line_"):
            line["SalesItemLineDetail"][key[5:]] = value
        else:
            body[key] = value
    return body


RECEIPT_FAULTS = [
    ("deposit to income account", _receipt_body(DepositToAccountRef={"value": SALES_FOOD}), "6000"),
    ("unknown item", _receipt_body(line_ItemRef={"value": "404"}), "2500"),
    ("unknown payment method", _receipt_body(PaymentMethodRef={"value": "77"}), "2500"),
    ("unknown deposit account", _receipt_body(DepositToAccountRef={"value": "77"}), "2500"),
    ("unknown property", _receipt_body(Tip="5.00"), "2010"),
    ("DocNumber of 22", _receipt_body(DocNumber="R" * 22), "2050"),
    ("amount mismatch", _receipt_body(line_Qty="3", line_UnitPrice="3.00"), "6070"),
    ("negative total", {"Line": [{**_receipt_body()["Line"][0], "Amount": "-1.00"}]}, "6000"),
]


@pytest.mark.parametrize(
    ("body", "code"), [c[1:] for c in RECEIPT_FAULTS], ids=[c[0] for c in RECEIPT_FAULTS]
)
def test_invalid_receipts_are_refused_and_nothing_is_created(api, body, code):
    status, reply = api.post("salesreceipt", body)
    assert status == 400
    assert fault_of(reply)["code"] == code, reply
    assert api.query("SELECT COUNT(*) FROM SalesReceipt")["totalCount"] == 0


def test_deposit_to_card_clearing_and_class_needs_tracking(api, fresh_sandbox):
    status, reply = api.post(
        "salesreceipt", _receipt_body(DepositToAccountRef={"value": CARD_VISA})
    )
    assert status == 200 and reply["SalesReceipt"]["DepositToAccountRef"]["name"].startswith(
        "Card Clearing"
    )
    fresh_sandbox.admin("preferences", {"class_tracking": False})
    status, reply = api.post("salesreceipt", _receipt_body(line_ClassRef={"value": CLASS_FOOD}))
    assert status == 400 and fault_of(reply)["code"] == "6000"
    fresh_sandbox.admin("preferences", {"location_tracking": False})
    status, reply = api.post("salesreceipt", _receipt_body(DepartmentRef={"value": LOCATION_KLCC}))
    assert status == 400 and "Location tracking" in fault_of(reply)["Detail"]


def test_receipt_update_and_delete(qb):
    saved = receipt(item_line(ITEM_FOOD, "10.00")).save(qb=qb)
    current = SalesReceipt.get(saved.Id, qb=qb)
    current.PrivateNote = "corrected"
    updated = current.save(qb=qb)  # sends back the SubTotal line python-quickbooks read
    assert updated.SyncToken == "1" and updated.TotalAmt == Decimal("10.00")
    assert len([ln for ln in updated.Line if ln.DetailType == "SubTotalLineDetail"]) == 1
    with pytest.raises(UnsupportedException):  # voiding is not simulated: refused, not ignored
        updated.void(qb=qb)
    updated.delete(qb=qb)
    assert SalesReceipt.all(qb=qb) == []
