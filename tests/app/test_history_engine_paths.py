"""History page: a day refused before sending stays listed with its reason; restoring an edit.

The home is prepared through the library (connected, suggested mapping saved); QuickBooks
is changed through its API as a colleague would; everything the bookkeeper does after that
goes through the page, each time in a new session (a reload).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from posbooks import services
from posbooks.app.history import STATUS_WORDS
from posbooks.drafts.mapping import pos_keys, save_mapping, suggest_mapping
from posbooks.pos import open_exports
from posbooks.posting.numbering import doc_numbers
from posbooks.posting.plan import post_day
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.gateway import open_gateway
from posbooks.qbo.settings import refresh_settings
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from workbench_helpers import open_page, texts


@pytest.fixture
def day(workbench_env):
    """A connected home with a saved mapping; the sample's last day, nothing sent yet."""
    workbench_env.admin("limits", {"per_second": 100})  # the test's own calls come on top
    config = load_config()
    store = open_store(config)
    qbo_connect.auto_approve(config, store)
    settings = refresh_settings(config, store)
    source = services.sample_source()
    keys, outlets = pos_keys(open_exports(list(source.paths)))
    save_mapping(store, suggest_mapping(keys, settings, outlets=outlets), note="test")
    last_day = services.summarize_source(source).last_day

    def send(*outlets: str):
        sources = list(source.paths)
        sent = post_day(config, store, sources=sources, business_date=last_day, outlets=outlets)
        return {o.outlet: o for o in sent}

    return last_day, send, open_gateway(config, store)


def reconciled(at):
    next(b for b in at.button if b.label == "Reconcile").click().run()
    assert not at.exception, at.exception
    return at


def choose(at, number: str, action: str):
    at.selectbox(key="rec_document").set_value(number).run()
    at.radio(key="rec_action").set_value(action).run()
    at.checkbox(key="rec_confirm").check().run()
    at.button(key="rec_do").click().run()
    assert not at.exception, at.exception
    return at


def ledger_table(at):
    return at.dataframe[0].value.set_index("Outlet")


def add_to_first_lines(gateway, qbo_id: str, amount: str) -> dict:
    entry = gateway.read("JournalEntry", qbo_id)
    sides = set()
    for line in entry["Line"]:
        side = line["JournalEntryLineDetail"]["PostingType"]
        if side not in sides:
            line["Amount"] = str(Decimal(str(line["Amount"])) + Decimal(amount))
            sides.add(side)
    return gateway.update("JournalEntry", entry)


def test_a_day_whose_docnumber_is_taken_stays_in_history_with_why_until_sent(day):
    last_day, send, gateway = day
    numbers = doc_numbers(open_store(load_config()), ["Bangsar"])  # as the send will number it
    number = numbers.number(last_day, "Bangsar", "journal")
    accounts = {a["AccountType"]: a["Id"] for a in gateway.query("Account", "Active = true")}
    lines = [
        {
            "Amount": "1.00",
            "DetailType": "JournalEntryLineDetail",
            "JournalEntryLineDetail": {"PostingType": side, "AccountRef": {"value": accounts[k]}},
        }
        for side, k in (("Debit", "Bank"), ("Credit", "Income"))
    ]  # a colleague typed this entry under posbooks' DocNumber
    typed = gateway.create(
        "JournalEntry", {"TxnDate": last_day.isoformat(), "DocNumber": number, "Line": lines}
    )
    outcomes = send("Bangsar", "KLCC")
    assert (outcomes["Bangsar"].status, outcomes["KLCC"].status) == ("failed", "created")

    at = open_page("history")  # a new session: what the bookkeeper sees after a reload
    assert not at.exception, at.exception
    bangsar = ledger_table(at).loc["Bangsar"]
    assert (bangsar["DocNumber"], bangsar["Status"]) == (number, STATUS_WORDS["not_sent"])
    assert bangsar["QuickBooks Id"] == ""
    assert f"by a document posbooks did not write (Id {typed['Id']})" in bangsar["Message"]
    [why] = [w.value.replace("\\", "") for w in at.warning if "not in QuickBooks" in w.value]
    assert f"**{number}** (Bangsar, {last_day:%a %d %b %Y}): {STATUS_WORDS['not_sent']} — " in why
    assert f"did not write (Id {typed['Id']}); nothing was sent." in why  # under the table
    most_recent = next(m.value for m in at.markdown if m.value.startswith("Most recent"))
    assert most_recent.endswith(("— " + STATUS_WORDS["not_sent"] + ".", "— in QuickBooks."))

    # Preview & Send says so on the day before the bookkeeper presses Send again
    preview = open_page("preview_send")
    refused = [w.value.replace("\\", "") for w in preview.warning if "last send" in w.value]
    assert len(refused) == 1, texts(preview)  # Bangsar only: KLCC is in QuickBooks
    assert refused[0].startswith("Not in QuickBooks: the last send failed. DocNumber")
    assert f"did not write (Id {typed['Id']})" in refused[0]

    at = reconciled(at)
    table = at.dataframe[1].value.set_index("Outlet")
    assert table.loc["Bangsar", "Status"] == "DocNumber taken in QuickBooks"
    assert (
        f"as a document posbooks did not write (Id {typed['Id']})"
        in (table.loc["Bangsar", "Message"])
    )

    # sending again while the typed entry still holds the number: an error, nothing sent
    at = choose(at, number, "send")
    assert not at.success, texts(at)
    assert any("is already used in QuickBooks" in e.value for e in at.error), texts(at)

    # the colleague renames the typed entry; sending again from the page completes the day
    gateway.update(
        "JournalEntry", {**gateway.read("JournalEntry", typed["Id"]), "DocNumber": "BK-1"}
    )
    at.selectbox(key="rec_document").set_value(number).run()
    tick = at.checkbox(key="rec_confirm").label
    assert tick == f"Yes: send again (once renamed or deleted in QuickBooks) for {number}"
    at = choose(at, number, "send")
    assert f"{number}: created" in texts(at)
    assert ledger_table(open_page("history")).loc["Bangsar", "Status"] == STATUS_WORDS["posted"]
    assert [d["DocNumber"] for d in gateway.query("JournalEntry", f"DocNumber = '{number}'")] == [
        number
    ]


def test_restoring_an_edit_is_refused_when_quickbooks_changed_again_since_reconciling(day):
    _, send, gateway = day
    klcc = send("KLCC")["KLCC"]
    add_to_first_lines(gateway, klcc.qbo_id, "5.00")
    at = reconciled(open_page("history"))
    assert ":orange-badge[Edited in QuickBooks: 1]" in texts(at)

    later = add_to_first_lines(gateway, klcc.qbo_id, "2.00")  # while the page is open
    at = choose(at, klcc.doc_number, "send")
    assert [e.value.replace("\\", "") for e in at.error] == [  # shown Markdown-escaped
        f"{klcc.doc_number} was changed in QuickBooks again since you reconciled (SyncToken "
        "1 -> 2); nothing was written. Reconcile again to see that change, then choose what "
        "to do."
    ]
    assert gateway.read("JournalEntry", klcc.qbo_id) == later

    at = choose(reconciled(at), klcc.doc_number, "send")
    assert f"{klcc.doc_number}: updated, restored what posbooks sent (SyncToken 3)" in texts(at)
    assert ":green-badge[Matched: 1]" in texts(at)
