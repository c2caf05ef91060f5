"""The History table: what was sent, in words, with links only to documents QuickBooks holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from posbooks.ui_history import filter_rows, history_rows


@dataclass
class Row:
    business_date: date
    outlet: str
    doc_type: str
    doc_key: str
    doc_number: str
    qbo_id: str | None
    status: str
    mapping_version: int
    updated_at: str
    message: str = ""


LEDGER = [
    Row(
        date(2026, 11, 20),
        "Bangsar",
        "journal",
        "",
        "PB261120AJ",
        "41",
        "posted",
        2,
        "2026-11-26T10:00:01.123+00:00",
    ),
    Row(
        date(2026, 11, 21),
        "KLCC",
        "receipt",
        "Cash",
        "PB261121BR1",
        None,
        "failed",
        2,
        "2026-11-26T10:05:00+00:00",
        "Validation: the deposit account is not a bank",
    ),
]


def link(doc_type, qbo_id):
    return f"http://sandbox/app/1/{doc_type}/{qbo_id}"


def test_rows_in_words_with_a_link_only_when_quickbooks_holds_the_document():
    rows = history_rows(LEDGER, link)
    assert rows[0]["Type"] == "Journal Entry"
    assert rows[0]["Status"] == "in QuickBooks"
    assert rows[0]["Open"] == "http://sandbox/app/1/journal/41"
    assert rows[0]["Last change (UTC)"] == "2026-11-26 10:00:01"
    assert rows[1]["Type"] == "Sales Receipt (Cash)"
    assert rows[1]["Status"] == "refused by QuickBooks"
    assert rows[1]["Open"] is None
    assert "deposit account" in rows[1]["Message"]


def test_filters_combine_and_empty_filters_keep_everything():
    rows = history_rows(LEDGER, link)
    assert filter_rows(rows) == rows
    assert [r["Outlet"] for r in filter_rows(rows, outlets=["KLCC"])] == ["KLCC"]
    assert filter_rows(rows, outlets=["KLCC"], statuses=["in QuickBooks"]) == []
    assert [r["DocNumber"] for r in filter_rows(rows, period=(date(2026, 11, 20),))] == [
        "PB261120AJ"
    ]
    assert len(filter_rows(rows, period=(date(2026, 11, 20), date(2026, 11, 21)))) == 2
