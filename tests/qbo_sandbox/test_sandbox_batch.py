"""Batch, change data capture and the Journal report of the sandbox, over real HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from quickbooks.batch import batch_create
from quickbooks.cdc import change_data_capture
from quickbooks.exceptions import QuickbooksException
from quickbooks.objects.journalentry import JournalEntry
from quickbooks.objects.salesreceipt import SalesReceipt
from sandbox_accounting_support import (
    CLASS_FOOD,
    ITEM_FOOD,
    LOCATION_KLCC,
    SALES_FOOD,
    UNDEPOSITED,
    balanced_entry,
    fault_of,
    je_line,
    journal_entry,
    open_api,
    ref,
)

pytestmark = pytest.mark.usefixtures("needs_accounting")


@pytest.fixture
def api(fresh_sandbox, tokens):
    return open_api(fresh_sandbox, tokens)


def _entry_json(doc: str, amount: str = "10.00") -> dict:
    lines = [
        {
            "Amount": amount,
            "DetailType": "JournalEntryLineDetail",
            "JournalEntryLineDetail": {"PostingType": side, "AccountRef": {"value": account}},
        }
        for side, account in (("Debit", UNDEPOSITED), ("Credit", SALES_FOOD))
    ]
    return {"DocNumber": doc, "TxnDate": "2026-11-20", "Line": lines}


def test_batch_create_of_31_entries_goes_in_two_requests_with_per_item_faults(api, qb):
    entries = [balanced_entry(doc=f"POS-{n:04d}") for n in range(30)]
    entries.append(
        journal_entry(je_line("Debit", UNDEPOSITED, "5.00"), je_line("Credit", SALES_FOOD, "4.00"))
    )
    result = batch_create(entries, qb=qb)
    assert len(result.successes) == 30
    assert len(result.faults) == 1 and result.faults[0].Error[0].code == "6000"
    assert all(isinstance(s, JournalEntry) and s.Id for s in result.successes)
    assert api.query("SELECT COUNT(*) FROM JournalEntry")["totalCount"] == 30


def test_more_than_30_items_is_refused_whole(api):
    items = [
        {"bId": str(n), "operation": "create", "JournalEntry": _entry_json(f"B{n}")}
        for n in range(31)
    ]
    status, body = api.post("batch", {"BatchItemRequest": items})
    assert status == 400 and "30" in fault_of(body)["Detail"]
    assert api.query("SELECT COUNT(*) FROM JournalEntry")["totalCount"] == 0
    one = {"BatchItemRequest": items[:1]}
    status, body = api.post("batch", one, params={"requestid": "b" * 37})
    assert status == 400 and fault_of(body)["element"] == "requestid"
    assert api.post("batch", one, params={"requestid": "b" * 36})[0] == 200
    assert api.post("batch", one, params={"requestid": "b" * 36})[0] == 200  # replayed
    assert api.query("SELECT COUNT(*) FROM JournalEntry")["totalCount"] == 1


def test_batch_mixes_queries_updates_and_deletes(api):
    status, body = api.post("journalentry", _entry_json("KEEP"))
    keep = body["JournalEntry"]
    status, body = api.post("journalentry", _entry_json("DROP"))
    drop = body["JournalEntry"]
    items = [
        {"bId": "q", "Query": "SELECT * FROM Department WHERE Name = 'KLCC'"},
        {
            "bId": "u",
            "operation": "update",
            "JournalEntry": {
                "Id": keep["Id"],
                "SyncToken": "0",
                "sparse": True,
                "PrivateNote": "ok",
            },
        },
        {"bId": "d", "operation": "delete", "JournalEntry": {"Id": drop["Id"], "SyncToken": "0"}},
        {
            "bId": "stale",
            "operation": "delete",
            "JournalEntry": {"Id": keep["Id"], "SyncToken": "0"},
        },
    ]
    status, body = api.post("batch", {"BatchItemRequest": items})
    assert status == 200
    replies = {r["bId"]: r for r in body["BatchItemResponse"]}
    assert replies["q"]["QueryResponse"]["Department"][0]["Id"] == LOCATION_KLCC
    assert replies["u"]["JournalEntry"]["PrivateNote"] == "ok"
    assert replies["d"]["JournalEntry"]["status"] == "Deleted"
    assert replies["stale"]["Fault"]["Error"][0]["code"] == "5010"
    remaining = api.query("SELECT * FROM JournalEntry")["JournalEntry"]
    assert [e["DocNumber"] for e in remaining] == ["KEEP"]


def _clock(sandbox) -> datetime:
    return datetime.fromisoformat(sandbox.admin("clock")["now"])


def test_cdc_returns_changes_since_a_time_including_deleted(api, qb, fresh_sandbox):
    before = balanced_entry(doc="OLD").save(qb=qb)
    gone = balanced_entry(doc="GONE").save(qb=qb)
    fresh_sandbox.admin("clock", {"advance_seconds": 120})
    since = _clock(fresh_sandbox) - timedelta(seconds=1)
    new = balanced_entry(doc="NEW").save(qb=qb)
    JournalEntry.get(gone.Id, qb=qb).delete(qb=qb)

    changes = change_data_capture([JournalEntry, SalesReceipt], since.isoformat(), qb=qb)
    found = {(e.Id, getattr(e, "status", "")) for e in changes.JournalEntry}
    assert found == {(new.Id, ""), (gone.Id, "Deleted")}
    assert before.Id not in {e.Id for e in changes.JournalEntry}
    assert getattr(changes, "SalesReceipt", None) is None  # no changes -> absent


def test_cdc_refuses_more_than_30_days_back(api, fresh_sandbox):
    too_old = (_clock(fresh_sandbox) - timedelta(days=31)).isoformat()
    status, body = api.get("cdc", entities="JournalEntry", changedSince=too_old)
    assert status == 400 and "30 days" in fault_of(body)["Detail"]
    ok = (_clock(fresh_sandbox) - timedelta(days=29)).isoformat()
    assert api.get("cdc", entities="JournalEntry", changedSince=ok)[0] == 200


def _report_rows(report: dict) -> tuple[list[list[dict]], dict]:
    """The recorded flat shape: each transaction's Data rows end at a Section (Summary
    only), then a blank Data row; the last row is the TOTAL section."""
    rows = report["Rows"]["Row"]
    transactions, current = [], []
    for row in rows[:-1]:
        if row.get("type") == "Section":
            transactions.append(current)
            current = []
        elif any(c["value"] for c in row["ColData"]):
            current.append(row)
    return transactions, rows[-1]


def test_journal_report_lists_each_transaction_with_debits_and_credits(api, qb):
    balanced_entry("250.00", doc="POS-IN", date="2026-11-20", ClassRef=ref(CLASS_FOOD)).save(qb=qb)
    balanced_entry("1.00", doc="POS-OUT", date="2026-10-31").save(qb=qb)
    receipt = {
        "TxnDate": "2026-11-21",
        "DocNumber": "SR-1",
        "Line": [
            {
                "Amount": "40.00",
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {"ItemRef": {"value": ITEM_FOOD}},
            }
        ],
    }
    assert api.post("salesreceipt", receipt)[0] == 200

    report = qb.get_report("JournalReport", {"start_date": "2026-11-01", "end_date": "2026-11-30"})
    assert report["Header"]["ReportName"] == "JournalReport"
    titles = [c["ColTitle"] for c in report["Columns"]["Column"]]
    assert titles == [
        "Date",
        "Transaction Type",
        "Num",
        "Name",
        "Memo/Description",
        "Account",
        "Debit",
        "Credit",
    ]  # the recorded columns: no Class or Location
    transactions, grand = _report_rows(report)
    assert [t[0]["ColData"][2]["value"] for t in transactions] == ["POS-IN", "SR-1"]
    first = transactions[0]
    account = titles.index("Account")
    assert [r["ColData"][account]["value"] for r in first] == ["Undeposited Funds", "Sales - Food"]
    assert first[1]["ColData"][0]["value"] == "0-00-00"  # a continuation row, as recorded
    assert first[1]["ColData"][1] == {"value": "", "id": first[0]["ColData"][1]["id"]}
    assert (
        first[0]["ColData"][-2]["value"] == "250.00"
        and first[1]["ColData"][-1]["value"] == "250.00"
    )
    assert transactions[1][0]["ColData"][1]["value"] == "Sales Receipt"
    assert grand["Summary"]["ColData"][-2]["value"] == "290.00"
    assert grand["Summary"]["ColData"][-1]["value"] == "290.00"
    debit, credit = (Decimal(c["value"]) for c in grand["Summary"]["ColData"][-2:])
    assert debit == credit


def test_journal_report_with_bad_date_and_other_reports(api, qb):
    status, body = api.get("reports/JournalReport", start_date="01/11/2026")
    assert status == 400 and fault_of(body)["element"] == "start_date"
    with pytest.raises(QuickbooksException):
        qb.get_report("ProfitAndLoss")
    empty = qb.get_report("JournalReport", {"start_date": "2020-01-01", "end_date": "2020-01-31"})
    assert empty["Header"]["Option"][0] == {"Name": "NoReportData", "Value": "true"}
