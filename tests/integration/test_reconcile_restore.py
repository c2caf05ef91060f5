"""Reconcile's "send again" on an entry edited in QuickBooks, through the posting engine.

The bookkeeper reconciles, sees an edit made in QuickBooks, and restores what posbooks
sent. Two sessions doing it at once make one update; an edit made after reconciling is
refused in plain words, never overwritten; a lost reply is not applied twice; the ledger
records the restored document.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from posbooks.cli import main
from posbooks.posting import ledger
from posbooks.qbo.gateway import open_gateway
from posbooks.reconcile.actions import send_again
from posbooks.reconcile.gather import ReconcileError, reconcile
from posting_support import (
    DAY1,
    FAST,
    Home,
    doc_number_counts,
    home,
    home_dir,
    pos_file,
    receipt_home,
)

__all__ = ["home", "home_dir", "pos_file", "receipt_home"]  # fixtures used below


@pytest.fixture(autouse=True)
def room_for_the_tests_own_calls(fresh_sandbox):
    """The test's own QuickBooks calls come on top of posbooks' (which keeps under 10/s)."""
    fresh_sandbox.admin("limits", {"per_second": 100})


UPDATES = r"^journalentry$"  # creates and updates (reads are journalentry/<Id>)


def bangsar(home: Home):
    """Bangsar's check on DAY1, as reconcile shows it now."""
    result = reconcile(home.config, home.store, sources=[home.pos_file], date_from=DAY1)
    return next(c for c in result.documents if c.outlet == "Bangsar")


def edit(home: Home, qbo_id: str, amount: str = "10.00") -> dict:
    """Someone in QuickBooks adds ``amount`` to the first debit and first credit line."""
    gw = open_gateway(home.config, home.store)
    entry = gw.read("JournalEntry", qbo_id)
    done = set()
    for line in entry["Line"]:
        side = line["JournalEntryLineDetail"]["PostingType"]
        if side not in done:
            line["Amount"] = str(Decimal(str(line["Amount"])) + Decimal(amount))
            done.add(side)
    return gw.update("JournalEntry", entry)


def in_quickbooks(home: Home, qbo_id: str) -> dict:
    return open_gateway(home.config, home.store).read("JournalEntry", qbo_id)


@pytest.fixture
def edited(home: Home):
    """Bangsar sent, edited once in QuickBooks (SyncToken 0 -> 1), reconciled: ``edited``."""
    home.send(DAY1, outlets=["Bangsar"])
    sent = bangsar(home)
    edit(home, sent.qbo_id)
    check = bangsar(home)
    assert (check.status, check.qbo_sync_token) == ("edited", "1")
    return check


def restore(home: Home, check):
    return send_again(home.config, home.store, check, sources=[home.pos_file], policy=FAST)


def test_a_restore_is_recorded_in_the_ledger(home: Home, edited):
    [outcome] = restore(home, edited)
    assert (outcome.status, outcome.qbo_id) == ("updated", edited.qbo_id)
    assert outcome.message == "restored what posbooks sent (SyncToken 2)"
    [row] = ledger.ledger_rows(home.store)
    assert (row.status, row.qbo_id, row.sync_token) == ("posted", edited.qbo_id, "2")
    assert bangsar(home).status == "matched"


def test_two_sessions_sending_again_at_once_make_one_update(home: Home, edited):
    # the first update to arrive stalls, so the second session acts while it is in flight
    home.fault("delay", count=1, path=UPDATES, seconds=1.0)
    start = threading.Barrier(2)

    def session():
        start.wait()
        return restore(home, edited)

    with ThreadPoolExecutor(2) as pool:
        results = [f.result(timeout=60) for f in [pool.submit(session), pool.submit(session)]]
    outcomes = sorted((o.status, o.message) for [o] in results)
    assert outcomes == [
        ("unchanged", "already restored by another posbooks session (SyncToken 2)"),
        ("updated", "restored what posbooks sent (SyncToken 2)"),
    ]
    assert in_quickbooks(home, edited.qbo_id)["SyncToken"] == "2"  # one update, not two
    assert doc_number_counts(home.handle, "journal") == {edited.doc_number: 1}
    assert bangsar(home).status == "matched"


