"""The ledger keeps a document refused before it was sent, and never un-posts one it holds."""

from __future__ import annotations

from datetime import date

from posbooks.posting import ledger
from posbooks.qbo.payloads import Document
from posbooks.state.store import Store

REALM = "9130357000000001"


def bangsar(content_hash: str = "a" * 16) -> Document:
    body = {"TxnDate": "2026-11-02", "DocNumber": "PB261102-BANEQ-J", "Line": []}
    return Document(
        date(2026, 11, 2), "Bangsar", "journal", "", "PB261102-BANEQ-J", content_hash, 3, body
    )


def test_a_refusal_before_sending_is_a_failed_row_without_an_id(tmp_path):
    store = Store(tmp_path)
    ledger.record_failed(store, REALM, bangsar(), "DocNumber taken by Id 7")
    [row] = ledger.ledger_rows(store)
    assert (row.status, row.qbo_id, row.message, row.attempts) == (
        "failed", None, "DocNumber taken by Id 7", 0
    )  # fmt: skip
    assert (row.doc_number, row.mapping_version, row.payload) == (
        "PB261102-BANEQ-J", 3, bangsar().body
    )  # fmt: skip

    # refused again with other content: one row, the latest attempt and reason
    ledger.record_failed(store, REALM, bangsar("b" * 16), "still taken")
    [row] = ledger.ledger_rows(store)
    assert (row.content_hash, row.message, row.generation) == ("b" * 16, "still taken", 0)

    # freed: sent and posted over the same row
    ledger.record_sending(store, REALM, [(bangsar("b" * 16), "rid", 0)])
    ledger.record_posted(store, REALM, bangsar("b" * 16), {"Id": "8", "SyncToken": "0"})
    [row] = ledger.ledger_rows(store)
    assert (row.status, row.qbo_id, row.message) == ("posted", "8", "")


def test_a_posted_document_stays_posted_when_a_later_update_is_refused(tmp_path):
    store = Store(tmp_path)
    ledger.record_posted(store, REALM, bangsar(), {"Id": "8", "SyncToken": "0"})
    ledger.record_failed(store, REALM, bangsar("b" * 16), "QuickBooks refused the update")
    [row] = ledger.ledger_rows(store)
    assert (row.status, row.qbo_id, row.content_hash) == ("posted", "8", "a" * 16)
    assert row.message == "QuickBooks refused the update"


def test_a_look_up_never_answered_is_failed_and_a_sending_row_stays_sending(tmp_path):
    store = Store(tmp_path)
    ledger.record_unknown(store, REALM, bangsar(), "QuickBooks did not confirm")
    [row] = ledger.ledger_rows(store)
    assert (row.status, row.message) == ("failed", "QuickBooks did not confirm")

    ledger.record_sending(store, REALM, [(bangsar(), "rid", 0)])
    ledger.record_unknown(store, REALM, bangsar(), "reply lost; send again")
    [row] = ledger.ledger_rows(store)
    assert (row.status, row.message) == ("sending", "reply lost; send again")


def test_an_outcome_says_its_status_once():
    from datetime import date

    from posbooks.posting.outcome import PostOutcome

    def said(status: str, message: str) -> str:
        return PostOutcome(date(2026, 11, 2), "Bangsar", "journal", status, "PB261102-BAN-J",
                           "7", message).summary  # fmt: skip

    assert said("created", "created in QuickBooks") == "PB261102-BAN-J: created in QuickBooks"
    assert said("updated", "restored what posbooks sent") == (
        "PB261102-BAN-J: updated, restored what posbooks sent"
    )
