"""Reconciliation against the sandbox: each way QuickBooks, the ledger and the POS drift apart.

Every scenario sends real documents through the posting engine, changes one source
(QuickBooks through its API, the POS file, another posbooks home), then checks the
status and the line differences a bookkeeper would see, and the action that fixes it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from posbooks.posting import ledger
from posbooks.qbo.gateway import open_gateway
from posbooks.reconcile.actions import accept_as_is, post_adjustment, send_again
from posbooks.reconcile.gather import ReconcileError, reconcile, to_csv, to_json
from posting_support import (
    DAY1,
    DAY2,
    FAST,
    connect_home,
    doc_number_counts,
    home,
    home_dir,
    pos_file,
    quickbooks,
    receipt_home,
)

__all__ = ["home", "home_dir", "pos_file", "receipt_home"]  # fixtures used below

TEN = Decimal("10.00")


def check_of(result, outlet: str):
    return next(c for c in result.documents if c.outlet == outlet)


def run(home, source=None, day=DAY1, **kwargs):
    return reconcile(
        home.config, home.store, sources=[source or home.pos_file], date_from=day, **kwargs
    )


def edit_first_lines(home, qbo_id: str, amount: Decimal = TEN) -> dict:
    """Add ``amount`` to the first debit and the first credit line (still balanced)."""
    gw = open_gateway(home.config, home.store)
    entry = gw.read("JournalEntry", qbo_id)
    done = set()
    for line in entry["Line"]:
        side = line["JournalEntryLineDetail"]["PostingType"]
        if side not in done:
            line["Amount"] = str(Decimal(str(line["Amount"])) + amount)
            done.add(side)
    return gw.update("JournalEntry", entry)


def test_a_sent_day_matches_then_an_edit_in_quickbooks_shows_line_by_line(home):
    home.send(DAY1)
    first = run(home)
    assert first.counts() == {"matched": 3}
    assert all(c.pos_total == c.sent_total == c.qbo_total for c in first.documents)

    bangsar = check_of(first, "Bangsar")
    edit_first_lines(home, bangsar.qbo_id)
    after = run(home)
    edited = check_of(after, "Bangsar")
    assert edited.status == "edited"
    assert "SyncToken 0 -> 1" in edited.message
    moved = {(ln.qbo - ln.sent) for ln in edited.differences}
    assert moved == {TEN, -TEN} and len(edited.differences) == 2
    assert all(ln.pos == ln.sent for ln in edited.differences)  # the POS did not move
    assert edited.qbo_total == edited.sent_total + TEN
    assert after.counts() == {"matched": 2, "edited": 1}


def test_an_adjusting_entry_brings_an_edited_day_back_to_matched(home):
    home.send(DAY1)
    bangsar = check_of(run(home), "Bangsar")
    edit_first_lines(home, bangsar.qbo_id)
    edited = check_of(run(home), "Bangsar")

    adjustment = post_adjustment(home.config, home.store, edited, reason="period closed")
    assert adjustment.doc_number == f"{edited.doc_number}A1"
    assert sorted(a for *_, a in adjustment.lines) == [-TEN, TEN]

    after = check_of(run(home), "Bangsar")
    assert after.status == "adjusted"
    assert after.adjustments == (adjustment.doc_number,)
    assert after.qbo_total == edited.qbo_total  # the original was left untouched
    qb = quickbooks(home.handle)
    found = qb.query(f"SELECT * FROM JournalEntry WHERE DocNumber = '{adjustment.doc_number}'")
    [entry] = found["QueryResponse"]["JournalEntry"]
    assert f"adjustment of {edited.doc_number}" in entry["PrivateNote"]
    assert "period closed" in entry["PrivateNote"]
    rows = [r for r in ledger.ledger_rows(home.store) if r.doc_number == adjustment.doc_number]
    assert [(r.status, r.doc_key, r.qbo_id) for r in rows] == [
        ("posted", "adjust 1", adjustment.qbo_id)
    ]
    with pytest.raises(ReconcileError, match="already agrees"):
        post_adjustment(home.config, home.store, after)


def test_no_adjusting_entry_on_or_before_the_closing_date(home):
    """QuickBooks closed its books through the edited day: the adjusting entry is refused
    before anything is sent, saying so; dated after the closing date it goes through."""
    from posbooks.qbo.settings import refresh_settings

    home.send(DAY1)
    bangsar = check_of(run(home), "Bangsar")
    edit_first_lines(home, bangsar.qbo_id)
    edited = check_of(run(home), "Bangsar")
    home.handle.admin("preferences", {"book_close_date": DAY1.isoformat()})
    refresh_settings(home.config, home.store)
    with pytest.raises(
        ReconcileError, match="books are closed through 2026-11-02.*nothing was sent"
    ):
        post_adjustment(home.config, home.store, edited)
    assert f"{edited.doc_number}A1" not in doc_number_counts(home.handle, "journal")
    later = post_adjustment(home.config, home.store, edited, txn_date=DAY2)
    assert later.doc_number == f"{edited.doc_number}A1"


def test_deleted_in_quickbooks_then_sent_again(home):
    home.send(DAY1)
    klcc = check_of(run(home), "KLCC")
    gw = open_gateway(home.config, home.store)
    gw.delete("JournalEntry", klcc.qbo_id, "0")

    deleted = check_of(run(home), "KLCC")
    assert deleted.status == "deleted"
    assert deleted.qbo_total is None and deleted.sent_total == deleted.pos_total
    assert all(ln.qbo is None for ln in deleted.lines)

    [outcome] = send_again(home.config, home.store, deleted, sources=[home.pos_file], policy=FAST)
    assert outcome.status == "created" and outcome.qbo_id != klcc.qbo_id
    again = check_of(run(home), "KLCC")
    assert again.status == "matched" and again.qbo_id == outcome.qbo_id


def _without_first_receipt(source: Path, target: Path, outlet: str) -> str:
    """A copy of the export missing ``outlet``'s first receipt on DAY1 (a late void)."""
    con = duckdb.connect()
    receipt = con.execute(
        f"SELECT min(receipt_no) FROM read_parquet('{source}') "
        "WHERE business_date = ? AND outlet = ?",
        [DAY1, outlet],
    ).fetchone()[0]
    con.execute(
        f"COPY (SELECT * FROM read_parquet('{source}') WHERE receipt_no <> '{receipt}') "
        f"TO '{target}' (FORMAT parquet)"
    )
    return receipt


