"""The home's DocNumber codes: assigned once, kept, migrated from ledgers made before them."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from posbooks.core.docnumbers import CodeError, legacy_number
from posbooks.posting import ledger
from posbooks.posting.numbering import doc_numbers, outlet_codes, set_outlet_code
from posbooks.qbo.payloads import Document
from posbooks.state import store as store_module
from posbooks.state.store import Store

DAY, DAY2 = date(2026, 11, 20), date(2026, 11, 21)
BB, JB = "Nasi & Co Bukit Bintang", "Nasi & Co Johor Bahru"
REALM = "9130357000000001"


def journal(day: date, outlet: str, number: str) -> Document:
    return Document(day, outlet, "journal", "", number, "0123456789abcdef", 1, {"Line": []})


def test_codes_are_assigned_once_and_kept(tmp_path):
    store = Store(tmp_path)
    first = doc_numbers(store, [BB, JB], ["Cash"])
    assert first.number(DAY, BB, "journal") != first.number(DAY, JB, "journal")
    again = doc_numbers(Store(tmp_path), [JB, BB, "Nasi & Co Bangsar"], ["Cash", "Visa"])
    assert again.outlets[BB] == first.outlets[BB] and again.outlets[JB] == first.outlets[JB]
    assert again.keys["Cash"] == first.keys["Cash"]
    assert len(set(again.outlets.values())) == 3


def test_a_code_can_be_chosen_until_the_first_send(tmp_path):
    store = Store(tmp_path)
    doc_numbers(store, [BB, JB])
    assert set_outlet_code(store, BB, "bb") == "BB"
    with pytest.raises(CodeError, match="is the code of Nasi & Co Bukit Bintang"):
        set_outlet_code(store, JB, "BB")
    numbers = doc_numbers(store, [BB])
    ledger.record_posted(store, REALM, journal(DAY, BB, numbers.number(DAY, BB, "journal")),
                         {"Id": "7", "SyncToken": "0"})  # fmt: skip
    with pytest.raises(CodeError, match="never changes after the first send"):
        set_outlet_code(store, BB, "XY")
    assert ("Nasi & Co Bukit Bintang", "BB", True) in outlet_codes(store)


def test_the_ledger_refuses_two_rows_under_one_docnumber(tmp_path):
    store = Store(tmp_path)
    ledger.record_posted(
        store, REALM, journal(DAY, BB, "PB261120-NC-J"), {"Id": "1", "SyncToken": "0"}
    )
    with pytest.raises(sqlite3.IntegrityError):
        ledger.record_posted(
            store, REALM, journal(DAY, JB, "PB261120-NC-J"), {"Id": "2", "SyncToken": "0"}
        )


def _old_home(path) -> None:
    """A posbooks.db as the releases before the codes left it (migrations 0001-0004)."""
    conn = sqlite3.connect(path / store_module.DB_NAME, isolation_level=None)
    conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for name, script in store_module.MIGRATIONS:
        if name.startswith("0005"):
            break
        conn.executescript(script)
        conn.execute("INSERT INTO schema_migrations VALUES (?, '2026-11-01')", (name,))
    conn.close()


def test_an_old_ledger_keeps_its_numbers_and_its_collision_is_undone(tmp_path):
    _old_home(tmp_path)
    shared = legacy_number(DAY, BB, "journal")
    assert shared == legacy_number(DAY, JB, "journal")  # the reported collision
    own = legacy_number(DAY2, BB, "journal")
    conn = sqlite3.connect(tmp_path / store_module.DB_NAME, isolation_level=None)
    rows = [  # Johor Bahru sent first; Bukit Bintang recorded over the same QuickBooks Id
        (DAY, JB, shared, "41"), (DAY, BB, shared, "41"), (DAY2, BB, own, "42"),
    ]  # fmt: skip
    for day, outlet, number, qbo_id in rows:
        conn.execute(
            "INSERT INTO posting_ledger (realm_id, business_date, outlet, doc_type, doc_key, "
            "doc_number, content_hash, mapping_version, qbo_id, sync_token, status, created_at, "
            "updated_at, posted_at) VALUES (?, ?, ?, 'journal', '', ?, 'h', 1, ?, '0', 'posted', "
            "'2026-11-20', '2026-11-20', '2026-11-20')",
            (REALM, day.isoformat(), outlet, number, qbo_id),
        )
    conn.close()

    store = Store(tmp_path)  # migrates
    assert "0005_doc_codes" in store.applied_migrations()
    by_outlet = {(r.outlet, r.business_date): r for r in ledger.ledger_rows(store)}
    jb, bb, bb2 = by_outlet[(JB, DAY)], by_outlet[(BB, DAY)], by_outlet[(BB, DAY2)]
    assert (jb.status, jb.doc_number, jb.qbo_id) == ("posted", shared, "41")
    assert bb.status == "failed" and bb.qbo_id is None and "send this day again" in bb.message
    assert bb2.status == "posted" and bb2.doc_number == own

    numbers = doc_numbers(store, [BB, JB])
    assert numbers.number(DAY, JB, "journal") == shared  # the first sender keeps the code
    assert numbers.number(DAY2, BB, "journal") == own  # a document already sent keeps its number
    fresh = numbers.number(DAY, BB, "journal")  # the one set aside gets a number of its own
    assert fresh != shared and fresh == numbers.number(DAY, BB, "journal")
    assert numbers.outlets[BB] != numbers.outlets[JB]
