"""History page, reconciliation: statuses at a glance, a document line by line, the actions.

The home is prepared through the library (connected, suggested mapping saved, two outlets
of the sample's last day sent); everything after that goes through the page.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from posbooks import services
from posbooks.drafts.mapping import pos_keys, save_mapping, suggest_mapping
from posbooks.pos import open_exports
from posbooks.posting.plan import post_day
from posbooks.qbo import auth
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.gateway import open_gateway
from posbooks.qbo.settings import refresh_settings
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from workbench_helpers import open_page, texts


@pytest.fixture
def sent(workbench_env):
    """KLCC and Mont Kiara of the sample's last day in QuickBooks; Bangsar never sent."""
    config = load_config()
    store = open_store(config)
    qbo_connect.auto_approve(config, store)
    settings = refresh_settings(config, store)
    source = services.sample_source()
    summary = services.summarize_source(source)
    keys, outlets = pos_keys(open_exports(list(source.paths)))
    save_mapping(store, suggest_mapping(keys, settings, outlets=outlets), note="test")
    outcomes = post_day(config, store, sources=list(source.paths), business_date=summary.last_day,
                        outlets=["KLCC", "Mont Kiara"])  # fmt: skip
    assert [o.status for o in outcomes] == ["created", "created"]
    return {o.outlet: o for o in outcomes}, open_gateway(config, store)


def reconciled(at):
    next(b for b in at.button if b.label == "Reconcile").click().run()
    assert not at.exception, at.exception
    return at


def choose(at, doc_number: str, action: str, **inputs):
    """Pick a document in the drill-down, an action, fill its inputs, confirm, press it."""
    at.selectbox(key="rec_document").set_value(doc_number).run()
    at.radio(key="rec_action").set_value(action).run()
    for key, value in inputs.items():
        at.text_input(key=key).input(value).run()
    at.checkbox(key="rec_confirm").check().run()
    at.button(key="rec_do").click().run()
    assert not at.exception, at.exception
    return at


def test_statuses_charts_csv_and_sending_the_day_never_sent(sent):
    outcomes, _ = sent
    at = reconciled(open_page("history"))
    shown = texts(at)
    assert ":green-badge[Matched: 2]" in shown and ":blue-badge[Not sent: 1]" in shown
    table = at.dataframe[1].value  # [0] is the ledger
    assert dict(zip(table["Outlet"], table["Status"], strict=True)) == {
        "Bangsar": "Not sent", "KLCC": "Matched", "Mont Kiara": "Matched",
    }  # fmt: skip
    klcc = table.set_index("Outlet").loc["KLCC"]
    assert klcc["POS now"] == klcc["Sent"] == klcc["QuickBooks now"] != ""
    assert len(at.get("plotly_chart")) == 2
    csv_button = at.get("download_button")[0]
    assert csv_button.label == "Download CSV" and csv_button.proto.url.endswith(".csv")

    # the drill-down opens on what needs attention: Bangsar, with no sent or QuickBooks lines
    lines = at.dataframe[2].value
    assert set(lines["Sent"]) == {"—"} and set(lines["QuickBooks now"]) == {"—"}
    bangsar = table.set_index("Outlet").loc["Bangsar", "DocNumber"]
    at = choose(at, bangsar, "send")
    assert f"{bangsar}: created" in texts(at)
    assert ":green-badge[Matched: 3]" in texts(at)


def test_an_edit_in_quickbooks_highlighted_then_adjusted(sent):
    outcomes, gateway = sent
    klcc = outcomes["KLCC"]
    entry = gateway.read("JournalEntry", klcc.qbo_id)
    sides = set()
    for line in entry["Line"]:  # 5.00 more on the first debit and the first credit
        side = line["JournalEntryLineDetail"]["PostingType"]
        if side not in sides:
            line["Amount"] = str(Decimal(str(line["Amount"])) + Decimal("5.00"))
            sides.add(side)
    gateway.update("JournalEntry", entry)

    at = reconciled(open_page("history"))
    assert ":orange-badge[Edited in QuickBooks: 1]" in texts(at)
    at.selectbox(key="rec_document").set_value(klcc.doc_number).run()
    lines = at.dataframe[2].value
    assert lines["Differs"].sum() == 2
    assert "SyncToken 0 -> 1" in texts(at)

    at = choose(at, klcc.doc_number, "adjust", rec_reason="November is closed")
    assert f"Adjusting entry {klcc.doc_number}A1 posted" in texts(at)
    table = at.dataframe[1].value.set_index("Outlet")
    assert table.loc["KLCC", "Status"] == "Matched after adjustment"


def test_accepting_a_deleted_document_as_is_needs_a_name_and_a_reason(sent):
    outcomes, gateway = sent
    mk = outcomes["Mont Kiara"]
    gateway.delete("JournalEntry", mk.qbo_id, "0")
    at = reconciled(open_page("history"))
    assert ":red-badge[Deleted in QuickBooks: 1]" in texts(at)

    at = choose(at, mk.doc_number, "accept", rec_who="", rec_why="")
    assert any("who accepts" in e.value for e in at.error)
    at = choose(at, mk.doc_number, "accept", rec_who="Aisyah", rec_why="voided by the owner")
    assert f"{mk.doc_number} accepted as is by Aisyah" in texts(at)
    table = at.dataframe[1].value.set_index("Outlet")
    assert table.loc["Mont Kiara", "Status"] == "Accepted as is"
    assert "voided by the owner" in table.loc["Mont Kiara", "Message"]


def test_reconcile_after_disconnecting_says_what_to_do(sent):
    config = load_config()
    auth.disconnect(config, open_store(config))
    at = open_page("history")
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 2  # the ledger stays readable
    shown = texts(at)
    assert "QuickBooks is not connected: go to Connect and connect to your company, then " in shown
    assert "Reconcile" not in [b.label for b in at.button]
