"""The sandbox's query endpoint: the SELECT subset python-quickbooks emits, paging, COUNT."""

from __future__ import annotations

import json

import pytest
from quickbooks.exceptions import ValidationException
from quickbooks.objects.account import Account
from quickbooks.objects.journalentry import JournalEntry
from quickbooks.objects.trackingclass import Class
from sandbox_accounting_support import balanced_entry, fault_of, open_api

pytestmark = pytest.mark.usefixtures("needs_accounting")


@pytest.fixture
def api(fresh_sandbox, tokens):
    return open_api(fresh_sandbox, tokens)


def names(rows) -> list[str]:
    return [row["Name"] for row in rows]


def test_where_in_like_orderby_on_accounts(api, qb):
    banks = Account.filter(AccountType="Bank", qb=qb)
    assert {a.Name for a in banks} == {"Maybank Current Account", "Cash on Hand"}
    clearing = api.query("select * from account where Name LIKE '%clearing%' ORDERBY Name DESC")
    assert names(clearing["Account"]) == [
        "E-Wallet Clearing - TNG",
        "E-Wallet Clearing - GrabPay",
        "Card Clearing - Visa/Master",
        "Card Clearing - Amex",
    ]
    chosen = Account.choose(["Tips Payable", "Owner's Equity"], field="Name", qb=qb)
    assert sorted(a.Name for a in chosen) == ["Owner's Equity", "Tips Payable"]
    income = api.query(
        "SELECT * FROM Account WHERE AccountType = 'Income' AND Name LIKE 'Sales%' "
        "ORDER BY Name STARTPOSITION 2 MAXRESULTS 2"
    )
    assert names(income["Account"]) == ["Sales - Beverages", "Sales - Desserts"]
    assert income["startPosition"] == 2 and income["maxResults"] == 2


def test_inactive_objects_only_when_the_query_asks_for_them(api, qb):
    active = {a.Name for a in Account.all(qb=qb, max_results=1000)}
    assert "Old Sales Account (inactive)" not in active
    everything = api.query("SELECT * FROM Account WHERE Active IN (true, false) MAXRESULTS 1000")
    assert len(everything["Account"]) == len(active) + 1
    inactive = Account.filter(Active=False, qb=qb)
    assert [a.Name for a in inactive] == ["Old Sales Account (inactive)"]


def test_count_empty_result_and_get_form(api):
    assert api.query("SELECT COUNT(*) FROM Department") == {"totalCount": 3}
    assert api.query("SELECT * FROM JournalEntry") == {}
    status, body = api.get("query", query="SELECT * FROM PaymentMethod WHERE Name = 'Amex'")
    assert status == 200 and names(body["QueryResponse"]["PaymentMethod"]) == ["Amex"]
    assert "time" in body


def test_dates_docnumbers_and_nested_metadata(api, qb):
    for doc, date in (("0001", "2026-11-01"), ("1", "2026-11-15"), ("0003", "2026-11-30")):
        balanced_entry(doc=doc, date=date).save(qb=qb)
    november = JournalEntry.where("TxnDate >= '2026-11-10' AND TxnDate <= '2026-11-30'", qb=qb)
    assert sorted(e.DocNumber for e in november) == ["0003", "1"]
    assert [e.DocNumber for e in JournalEntry.filter(DocNumber="1", qb=qb)] == ["1"]
    recent = api.query(
        "SELECT * FROM JournalEntry WHERE MetaData.LastUpdatedTime >= '2020-01-01T00:00:00-08:00'"
    )
    assert len(recent["JournalEntry"]) == 3
    assert api.query("SELECT * FROM JournalEntry WHERE MetaData.CreateTime > '2999-01-01'") == {}
    by_account = api.query("SELECT * FROM Item WHERE IncomeAccountRef = '11'")
    assert names(by_account["Item"]) == ["Food Sales"]


def test_paging_over_more_than_a_thousand_objects(api, fresh_sandbox):
    book = fresh_sandbox.state.books[api.realm_id]
    for number in range(1100):  # straight into the company: 1100 HTTP calls would be slow
        body = json.dumps({"Name": f"Outlet event {number:04d}"}).encode()
        assert book.handle("POST", "class", {}, body, "application/json").status == 200
    total = api.query("SELECT COUNT(*) FROM Class")["totalCount"]
    assert total == 1104
    first = api.query("SELECT * FROM Class STARTPOSITION 1 MAXRESULTS 1000")
    assert first["maxResults"] == 1000 and len(first["Class"]) == 1000
    rest = api.query("SELECT * FROM Class STARTPOSITION 1001 MAXRESULTS 1000")
    assert rest["startPosition"] == 1001 and len(rest["Class"]) == 104
    seen = {c["Id"] for c in first["Class"]} | {c["Id"] for c in rest["Class"]}
    assert len(seen) == 1104
    default = api.query("SELECT * FROM Class")
    assert len(default["Class"]) == 100  # QBO's default page size


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("SELECT * FROM Account MAXRESULTS 1001", "4000"),
        ("SELECT * FORM Account", "4000"),
        ("SELECT * FROM Account WHERE Name = ", "4000"),
        ("SELECT * FROM Account WHERE Name ~ 'x'", "4000"),
        ("SELECT * FROM Account WHERE Name != 'x'", "4000"),
        ("SELECT * FROM Account WHERE Name = 'x' OR Name = 'y'", "4000"),
        ("DELETE FROM Account", "4000"),
        ("SELECT * FROM Widget", "4001"),
    ],
)
def test_queries_qbo_cannot_run_get_a_query_fault(api, text, code):
    status, body = api.post("query", text, content_type="application/text")
    assert status == 400 and fault_of(body)["code"] == code


def test_python_quickbooks_raises_validation_error_for_a_bad_query(qb):
    with pytest.raises(ValidationException) as bad:
        Class.query("SELECT * FROM Class MAXRESULTS 5000", qb=qb)
    assert bad.value.error_code == 4000
