"""A DocNumber QuickBooks already uses for another document: refused, kept in History, sent once freed.

The bookkeeper typed an entry by hand under posbooks' DocNumber (or QuickBooks copied one of
ours onto it). posbooks must not adopt or overwrite it: the day is ``failed`` with the
reason, the ledger keeps that (no QuickBooks Id) so History, ``posbooks history`` and
reconcile still show why after a reload, and once the bookkeeper renames or deletes the
other document the next send creates the day's document exactly once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from posbooks.app.history import STATUS_WORDS, history_rows
from posbooks.posting.ledger import ledger_rows
from posbooks.qbo.gateway import open_gateway
from posbooks.reconcile.actions import post_adjustment
from posbooks.reconcile.gather import ReconcileError, reconcile
from posting_support import (
    DAY1,
    FAST,
    Home,
    current_settings,
    doc_number_counts,
    documents_in_quickbooks,
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


def numbers(home: Home, doc_type: str = "journal", outlets=("Bangsar",)) -> list[str]:
    """The DocNumbers posbooks will use, from a dry run (nothing sent)."""
    outcomes = home.send(DAY1, doc_type=doc_type, outlets=list(outlets), dry_run=True)
    return [o.doc_number for o in outcomes]


def hand_made_entry(home: Home, number: str, note: str | None = None) -> dict:
    """A 1.00 journal entry the bookkeeper typed in QuickBooks under ``number``."""
    accounts = current_settings(home.store).accounts
    funds = next(a for a in accounts if a.account_subtype == "UndepositedFunds")
    income = next(a for a in accounts if a.account_type == "Income" and a.active)
    lines = [
        {
            "Amount": "1.00",
            "DetailType": "JournalEntryLineDetail",
            "JournalEntryLineDetail": {"PostingType": side, "AccountRef": {"value": a.id}},
        }
        for side, a in (("Debit", funds), ("Credit", income))
    ]
    body = {"TxnDate": DAY1.isoformat(), "DocNumber": number, "Line": lines}
    if note:
        body["PrivateNote"] = note
    return open_gateway(home.config, home.store).create("JournalEntry", body)


def history(home: Home) -> dict[str, dict]:
    """The History page's ledger table, by DocNumber."""
    return {r["DocNumber"]: r for r in history_rows(ledger_rows(home.store), lambda t, i: i)}


def test_a_hand_made_entry_under_our_docnumber_is_a_failed_day_in_history_then_sent_once(
    home: Home,
):
    [bangsar] = numbers(home)
    typed = hand_made_entry(home, bangsar)

    outcomes = {o.outlet: o for o in home.send(DAY1, outlets=["Bangsar", "KLCC"])}
    assert outcomes["KLCC"].status == "created"
    refused = outcomes["Bangsar"]
    assert (refused.status, refused.qbo_id) == ("failed", None)
    assert f"by a document posbooks did not write (Id {typed['Id']})" in refused.message
    assert "Rename or delete it there, then send again" in refused.message

    # History, after any reload: the day, not sent by posbooks, why, and no QuickBooks Id or link
    row = history(home)[bangsar]
    assert (row["Outlet"], row["Status"]) == ("Bangsar", STATUS_WORDS["not_sent"])
    assert (row["QuickBooks Id"], row["Open"]) == ("", None)
    assert row["Message"] == refused.message
    out, err = home.cli("history").communicate(timeout=60)
    [line] = [ln for ln in out.splitlines() if bangsar in ln]
    assert STATUS_WORDS["not_sent"] in line and f"did not write (Id {typed['Id']})" in line, err

    # reconcile sees the typed entry holding the number: a conflict to resolve in QuickBooks
    check = reconcile(home.config, home.store, sources=[home.pos_file], date_from=DAY1).find(
        bangsar
    )
    assert (check.status, check.label) == ("conflict", "DocNumber taken in QuickBooks")
    assert f"as a document posbooks did not write (Id {typed['Id']})" in check.message

    # an adjusting entry would book the whole day against a document that is not ours
    with pytest.raises(ReconcileError, match="is 'DocNumber taken in QuickBooks'.*nothing was"):
        post_adjustment(home.config, home.store, check)
    assert f"{bangsar}A1" not in doc_number_counts(home.handle, "journal")

    # sending again while the other entry still holds the number changes nothing
    [again] = home.send(DAY1, outlets=["Bangsar"])
    assert again.status == "failed"
    assert doc_number_counts(home.handle, "journal")[bangsar] == 1
    assert [r.status for r in ledger_rows(home.store) if r.doc_number == bangsar] == ["failed"]

    # the bookkeeper renames the typed entry; the next send completes the day exactly once
    gw = open_gateway(home.config, home.store)
    gw.update("JournalEntry", {**gw.read("JournalEntry", typed["Id"]), "DocNumber": "BK-1102"})
    [sent] = home.send(DAY1, outlets=["Bangsar"])
    assert sent.status == "created" and sent.qbo_id != typed["Id"]
    [resent] = home.send(DAY1, outlets=["Bangsar"])
    assert (resent.status, resent.qbo_id) == ("unchanged", sent.qbo_id)
    assert doc_number_counts(home.handle, "journal") == Counter(
        {bangsar: 1, outcomes["KLCC"].doc_number: 1, "BK-1102": 1}
    )
    row = history(home)[bangsar]
    assert (row["Status"], row["QuickBooks Id"]) == (STATUS_WORDS["posted"], sent.qbo_id)
    assert row["Message"] == ""