def test_an_edit_made_after_reconciling_is_refused_not_overwritten(home: Home, edited):
    second = edit(home, edited.qbo_id, "3.00")  # SyncToken 2, after the bookkeeper looked
    with pytest.raises(ReconcileError) as refused:
        restore(home, edited)
    assert str(refused.value) == (
        f"{edited.doc_number} was changed in QuickBooks again since you reconciled "
        "(SyncToken 1 -> 2); nothing was written. Reconcile again to see that change, "
        "then choose what to do."
    )
    assert in_quickbooks(home, edited.qbo_id) == second
    [row] = ledger.ledger_rows(home.store)
    assert (row.status, row.sync_token) == ("posted", "0")  # the ledger still says what was sent

    again = bangsar(home)  # reconciled again: the later edit is seen, and can be restored
    assert (again.status, again.qbo_sync_token) == ("edited", "2")
    [outcome] = restore(home, again)
    assert outcome.status == "updated" and bangsar(home).status == "matched"


class EditFirst:
    """posbooks' real gateway, with someone editing in QuickBooks just before its first update."""

    def __init__(self, home: Home):
        self._gateway, self._home, self.second = open_gateway(home.config, home.store), home, None

    def __getattr__(self, name):
        return getattr(self._gateway, name)

    def update(self, entity, payload, **kwargs):
        if self.second is None:
            self.second = edit(self._home, payload["Id"], "3.00")
        return self._gateway.update(entity, payload, **kwargs)


def test_an_edit_landing_between_the_read_and_the_update_is_a_clear_error(home: Home, edited):
    """The stale SyncToken QuickBooks answers (5010) becomes the same plain refusal."""
    gateway = EditFirst(home)
    with pytest.raises(ReconcileError, match="its SyncToken moved past 1"):
        send_again(home.config, home.store, edited, sources=[home.pos_file], gateway=gateway,
                   policy=FAST)  # fmt: skip
    assert in_quickbooks(home, edited.qbo_id) == gateway.second


def test_a_lost_reply_to_the_restore_is_not_applied_twice(home: Home, edited):
    home.fault("drop_after_commit", count=1, path=UPDATES)
    [outcome] = restore(home, edited)
    assert outcome.status == "updated"
    assert home.handle.admin("faults")["pending"] == []  # the reply really was lost
    assert in_quickbooks(home, edited.qbo_id)["SyncToken"] == "2"
    assert ledger.ledger_rows(home.store)[0].sync_token == "2"
    assert bangsar(home).status == "matched"


def test_deleted_after_reconciling_is_refused(home: Home, edited):
    entry = in_quickbooks(home, edited.qbo_id)
    open_gateway(home.config, home.store).delete("JournalEntry", entry["Id"], entry["SyncToken"])
    with pytest.raises(ReconcileError, match="was deleted in QuickBooks since you reconciled"):
        restore(home, edited)
    assert doc_number_counts(home.handle, "journal") == {}


def test_posbooks_reconcile_send_again_restores_from_the_command_line(
    home: Home, edited, monkeypatch, tmp_path, capsys
):
    monkeypatch.chdir(tmp_path)
    for name, value in home.env().items():
        if name.startswith(("POSBOOKS_", "QBO_")):
            monkeypatch.setenv(name, value)
    args = ["reconcile", "--date", str(DAY1), "--outlet", "Bangsar", "--source", str(home.pos_file)]
    status = main([*args, "--send-again", edited.doc_number])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert f"{edited.doc_number}: updated, restored what posbooks sent (SyncToken 2)" in err
    assert "1 matched" in out


def test_a_sales_receipt_edited_in_quickbooks_is_restored_the_same_way(receipt_home: Home):
    home = receipt_home
    [first, *_] = home.send(DAY1, doc_type="receipt", outlets=["KLCC"])
    gw = open_gateway(home.config, home.store)
    receipt = gw.read("SalesReceipt", first.qbo_id)
    gw.update("SalesReceipt", {**receipt, "PrivateNote": "checked by the owner"})

    def check():
        result = reconcile(home.config, home.store, sources=[home.pos_file], date_from=DAY1,
                           outlets=["KLCC"], doc_type="receipt")  # fmt: skip
        return result.find(first.doc_number)

    edited = check()
    assert (edited.status, edited.qbo_sync_token) == ("edited", "1")
    [outcome] = restore(home, edited)
    assert (outcome.status, outcome.qbo_id) == ("updated", first.qbo_id)
    assert outcome.message == "restored what posbooks sent (SyncToken 2)"
    assert check().status == "matched"
    assert gw.read("SalesReceipt", first.qbo_id)["PrivateNote"].startswith("posbooks ")
