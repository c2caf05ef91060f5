"""US sales tax on sales receipts, over HTTP against the sandbox's `us` company (issue 12):
lines carry TAX/NON, TxnTaxDetail the rate code and the POS tax as TotalTax, no tax Item
line; QuickBooks keeps the TotalTax sent, so every receipt ties to the POS to the cent."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from posbooks.core.model import Ref
from posbooks.drafts.mapping import current_mapping, save_mapping
from posbooks.qbo.settings import current_settings
from posbooks.reconcile.gather import reconcile
from posting_support import DAY2, documents_in_quickbooks, home_dir, pos_file
from test_tax_by_code_journey import LINES, company_home, pos_tax

__all__ = ["company_home", "home_dir", "pos_file"]  # fixtures used below


def pos_payments(source, outlet: str) -> Decimal:
    from posbooks.pos import open_exports
    from posbooks.pos.totals import daily_totals

    [day] = daily_totals(open_exports([source]), DAY2, DAY2, outlets=[outlet])
    return sum((t.amount for t in day.totals if t.source == "payment"), Decimal("0"))


def test_us_receipts_carry_the_pos_tax_in_txn_tax_detail_and_tie_to_the_pos(company_home):
    home = company_home("us")
    settings = current_settings(home.store)
    nyc = next(c for c in settings.tax_codes if c.name == "New York City")
    mapping = current_mapping(home.store)
    mapping = replace(mapping, sales_tax_code=Ref(nyc.id, nyc.name), line_taxes=dict(LINES))
    save_mapping(home.store, mapping, note="US sales tax on receipts")
    assert current_mapping(home.store).sales_tax_code == Ref(nyc.id, nyc.name)  # stored

    outcomes = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt")
    assert outcomes and all(o.status == "created" for o in outcomes), [o.message for o in outcomes]
    receipts = documents_in_quickbooks(home.handle, "receipt")
    assert receipts
    for doc in receipts:
        assert "GlobalTaxCalculation" not in doc or doc["GlobalTaxCalculation"] != "TaxExcluded"
        details = [ln["SalesItemLineDetail"] for ln in doc["Line"] if "SalesItemLineDetail" in ln]
        assert {d["TaxCodeRef"]["value"] for d in details} <= {"TAX", "NON"}
        assert any(d["TaxCodeRef"]["value"] == "TAX" for d in details)
        lines = sum(Decimal(str(ln["Amount"])) for ln in doc["Line"] if "SalesItemLineDetail" in ln)
        tax = Decimal(str(doc["TxnTaxDetail"]["TotalTax"]))
        assert lines + tax == Decimal(str(doc["TotalAmt"]))  # no tax Item line: tax on top
        assert doc["TxnTaxDetail"]["TxnTaxCodeRef"]["value"] == nyc.id
    tax = sum(Decimal(str(d["TxnTaxDetail"]["TotalTax"])) for d in receipts)
    assert tax == pos_tax(home, home.pos_file, "Bangsar")  # to the cent
    total = sum(Decimal(str(d["TotalAmt"])) for d in receipts)
    assert total == pos_payments(home.pos_file, "Bangsar")

    again = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt")
    assert {o.status for o in again} == {"unchanged"}
    checked = reconcile(home.config, home.store, sources=[home.pos_file], date_from=DAY2,
                        doc_type="receipt", outlets=["Bangsar"])  # fmt: skip
    assert {c.status for c in checked.documents} == {"matched"}


def test_a_us_sales_tax_code_outside_a_us_company_is_refused_before_sending(company_home):
    home = company_home("uk")
    settings = current_settings(home.store)
    code = settings.tax_codes[0]
    mapping = replace(current_mapping(home.store), sales_tax_code=Ref(code.id, code.name),
                      tax_codes={}, line_taxes=dict(LINES))  # fmt: skip
    save_mapping(home.store, mapping)
    outcomes = home.send(DAY2, outlets=["Bangsar"], doc_type="receipt")
    assert outcomes and all(o.status == "blocked" for o in outcomes)
    assert "is not a US company with sales tax on" in outcomes[0].message
    assert not documents_in_quickbooks(home.handle, "receipt")
