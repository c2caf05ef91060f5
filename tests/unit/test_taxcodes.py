"""Tax by tax code in the drafts: no tax line, a code on every line, the POS tax to the cent."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from daybook import pos_day
from posbooks.core.journal import journal_entry_for_day
from posbooks.core.mapping_json import mapping_from_json, mapping_to_json
from posbooks.core.model import Mapping, Ref
from posbooks.core.receipts import sales_receipts_for_day
from posbooks.qbo.payloads import journal_entry_document, sales_receipt_document

D = Decimal
DAY = """
    Bangsar 2026-11-20, 40 receipts
    sales           Food        300.00
    sales           Alcohol      50.00
    discount        -           -20.00
    service_charge  -            38.00
    tax             SST6         19.08
    tax             SST10         5.00
    tip             -             4.00
    payment         Cash        110.05
    payment         Visa/Master 286.03
"""
SST6, SST10, OS = Ref("1", "SST6"), Ref("2", "SST10"), Ref("3", "OS")
MAPPING = Mapping(
    accounts={
        ("payment", "Cash"): Ref("11", "Cash on Hand"),
        ("payment", "Visa/Master"): Ref("12", "Card Clearing"),
        ("sales", "Food"): Ref("21", "Sales - Food"),
        ("sales", "Alcohol"): Ref("22", "Sales - Alcohol"),
        ("discount", None): Ref("23", "Discounts"),
        ("service_charge", None): Ref("24", "Service"),
        ("tip", None): Ref("25", "Tips Payable"),
    },
    items={
        "Food": Ref("i1", "Food"),
        "Alcohol": Ref("i2", "Alcohol"),
        "discount": Ref("i3", "Discount"),
        "service_charge": Ref("i4", "Service Charge"),
        "tip": Ref("i5", "Tips"),
    },
    tax_codes={"SST6": SST6, "SST10": SST10, "untaxed": OS},
    line_taxes={"Food": "SST6", "Alcohol": "SST10", "discount": "SST6", "service_charge": "SST6"},
)


def test_a_journal_entry_carries_the_pos_tax_on_its_taxed_lines_and_balances_with_it():
    draft = journal_entry_for_day(pos_day(DAY), MAPPING)
    assert not draft.issues, draft.issues
    assert not [ln for ln in draft.lines if ln.source == "tax"]  # no tax line
    assert all(ln.tax_code is not None for ln in draft.lines)
    by_code = {}
    for ln in draft.lines:
        signed = ln.tax_amount if ln.posting == "Credit" else -ln.tax_amount
        by_code[ln.tax_code.name] = by_code.get(ln.tax_code.name, D(0)) + signed
    assert by_code == {"SST6": D("19.08"), "SST10": D("5.00"), "OS": D("0")}
    # balanced as QuickBooks counts it: payments 396.08 + the discount 20.00 with its SST6
    # share (a debit) against sales, service and tips with their tax
    discount = next(ln for ln in draft.lines if ln.source == "discount")
    assert draft.balanced and draft.total_debits == D("416.08") + discount.tax_amount
    [tip] = [ln for ln in draft.lines if ln.source == "tip"]
    assert tip.tax_code == OS and tip.tax_amount == 0
    body = journal_entry_document(draft, 1, doc_number="PB261120-BAN-J").body
    food = next(ln for ln in body["Line"] if "Food" in ln["Description"])
    detail = food["JournalEntryLineDetail"]
    assert detail["TaxCodeRef"]["value"] == "1" and detail["TaxApplicableOn"] == "Sales"
    assert body["GlobalTaxCalculation"] == "TaxExcluded"


def test_receipts_carry_the_pos_tax_per_code_and_tie_to_the_pos():
    drafts = sales_receipts_for_day(pos_day(DAY), MAPPING)
    assert all(not d.issues for d in drafts), [d.issues for d in drafts]
    taxes: dict[str, Decimal] = {}
    for draft in drafts:
        assert sum(ln.amount for ln in draft.lines) + sum(a for _, a in draft.taxes) == draft.total
        assert all(ln.tax_code is not None and ln.source != "tax" for ln in draft.lines)
        for code, amount in draft.taxes:
            taxes[code] = taxes.get(code, D(0)) + amount
    assert taxes == {"SST6": D("19.08"), "SST10": D("5.00")}
    rates = {"SST6": Ref("r6", "SST 6%"), "SST10": Ref("r10", "SST 10%")}
    body = sales_receipt_document(drafts[0], 1, doc_number="PB261120-BAN-RCA", tax_rates=rates).body
    assert body["GlobalTaxCalculation"] == "TaxExcluded"
    assert {t["TaxLineDetail"]["TaxRateRef"]["value"] for t in body["TxnTaxDetail"]["TaxLine"]} == {
        "r6",
        "r10",
    }
    assert D(body["TxnTaxDetail"]["TotalTax"]) == sum(a for _, a in drafts[0].taxes)


def test_unmapped_codes_and_tax_without_a_taxed_line_block_the_day():
    no_untaxed = replace(MAPPING, tax_codes={"SST6": SST6, "SST10": SST10})
    codes = {i.code for i in journal_entry_for_day(pos_day(DAY), no_untaxed).issues}
    assert codes == {"unmapped_tax_code"}
    no_alcohol = replace(MAPPING, line_taxes={"Food": "SST6"})
    issues = journal_entry_for_day(pos_day(DAY), no_alcohol).issues
    assert any(i.code == "tax_without_lines" and i.key == "SST10" for i in issues)
    receipt_issues = {
        i.code for d in sales_receipts_for_day(pos_day(DAY), no_alcohol) for i in d.issues
    }
    assert "tax_without_lines" in receipt_issues


def test_the_tax_code_mapping_round_trips_through_json():
    data = mapping_to_json(MAPPING)
    assert data["tax_codes"][0] == {
        "pos_tax_code": "SST10",
        "tax_code_id": "2",
        "tax_code_name": "SST10",
    }
    back = mapping_from_json(data)
    assert back.tax_codes == MAPPING.tax_codes and back.line_taxes == MAPPING.line_taxes
    assert "tax_codes" not in mapping_to_json(replace(MAPPING, tax_codes={}, line_taxes={}))


def test_the_tie_out_counts_the_tax_carried_by_code_and_refunds_negated():
    from posbooks.core.tieout import tie_out

    day = pos_day(DAY)
    for drafts in ([journal_entry_for_day(day, MAPPING)], sales_receipts_for_day(day, MAPPING)):
        rows = tie_out(day, drafts)
        assert all(r.ties for r in rows), [r for r in rows if not r.ties]
    refund_day = pos_day("""
        KLCC 2026-11-21
        sales    Food         80.00
        payment  Cash        100.00
        payment  Visa/Master -20.00
    """)
    drafts = sales_receipts_for_day(refund_day, replace(MAPPING, tax_codes={}, line_taxes={}))
    assert any(d.doc_type == "refund" for d in drafts)
    assert all(r.ties for r in tie_out(refund_day, drafts))


def test_the_suggestion_maps_tax_codes_by_name_and_an_untaxed_code_where_quickbooks_taxes_by_code():
    from posbooks.core.mapping_rules import suggest_mapping
    from posbooks.core.qbo_settings import Preferences, QboSettings, TaxCode, TaxRate

    settings = QboSettings(
        realm_id="1",
        company_name="MY",
        country="MY",
        preferences=Preferences(using_sales_tax=True),
        tax_codes=(
            TaxCode("1", "SST6", sales_rate_ids=("1",)),
            TaxCode("2", "SST10", sales_rate_ids=("2",)),
            TaxCode("3", "OS", taxable=False, sales_rate_ids=("3",)),
        ),
        tax_rates=(
            TaxRate("1", "SST 6%", "6"),
            TaxRate("2", "SST 10%", "10"),
            TaxRate("3", "OS", "0"),
        ),
    )
    one_code = [
        ("sales", "Food"),
        ("sales", "Beverages"),
        ("service_charge", None),
        ("tax", "SST6"),
    ]
    mapping = suggest_mapping(one_code, settings)
    assert mapping.tax_codes == {"SST6": Ref("1", "SST6"), "untaxed": Ref("3", "OS")}
    assert mapping.line_taxes == {"Food": "SST6", "Beverages": "SST6", "service_charge": "SST6"}
    assert ("tax", "SST6") not in mapping.accounts
    two = suggest_mapping([*one_code, ("tax", "SST10")], settings)
    assert set(two.tax_codes) == {"SST6", "SST10", "untaxed"} and two.line_taxes == {}
    us = replace(settings, country="US")
    assert suggest_mapping(one_code, us).tax_codes == {}


def test_classes_per_transaction_put_one_shared_class_on_the_receipt_and_none_on_lines():
    from posbooks.core.qbo_settings import Preferences, QboSettings
    from posbooks.core.receipts import receipts_for_company

    kitchen = Ref("c1", "Kitchen")
    classed = replace(
        MAPPING, classes={"Food": kitchen, "Alcohol": kitchen}, tax_codes={}, line_taxes={}
    )
    day = pos_day("""
        KLCC 2026-11-21
        sales    Food         80.00
        sales    Alcohol      20.00
        payment  Cash        100.00
    """)
    per_txn = QboSettings(
        "1", "UK", preferences=Preferences(class_tracking=True, class_tracking_per_txn=True)
    )
    [receipt] = receipts_for_company(day, classed, per_txn)
    assert receipt.class_ == kitchen and all(ln.class_ is None for ln in receipt.lines)
    body = sales_receipt_document(receipt, 1, doc_number="PB261121-KLC-RCA").body
    assert body["ClassRef"]["value"] == "c1"
    assert not any("ClassRef" in ln["SalesItemLineDetail"] for ln in body["Line"])
    per_line = replace(
        per_txn, preferences=replace(per_txn.preferences, class_tracking_per_line=True)
    )
    [by_line] = receipts_for_company(day, classed, per_line)
    assert by_line.class_ is None and {ln.class_ for ln in by_line.lines} == {kitchen}


def test_mapping_check_says_which_pos_tax_code_taxes_no_line_before_anything_is_sent():
    from posbooks.core.mapping_rules import check_mapping
    from posbooks.core.qbo_settings import Preferences, QboSettings, TaxCode, TaxRate

    settings = QboSettings(
        realm_id="1",
        company_name="MY",
        country="MY",
        preferences=Preferences(using_sales_tax=True),
        tax_codes=(
            TaxCode("1", "SST6", sales_rate_ids=("1",)),
            TaxCode("2", "SST10", sales_rate_ids=("2",)),
            TaxCode("3", "OS", taxable=False, sales_rate_ids=("3",)),
        ),
        tax_rates=(TaxRate("1", "SST 6%", "6"), TaxRate("2", "SST 10%", "10")),
    )
    keys = {("sales", "Food"), ("sales", "Alcohol"), ("tax", "SST6"), ("tax", "SST10")}
    no_alcohol = replace(MAPPING, line_taxes={"Food": "SST6"})
    for doc_type in ("journal", "receipt"):
        found = [i for i in check_mapping(no_alcohol, settings, keys, doc_type) if i.blocking]
        tax = [i for i in found if i.source == "tax"]
        assert [(i.code, i.key) for i in tax] == [("tax_code_taxes_nothing", "SST10")]
        assert "POS tax code SST10 taxes no line" in tax[0].message
        assert not [
            i for i in check_mapping(MAPPING, settings, keys, doc_type) if i.source == "tax"
        ]


def test_us_sales_tax_receipts_mark_lines_tax_or_non_and_carry_the_pos_tax_as_total_tax():
    nyc = Ref("2", "New York City")
    us = replace(MAPPING, tax_codes={}, sales_tax_code=nyc)
    drafts = sales_receipts_for_day(pos_day(DAY), us)
    assert all(not d.issues for d in drafts), [d.issues for d in drafts]
    for draft in drafts:
        assert sum(ln.amount for ln in draft.lines) + sum(a for _, a in draft.taxes) == draft.total
        codes = {ln.source: ln.tax_code.id for ln in draft.lines if ln.tax_code}
        assert codes.get("sales") == "TAX" and codes.get("tip", "NON") == "NON"
    assert sum(a for d in drafts for _, a in d.taxes) == D("24.08")  # SST6 + SST10, to the cent
    body = sales_receipt_document(drafts[0], 1, doc_number="PB261120-BAN-RCA", sales_tax_code=nyc)
    detail = body.body["TxnTaxDetail"]
    assert set(detail) == {"TxnTaxCodeRef", "TotalTax"}  # QuickBooks US computes the TaxLines
    assert detail["TxnTaxCodeRef"]["value"] == "2"
    assert D(str(detail["TotalTax"])) == sum(a for _, a in drafts[0].taxes)
    assert "GlobalTaxCalculation" not in body.body  # not for US companies
    back = mapping_from_json(mapping_to_json(us))
    assert back.sales_tax_code == nyc and back.line_taxes == us.line_taxes