def test_a_copy_of_another_days_entry_under_our_docnumber_is_not_taken_over(home: Home):
    """QuickBooks' "copy" keeps the memo: a posbooks note naming KLCC under Bangsar's number
    is not Bangsar's entry, even with --replace (which would otherwise update it)."""
    [klcc] = home.send(DAY1, outlets=["KLCC"])
    klcc_note = open_gateway(home.config, home.store).read("JournalEntry", klcc.qbo_id)[
        "PrivateNote"
    ]
    [bangsar] = numbers(home)
    copy = hand_made_entry(home, bangsar, note=klcc_note)

    [outcome] = home.send(DAY1, outlets=["Bangsar"], replace=True)
    assert outcome.status == "failed"
    assert f"a posbooks document for something else (Id {copy['Id']}: journal KLCC" in (
        outcome.message
    )
    still = open_gateway(home.config, home.store).read("JournalEntry", copy["Id"])
    assert (still["SyncToken"], still["PrivateNote"]) == ("0", klcc_note)  # untouched
    assert history(home)[bangsar]["Status"] == STATUS_WORDS["not_sent"]

    # reconcile agrees with the engine: not Bangsar's entry to adopt, a conflict to resolve
    result = reconcile(home.config, home.store, sources=[home.pos_file], date_from=DAY1)
    check = result.find(bangsar)
    assert (check.status, check.qbo_id, check.qbo_total) == ("conflict", None, None)
    assert f"a copy of a posbooks document for something else (Id {copy['Id']}" in check.message
    assert "its note names journal KLCC" in check.message and "Send to adopt" not in check.message
    assert result.find(klcc.doc_number).status == "matched"  # the original is still KLCC's
    out, err = home.cli(
        "reconcile", "--date", str(DAY1), "--source", str(home.pos_file)
    ).communicate(timeout=60)
    assert "1 DocNumber taken in QuickBooks" in out.rstrip().splitlines()[-1], (out, err)


def test_one_taken_receipt_number_in_a_batch_fails_alone_and_is_kept(receipt_home: Home):
    home = receipt_home
    taken, *others = numbers(home, "receipt", ["KLCC"])
    accounts = current_settings(home.store).accounts
    funds = next(a for a in accounts if a.account_subtype == "UndepositedFunds")
    item = next(i for i in current_settings(home.store).items if i.active)
    gw = open_gateway(home.config, home.store)
    typed = gw.create(
        "SalesReceipt",
        {
            "TxnDate": DAY1.isoformat(),
            "DocNumber": taken,
            "DepositToAccountRef": {"value": funds.id},
            "Line": [
                {
                    "Amount": "5.00",
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": item.id},
                        "Qty": 1,
                        "UnitPrice": 5,
                    },
                }
            ],
        },
    )

    outcomes = {o.doc_number: o for o in home.send(DAY1, doc_type="receipt", outlets=["KLCC"])}
    assert outcomes[taken].status == "failed" and "did not write" in outcomes[taken].message
    assert {outcomes[n].status for n in others} == {"created"}
    assert history(home)[taken]["Status"] == STATUS_WORDS["not_sent"]

    gw.delete("SalesReceipt", typed["Id"], str(typed["SyncToken"]))
    again = {o.doc_number: o.status for o in home.send(DAY1, doc_type="receipt", outlets=["KLCC"])}
    assert again == {taken: "created", **{n: "unchanged" for n in others}}
    counts = Counter(d["DocNumber"] for d in documents_in_quickbooks(home.handle, "receipt"))
    assert counts == Counter({n: 1 for n in [taken, *others]})
    assert {r.status for r in ledger_rows(home.store)} == {"posted"}


def test_a_day_whose_docnumber_look_up_never_answered_is_in_history(home: Home):
    """QuickBooks kept failing the DocNumber look-up: nothing was sent, History says so."""
    home.fault("http_500", count=50, path=r"^query$")
    [outcome] = home.send(DAY1, outlets=["Bangsar"], policy=replace(FAST, attempts=2))
    home.clear_faults()
    assert outcome.status == "failed" and "did not confirm" in outcome.message
    row = history(home)[outcome.doc_number]
    assert (row["Status"], row["QuickBooks Id"]) == (STATUS_WORDS["not_sent"], "")
    assert "did not confirm" in row["Message"]
    # posbooks reconcile says who stopped it, not "QuickBooks refused it"
    out, err = home.cli(
        "reconcile", "--date", str(DAY1), "--outlet", "Bangsar", "--source", str(home.pos_file)
    ).communicate(timeout=60)
    assert "posbooks did not send it, so QuickBooks holds nothing from it: QuickBooks did not " \
        "confirm" in " ".join(out.split()), (out, err)  # fmt: skip
    assert "QuickBooks refused it" not in out
    assert out.rstrip().splitlines()[-1] == "1 failed send", "the count line reads as a sentence"

    [sent] = home.send(DAY1, outlets=["Bangsar"])
    assert sent.status == "created"
    assert doc_number_counts(home.handle, "journal") == Counter({outcome.doc_number: 1})
