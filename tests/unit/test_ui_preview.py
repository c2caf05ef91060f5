"""The Preview & Send page's tables and messages, from drafts written in bookkeeping terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

from posbooks.app.preview import (
    count_documents,
    entry_check,
    entry_rows,
    entry_title,
    outcome_message,
    period_figures,
    period_issues,
    problem_rows,
    sales_chart_bars,
    tieout_rows,
    upload_label,
)
from posbooks.core.model import EntryLine, Issue, JournalDraft, ReceiptDraft, ReceiptLine, Ref
from posbooks.core.tieout import TieOut
from posbooks.pos import Problem

DAY = date(2026, 11, 20)
CASH = Ref("2", "Undeposited Funds")
FOOD = Ref("10", "Sales - Food")

# A day at Bangsar: 106.00 cash for 100.00 of food and 6.00 of SST.
JOURNAL = JournalDraft(
    DAY,
    "Bangsar",
    (
        EntryLine("payment", "Cash", "Debit", D("106.00"), CASH, description="Cash"),
        EntryLine(
            "sales", "Food", "Credit", D("100.00"), FOOD, Ref("5", "Kitchen"), Ref("1", "Bangsar")
        ),
        EntryLine("tax", "SST6", "Credit", D("6.00"), None),
    ),
    issues=(Issue("unmapped", "Tax - SST6 has no QuickBooks account.", source="tax", key="SST6"),),
)


@dataclass
class Result:
    entries: tuple
    issues: tuple
    tie_out: tuple


def test_journal_lines_show_account_class_location_and_sides_with_totals():
    rows = entry_rows(JOURNAL)
    assert rows[0] == {
        "Account": "Undeposited Funds",
        "Class": "",
        "Location": "",
        "Description": "Cash",
        "Debit": "106.00",
        "Credit": "",
    }
    assert rows[1]["Class"] == "Kitchen" and rows[1]["Location"] == "Bangsar"
    assert rows[2]["Account"] == "(not mapped)"
    assert rows[-1] == {
        "Account": "Total",
        "Class": "",
        "Location": "",
        "Description": "",
        "Debit": "106.00",
        "Credit": "106.00",
    }
    assert entry_check(JOURNAL) == (True, "Balanced: debits = credits = 106.00.")


def test_an_unbalanced_entry_says_by_how_much():
    lopsided = JournalDraft(DAY, "KLCC", JOURNAL.lines[:2])
    assert entry_check(lopsided) == (False, "NOT balanced: debits exceed credits by 6.00.")


def test_title_names_outlet_day_total_blocked_and_already_posted():
    title = entry_title(JOURNAL, "changed")
    assert title.startswith("Bangsar · Fri 20 Nov 2026 · Journal Entry · 106.00")
    assert "BLOCKED" in title and "CHANGED since posted" in title
    assert "unchanged" in entry_title(JOURNAL, "unchanged")


def test_sales_receipt_rows_show_items_quantities_and_deposit_account():
    receipt = ReceiptDraft(
        DAY,
        "KLCC",
        "Cash",
        CASH,
        (
            ReceiptLine("sales", "Food", D("100.00"), D("1"), D("100.00"), Ref("7", "Food Sales")),
            ReceiptLine("discount", None, D("-5.00"), D("1"), D("-5.00")),
        ),
        total=D("95.00"),
    )
    rows = entry_rows(receipt)
    assert rows[0]["Item"] == "Food Sales" and rows[0]["Qty"] == "1"
    assert rows[1]["Item"] == "(not mapped)" and rows[1]["Amount"] == "-5.00"
    assert rows[-1]["Item"] == "Deposit to: Undeposited Funds"
    assert entry_check(receipt) == (True, "Adds up: lines 95.00, receipt total 95.00.")
    assert "Sales Receipt (Cash) · 95.00" in entry_title(receipt)
    assert "Sales Receipt (Cash) · MYR 95.00" in entry_title(receipt, currency="MYR")


def test_tie_out_rows_and_period_figures():
    ties = (
        TieOut(DAY, "Bangsar", "journal", "sales", "Food", D("100.00"), D("100.00")),
        TieOut(DAY, "Bangsar", "journal", "payment", "Cash", D("106.00"), D("105.99")),
    )
    result = Result((JOURNAL,), (), ties)
    rows = tieout_rows(result)
    assert rows[0]["Day"] == "Fri 20 Nov 2026"
    assert rows[0]["Ties"] == "yes"
    assert rows[1]["Ties"] == "NO, off by -0.01"
    figures = period_figures(result)
    assert figures == {"documents": 1, "sales": D("100.00"), "balanced": True, "tied": False}


def test_period_issues_skip_what_a_document_already_shows():
    again = JOURNAL.issues[0]
    other = Issue("no_receipts", "KLCC had no receipts on 2026-11-20.", blocking=False)
    assert period_issues(Result((JOURNAL,), (again, other, other), ())) == [other]


def test_validation_report_rows_name_file_row_and_column():
    rows = problem_rows(
        [
            Problem("sales.csv", 14, "amount", "amount '12.345' has more than 2 decimals"),
            Problem("x.parquet", None, None, "empty file"),
        ]
    )
    assert rows[0] == {
        "File": "sales.csv",
        "Row": "14",
        "Column": "amount",
        "Problem": "amount '12.345' has more than 2 decimals",
    }
    assert rows[1]["Row"] == "" and rows[1]["Column"] == ""


@dataclass
class Outcome:
    business_date: date
    outlet: str
    doc_type: str
    status: str
    doc_number: str | None
    qbo_id: str | None
    message: str


def test_outcome_messages_name_the_document_number_or_the_reason():
    sent = Outcome(DAY, "Bangsar", "journal", "created", "PB261120AJ", "42", "")
    assert outcome_message(sent, "Journal Entry") == (
        "Bangsar Fri 20 Nov 2026: sent to QuickBooks as Journal Entry PB261120AJ."
    )
    blocked = Outcome(DAY, "KLCC", "journal", "blocked", None, None, "Tax - SST6 is not mapped.")
    assert outcome_message(blocked, "Journal Entry") == (
        "KLCC Fri 20 Nov 2026: not sent: Tax - SST6 is not mapped."
    )
    cut = Outcome(DAY, "KLCC", "journal", "failed", "PB1", None, "not confirmed: reconnect")
    assert outcome_message(cut, "Journal Entry") == "KLCC Fri 20 Nov 2026: not confirmed: reconnect"


def test_document_counts_read_naturally():
    assert count_documents(1, "journal") == "1 journal entry"
    assert count_documents(3, "journal") == "3 journal entries"
    assert count_documents(2, "receipt") == "2 sales receipts"


def test_chart_bars_stack_categories_in_the_order_met_with_names_plotly_shows_as_typed():
    sales = [
        ("Bangsar", "Food", D("10.50")),
        ("Bangsar", "<b>Drinks</b>", D("2.25")),
        ("KLCC", "Food", D("7.00")),
    ]
    assert sales_chart_bars(sales) == [
        ("Food", ["Bangsar", "KLCC"], [10.5, 7.0]),
        ("&lt;b&gt;Drinks&lt;/b&gt;", ["Bangsar"], [2.25]),
    ]


def test_an_upload_shows_the_size_the_file_chooser_showed_for_it():
    from datetime import UTC, datetime
    from types import SimpleNamespace

    def label(size: int) -> str:
        saved = datetime(2026, 12, 3, 18, 56, tzinfo=UTC)
        return upload_label(SimpleNamespace(names=("sales.csv",), saved_at=saved, size=size))

    # Streamlit's chooser counts 1 MB as 1,000,000 bytes: a 39,548,309-byte CSV is 39.5MB there.
    assert label(39_548_309).endswith(" · 39.5 MB")
    assert label(812_345).endswith(" · 812 kB")
    assert label(120).endswith(" · 1 kB")
