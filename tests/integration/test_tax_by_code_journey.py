"""The journey against companies that tax by tax code (Malaysia SST, UK VAT) over HTTP:
connect, refresh, map POS tax codes to QuickBooks tax codes, send journal entries and
receipts (a refund day too), send again, reconcile. QuickBooks books the tax from the
codes; every document ties to the POS to the cent (issue 12)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from posbooks.core.model import Ref
from posbooks.drafts.mapping import current_mapping, save_mapping
from posbooks.qbo.gateway import open_gateway
from posbooks.qbo.settings import current_settings
from posbooks.reconcile.gather import reconcile
from posting_support import (
    DAY2,
    DAY3,
    Home,
    connect_home,
    doc_number_counts,
    documents_in_quickbooks,
    home_dir,
    pos_file,
)
from qbo_sandbox import SandboxHandle
from test_refund_receipts import refund_file

__all__ = ["home_dir", "pos_file", "refund_file"]  # fixtures used below
SST = {"SST6": "SST6", "SST10": "SST10", "untaxed": "OS"}
VAT = {"SST6": "20.0% S", "SST10": "20.0% S", "untaxed": "No VAT"}
LINES = {"Food": "SST6", "Beverages": "SST6", "Desserts": "SST6", "Alcohol": "SST10",
         "service_charge": "SST6", "discount": "SST6"}  # fmt: skip


def map_tax_codes(home: Home, codes: dict[str, str], *, classes: bool = True) -> None:
    settings = current_settings(home.store)
    by_name = {c.name: c for c in settings.tax_codes}
    mapping = current_mapping(home.store)
    tax_codes = {pos: Ref(by_name[name].id, name) for pos, name in codes.items()}
    mapping = replace(mapping, tax_codes=tax_codes, line_taxes=dict(LINES))
    if not classes:
        mapping = replace(mapping, classes={})
    save_mapping(home.store, mapping, note="tax by code")


@pytest.fixture
def company_home(
    fresh_sandbox: SandboxHandle, home_dir: Path, pos_file: Path
) -> Iterator[Callable[[str], Home]]:
    def make(key: str) -> Home:
        fresh_sandbox.admin("reset", {"company": key})
        fresh_sandbox.admin("limits", {"per_second": 100})
        return connect_home(fresh_sandbox, home_dir, pos_file, doc_type="receipt")

    yield make
    fresh_sandbox.admin("reset", {})


def pos_tax(home: Home, source: Path, outlet: str) -> Decimal:
    from posbooks.pos import open_exports
    from posbooks.pos.totals import daily_totals

    [day] = daily_totals(open_exports([source]), DAY2, DAY2, outlets=[outlet])
    return sum((t.amount for t in day.totals if t.source == "tax"), Decimal("0"))


def test_malaysia_journal_entries_carry_tax_codes_and_quickbooks_books_the_sst(company_home):
    home = company_home("my")
    map_tax_codes(home, SST)
    [sent] = home.send(DAY2, outlets=["Bangsar"])
    assert sent.status == "created", sent.message
    [entry] = documents_in_quickbooks(home.handle, "journal")
    details = [ln["JournalEntryLineDetail"] for ln in entry["Line"]]
    accounts = {d["AccountRef"]["name"] for d in details}
    assert not any(name.startswith("SST Payable") for name in accounts)  # no tax line sent
    taxed = [d for d in details if d.get("TaxCodeRef")]
    assert taxed and all(d["TaxApplicableOn"] == "Sales" for d in taxed)
    tax = sum(Decimal(str(d["TaxAmount"])) for d in taxed if d["PostingType"] == "Credit")
    tax -= sum(Decimal(str(d["TaxAmount"])) for d in taxed if d["PostingType"] == "Debit")
    assert tax == pos_tax(home, home.pos_file, "Bangsar")  # to the cent
    assert Decimal(str(entry["TxnTaxDetail"]["TotalTax"])) == tax

    [again] = home.send(DAY2, outlets=["Bangsar"])
    assert again.status == "unchanged"
    checked = reconcile(home.config, home.store, sources=[home.pos_file], date_from=DAY2,
                        outlets=["Bangsar"])  # fmt: skip
    assert [c.status for c in checked.documents] == ["matched"]


def test_malaysia_receipts_and_a_refund_tie_to_the_pos_with_quickbooks_tax(
    company_home, refund_file
):
    home = company_home("my")
    map_tax_codes(home, SST)
    outcomes = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt", source=refund_file)
    assert outcomes and all(o.status == "created" for o in outcomes), [o.message for o in outcomes]
    assert any(o.doc_type == "refund" for o in outcomes)
    receipts = documents_in_quickbooks(home.handle, "receipt")
    refunds = documents_in_quickbooks(home.handle, "refund")
    for doc in receipts + refunds:
        assert doc["GlobalTaxCalculation"] == "TaxExcluded"
        assert all(
            ln["SalesItemLineDetail"].get("TaxCodeRef")
            for ln in doc["Line"]
            if ln["DetailType"] == "SalesItemLineDetail"
        )
        assert not any(
            ln["SalesItemLineDetail"]["ItemRef"]["name"].startswith("SST")
            for ln in doc["Line"]
            if ln["DetailType"] == "SalesItemLineDetail"
        )  # no tax Item line
    total_tax = sum(Decimal(str(d["TxnTaxDetail"]["TotalTax"])) for d in receipts)
    total_tax -= sum(Decimal(str(d["TxnTaxDetail"]["TotalTax"])) for d in refunds)
    assert total_tax == pos_tax(home, refund_file, "Bangsar")  # receipts tie to the POS

    again = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt", source=refund_file)
    assert {o.status for o in again} == {"unchanged"}
    checked = reconcile(home.config, home.store, sources=[refund_file], date_from=DAY2,
                        doc_type="receipt", outlets=["Bangsar"])  # fmt: skip
    assert {c.status for c in checked.documents} == {"matched"}
    assert set(doc_number_counts(home.handle, "receipt").values()) == {1}


def test_uk_vat_journal_after_the_closing_date_and_receipts_with_classes_per_transaction(
    company_home,
):
    home = company_home("uk")
    map_tax_codes(home, VAT)
    assert current_mapping(home.store).classes  # classes per category are mapped
    [closed] = home.send(date_from=DAY2.replace(day=2), outlets=["KLCC"])
    assert closed.status == "blocked" and "books are closed through 2026-11-02" in closed.message
    [sent] = home.send(DAY3, outlets=["KLCC"])
    assert sent.status == "created", sent.message
    receipts = home.send(DAY3, outlets=["Bangsar"], doc_type="receipt")
    assert receipts and all(o.status == "created" for o in receipts), [o.message for o in receipts]
    for doc in documents_in_quickbooks(home.handle, "receipt"):  # the company refuses line classes
        assert not any(ln.get("SalesItemLineDetail", {}).get("ClassRef") for ln in doc["Line"])
    checked = reconcile(home.config, home.store, sources=[home.pos_file], date_from=DAY3,
                        doc_type="receipt", outlets=["Bangsar"])  # fmt: skip
    assert {c.status for c in checked.documents} == {"matched"}
    gateway = open_gateway(home.config, home.store)
    entry = gateway.read("JournalEntry", sent.qbo_id)
    assert entry["TxnTaxDetail"]["TotalTax"] > 0
    checked = reconcile(home.config, home.store, sources=[home.pos_file], date_from=DAY3,
                        outlets=["KLCC"])  # fmt: skip
    assert [c.status for c in checked.documents] == ["matched"]


def test_tax_codes_mapped_in_a_company_that_does_not_tax_by_code_are_refused(company_home):
    home = company_home("us")
    settings = current_settings(home.store)
    mapping = current_mapping(home.store)
    tax = next(c for c in settings.tax_codes if c.name == "TAX")
    save_mapping(home.store, replace(mapping, tax_codes={"SST6": Ref(tax.id, tax.name)}))
    [blocked] = home.send(DAY2, outlets=["KLCC"])
    assert blocked.status == "blocked"
    assert "does not tax by tax code: remove the tax code mapping" in blocked.message


def test_the_preview_of_a_tax_by_code_mapping_ties_and_shows_quickbooks_tax(company_home):
    from posbooks.core.render import preview_text
    from posbooks.drafts.preview import preview, preview_to_json

    home = company_home("my")
    map_tax_codes(home, SST)
    mapping = current_mapping(home.store)
    for doc_type in ("journal", "receipt"):
        result = preview([home.pos_file], DAY2, outlets=["Bangsar"], doc_type=doc_type,
                         mapping=mapping)  # fmt: skip
        assert result.ties and not any(i.blocking for d in result.entries for i in d.issues)
        text = preview_text(result.entries, result.tie_out, result.issues)
        assert "(QuickBooks tax)" in text and "SST10" in text
        entries = preview_to_json(result)["entries"]
        taxed = [
            ln for e in entries for ln in e["lines"] if ln.get("tax_code") or ln["source"] == "tax"
        ]
        assert taxed


def test_malaysia_one_receipt_a_day_carries_tax_codes_and_ties_to_the_pos(company_home):
    """The vendor's form (one receipt per outlet and day, to Undeposited Funds) in a company
    taxing by code: every line coded, the POS tax as TxnTaxDetail, to the cent."""
    home = company_home("my")
    map_tax_codes(home, SST)
    settings = current_settings(home.store)
    funds = next(a for a in settings.accounts if a.account_subtype == "UndepositedFunds")
    mapping = replace(current_mapping(home.store), receipt_grouping="per_day",
                      day_deposit=Ref(funds.id, funds.name))  # fmt: skip
    save_mapping(home.store, mapping, note="one receipt a day")

    [sent] = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt")
    assert sent.status == "created", sent.message
    [receipt] = documents_in_quickbooks(home.handle, "receipt")
    assert receipt["GlobalTaxCalculation"] == "TaxExcluded"
    items = [ln["SalesItemLineDetail"] for ln in receipt["Line"]
             if ln["DetailType"] == "SalesItemLineDetail"]  # fmt: skip
    assert items and all(d.get("TaxCodeRef") for d in items)
    assert not any(d["ItemRef"]["name"].startswith("SST") for d in items)  # no tax Item line
    assert Decimal(str(receipt["TxnTaxDetail"]["TotalTax"])) == pos_tax(home, home.pos_file,
                                                                        "Bangsar")  # fmt: skip
    [again] = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt")
    assert again.status == "unchanged"
    checked = reconcile(home.config, home.store, sources=[home.pos_file], date_from=DAY2,
                        doc_type="receipt", outlets=["Bangsar"])  # fmt: skip
    assert [c.status for c in checked.documents] == ["matched"]
