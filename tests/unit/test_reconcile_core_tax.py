"""Reconcile reads the tax QuickBooks computed (TxnTaxDetail), so it is compared, not missed."""

from __future__ import annotations

from decimal import Decimal as D

from posbooks.core.reconcile import lines_from_qbo, net_by_key


def tax_line(rate: str, name: str, amount: str) -> dict:
    return {
        "Amount": amount,
        "DetailType": "TaxLineDetail",
        "TaxLineDetail": {"TaxRateRef": {"value": rate, "name": name}, "NetAmountTaxable": "0"},
    }


def sale(item: str, amount: str) -> dict:
    return {
        "Amount": amount,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": item, "name": f"Item {item}"}},
    }


def test_a_receipts_computed_tax_is_a_line_and_its_money_line_is_the_total():
    receipt = {
        "DepositToAccountRef": {"value": "3", "name": "Undeposited Funds"},
        "Line": [sale("1", "100.05"), sale("4", "33.33")],
        "TxnTaxDetail": {
            "TotalTax": "9.33",
            "TaxLine": [tax_line("1", "SST 6%", "6.00"), tax_line("2", "SST 10%", "3.33")],
        },
        "TotalAmt": "142.71",
    }
    lines = {ln.account_name: ln.amount for ln in lines_from_qbo(receipt)}
    assert lines["Tax"] == D("-9.33")  # QuickBooks' tax, all rates on one line
    assert lines["Undeposited Funds"] == D("142.71")  # what QuickBooks took in, tax included
    assert sum(lines.values()) == 0


def test_a_receipt_with_only_a_total_tax_and_one_with_none():
    receipt = {
        "DepositToAccountRef": {"value": "3", "name": "Undeposited Funds"},
        "Line": [sale("1", "100.00")],
        "TxnTaxDetail": {"TotalTax": "8.88"},
    }
    lines = {ln.account_name: ln.amount for ln in lines_from_qbo(receipt)}
    assert lines == {"Item 1": D("-100.00"), "Tax": D("-8.88"), "Undeposited Funds": D("108.88")}
    untaxed = {**receipt, "TxnTaxDetail": {"TotalTax": 0}}
    assert net_by_key(lines_from_qbo(untaxed)) == net_by_key(
        lines_from_qbo({k: v for k, v in untaxed.items() if k != "TxnTaxDetail"})
    )  # a reply's {"TotalTax": 0} reads as the body that carried none


def test_a_journal_entrys_tax_postings_balance_it():
    """Read from each line's TaxAmount (what posbooks sends and QuickBooks returns), not from
    TxnTaxDetail, which only QuickBooks' reply carries."""
    entry = {
        "Line": [
            {
                "Amount": "106.00",
                "DetailType": "JournalEntryLineDetail",
                "JournalEntryLineDetail": {
                    "PostingType": "Debit",
                    "AccountRef": {"value": "3", "name": "Undeposited Funds"},
                },
            },
            {
                "Amount": "100.00",
                "DetailType": "JournalEntryLineDetail",
                "JournalEntryLineDetail": {
                    "PostingType": "Credit",
                    "AccountRef": {"value": "11", "name": "Sales - Food"},
                    "TaxCodeRef": {"value": "1"},
                    "TaxApplicableOn": "Sales",
                    "TaxAmount": "6.00",
                },
            },
        ],
        "TxnTaxDetail": {"TotalTax": "6.00", "TaxLine": [tax_line("1", "SST 6%", "-6.00")]},
    }
    lines = {ln.account_name: ln.amount for ln in lines_from_qbo(entry)}
    assert lines == {
        "Undeposited Funds": D("106.00"),
        "Sales - Food": D("-100.00"),
        "Tax": D("-6.00"),  # from the line's TaxAmount, on its side
    }