def test_pos_changed_after_sending_then_adjusted_without_touching_the_original(home, tmp_path):
    home.send(DAY1)
    changed_file = tmp_path / "late_void.parquet"
    _without_first_receipt(home.pos_file, changed_file, "Mont Kiara")

    result = run(home, changed_file)
    assert result.counts() == {"matched": 2, "pos_changed": 1}
    mk = check_of(result, "Mont Kiara")
    assert mk.pos_total < mk.sent_total == mk.qbo_total
    assert mk.differences and all(ln.sent == ln.qbo for ln in mk.differences)
    assert "POS" in mk.message

    post_adjustment(home.config, home.store, mk)
    after = check_of(run(home, changed_file), "Mont Kiara")
    assert after.status == "adjusted"
    assert after.qbo_total == mk.qbo_total and after.qbo_id == mk.qbo_id
    assert all((ln.adjusted or 0) == (ln.pos or 0) for ln in after.lines)
    # the original file still matches QuickBooks' original entry, not the adjusted total
    assert check_of(run(home), "Mont Kiara").status == "pos_changed"


def test_pos_changed_then_replaced_in_place(home, tmp_path):
    home.send(DAY1)
    changed_file = tmp_path / "late_void.parquet"
    _without_first_receipt(home.pos_file, changed_file, "KLCC")
    klcc = check_of(run(home, changed_file), "KLCC")
    [outcome] = send_again(home.config, home.store, klcc, sources=[changed_file], policy=FAST)
    assert (outcome.status, outcome.qbo_id) == ("updated", klcc.qbo_id)
    assert check_of(run(home, changed_file), "KLCC").status == "matched"


def test_a_day_never_sent(home):
    home.send(DAY1)
    result = run(home, day=DAY2)
    assert result.counts() == {"not_sent": 3}
    for check in result.documents:
        assert check.sent_total is None and check.qbo_total is None and check.pos_total > 0
        assert all(ln.sent is None and ln.qbo is None for ln in check.lines)


def test_sent_by_a_second_home_then_adopted(home, home_dir, pos_file, tmp_path):
    other = connect_home(home.handle, tmp_path / "second-home", pos_file)
    other.send(DAY1)
    result = run(home)
    assert result.counts() == {"qbo_only": 3}
    bangsar = check_of(result, "Bangsar")
    assert "another posbooks home" in bangsar.message
    assert bangsar.qbo_total == bangsar.pos_total and bangsar.sent_total is None

    [outcome] = send_again(home.config, home.store, bangsar, sources=[pos_file], policy=FAST)
    assert outcome.status == "unchanged" and outcome.qbo_id == bangsar.qbo_id  # adopted
    assert check_of(run(home), "Bangsar").status == "matched"


