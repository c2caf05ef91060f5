"""What the POS vendor's own integration allows works here too (issue 15)."""

from __future__ import annotations

from posbooks.qbo.gateway import open_gateway
from posbooks.qbo.settings import refresh_settings
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from test_preview_send_page import _map_with_suggestions, _send_button
from workbench_helpers import open_page, texts


def _journal_classes(at) -> set[str]:
    return {
        row["Class"]
        for frame in (d.value for d in at.dataframe)
        if "Account" in frame.columns
        for _, row in frame.iterrows()
        if row["Class"]
    }


def test_classes_are_not_sent_while_class_tracking_is_off_and_come_back(connected):
    _map_with_suggestions()  # classes mapped while tracking is on
    at = open_page("preview_send")
    at.multiselect[0].set_value(["Bangsar"]).run()
    assert _journal_classes(at)

    connected.admin("preferences", {"class_tracking": False})
    config = load_config()
    refresh_settings(config, open_store(config))  # what Refresh on the Mapping page does
    at = open_page("preview_send")
    at.multiselect[0].set_value(["Bangsar"]).run()
    assert not _send_button(at).disabled, texts(at)
    assert "Classes are not sent while class tracking is off" in texts(at)
    assert "Track classes (turn on)" in texts(at)
    assert not _journal_classes(at)
    _send_button(at).click().run()
    assert "sent to QuickBooks as Journal Entry" in texts(at)
    store = open_store(config)
    sent = open_gateway(config, store).query("JournalEntry", "")
    assert len(sent) == 1
    assert all("ClassRef" not in ln["JournalEntryLineDetail"] for ln in sent[0]["Line"])

    connected.admin("preferences", {"class_tracking": True})
    refresh_settings(config, store)
    at = open_page("preview_send")
    at.multiselect[0].set_value(["KLCC"]).run()
    assert _journal_classes(at)  # the saved classes are back
    assert "Classes are not sent" not in texts(at)


def _set_tips_not_sent_and_save(connected, *, over_short: bool = True):
    at = open_page("mapping")
    next(b for b in at.button if b.label == "Refresh QuickBooks Online Settings").click().run()
    next(b for b in at.button if b.label == "Use suggestions").click().run()
    at.selectbox(key="one_row").set_value("Tips").run()
    at.selectbox(key="one_account").set_value("None (not sent)").run()
    next(b for b in at.button if b.label == "Set").click().run()
    if not over_short:
        at.selectbox(key="one_row").set_value("Over/short").run()
        at.selectbox(key="one_account").set_value("None").run()
        at.checkbox(key="one_none_ok").check()
        next(b for b in at.button if b.label == "Set").click().run()
    tips = at.data_editor[0].value.set_index("POS amount").loc["Tips"]
    assert tips["Status"] == "not sent (None on purpose)"
    next(b for b in at.button if b.label == "Save Settings").click().run()
    assert not at.exception
    return at


def test_an_account_type_set_to_none_is_left_out_and_balanced_through_over_short(connected):
    _set_tips_not_sent_and_save(connected)
    at = open_page("preview_send")
    at.multiselect[0].set_value(["Bangsar"]).run()
    shown = texts(at)
    assert "Left out, set to None (not sent): Tips" in shown, shown
    assert "the day balances through Over/short" in shown
    assert not _send_button(at).disabled, shown
    _send_button(at).click().run()
    assert "sent to QuickBooks as Journal Entry" in texts(at)
    config = load_config()
    (entry,) = open_gateway(config, open_store(config)).query("JournalEntry", "")
    described = " ".join(ln.get("Description", "") for ln in entry["Line"])
    assert "Tips" not in described and "Over/short" in described


def test_an_account_type_set_to_none_without_over_short_blocks_the_day_saying_why(connected):
    _set_tips_not_sent_and_save(connected, over_short=False)
    at = open_page("preview_send")
    at.multiselect[0].set_value(["Bangsar"]).run()
    send = _send_button(at)
    assert send.disabled
    shown = texts(at)
    assert "so the day is off by" in shown and "map Over/short to an account" in shown


def _save_mapping_page_defaults(connected, grouping: str | None = None):
    at = open_page("mapping")
    next(b for b in at.button if b.label == "Refresh QuickBooks Online Settings").click().run()
    next(b for b in at.button if b.label == "Use suggestions").click().run()
    radio = next(r for r in at.radio if r.label == "Send sales receipts as")
    assert radio.value == "per_day"  # a new home sends one receipt a day, like the vendor
    if grouping:
        radio.set_value(grouping).run()
    next(b for b in at.button if b.label == "Save Settings").click().run()
    assert "Nothing blocks sending sales receipts." in texts(at), texts(at)


def test_one_sales_receipt_per_outlet_and_day_to_undeposited_funds_sent_exactly_once(connected):
    from posbooks import services

    _save_mapping_page_defaults(connected)
    at = open_page("preview_send")
    at.radio[1].set_value("Sales Receipt").run()
    at.multiselect[0].set_value(["Bangsar", "KLCC"]).run()
    titles = [e.label.replace("\\", "") for e in at.expander if "Sales Receipt" in e.label]
    assert len(titles) == 2 and all("Sales Receipt (all payments) · MYR " in t for t in titles)
    assert "POS sales (MYR)" in {m.label for m in at.metric}  # the company's currency
    assert "Send 2 sales receipts" in _send_button(at).label
    _send_button(at).click().run()
    assert not at.exception
    config = load_config()
    store = open_store(config)
    sent = open_gateway(config, store).query("SalesReceipt", "")
    assert len(sent) == 2
    assert {r["DepositToAccountRef"].get("name") for r in sent} == {"Undeposited Funds"}
    assert _send_button(at).disabled  # nothing left: each day went once

    # reconcile agrees with what was sent
    wb = services.Workbench(config, store)
    day = services.summarize_source(services.sample_source()).last_day
    result = services.reconcile_period(wb, services.sample_source(), day, day,
                                       ["Bangsar", "KLCC"], "receipt")  # fmt: skip
    assert {c.status for c in result.documents} == {"matched"}, [
        c.message for c in result.documents
    ]

    # the same days one per payment method now would book their sales twice: refused
    mapping = services.saved_mapping(wb)
    from dataclasses import replace

    services.save_mapping(wb, replace(mapping, receipt_grouping="per_method"))
    at = open_page("preview_send")
    at.radio[1].set_value("Sales Receipt").run()
    at.multiselect[0].set_value(["Bangsar"]).run()
    assert _send_button(at).disabled
    assert "already sent as one sales receipt a day" in texts(at)
