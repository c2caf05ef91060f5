"""What QuickBooks receives for a day: DocNumbers, lines, notes and fingerprints."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from posbooks.core.docnumbers import DocNumbers
from posbooks.core.model import EntryLine, JournalDraft, ReceiptDraft, ReceiptLine, Ref
from posbooks.qbo.payloads import (
    content_hash,
    journal_entry_document,
    parse_note,
    sales_receipt_document,
)

DAY = date(2026, 11, 20)
NUMBERS = DocNumbers({"Bangsar": "BA"}, {"Visa/Master": "VM"})
JOURNAL_NUMBER = NUMBERS.number(DAY, "Bangsar", "journal")
D = Decimal
CASH = Ref("2", "Cash on Hand")
FOOD = Ref("10", "Sales - Food")
SST6 = Ref("16", "SST Payable - SST6")
BANGSAR = Ref("d1", "Bangsar")
FOOD_CLASS = Ref("c1", "Food")


def bangsar_day(food: str = "100.00") -> JournalDraft:
    """Cash 106.00 = Sales - Food 100.00 + SST6 6.00, at Bangsar."""
    food_amount = D(food)
    return JournalDraft(
        DAY,
        "Bangsar",
        (
            EntryLine(
                "payment",
                "Cash",
                "Debit",
                food_amount + D("6.00"),
                CASH,
                None,
                BANGSAR,
                "Payment - Cash (Bangsar 2026-11-20)",
            ),  # fmt: skip
            EntryLine(
                "sales",
                "Food",
                "Credit",
                food_amount,
                FOOD,
                FOOD_CLASS,
                BANGSAR,
                "Sales - Food (Bangsar 2026-11-20)",
            ),  # fmt: skip
            EntryLine("tax", "SST6", "Credit", D("6.00"), SST6, None, BANGSAR, "Tax - SST6"),
        ),
    )


def test_a_journal_entry_carries_each_line_with_its_account_class_and_location():
    doc = journal_entry_document(bangsar_day(), mapping_version=3, doc_number=JOURNAL_NUMBER)
    body = doc.body
    assert body["TxnDate"] == "2026-11-20"
    assert body["DocNumber"] == doc.doc_number
    assert [(ln["Amount"], ln["JournalEntryLineDetail"]["PostingType"]) for ln in body["Line"]] == [
        ("106.00", "Debit"),
        ("100.00", "Credit"),
        ("6.00", "Credit"),
    ]
    food = body["Line"][1]["JournalEntryLineDetail"]
    assert food["AccountRef"] == {"value": "10", "name": "Sales - Food"}
    assert food["ClassRef"] == {"value": "c1", "name": "Food"}
    assert food["DepartmentRef"] == {"value": "d1", "name": "Bangsar"}
    assert "ClassRef" not in body["Line"][0]["JournalEntryLineDetail"]
    assert body["PrivateNote"].startswith(f"posbooks {doc.content_hash} mapping v3 journal Bangsar")
    assert parse_note(body["PrivateNote"]) == (doc.content_hash, 3)


def test_the_fingerprint_follows_the_amounts_not_the_note():
    same = journal_entry_document(bangsar_day(), 3, doc_number=JOURNAL_NUMBER)
    assert (
        journal_entry_document(bangsar_day(), 4, doc_number=JOURNAL_NUMBER).content_hash
        == same.content_hash
    )
    assert (
        journal_entry_document(bangsar_day("100.01"), 3, doc_number=JOURNAL_NUMBER).content_hash
        != same.content_hash
    )
    noted = {**same.body, "PrivateNote": "edited in QuickBooks", "Id": "9", "SyncToken": "2"}
    assert content_hash(noted) == same.content_hash


def test_a_blocked_journal_line_without_account_is_refused():
    draft = bangsar_day()
    line = draft.lines[0]
    bad = JournalDraft(DAY, "Bangsar", (EntryLine(line.source, line.key, "Debit", line.amount),))
    with pytest.raises(ValueError, match="no account"):
        journal_entry_document(bad, 1, doc_number=JOURNAL_NUMBER)


def test_a_sales_receipt_books_items_with_quantity_times_price_exactly():
    draft = ReceiptDraft(
        DAY,
        "Bangsar",
        "Visa/Master",
        Ref("4", "Card Clearing - Visa/Master"),
        (
            ReceiptLine(
                "sales",
                "Food",
                D("37.50"),
                D("3"),
                D("12.50"),
                Ref("i1", "Food Sales"),
                FOOD_CLASS,
                "Sales - Food",
            ),  # fmt: skip
            ReceiptLine("discount", None, D("-2.50"), D("1"), D("-2.50"), Ref("i9", "Discount")),
        ),
        D("35.00"),
        location=BANGSAR,
    )
    doc = sales_receipt_document(
        draft, 2, doc_number="PB261120-BA-RVM", payment_method=Ref("p2", "Visa/Master")
    )
    body = doc.body
    assert (
        doc.doc_number
        == body["DocNumber"]
        == NUMBERS.number(DAY, "Bangsar", "receipt", "Visa/Master")
    )
    assert body["DepositToAccountRef"]["value"] == "4"
    assert body["PaymentMethodRef"] == {"value": "p2", "name": "Visa/Master"}
    assert body["DepartmentRef"]["value"] == "d1"
    lines = [(ln["Amount"], ln["SalesItemLineDetail"]) for ln in body["Line"]]
    assert lines[0] == (
        "37.50",
        {"ItemRef": {"value": "i1", "name": "Food Sales"}, "Qty": "3", "UnitPrice": "12.5",
         "ClassRef": {"value": "c1", "name": "Food"}},
    )  # fmt: skip
    assert lines[1][0] == "-2.50" and lines[1][1]["UnitPrice"] == "-2.5"
    assert "receipt Visa/Master Bangsar 2026-11-20" in body["PrivateNote"]


def test_notes_not_written_by_posbooks_are_not_ours():
    assert parse_note("Typed by the bookkeeper") is None
    assert parse_note(None) is None
