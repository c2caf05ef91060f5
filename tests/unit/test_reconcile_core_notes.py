"""Service helpers without QuickBooks: naming another home's documents from their PrivateNote, CSV shape."""

from __future__ import annotations

from datetime import date

from posbooks.qbo.payloads import NotedDocument, doc_number, note_identity

DAY = date(2026, 11, 2)


def note(kind: str, day: str = "2026-11-02") -> str:
    return f"posbooks 0123456789abcdef mapping v3 {kind} {day}"


def test_a_journal_names_its_outlet():
    number = doc_number(DAY, "Mont Kiara", "journal")
    assert note_identity(note("journal Mont Kiara"), number) == NotedDocument(
        "journal", DAY, "Mont Kiara", ""
    )


def test_a_receipt_splits_method_and_outlet_by_its_own_docnumber():
    number = doc_number(DAY, "Mont Kiara", "receipt", "TNG eWallet")
    assert note_identity(note("receipt TNG eWallet Mont Kiara"), number) == NotedDocument(
        "receipt", DAY, "Mont Kiara", "TNG eWallet"
    )


def test_a_copy_of_another_days_entry_under_this_docnumber_is_not_this_days():
    # QuickBooks' "copy" keeps the memo: 1 Nov's note under 2 Nov's DocNumber names 1 Nov
    number = doc_number(DAY, "Mont Kiara", "journal")
    assert note_identity(note("journal Mont Kiara", "2026-11-01"), number) is None
    assert note_identity(note("journal KLCC"), number) is None  # another outlet's
    receipt = doc_number(DAY, "Mont Kiara", "receipt", "Cash")
    assert note_identity(note("receipt TNG eWallet Mont Kiara"), receipt) is None


def test_a_note_posbooks_did_not_write_names_nothing():
    number = doc_number(DAY, "Mont Kiara", "journal")
    assert note_identity("typed by Aisyah", number) is None
    assert note_identity(None, number) is None
    assert note_identity("posbooks 0123456789abcdef mapping v3 journal", number) is None


def test_an_empty_period_still_has_the_csv_header():
    from datetime import UTC, datetime

    from posbooks.core.reconcile import DocumentCheck
    from posbooks.reconcile.gather import COLUMNS, Reconciliation, document_row, to_csv

    empty = Reconciliation("1", DAY, DAY, "journal", (), datetime.now(UTC))
    assert to_csv(empty) == ",".join(COLUMNS) + "\n"
    check = DocumentCheck(DAY, "KLCC", "journal", "", "PB261102-KLCOU-J", "not_sent", "x")
    assert tuple(document_row(check)) == COLUMNS
