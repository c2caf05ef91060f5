"""The demo companies (demo, my, uk, us) over real HTTP: tax from tax codes, closed books,
duplicate journal numbers, class preferences, refund receipts, and the replies aligned with
the recordings in ../shared/qbo-recordings (named in each test)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
from qbo_sandbox import start_sandbox
from quickbooks.objects.preferences import Preferences
from sandbox_accounting_support import Api, fault_of, open_api

pytestmark = pytest.mark.usefixtures("needs_accounting")


def company_api(fresh_sandbox, use_company, key: str) -> Api:
    return open_api(fresh_sandbox, use_company(key))


def names(api: Api, entity: str) -> dict[str, str]:
    """Name -> Id of every object of a list entity."""
    rows = api.query(f"SELECT * FROM {entity} MAXRESULTS 1000").get(entity, [])
    return {r.get("Name") or r.get("DisplayName"): r["Id"] for r in rows}


def sale(item: str, amount: str, code: str | None = None, **detail) -> dict:
    body = {"ItemRef": {"value": item}, **detail}
    if code is not None:
        body["TaxCodeRef"] = {"value": code}
    return {"Amount": amount, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": body}


def je_line(side: str, account: str, amount: str, **detail) -> dict:
    return {
        "Amount": amount,
        "DetailType": "JournalEntryLineDetail",
        "JournalEntryLineDetail": {"PostingType": side, "AccountRef": {"value": account}, **detail},
    }


def report_lines(api: Api, start: str, end: str) -> list[tuple[str, str, str]]:
    """(account, debit, credit) of every posting in the Journal report."""
    status, report = api.get("reports/JournalReport", start_date=start, end_date=end)
    assert status == 200
    return [
        (r["ColData"][5]["value"], r["ColData"][6]["value"], r["ColData"][7]["value"])
        for r in report["Rows"]["Row"]
        if r.get("type") == "Data" and r["ColData"][5]["value"]
    ]


# ----- Malaysia: SST by tax code ------------------------------------------------------------


def test_a_receipt_without_a_tax_code_on_every_line_is_refused_with_the_recorded_6000(
    fresh_sandbox, use_company
):
    api = company_api(fresh_sandbox, use_company, "my")
    items, codes = names(api, "Item"), names(api, "TaxCode")
    body = {
        "TxnDate": "2026-11-20",
        "Line": [sale(items["Food Sales"], "100.00", codes["SST6"]), sale(items["Tips"], "5.00")],
    }
    status, reply = api.post("salesreceipt", body)
    error = fault_of(reply)
    assert status == 400 and error["code"] == "6000"
    assert (
        error["Message"] == "A business validation error has occurred while processing your request"
    )
    assert error["Detail"] == (
        "Business Validation Error: Make sure all your transactions have a SST rate before you save."
    )
    assert api.query("SELECT COUNT(*) FROM SalesReceipt")["totalCount"] == 0


def test_quickbooks_computes_sst_line_by_line_and_books_it_to_each_rates_account(
    fresh_sandbox, use_company
):
    api = company_api(fresh_sandbox, use_company, "my")
    items, codes = names(api, "Item"), names(api, "TaxCode")
    body = {
        "TxnDate": "2026-11-20",
        "DocNumber": "SR-MY-1",
        "GlobalTaxCalculation": "TaxExcluded",
        "Line": [
            sale(items["Food Sales"], "100.05", codes["SST6"]),
            sale(items["Alcohol Sales"], "33.33", codes["SST10"]),
            sale(items["Tips"], "5.00", codes["OS"]),
        ],
    }
    status, reply = api.post("salesreceipt", body)
    assert status == 200, reply
    receipt = reply["SalesReceipt"]
    tax = receipt["TxnTaxDetail"]
    # 100.05 x 6% = 6.003 -> 6.00; 33.33 x 10% = 3.333 -> 3.33; Out of Scope 0
    by_rate = {t["TaxLineDetail"]["TaxRateRef"]["name"]: t for t in tax["TaxLine"]}
    assert by_rate["SST 6%"]["Amount"] == Decimal("6.00")
    assert by_rate["SST 6%"]["TaxLineDetail"]["NetAmountTaxable"] == Decimal("100.05")
    assert by_rate["SST 10%"]["Amount"] == Decimal("3.33")
    assert tax["TotalTax"] == Decimal("9.33")
    assert receipt["TotalAmt"] == Decimal("147.71")  # 138.38 + 9.33
    assert receipt["GlobalTaxCalculation"] == "TaxExcluded"
    # fields a SalesReceipt reply always carries (salesreceipt/qbo_api_salesreceipt_read_...)
    assert receipt["CurrencyRef"]["value"] == "MYR"
    assert receipt["PrintStatus"] == "NotSet" and receipt["EmailStatus"] == "NotSet"
    assert receipt["ApplyTaxAfterDiscount"] is False
    postings = report_lines(api, "2026-11-20", "2026-11-20")
    assert ("SST Payable - SST6", "", "6.00") in postings
    assert ("SST Payable - SST10", "", "3.33") in postings
    assert ("Undeposited Funds", "147.71", "") in postings


def test_per_line_rounding_and_the_tax_lines_a_caller_sends_are_kept(fresh_sandbox, use_company):
    api = company_api(fresh_sandbox, use_company, "my")
    items, codes = names(api, "Item"), names(api, "TaxCode")
    lines = [sale(items["Food Sales"], "0.25", codes["SST6"]) for _ in range(2)]
    status, reply = api.post("salesreceipt", {"TxnDate": "2026-11-20", "Line": lines})
    assert status == 200
    # each line 0.015 -> 0.02: QuickBooks' per-line rounding gives 0.04, not 0.03 on 0.50
    assert reply["SalesReceipt"]["TxnTaxDetail"]["TotalTax"] == Decimal("0.04")
    rates = names(api, "TaxRate")
    pos_tax = {
        "TaxLine": [
            {
                "Amount": "0.03",
                "DetailType": "TaxLineDetail",
                "TaxLineDetail": {"TaxRateRef": {"value": rates["SST 6%"]}},
            }
        ]
    }
    body = {"TxnDate": "2026-11-20", "Line": lines, "TxnTaxDetail": pos_tax}
    status, reply = api.post("salesreceipt", body)
    assert status == 200
    assert reply["SalesReceipt"]["TxnTaxDetail"]["TotalTax"] == Decimal("0.03")
    assert reply["SalesReceipt"]["TotalAmt"] == Decimal("0.53")
    wrong = {
        "TaxLine": [
            {**pos_tax["TaxLine"][0], "TaxLineDetail": {"TaxRateRef": {"value": rates["SST 10%"]}}}
        ]
    }
    status, reply = api.post("salesreceipt", {**body, "TxnTaxDetail": wrong})
    assert status == 400 and fault_of(reply)["code"] == "6000"


def test_tax_inclusive_prices_are_split_into_net_and_tax(fresh_sandbox, use_company):
    api = company_api(fresh_sandbox, use_company, "my")
    items, codes = names(api, "Item"), names(api, "TaxCode")
    body = {
        "TxnDate": "2026-11-20",
        "GlobalTaxCalculation": "TaxInclusive",
        "Line": [sale(items["Food Sales"], "106.00", codes["SST6"])],
    }
    status, reply = api.post("salesreceipt", body)
    assert status == 200, reply
    receipt = reply["SalesReceipt"]
    line = receipt["Line"][0]
    assert line["Amount"] == Decimal("100.00")
    assert line["SalesItemLineDetail"]["TaxInclusiveAmt"] == Decimal("106.00")
    assert receipt["TxnTaxDetail"]["TotalTax"] == Decimal("6.00")
    assert receipt["TotalAmt"] == Decimal("106.00")


def test_journal_lines_with_a_tax_code_balance_with_the_tax_quickbooks_adds(
    fresh_sandbox, use_company
):
    api = company_api(fresh_sandbox, use_company, "my")
    accounts, codes = names(api, "Account"), names(api, "TaxCode")
    taxed = {
        "TaxCodeRef": {"value": codes["SST6"]},
        "TaxApplicableOn": "Sales",
        "TaxAmount": "6.00",
    }
    body = {
        "TxnDate": "2026-11-20",
        "DocNumber": "JE-MY-1",
        "Line": [
            je_line("Debit", accounts["Undeposited Funds"], "106.00"),
            je_line("Credit", accounts["Sales - Food"], "100.00", **taxed),
        ],
    }
    status, reply = api.post("journalentry", body)
    assert status == 200, reply
    entry = reply["JournalEntry"]
    assert entry["TxnTaxDetail"]["TotalTax"] == Decimal("6.00")
    assert entry["TxnTaxDetail"]["TaxLine"][0]["Amount"] == Decimal("-6.00")  # credit: negative
    postings = report_lines(api, "2026-11-20", "2026-11-20")
    assert ("SST Payable - SST6", "", "6.00") in postings
    # the same entry counted without QuickBooks' tax posting does not balance
    body["Line"][0] = je_line("Debit", accounts["Undeposited Funds"], "100.00")
    status, reply = api.post("journalentry", body)
    assert status == 400 and fault_of(reply)["code"] == "6000"
    assert "not balanced" in fault_of(reply)["Detail"]
    # a TaxCodeRef needs TaxApplicableOn (Intuit's JournalEntry page)
    untyped = {k: v for k, v in taxed.items() if k != "TaxApplicableOn"}
    body["Line"] = [
        je_line("Debit", accounts["Undeposited Funds"], "106.00"),
        je_line("Credit", accounts["Sales - Food"], "100.00", **untyped),
    ]
    status, reply = api.post("journalentry", body)
    assert status == 400 and fault_of(reply)["element"] == "TaxApplicableOn"


def test_a_refund_receipt_pays_back_from_its_account_and_reverses_sales_and_tax(
    fresh_sandbox, use_company
):
    api = company_api(fresh_sandbox, use_company, "my")
    items, codes, accounts = names(api, "Item"), names(api, "TaxCode"), names(api, "Account")
    body = {
        "TxnDate": "2026-11-20",
        "DocNumber": "RR-1",
        "Line": [sale(items["Food Sales"], "10.00", codes["SST6"])],
    }
    status, reply = api.post("refundreceipt", body)
    assert status == 400 and fault_of(reply)["element"] == "RefundFromAccountRef"
    body["RefundFromAccountRef"] = {"value": accounts["Sales - Food"]}
    status, reply = api.post("refundreceipt", body)
    assert status == 400 and fault_of(reply)["code"] == "6000"  # not a Bank/asset account
    body["RefundFromAccountRef"] = {"value": accounts["Card Clearing - Visa/Master"]}
    status, reply = api.post("refundreceipt", body)
    assert status == 200, reply
    refund = reply["RefundReceipt"]
    assert refund["TotalAmt"] == Decimal("10.60")
    assert refund["RefundFromAccountRef"]["name"] == "Card Clearing - Visa/Master"
    status, read = api.get(f"refundreceipt/{refund['Id']}")
    assert status == 200 and read["RefundReceipt"]["DocNumber"] == "RR-1"
    postings = report_lines(api, "2026-11-20", "2026-11-20")
    assert ("Card Clearing - Visa/Master", "", "10.60") in postings
    assert ("Sales - Food", "10.00", "") in postings
    assert ("SST Payable - SST6", "0.60", "") in postings
    assert api.query("SELECT * FROM RefundReceipt WHERE DocNumber = 'RR-1'")["RefundReceipt"]


# ----- UK: VAT wording, closed books, duplicate journal numbers, per-transaction classes -------


def test_uk_company_preferences_use_intuits_real_names(fresh_sandbox, use_company):
    tokens = use_company("uk")
    from qbo_sandbox.clients import quickbooks_client

    qb = quickbooks_client(fresh_sandbox, tokens)
    prefs = Preferences.get(qb=qb)
    accounting = prefs.AccountingInfoPrefs
    assert accounting.ClassTrackingPerTxn is True and accounting.ClassTrackingPerTxnLine is False
    assert accounting.BookCloseDate == "2026-11-02"
    other = {v.Name: v.Value for v in prefs.OtherPrefs.NameValue}
    assert other["WarnDuplicateJournalNumber"] == "true" and "WarnDuplicateDocNum" not in other
    status, info = open_api(fresh_sandbox, tokens).get(f"companyinfo/{tokens['realm_id']}")
    assert info["CompanyInfo"]["Country"] == "GB"


def test_uk_refuses_a_receipt_without_vat_codes_and_line_classes(fresh_sandbox, use_company):
    api = company_api(fresh_sandbox, use_company, "uk")
    items, codes, classes = names(api, "Item"), names(api, "TaxCode"), names(api, "Class")
    status, reply = api.post(
        "salesreceipt", {"TxnDate": "2026-11-20", "Line": [sale(items["Food Sales"], "10.00")]}
    )
    assert status == 400 and "have a VAT rate before you save" in fault_of(reply)["Detail"]
    line = sale(items["Food Sales"], "10.00", codes["20.0% S"], ClassRef={"value": classes["Food"]})
    status, reply = api.post("salesreceipt", {"TxnDate": "2026-11-20", "Line": [line]})
    assert status == 400 and "ClassTrackingPerTxnLine" in fault_of(reply)["Detail"]
    body = {
        "TxnDate": "2026-11-20",
        "ClassRef": {"value": classes["Food"]},
        "Line": [sale(items["Food Sales"], "10.00", codes["20.0% S"])],
    }
    status, reply = api.post("salesreceipt", body)
    assert status == 200 and reply["SalesReceipt"]["TotalAmt"] == Decimal("12.00")
    assert reply["SalesReceipt"]["ClassRef"]["name"] == "Food"


def test_uk_closed_books_refuse_writes_on_or_before_the_closing_date(fresh_sandbox, use_company):
    api = company_api(fresh_sandbox, use_company, "uk")
    accounts = names(api, "Account")

    def entry(date: str, doc: str) -> dict:
        return {
            "TxnDate": date,
            "DocNumber": doc,
            "Line": [
                je_line("Debit", accounts["Undeposited Funds"], "1.00"),
                je_line("Credit", accounts["Sales - Food"], "1.00"),
            ],
        }

    status, reply = api.post("journalentry", entry("2026-11-02", "C-1"))
    error = fault_of(reply)
    assert status == 400 and error["code"] == "6210" and error["Message"] == "Account Period Closed"
    assert "2026-11-02" in error["Detail"]
    status, reply = api.post("journalentry", entry("2026-11-03", "C-2"))
    assert status == 200
    saved = reply["JournalEntry"]
    moved = {**entry("2026-11-01", "C-2"), "Id": saved["Id"], "SyncToken": saved["SyncToken"]}
    status, reply = api.post("journalentry", moved)
    assert status == 400 and fault_of(reply)["code"] == "6210"
    fresh_sandbox.admin("preferences", {"book_close_date": "2026-11-05"})
    delete = {"Id": saved["Id"], "SyncToken": saved["SyncToken"]}
    status, reply = api.post("journalentry", delete, params={"operation": "delete"})
    assert status == 400 and fault_of(reply)["code"] == "6210"
    fresh_sandbox.admin("preferences", {"book_close_date": ""})
    assert api.post("journalentry", entry("2026-11-01", "C-3"))[0] == 200


def test_uk_duplicate_journal_numbers_are_refused_with_6140_unless_allowed(
    fresh_sandbox, use_company
):
    api = company_api(fresh_sandbox, use_company, "uk")
    accounts = names(api, "Account")
    body = {
        "TxnDate": "2026-11-20",
        "DocNumber": "POS-DUP",
        "Line": [
            je_line("Debit", accounts["Undeposited Funds"], "1.00"),
            je_line("Credit", accounts["Sales - Food"], "1.00"),
        ],
    }
    status, first = api.post("journalentry", body)
    assert status == 200
    status, reply = api.post("journalentry", body)
    error = fault_of(reply)
    assert status == 400 and error["code"] == "6140"
    assert error["Detail"].endswith(
        f"DocNumber=POS-DUP is assigned to TxnType=Journal Entry with TxnId={first['JournalEntry']['Id']}"
    )
    status, _ = api.post("journalentry", body, params={"include": "allowduplicatedocnum"})
    assert status == 200
    fresh_sandbox.admin("preferences", {"warn_duplicate_journal_number": False})
    assert api.post("journalentry", body)[0] == 200


# ----- US: sales tax ----------------------------------------------------------------------------


def test_us_tax_comes_from_the_transactions_rate_code_over_the_taxable_lines(
    fresh_sandbox, use_company
):
    api = company_api(fresh_sandbox, use_company, "us")
    items, codes = names(api, "Item"), names(api, "TaxCode")
    assert {"TAX", "NON"} <= set(codes)
    body = {
        "TxnDate": "2026-11-20",
        "Line": [
            sale(items["Food Sales"], "100.00", "TAX"),
            sale(items["Tips"], "10.00", "NON"),
            sale(items["Beverages Sales"], "5.00"),  # no code: fine in a US company
        ],
        "TxnTaxDetail": {"TxnTaxCodeRef": {"value": codes["New York City"]}},
    }
    status, reply = api.post("salesreceipt", body)
    assert status == 200, reply
    receipt = reply["SalesReceipt"]
    assert receipt["TxnTaxDetail"]["TotalTax"] == Decimal("8.88")  # 8.875% of 100.00
    assert receipt["TotalAmt"] == Decimal("123.88")
    assert "GlobalTaxCalculation" not in receipt and receipt["CurrencyRef"]["value"] == "USD"
    assert ("Sales Tax Payable", "", "8.88") in report_lines(api, "2026-11-20", "2026-11-20")
    status, code = api.get("taxcode/TAX")
    assert status == 200 and code["TaxCode"]["Taxable"] is True


# ----- replies aligned with the recordings -------------------------------------------------------


def test_a_malformed_id_is_2030_as_recorded(api_default):
    status, reply = api_default.get("journalentry/1.5")
    error = fault_of(reply)
    assert status == 400 and error["code"] == "2030" and error["element"] == "Id"
    assert error["Detail"] == "Id should be a valid number. Supplied value:1.5"


def test_an_expired_token_gets_the_lowercase_fault_and_www_authenticate(fresh_sandbox, tokens):
    fresh_sandbox.admin("clock", {"advance_seconds": 3700})
    reply = requests.get(
        f"{fresh_sandbox.api_url}/company/{tokens['realm_id']}/preferences",
        headers={"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"},
        timeout=10,
    )
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"] == 'Bearer realm="Intuit", error="invalid_token"'
    error = reply.json()["fault"]["error"][0]
    assert error["code"] == "3200" and error["detail"].startswith("Token expired")


def test_a_sparse_update_that_changes_nothing_keeps_the_sync_token(api_default):
    status, reply = api_default.get("account/3")
    account = reply["Account"]
    body = {"Id": "3", "SyncToken": account["SyncToken"], "sparse": True, "Name": account["Name"]}
    status, reply = api_default.post("account", body)
    assert status == 200 and reply["Account"]["SyncToken"] == account["SyncToken"]
    status, reply = api_default.post("account", {**body, "Description": "changed"})
    assert int(reply["Account"]["SyncToken"]) == int(account["SyncToken"]) + 1


def test_startposition_zero_is_4001_and_maxresults_may_come_first(api_default):
    status, reply = api_default.post(
        "query", "SELECT * FROM Class STARTPOSITION 0", content_type="application/text"
    )
    error = fault_of(reply)
    assert status == 400 and error["code"] == "4001"
    assert error["Detail"] == "QueryValidationError: value 0 is too small. Min allowed value is 1"
    result = api_default.query("SELECT * FROM Class MAXRESULTS 2 STARTPOSITION 2")
    assert result["startPosition"] == 2 and result["maxResults"] == 2


def test_notes_and_descriptions_over_4000_characters_are_refused(api_default):
    body = {
        "TxnDate": "2026-11-20",
        "PrivateNote": "x" * 4001,
        "Line": [sale("1", "1.00")],
    }
    status, reply = api_default.post("salesreceipt", body)
    assert status == 400 and fault_of(reply)["code"] == "2050"
    body = {
        **body,
        "PrivateNote": "x" * 4000,
        "Line": [{**sale("1", "1.00"), "Description": "y" * 4001}],
    }
    status, reply = api_default.post("salesreceipt", body)
    assert status == 400 and fault_of(reply)["element"] == "Description"
    body["Line"][0]["Description"] = "y" * 4000
    assert api_default.post("salesreceipt", body)[0] == 200


def test_the_default_company_stays_lenient_and_a_sandbox_can_start_as_another(fresh_sandbox):
    assert fresh_sandbox.admin("state")["demo_company"] == "demo"
    with pytest.raises(RuntimeError, match="unknown demo company"):
        fresh_sandbox.admin("reset", {"company": "fr"})
    handle = start_sandbox(company="us")
    try:
        assert handle.admin("state")["demo_company"] == "us"
        handle.admin("reset", {})
        assert handle.admin("state")["demo_company"] == "us"  # back to what it started with
    finally:
        handle.stop()
    with pytest.raises(ValueError, match="choose one of demo, my, uk, us"):
        start_sandbox(company="fr")


@pytest.fixture
def api_default(fresh_sandbox, tokens) -> Api:
    return open_api(fresh_sandbox, tokens)
