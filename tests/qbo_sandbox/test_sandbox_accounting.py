"""The sandbox's accounting API over real HTTP: journal entries, sales receipts, lists,
validation faults shaped like Intuit's, requestid replay, and persistence of a company."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from qbo_sandbox.company import CompanyBook
from quickbooks.exceptions import ObjectNotFoundException, QuickbooksException
from quickbooks.objects.account import Account
from quickbooks.objects.company_info import CompanyInfo
from quickbooks.objects.customer import Customer
from quickbooks.objects.department import Department
from quickbooks.objects.item import Item
from quickbooks.objects.journalentry import Entity, JournalEntry
from quickbooks.objects.paymentmethod import PaymentMethod
from quickbooks.objects.preferences import Preferences
from quickbooks.objects.taxcode import TaxCode
from quickbooks.objects.trackingclass import Class
from sandbox_accounting_support import (
    ACCOUNTS_PAYABLE,
    ACCOUNTS_RECEIVABLE,
    CLASS_FOOD,
    INACTIVE_SALES,
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


def count(api, entity: str) -> int:
    return api.query(f"SELECT COUNT(*) FROM {entity}")["totalCount"]


def test_journal_entry_posts_and_reads_back_to_the_cent(api, qb):
    entry = balanced_entry("1234.56", ClassRef=ref(CLASS_FOOD), DepartmentRef=ref(LOCATION_KLCC))
    entry.PrivateNote = "Bangsar 2026-11-20 POS day"
    saved = entry.save(qb=qb)

    read = JournalEntry.get(saved.Id, qb=qb)
    assert read.SyncToken == "0" and read.DocNumber == "POS-0001"
    assert read.TotalAmt == Decimal("1234.56")
    debit, credit = read.Line
    assert debit.Amount == credit.Amount == Decimal("1234.56")
    detail = credit.JournalEntryLineDetail
    assert detail.PostingType == "Credit" and detail.AccountRef.name == "Sales - Food"
    assert detail.ClassRef.name == "Food" and detail.DepartmentRef.name == "KLCC"
    assert read.MetaData["CreateTime"].endswith("+08:00")


def test_amounts_as_json_numbers_or_strings_are_both_accepted(api):
    lines = [
        {
            "Amount": amount,
            "DetailType": "JournalEntryLineDetail",
            "JournalEntryLineDetail": {"PostingType": side, "AccountRef": {"value": acct}},
        }
        for amount, side, acct in ((10.1, "Debit", UNDEPOSITED), ("10.10", "Credit", SALES_FOOD))
    ]
    status, body = api.post("journalentry", {"Line": lines})
    assert status == 200, body
    assert body["JournalEntry"]["TotalAmt"] == Decimal("10.10")


def test_full_and_sparse_updates_need_the_current_sync_token(api, qb):
    saved = balanced_entry().save(qb=qb)
    current = JournalEntry.get(saved.Id, qb=qb)
    current.DocNumber = "POS-0001-R"
    updated = current.save(qb=qb)
    assert updated.SyncToken == "1" and updated.DocNumber == "POS-0001-R"

    sparse = {"Id": saved.Id, "SyncToken": "1", "sparse": True, "PrivateNote": "checked"}
    status, body = api.post("journalentry", sparse)
    assert status == 200, body
    after = body["JournalEntry"]
    assert after["SyncToken"] == "2" and after["PrivateNote"] == "checked"
    assert after["TotalAmt"] == Decimal("118.00") and len(after["Line"]) == 2

    current.DocNumber = "STALE"  # still carries SyncToken 1
    with pytest.raises(QuickbooksException) as stale:
        current.save(qb=qb)
    assert stale.value.error_code == 5010
    assert JournalEntry.get(saved.Id, qb=qb).DocNumber == "POS-0001-R"


def test_deleted_entry_is_gone_from_read_and_query(api, qb):
    saved = balanced_entry().save(qb=qb)
    entry = JournalEntry.get(saved.Id, qb=qb)
    status, body = api.post(
        "journalentry", {"Id": saved.Id, "SyncToken": "5"}, params={"operation": "delete"}
    )
    assert status == 400 and fault_of(body)["code"] == "5010"
    reply = entry.delete(qb=qb)
    assert reply["JournalEntry"]["status"] == "Deleted"
    with pytest.raises(ObjectNotFoundException) as gone:
        JournalEntry.get(saved.Id, qb=qb)
    assert gone.value.error_code == 610
    assert JournalEntry.all(qb=qb) == []


def test_unbalanced_entry_is_refused_and_nothing_is_created(api, qb):
    entry = journal_entry(
        je_line("Debit", UNDEPOSITED, "100.00"), je_line("Credit", SALES_FOOD, "99.99")
    )
    with pytest.raises(QuickbooksException) as refused:
        entry.save(qb=qb)
    assert refused.value.error_code == 6000
    assert "100.00" in refused.value.detail and "99.99" in refused.value.detail
    assert count(api, "JournalEntry") == 0


def _line(side="Debit", account=UNDEPOSITED, amount="50.00", description=None, **detail):
    body = {"PostingType": side, "AccountRef": {"value": account}, **detail}
    line = {"Amount": amount, "DetailType": "JournalEntryLineDetail"}
    line["JournalEntryLineDetail"] = body
    return line | ({"Description": description} if description else {})


def _entry(*lines, **header):
    return {"Line": list(lines) or [_line(), _line("Credit", SALES_FOOD)], **header}


CUSTOMER = {"Type": "Customer", "EntityRef": {"value": "1"}}
VENDOR = {"Type": "Vendor", "EntityRef": {"value": "1"}}
JOURNAL_FAULTS = [
    ("no PostingType", _entry(_line(side=""), _line("Credit", SALES_FOOD)), "2020", "PostingType"),
    ("no AccountRef", _entry(_line(account=""), _line("Credit", SALES_FOOD)), "2020", "AccountRef"),
    ("no Amount", _entry(_line(amount=None), _line("Credit", SALES_FOOD)), "2020", "Amount"),
    ("unknown account", _entry(_line(account="999"), _line("Credit", SALES_FOOD)), "2500", ""),
    ("inactive account", _entry(_line(), _line("Credit", INACTIVE_SALES)), "610", ""),
    (
        "A/R without customer",
        _entry(_line(account=ACCOUNTS_RECEIVABLE), _line("Credit", SALES_FOOD)),
        "6000",
        "Entity",
    ),
    ("A/P without vendor", _entry(_line(), _line("Credit", ACCOUNTS_PAYABLE)), "6000", "Entity"),
    (
        "A/P with a customer",
        _entry(_line(), _line("Credit", ACCOUNTS_PAYABLE, Entity=CUSTOMER)),
        "6000",
        "Entity",
    ),
    (
        "unknown class",
        _entry(_line(ClassRef={"value": "77"}), _line("Credit", SALES_FOOD)),
        "2500",
        "",
    ),
    (
        "unknown location",
        _entry(_line(DepartmentRef={"value": "77"}), _line("Credit", SALES_FOOD)),
        "2500",
        "",
    ),
    (
        "unknown customer",
        _entry(
            _line(Entity={"Type": "Customer", "EntityRef": {"value": "42"}}),
            _line("Credit", SALES_FOOD),
        ),
        "2500",
        "",
    ),
    ("DocNumber of 22", _entry(DocNumber="D" * 22), "2050", "DocNumber"),
    ("PrivateNote of 4001", _entry(PrivateNote="n" * 4001), "2050", "PrivateNote"),
    (
        "Description of 4001",
        _entry(_line(description="d" * 4001), _line("Credit", SALES_FOOD)),
        "2050",
        "Description",
    ),
    (
        "three decimals",
        _entry(_line(amount="50.001"), _line("Credit", SALES_FOOD, amount="50.001")),
        "2010",
        "Amount",
    ),
    (
        "sixteen digits",
        _entry(
            _line(amount="12345678901234.56"),
            _line("Credit", SALES_FOOD, amount="12345678901234.56"),
        ),
        "2010",
        "Amount",
    ),
    (
        "not a number",
        _entry(_line(amount="ten"), _line("Credit", SALES_FOOD, amount="ten")),
        "2010",
        "Amount",
    ),
    ("unknown property", _entry(Memo="not a JournalEntry field"), "2010", "Memo"),
    ("unknown line property", _entry(_line(Memo="x"), _line("Credit", SALES_FOOD)), "2010", "Memo"),
    ("bad TxnDate", _entry(TxnDate="20/11/2026"), "2010", "TxnDate"),
    ("no such day", _entry(TxnDate="2026-02-30"), "2010", "TxnDate"),
    ("no lines", {"Line": []}, "2020", "Line"),
]


@pytest.mark.parametrize(
    ("body", "code", "element"),
    [case[1:] for case in JOURNAL_FAULTS],
    ids=[case[0] for case in JOURNAL_FAULTS],
)
def test_invalid_journal_entries_get_intuits_fault_and_nothing_is_created(api, body, code, element):
    status, reply = api.post("journalentry", body)
    assert status == 400
    assert reply["Fault"]["type"] == "ValidationFault" and "time" in reply
    error = fault_of(reply)
    assert error["code"] == code, error
    assert error["Message"] and error["Detail"]
    if element:
        assert error["element"] == element
    assert count(api, "JournalEntry") == 0


@pytest.mark.parametrize(
    "body",
    [
        _entry(_line(account=ACCOUNTS_RECEIVABLE, Entity=CUSTOMER), _line("Credit", SALES_FOOD)),
        _entry(_line(), _line("Credit", ACCOUNTS_PAYABLE, Entity=VENDOR)),
        _entry(DocNumber="D" * 21, PrivateNote="n" * 4000),
        _entry(
            _line(amount="1234567890123.45"), _line("Credit", SALES_FOOD, amount="1234567890123.45")
        ),
    ],
    ids=["A/R with customer", "A/P with vendor", "limits exactly", "fifteen digits"],
)
def test_entries_at_the_limits_are_accepted(api, body):
    status, reply = api.post("journalentry", body)
    assert status == 200, reply
    assert reply["JournalEntry"]["Id"]


def test_malformed_json_and_wrong_routes_fail_like_qbo(api):
    reply = api.call("POST", "journalentry", '{"Line": [')
    assert reply.status_code == 400 and fault_of(reply.json())["code"] == "2010"
    reply = api.call("GET", "widget/1")  # recorded: HTTP 400 (not 404) with code 500
    assert reply.status_code == 400 and fault_of(reply.json())["code"] == "500"
    assert fault_of(reply.json())["Message"] == "Unsupported Operation"
    reply = api.call("PUT", "journalentry", {"Line": []})
    assert reply.status_code == 405
    status, body = api.post("paymentmethod", {"Name": "Crypto"})
    assert status == 400 and fault_of(body)["code"] == "500"
    status, body = api.post(
        "account", {"Id": "1", "SyncToken": "0"}, params={"operation": "delete"}
    )
    assert status == 400 and fault_of(body)["code"] == "500"
    status, body = api.get("journalentry/1", minorversion="abc")
    assert status == 400 and fault_of(body)["element"] == "minorversion"
    assert api.get("account/1", minorversion="65")[0] == 200


def test_class_and_location_need_tracking_turned_on(api, qb, fresh_sandbox):
    fresh_sandbox.admin("preferences", {"class_tracking": False, "location_tracking": False})
    prefs = Preferences.get(qb=qb).AccountingInfoPrefs
    assert prefs.ClassTrackingPerTxn is False and prefs.TrackDepartments is False
    with pytest.raises(QuickbooksException) as no_class:
        balanced_entry(ClassRef=ref(CLASS_FOOD)).save(qb=qb)
    assert no_class.value.error_code == 6000 and "Class tracking" in no_class.value.detail
    with pytest.raises(QuickbooksException) as no_location:
        balanced_entry(DepartmentRef=ref(LOCATION_KLCC)).save(qb=qb)
    assert no_location.value.error_code == 6000 and "Location tracking" in no_location.value.detail
    assert balanced_entry().save(qb=qb).Id  # the same entry without them posts

    fresh_sandbox.admin("preferences", {"class_tracking": True})
    assert balanced_entry(doc="POS-2", ClassRef=ref(CLASS_FOOD)).save(qb=qb).Id


def test_requestid_replays_the_first_reply_and_creates_nothing_new(api, qb):
    first = balanced_entry().save(qb=qb, request_id="day-2026-11-20-bangsar")
    again = balanced_entry(amount="999.00").save(qb=qb, request_id="day-2026-11-20-bangsar")
    assert again.Id == first.Id and again.TotalAmt == Decimal("118.00")
    assert count(api, "JournalEntry") == 1

    failed = api.post("journalentry", _entry(_line(account="999")), params={"requestid": "r-2"})
    assert failed[0] == 400
    assert (
        api.post("journalentry", _entry(), params={"requestid": "r-2"})[0] == 200
    )  # faults are not kept
    status, body = api.post("journalentry", _entry(), params={"requestid": "x" * 51})
    assert status == 400 and fault_of(body)["element"] == "requestid"
    assert count(api, "JournalEntry") == 2


def test_company_lists_match_the_pos_names(qb):
    methods = {m.Name for m in PaymentMethod.all(qb=qb)}
    assert methods == {"Cash", "Visa/Master", "Amex", "TNG eWallet", "GrabPay", "Voucher"}
    assert {c.Name for c in Class.all(qb=qb)} == {"Food", "Beverages", "Desserts", "Alcohol"}
    assert {d.Name for d in Department.all(qb=qb)} == {"Bangsar", "KLCC", "Mont Kiara"}
    assert {"SST6", "SST10"} <= {t.Name for t in TaxCode.all(qb=qb)}
    assert [c.DisplayName for c in Customer.all(qb=qb)] == ["Walk-in Customer"]
    items = {i.Name: i for i in Item.all(qb=qb)}
    assert items["Food Sales"].IncomeAccountRef.name == "Sales - Food"
    accounts = {a.Name: a for a in Account.all(qb=qb, max_results=1000)}
    assert accounts["Undeposited Funds"].AccountSubType == "UndepositedFunds"
    assert accounts["Card Clearing - Amex"].AccountType == "Other Current Asset"
    assert "Old Sales Account (inactive)" not in accounts  # QBO hides inactive accounts
    info = CompanyInfo.get(qb.company_id, qb=qb)
    assert info.CompanyName == "Nasi & Co Restaurant Group (sandbox)"


def test_accounts_classes_items_locations_can_be_set_up(api, qb):
    account = Account()
    account.Name = "Card Clearing - UnionPay"
    account.AccountType = "Other Current Asset"
    account.AccountSubType = "OtherCurrentAssets"
    saved = account.save(qb=qb)
    assert saved.Classification == "Asset" and saved.SyncToken == "0"
    duplicate = Account()
    duplicate.Name = "card clearing - unionpay"
    duplicate.AccountType = "Bank"
    with pytest.raises(QuickbooksException) as dup:
        duplicate.save(qb=qb)
    assert dup.value.error_code == 6240

    status, body = api.post(
        "account", {"Id": saved.Id, "SyncToken": "0", "sparse": True, "Active": False}
    )
    assert status == 200 and body["Account"]["Active"] is False
    assert saved.Name not in {a.Name for a in Account.all(qb=qb, max_results=1000)}
    listed = Account.where("Active IN (true, false) AND Name = 'Card Clearing - UnionPay'", qb=qb)
    assert [a.Id for a in listed] == [saved.Id]
    with pytest.raises(ObjectNotFoundException):
        journal_entry(
            je_line("Debit", saved.Id, "5.00"), je_line("Credit", SALES_FOOD, "5.00")
        ).save(qb=qb)

    new_class = Class()
    new_class.Name = "Catering"
    assert new_class.save(qb=qb).FullyQualifiedName == "Catering"
    location = Department()
    location.Name = "Damansara"
    assert location.save(qb=qb).Id
    item = Item()
    item.Name = "Catering Sales"
    item.Type = "Service"
    item.IncomeAccountRef = ref(SALES_FOOD)
    assert item.save(qb=qb).IncomeAccountRef.name == "Sales - Food"
    no_account = Item()
    no_account.Name = "Broken"
    no_account.Type = "Service"
    with pytest.raises(QuickbooksException) as missing:
        no_account.save(qb=qb)
    assert missing.value.error_code == 2020


def test_journal_entry_with_customer_name_on_receivable(qb):
    customer = Entity()
    customer.Type = "Customer"
    customer.EntityRef = ref("1")
    entry = journal_entry(
        je_line("Debit", ACCOUNTS_RECEIVABLE, "80.00", Entity=customer),
        je_line("Credit", SALES_FOOD, "80.00"),
    )
    saved = entry.save(qb=qb)
    line = JournalEntry.get(saved.Id, qb=qb).Line[0].JournalEntryLineDetail
    assert line.Entity.EntityRef.name == "Walk-in Customer"


def test_company_survives_to_json_and_back():
    clock = lambda: datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # noqa: E731
    book = CompanyBook.demo("42", clock=clock)
    body = (
        b'{"Line": ['
        + b",".join(
            f'{{"Amount": "{a}", "DetailType": "JournalEntryLineDetail", "JournalEntryLineDetail": '
            f'{{"PostingType": "{s}", "AccountRef": {{"value": "{acct}"}}}}}}'.encode()
            for a, s, acct in (("0.10", "Debit", UNDEPOSITED), ("0.10", "Credit", SALES_FOOD))
        )
        + b"]}"
    )
    first = book.handle("POST", "journalentry", {"requestid": "once"}, body, "application/json")
    assert first.status == 200

    restored = CompanyBook.from_json(book.to_json(), clock=clock)
    assert restored.company_name() == book.company_name()
    replay = restored.handle(
        "POST", "journalentry", {"requestid": "once"}, body, "application/json"
    )
    assert replay.body["JournalEntry"]["Id"] == first.body["JournalEntry"]["Id"]
    second = restored.handle("POST", "journalentry", {}, body, "application/json")
    assert second.body["JournalEntry"]["Id"] == "2"
    read = restored.handle("GET", "journalentry/1", {}, b"", None)
    assert read.body["JournalEntry"]["TotalAmt"] == first.body["JournalEntry"]["TotalAmt"]
    assert read.body["JournalEntry"]["TxnDate"] == "2026-11-20"


def test_a_deleted_id_is_never_handed_out_again_even_after_a_restart():
    clock = lambda: datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # noqa: E731
    book = CompanyBook.demo("42", clock=clock)
    body = json.dumps(_entry()).encode()
    for _ in range(2):
        assert book.handle("POST", "journalentry", {}, body, "application/json").status == 200
    delete = json.dumps({"Id": "2", "SyncToken": "0"}).encode()
    reply = book.handle("POST", "journalentry", {"operation": "delete"}, delete, None)
    assert reply.body["JournalEntry"]["status"] == "Deleted"
    saved = book.to_json()
    del saved["next_id"]  # an older or hand-edited state file
    restored = CompanyBook.from_json(saved, clock=clock)
    again = restored.handle("POST", "journalentry", {}, body, "application/json")
    assert again.body["JournalEntry"]["Id"] == "3"
    assert restored.handle("GET", "journalentry/2", {}, b"", None).status == 400
