"""Service helpers without QuickBooks: naming another home's documents from their PrivateNote, CSV shape."""

from __future__ import annotations

from datetime import date

from posbooks.core.docnumbers import DocNumbers, legacy_number
from posbooks.qbo.payloads import NotedDocument, note_identity

DAY = date(2026, 11, 2)
HOME = DocNumbers({"Mont Kiara": "MK", "KLCC": "KL"}, {"TNG eWallet": "TNG", "Cash": "CA"})
doc_number = HOME.number


def note(kind: str, day: str = "2026-11-02") -> str:
    return f"posbooks 0123456789abcdef mapping v3 {kind} {day}"


def test_a_journal_names_its_outlet():
    number = doc_number(DAY, "Mont Kiara", "journal")
    assert note_identity(note("journal Mont Kiara"), number, HOME) == NotedDocument(
        "journal", DAY, "Mont Kiara", ""
    )


def test_a_receipt_splits_method_and_outlet_by_its_own_docnumber():
    number = doc_number(DAY, "Mont Kiara", "receipt", "TNG eWallet")
    assert note_identity(note("receipt TNG eWallet Mont Kiara"), number, HOME) == NotedDocument(
        "receipt", DAY, "Mont Kiara", "TNG eWallet"
    )


def test_a_copy_of_another_days_entry_under_this_docnumber_is_not_this_days():
    # QuickBooks' "copy" keeps the memo: 1 Nov's note under 2 Nov's DocNumber names 1 Nov
    number = doc_number(DAY, "Mont Kiara", "journal")
    assert note_identity(note("journal Mont Kiara", "2026-11-01"), number, HOME) is None
    assert note_identity(note("journal KLCC"), number, HOME) is None  # another outlet's
    receipt = doc_number(DAY, "Mont Kiara", "receipt", "Cash")
    assert note_identity(note("receipt TNG eWallet Mont Kiara"), receipt, HOME) is None


def test_a_document_sent_before_the_codes_is_recognised_by_its_old_number():
    nobody = DocNumbers({}, {})
    number = legacy_number(DAY, "Mont Kiara", "receipt", "TNG eWallet")
    assert note_identity(note("receipt TNG eWallet Mont Kiara"), number, nobody) == NotedDocument(
        "receipt", DAY, "Mont Kiara", "TNG eWallet"
    )
    # this home numbers Mont Kiara itself: only its own number is Mont Kiara's journal
    old = legacy_number(DAY, "Mont Kiara", "journal")
    assert note_identity(note("journal Mont Kiara"), old, HOME) is None


def test_another_homes_journal_is_named_when_date_and_type_agree():
    elsewhere = "PB261102-AMP-J"  # codes of another home: this one has no code for Ampang
    assert note_identity(note("journal Ampang"), elsewhere, HOME) == NotedDocument(
        "journal", DAY, "Ampang", ""
    )
    assert note_identity(note("journal Ampang", "2026-11-01"), elsewhere, HOME) is None
    assert note_identity(note("receipt Cash Ampang"), elsewhere, HOME) is None  # a J number
    # a copy of Ampang's entry under Sentul's number (another home's codes): not Ampang's
    assert note_identity(note("journal Ampang"), "PB261102-SEN-J", HOME) is None


def test_a_note_posbooks_did_not_write_names_nothing():
    number = doc_number(DAY, "Mont Kiara", "journal")
    assert note_identity("typed by Aisyah", number, HOME) is None
    assert note_identity(None, number, HOME) is None
    assert note_identity("posbooks 0123456789abcdef mapping v3 journal", number, HOME) is None


def test_an_empty_period_still_has_the_csv_header():
    from datetime import UTC, datetime

    from posbooks.core.reconcile import DocumentCheck
    from posbooks.reconcile.gather import COLUMNS, Reconciliation, document_row, to_csv

    empty = Reconciliation("1", DAY, DAY, "journal", (), datetime.now(UTC))
    assert to_csv(empty) == ",".join(COLUMNS) + "\n"
    check = DocumentCheck(DAY, "KLCC", "journal", "", "PB261102-KLCOU-J", "not_sent", "x")
    assert tuple(document_row(check)) == COLUMNS