def test_accept_as_is_holds_until_something_changes_again(home):
    home.send(DAY1)
    bangsar = check_of(run(home), "Bangsar")
    edit_first_lines(home, bangsar.qbo_id)
    edited = check_of(run(home), "Bangsar")
    with pytest.raises(ReconcileError, match="who"):
        accept_as_is(home.config, home.store, edited, who="", why="")
    accept_as_is(home.config, home.store, edited, who="Aisyah", why="owner's correction")

    accepted = check_of(run(home), "Bangsar")
    assert accepted.status == "accepted"
    assert "Aisyah" in accepted.message and "owner's correction" in accepted.message

    edit_first_lines(home, bangsar.qbo_id, Decimal("1.00"))
    assert check_of(run(home), "Bangsar").status == "edited"


def test_send_again_restores_an_edited_entry(home):
    home.send(DAY1)
    bangsar = check_of(run(home), "Bangsar")
    edit_first_lines(home, bangsar.qbo_id)
    edited = check_of(run(home), "Bangsar")
    [outcome] = send_again(home.config, home.store, edited, sources=[home.pos_file], policy=FAST)
    assert outcome.status == "updated" and outcome.qbo_id == bangsar.qbo_id
    restored = check_of(run(home), "Bangsar")
    assert restored.status == "matched" and restored.qbo_sync_token == "2"


def test_outputs_for_the_cli_csv_and_json(home):
    home.send(DAY1)
    result = run(home, outlets=["KLCC"])
    assert [c.outlet for c in result.documents] == ["KLCC"]
    data = to_json(result)
    assert data["counts"] == {"matched": 1}
    [doc] = data["documents"]
    assert doc["pos_total"] == doc["qbo_total"] and doc["lines"]
    json.dumps(data)  # plain JSON: amounts are strings
    lines = to_csv(result).splitlines()
    assert lines[0].startswith("business_date,outlet,doc_type")
    assert ",KLCC,journal," in lines[1] and ",matched," in lines[1]


def test_a_send_quickbooks_refused_is_a_failed_send_until_sent_again(home):
    gw = open_gateway(home.config, home.store)
    [tips] = gw.query("Account", "Name = 'Tips Payable'")
    gw.update("Account", {**tips, "Active": False})  # made inactive after the mapping was saved
    outcomes = home.send(DAY1, outlets=["KLCC"])
    assert [o.status for o in outcomes] == ["failed"]

    failed = check_of(run(home, outlets=["KLCC"]), "KLCC")
    assert failed.status == "failed" and "refused" in failed.message
    assert failed.qbo_total is None and failed.pos_total > 0

    gw.update("Account", {**gw.read("Account", tips["Id"]), "Active": True})
    [outcome] = send_again(home.config, home.store, failed, sources=[home.pos_file], policy=FAST)
    assert outcome.status == "created"
    assert check_of(run(home, outlets=["KLCC"]), "KLCC").status == "matched"


def test_cdc_names_the_deleted_document_so_it_is_not_read(home, monkeypatch):
    home.send(DAY1)
    klcc = check_of(run(home), "KLCC")
    open_gateway(home.config, home.store).delete("JournalEntry", klcc.qbo_id, "0")
    from posbooks.qbo.gateway import QboGateway

    reads = []
    original = QboGateway.read
    monkeypatch.setattr(
        QboGateway, "read", lambda self, e, i: reads.append(i) or original(self, e, i)
    )
    assert check_of(run(home), "KLCC").status == "deleted"
    assert reads == []  # cdc reported the deletion


def test_sales_receipts_match_then_one_deleted(receipt_home):
    outcomes = receipt_home.send(DAY1, doc_type="receipt", outlets=["KLCC"])
    assert {o.status for o in outcomes} == {"created"}
    result = run(receipt_home, doc_type="receipt", outlets=["KLCC"])
    assert result.counts() == {"matched": len(outcomes)}
    assert {c.doc_key for c in result.documents} == {o.doc_key for o in outcomes}
    first = result.documents[0]
    assert first.pos_total == first.qbo_total > 0
    open_gateway(receipt_home.config, receipt_home.store).delete("SalesReceipt", first.qbo_id, "0")
    again = run(receipt_home, doc_type="receipt", outlets=["KLCC"])
    assert again.find(first.doc_number).status == "deleted"
    with pytest.raises(ReconcileError, match="journal entries"):
        post_adjustment(receipt_home.config, receipt_home.store, again.find(first.doc_number))


def test_an_adjustment_another_run_is_posting_is_not_posted_twice(home):
    home.send(DAY1)
    bangsar = check_of(run(home), "Bangsar")
    edit_first_lines(home, bangsar.qbo_id)
    edited = check_of(run(home), "Bangsar")
    realm = open_gateway(home.config, home.store).realm_id
    ledger.claim(home.store, realm, [f"{edited.doc_number}A1"], "another-run", 60)
    with pytest.raises(ReconcileError, match="right now"):
        post_adjustment(home.config, home.store, edited)
    assert check_of(run(home), "Bangsar").status == "edited"
