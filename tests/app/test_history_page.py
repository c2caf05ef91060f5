"""History page: the ledger and the reconcile section before anything is sent, then the sent
document with its link."""

from __future__ import annotations

import os

from posbooks import services
from posbooks.drafts.mapping import pos_keys, save_mapping, suggest_mapping
from posbooks.pos import open_exports
from posbooks.posting.plan import post_day
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.settings import refresh_settings
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from workbench_helpers import open_page, texts


def _buttons(at) -> list[str]:
    return [b.label for b in at.button]


def test_disconnected_and_nothing_sent_the_page_says_what_to_do(workbench_env):
    at = open_page("history")
    assert not at.exception
    shown = texts(at)
    assert "Nothing was sent yet" in shown
    assert "Reconcile with QuickBooks and the POS" in [h.value for h in at.header]
    assert "QuickBooks is not connected: go to Connect" in shown
    assert "preview a day on Preview & Send and send it; reconcile it here" in shown
    assert "Reconcile" not in _buttons(at)  # nothing to ask QuickBooks without a connection


def test_connected_and_nothing_sent_says_quickbooks_holds_nothing_of_ours(connected):
    at = open_page("history")
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Nothing was sent yet" in shown
    assert "QuickBooks holds no document posbooks recognises as its own" in shown
    summary = services.summarize_source(services.sample_source())
    assert f"from {summary.first_day:%d %b %Y} to {summary.last_day:%d %b %Y}" in shown

    next(b for b in at.button if b.label == "Reconcile").click().run()
    assert not at.exception, at.exception
    assert ":blue-badge[Not sent: 3]" in texts(at)  # the last day's three outlets
    assert "violet-badge" not in texts(at)


def _suggested_mapping_saved(config, store) -> None:
    settings = refresh_settings(config, store)
    keys, outlets = pos_keys(open_exports(list(services.sample_source().paths)))
    save_mapping(store, suggest_mapping(keys, settings, outlets=outlets), note="test")


def _sent_from_another_home(tmp_path, outlets):
    """Another posbooks home (another computer) connected to the same company sends a day."""
    config = load_config(env={**os.environ, "POSBOOKS_HOME": str(tmp_path / "other")})
    store = open_store(config)
    qbo_connect.auto_approve(config, store)
    _suggested_mapping_saved(config, store)
    source = services.sample_source()
    day = services.summarize_source(source).last_day
    outcomes = post_day(config, store, sources=list(source.paths), business_date=day,
                        outlets=outlets)  # fmt: skip
    assert [o.status for o in outcomes] == ["created"] * len(outlets)
    return day, outcomes


def test_nothing_sent_here_but_found_in_quickbooks_then_adopted(connected, tmp_path):
    at = open_page("history")
    assert "QuickBooks holds no document posbooks recognises" in texts(at)
    day, (klcc,) = _sent_from_another_home(tmp_path, ["KLCC"])
    assert "QuickBooks holds no document" in texts(at.run())  # looked once per session
    next(b for b in at.button if b.label == "Look in QuickBooks again").click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Nothing was sent from here yet, but QuickBooks holds **1 document(s)**" in shown
    found = at.dataframe[0].value
    assert found[["Outlet", "DocNumber", "QuickBooks Id"]].values.tolist() == [
        ["KLCC", klcc.doc_number, klcc.qbo_id]
    ]
    found_total = found["QuickBooks now"][0]
    assert at.date_input(key="rec_from").value == at.date_input(key="rec_to").value == day

    next(b for b in at.button if b.label == "Reconcile").click().run()
    assert ":violet-badge[In QuickBooks, not in the ledger: 1]" in texts(at)
    klcc_row = at.dataframe[1].value.set_index("Outlet").loc["KLCC"]  # [0]: what was found
    assert found_total == klcc_row["QuickBooks now"] == klcc_row["POS now"] != ""
    config = load_config()  # adopting needs this home's own mapping, as any send does
    _suggested_mapping_saved(config, open_store(config))
    at.selectbox(key="rec_document").set_value(klcc.doc_number).run()
    at.radio(key="rec_action").set_value("send").run()
    at.checkbox(key="rec_confirm").check().run()
    at.button(key="rec_do").click().run()
    assert not at.exception, at.exception
    ledger = at.dataframe[0].value  # the page now opens on this home's ledger
    assert ledger[["Outlet", "DocNumber", "Status"]].values.tolist() == [
        ["KLCC", klcc.doc_number, "in QuickBooks"]
    ]
    assert "QuickBooks holds **1 document(s)**" not in texts(at)


def test_a_sent_day_appears_with_its_docnumber_and_link(connected):
    at = open_page("mapping")
    next(b for b in at.button if b.label == "Refresh QuickBooks Online Settings").click().run()
    next(b for b in at.button if b.label == "Use suggestions").click().run()
    next(b for b in at.button if b.label == "Save Settings").click().run()
    at.switch_page("pages/preview_send.py").run()
    at.multiselect[0].set_value(["KLCC", "Mont Kiara"]).run()
    next(b for b in at.button if b.label.startswith("Send")).click().run()
    sent = texts(at)
    assert "Sent 2 journal entries" in at.success[0].value, sent

    at.switch_page("pages/history.py").run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert len(frame) == 2
    row = frame.set_index("Outlet", drop=False).loc["Mont Kiara"]
    assert row["Outlet"] == "Mont Kiara"
    assert row["Type"] == "Journal Entry"
    assert row["Status"] == "in QuickBooks"
    assert f"Journal Entry {row['DocNumber']}" in sent  # the number the send message named
    assert row["Open"].startswith(f"{connected.base_url}/app/{connected.realm_id}/journalentry/")

    at.multiselect[0].set_value(["KLCC"]).run()  # filter by outlet
    assert list(at.dataframe[0].value["Outlet"]) == ["KLCC"]
    assert "1 of 2 documents shown." in texts(at)
