"""The History table: what was sent, in words, with links only to documents QuickBooks holds."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from posbooks.app.history import (
    filter_rows,
    found_message,
    found_rows,
    history_rows,
    reconcile_unavailable,
    why_not_in_quickbooks,
)
from posbooks.core.reconcile import DocumentCheck


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
    attempts: int = 1
    payload: dict | None = None  # what posbooks sent (QuickBooks JSON)


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


def plain(markdown: str) -> str:
    """Markdown as read on the page: without its escapes."""
    return markdown.replace("\\", "")


def test_each_document_shows_the_total_sent_in_the_company_currency():
    sent = {"Line": [
        {"Amount": "106.00", "DetailType": "JournalEntryLineDetail",
         "JournalEntryLineDetail": {"PostingType": "Debit", "AccountRef": {"value": "1"}}},
        {"Amount": "1006.00", "DetailType": "JournalEntryLineDetail",
         "JournalEntryLineDetail": {"PostingType": "Debit", "AccountRef": {"value": "2"}}},
        {"Amount": "1112.00", "DetailType": "JournalEntryLineDetail",
         "JournalEntryLineDetail": {"PostingType": "Credit", "AccountRef": {"value": "3"}}},
    ]}  # fmt: skip
    rows = history_rows([replace(LEDGER[0], payload=sent), LEDGER[1]], link, "MYR")
    assert [r["Total (MYR)"] for r in rows] == ["1,112.00", "—"]  # nothing handed over: no total
    assert list(rows[0]).index("Total (MYR)") == list(rows[0]).index("DocNumber") + 1


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


def test_a_day_posbooks_refused_before_sending_does_not_read_refused_by_quickbooks():
    taken = Row(date(2026, 11, 22), "Bangsar", "journal", "", "PB261122-BANEQ-J", None,
                "failed", 2, "2026-11-26T10:06:00+00:00",
                "DocNumber PB261122-BANEQ-J is already used in QuickBooks by a document "
                "posbooks did not write (Id 7); nothing was sent.", attempts=0)  # fmt: skip
    [row] = history_rows([taken], link)
    assert row["Status"] == "not sent: posbooks stopped it"
    assert "QuickBooks" not in row["Status"].split(":")[0]
    assert (row["Open"], row["QuickBooks Id"]) == (None, "")
    why = plain(why_not_in_quickbooks([row]))  # the reason in full under the table, not cut off
    assert why.startswith("**1 of these documents is not in QuickBooks:**")
    assert (
        "**PB261122-BANEQ-J** (Bangsar, Sun 22 Nov 2026): not sent: posbooks stopped it — "
        "DocNumber PB261122-BANEQ-J is already used in QuickBooks by a document posbooks "
        "did not write (Id 7); nothing was sent." in why
    )


def test_only_documents_quickbooks_does_not_hold_are_explained_under_the_table():
    rows = history_rows(LEDGER, link)
    assert why_not_in_quickbooks(rows[:1]) is None  # everything shown is in QuickBooks
    why = plain(why_not_in_quickbooks(rows))
    assert "PB261120AJ" not in why
    assert "refused by QuickBooks — Validation: the deposit account is not a bank" in why


def test_a_long_list_of_reasons_stops_at_ten_and_counts_the_rest():
    refused = [
        Row(date(2026, 11, d), "KLCC", "journal", "", f"PB2611{d:02}KJ", None, "failed", 2,
            "2026-11-26T10:05:00+00:00", "Stale *object* <b>", attempts=1)
        for d in range(1, 14)
    ]  # fmt: skip
    why = why_not_in_quickbooks(history_rows(refused, link))
    assert why.startswith("**13 of these documents are not in QuickBooks:**")
    assert why.count("\n- **PB") == 10
    assert r"Stale \*object\* \<b\>" in why  # QuickBooks' words are not markup
    assert plain(why).endswith("- and 3 more: filter by Status, or read the Message column.")


def test_filters_combine_and_empty_filters_keep_everything():
    rows = history_rows(LEDGER, link)
    assert filter_rows(rows) == rows
    assert [r["Outlet"] for r in filter_rows(rows, outlets=["KLCC"])] == ["KLCC"]
    assert filter_rows(rows, outlets=["KLCC"], statuses=["in QuickBooks"]) == []
    assert [r["DocNumber"] for r in filter_rows(rows, period=(date(2026, 11, 20),))] == [
        "PB261120AJ"
    ]
    assert len(filter_rows(rows, period=(date(2026, 11, 20), date(2026, 11, 21)))) == 2


# --- the reconcile section before the first send -------------------------------------------


def _check(day: int, outlet: str, status: str, doc_type: str = "journal") -> DocumentCheck:
    number = f"PB2611{day:02d}-{outlet[:5].upper()}-J"
    return DocumentCheck(date(2026, 11, day), outlet, doc_type, "", number, status, "")


def test_disconnected_the_reconcile_section_says_connect_and_before_a_send_how_to_post():
    before = reconcile_unavailable(anything_sent=False, reconnect_needed=False)
    assert before.startswith("QuickBooks is not connected: go to Connect")
    assert "preview a day on Preview & Send and send it" in before
    after = reconcile_unavailable(anything_sent=True, reconnect_needed=True)
    assert after.startswith("QuickBooks wants you to reconnect")
    assert "Preview & Send" not in after  # something was sent: reconciling is the next step


def test_the_found_message_names_the_count_and_days_or_says_nothing_was_found():
    period = (date(2026, 7, 28), date(2026, 11, 24))
    none = found_message([], *period)
    assert "holds no document posbooks recognises" in none
    assert "from 28 Jul 2026 to 24 Nov 2026" in none and "Preview & Send" in none
    two = found_message(
        [_check(20, "Bangsar", "qbo_only"), _check(21, "KLCC", "qbo_only")], *period
    )
    assert "**2 document(s)**" in two and "from 20 Nov 2026 to 21 Nov 2026" in two
    assert "adopt" in two


def test_found_rows_show_what_quickbooks_holds():
    check = DocumentCheck(
        date(2026, 11, 20), "KLCC", "receipt", "Cash", "PB261120-KLCOU-RCASH", "qbo_only", "",
        pos_total=Decimal("1234.5"), qbo_total=Decimal("1234.50"), qbo_id="17",
    )  # fmt: skip
    assert found_rows([check]) == [
        {
            "Business date": date(2026, 11, 20), "Outlet": "KLCC", "Type": "Sales Receipt (Cash)",
            "DocNumber": "PB261120-KLCOU-RCASH", "QuickBooks Id": "17",
            "QuickBooks now": "1,234.50",
        }
    ]  # fmt: skip
