"""posbooks.core.reconcile: statuses and line differences from three sources, no I/O."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from posbooks.core.journal import journal_entry_for_day
from posbooks.core.model import DailyTotal, DayTotals, Mapping, Ref
from posbooks.core.reconcile import (
    Side,
    Sources,
    adjustment_lines,
    lines_from_draft,
    lines_from_qbo,
    reconcile_document,
    status_counts,
)

DAY = date(2026, 11, 2)
CASH, SALES, TAX = Ref("35", "Cash on hand"), Ref("79", "Sales - Food"), Ref("90", "SST Payable")
FOOD, BANGSAR = Ref("5", "Food"), Ref("2", "Bangsar")


def entry(cash="106.00", sales="100.00", tax="6.00") -> dict:
    """A JournalEntry as QuickBooks holds it: cash in, food sales and SST out."""

    def line(amount, side, account, cls=None):
        detail = {"PostingType": side, "AccountRef": {"value": account.id, "name": account.name},
                  "DepartmentRef": {"value": BANGSAR.id, "name": BANGSAR.name}}  # fmt: skip
        if cls:
            detail["ClassRef"] = {"value": cls.id, "name": cls.name}
        return {"Amount": amount, "DetailType": "JournalEntryLineDetail",
                "JournalEntryLineDetail": detail}  # fmt: skip

    return {"Line": [line(cash, "Debit", CASH), line(sales, "Credit", SALES, FOOD),
                     line(tax, "Credit", TAX)]}  # fmt: skip


def sources(pos=None, sent=None, qbo=None, status="posted", sync="0", **kw) -> Sources:
    side = lambda doc, token=None: Side(lines_from_qbo(doc), "12", token) if doc else None  # noqa: E731
    return Sources(
        DAY, "Bangsar", "journal", "", "PB261102-BANEQ-J",
        pos=side(pos), sent=side(sent, "0"), qbo=side(qbo, sync), ledger_status=status, **kw,
    )  # fmt: skip


def test_all_three_agree():
    check = reconcile_document(sources(entry(), entry(), entry()))
    assert check.status == "matched"
    assert check.pos_total == check.sent_total == check.qbo_total == Decimal("106.00")
    assert check.differences == ()
    assert [ln.account for ln in check.lines] == ["Cash on hand", "SST Payable", "Sales - Food"]


def test_an_edit_in_quickbooks_names_the_lines_and_the_amounts():
    check = reconcile_document(sources(entry(), entry(), entry("116.00", "110.00"), sync="1"))
    assert check.status == "edited"
    assert "SyncToken 0 -> 1" in check.message
    assert "Sales - Food / Food: sent -100.00, now -110.00 (-10.00)" in check.message
    assert {ln.account: ln.qbo - ln.sent for ln in check.differences} == {
        "Cash on hand": Decimal("10.00"),
        "Sales - Food": Decimal("-10.00"),
    }


def test_a_new_synctoken_with_the_same_amounts_is_still_an_edit():
    check = reconcile_document(sources(entry(), entry(), entry(), sync="3"))
    assert check.status == "edited" and "amounts are unchanged" in check.message


def test_deleted_pos_changed_not_sent_failed_and_found_elsewhere():
    assert reconcile_document(sources(entry(), entry(), None)).status == "deleted"
    changed = reconcile_document(sources(entry("53.00", "50.00", "3.00"), entry(), entry()))
    assert changed.status == "pos_changed" and len(changed.differences) == 3
    never = reconcile_document(sources(entry(), None, None, status=None, pos_note="map Cash"))
    assert never.status == "not_sent" and "map Cash" in never.message
    failed = reconcile_document(sources(entry(), None, None, status="failed",
                                        ledger_message="inactive account"))  # fmt: skip
    assert failed.status == "failed" and "inactive account" in failed.message
    elsewhere = reconcile_document(sources(entry(), None, entry(), status=None))
    assert elsewhere.status == "qbo_only" and "another posbooks home" in elsewhere.message


TAKEN = (
    "DocNumber PB261102-BANEQ-J is already used in QuickBooks by a document posbooks did not "
    "write (Id 7); nothing was sent. Rename or delete it there, then send again."
)


def test_a_day_posbooks_refused_to_send_does_not_read_as_refused_by_quickbooks():
    check = reconcile_document(sources(entry(), None, None, status="failed",
                                       ledger_message=TAKEN, handed_over=False))  # fmt: skip
    assert check.status == "failed"
    assert check.message == (
        f"posbooks did not send it, so QuickBooks holds nothing from it: {TAKEN}"
    )
    assert "Sent" not in check.message and "QuickBooks refused" not in check.message


def test_a_day_quickbooks_refused_says_it_was_sent_and_quotes_quickbooks_once():
    refusal = "QuickBooks refused PB261102-BANEQ-J: Invalid account (code 6000)"
    check = reconcile_document(sources(entry(), None, None, status="failed",
                                       ledger_message=refusal))  # fmt: skip
    assert check.message == (
        "Sent, and QuickBooks refused it (it holds nothing): Invalid account (code 6000)"
    )
    unknown = reconcile_document(sources(entry(), None, None, status="sending",
                                         ledger_message="timed out"))  # fmt: skip
    assert unknown.status == "failed"
    assert unknown.message.startswith("Sent, but QuickBooks never confirmed it")


def test_a_document_holding_our_docnumber_not_written_for_it_is_a_conflict():
    copy = "a copy of a posbooks document for something else (Id 9, its note names journal KLCC)"
    for status, handed in ((None, True), ("failed", False), ("failed", True)):
        check = reconcile_document(sources(entry(), None, None, status=status, taken_by=copy,
                                           ledger_message=TAKEN, handed_over=handed))  # fmt: skip
        assert (check.status, check.label) == ("conflict", "DocNumber taken in QuickBooks")
        assert check.message == (
            f"QuickBooks holds PB261102-BANEQ-J as {copy}. posbooks will not send, adopt or "
            "replace it: rename or delete it in QuickBooks, then send again."
        )
    # what posbooks sent is still there: the day is ours, whatever else shares its number
    ours = reconcile_document(sources(entry(), entry(), entry(), taken_by=copy))
    assert ours.status == "matched"


def test_the_adjustment_is_the_difference_and_then_the_day_counts_as_adjusted():
    src = sources(entry("53.00", "50.00", "3.00"), entry(), entry())
    lines = adjustment_lines(reconcile_document(src))
    assert {ln.account: ln.pos for ln in lines} == {
        "Cash on hand": Decimal("-53.00"),
        "Sales - Food": Decimal("50.00"),
        "SST Payable": Decimal("3.00"),
    }
    assert sum(ln.pos for ln in lines) == 0
    adjusting = {"Line": [
        {"Amount": "53.00", "JournalEntryLineDetail": {"PostingType": "Credit",
         "AccountRef": {"value": CASH.id}, "DepartmentRef": {"value": BANGSAR.id}}},
        {"Amount": "50.00", "JournalEntryLineDetail": {"PostingType": "Debit",
         "AccountRef": {"value": SALES.id}, "ClassRef": {"value": FOOD.id},
         "DepartmentRef": {"value": BANGSAR.id}}},
        {"Amount": "3.00", "JournalEntryLineDetail": {"PostingType": "Debit",
         "AccountRef": {"value": TAX.id}, "DepartmentRef": {"value": BANGSAR.id}}},
    ]}  # fmt: skip
    done = reconcile_document(
        sources(entry("53.00", "50.00", "3.00"), entry(), entry(),
                adjustments=(("PB261102-BANEQ-JA1", Side(lines_from_qbo(adjusting), "40", "0")),))
    )  # fmt: skip
    assert done.status == "adjusted" and done.adjustments == ("PB261102-BANEQ-JA1",)
    gone = reconcile_document(
        sources(entry("53.00", "50.00", "3.00"), entry(), entry(),
                adjustments=(("PB261102-BANEQ-JA1", None),))
    )  # fmt: skip
    assert gone.status == "pos_changed"  # the adjusting entry was deleted in QuickBooks


def test_accepted_only_while_nothing_changes():
    first = reconcile_document(sources(entry(), entry(), entry("116.00", "110.00"), sync="1"))
    note = {first.fingerprint: "by Aisyah: owner's correction"}
    accepted = reconcile_document(
        sources(entry(), entry(), entry("116.00", "110.00"), sync="1", accepted=note)
    )
    assert accepted.status == "accepted" and "Aisyah" in accepted.message
    later = reconcile_document(
        sources(entry(), entry(), entry("117.00", "111.00"), sync="2", accepted=note)
    )
    assert later.status == "edited"


def test_a_draft_and_the_json_it_becomes_give_the_same_lines():
    totals = DayTotals(DAY, "Bangsar", (
        DailyTotal(DAY, "Bangsar", "sales", "Food", Decimal("100.00")),
        DailyTotal(DAY, "Bangsar", "tax", "SST6", Decimal("6.00")),
        DailyTotal(DAY, "Bangsar", "payment", "Cash", Decimal("106.00")),
    ))  # fmt: skip
    mapping = Mapping(
        accounts={("sales", "Food"): SALES, ("tax", "SST6"): TAX, ("payment", "Cash"): CASH},
        classes={"Food": FOOD}, locations={"Bangsar": BANGSAR},
    )  # fmt: skip
    from_draft = {
        (ln.key, ln.amount) for ln in lines_from_draft(journal_entry_for_day(totals, mapping))
    }
    assert from_draft == {(ln.key, ln.amount) for ln in lines_from_qbo(entry())}


def test_a_receipt_keys_items_and_its_deposit():
    receipt = {
        "DepositToAccountRef": {"value": "35", "name": "Cash on hand"},
        "DepartmentRef": {"value": "2", "name": "Bangsar"},
        "Line": [
            {"Amount": "100.00", "DetailType": "SalesItemLineDetail",
             "SalesItemLineDetail": {"ItemRef": {"value": "7", "name": "Food Sales"}}},
            {"Amount": "106.00", "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}},
            {"Amount": "6.00", "DetailType": "SalesItemLineDetail",
             "SalesItemLineDetail": {"ItemRef": {"value": "8", "name": "SST6"}}},
        ],
    }  # fmt: skip
    lines = {ln.account_name: ln.amount for ln in lines_from_qbo(receipt)}
    assert lines == {
        "Food Sales": Decimal("-100.00"),
        "SST6": Decimal("-6.00"),
        "Cash on hand": Decimal("106.00"),
    }


@pytest.mark.parametrize("statuses", [["matched", "edited", "matched"], []])
def test_counts_follow_the_status_order(statuses):
    checks = [
        reconcile_document(sources(entry(), entry(), entry(), sync="0" if s == "matched" else "1"))
        for s in statuses
    ]
    assert status_counts(checks) == ({"matched": 2, "edited": 1} if statuses else {})


def test_two_ledger_documents_recorded_as_one_quickbooks_document_are_never_matched():
    # all three agree on the lines, but the ledger says another day's document is the same Id
    check = reconcile_document(
        sources(entry(), entry(), entry(), shares_qbo_with="PB261102-NCJB-J")
    )
    assert check.status == "conflict"
    assert "PB261102-BANEQ-J and PB261102-NCJB-J as one QuickBooks document" in check.message
    assert reconcile_document(sources(entry(), entry(), entry())).status == "matched"
