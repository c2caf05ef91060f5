"""Service helpers without QuickBooks: naming another home's documents from their PrivateNote, CSV shape."""

from __future__ import annotations

from datetime import date

from posbooks.qbo.payloads import doc_number
from posbooks.reconcile import _note_identity

DAY = date(2026, 11, 2)


def note(kind: str) -> str:
    return f"posbooks 0123456789abcdef mapping v3 {kind} 2026-11-02"


def test_a_journal_names_its_outlet():
    obj = {"TxnDate": "2026-11-02", "DocNumber": doc_number(DAY, "Mont Kiara", "journal"),
           "PrivateNote": note("journal Mont Kiara")}  # fmt: skip
    assert _note_identity(obj, "journal") == (DAY, "Mont Kiara", "")


def test_a_receipt_splits_method_and_outlet_by_its_own_docnumber():
    obj = {"TxnDate": "2026-11-02",
           "DocNumber": doc_number(DAY, "Mont Kiara", "receipt", "TNG eWallet"),
           "PrivateNote": note("receipt TNG eWallet Mont Kiara")}  # fmt: skip
    assert _note_identity(obj, "receipt") == (DAY, "Mont Kiara", "TNG eWallet")


def test_an_empty_period_still_has_the_csv_header():
    from datetime import UTC, datetime

    from posbooks.core.reconcile import DocumentCheck
    from posbooks.reconcile import COLUMNS, Reconciliation, document_row, to_csv

    empty = Reconciliation("1", DAY, DAY, "journal", (), datetime.now(UTC))
    assert to_csv(empty) == ",".join(COLUMNS) + "\n"
    check = DocumentCheck(DAY, "KLCC", "journal", "", "PB261102-KLCOU-J", "not_sent", "x")
    assert tuple(document_row(check)) == COLUMNS
