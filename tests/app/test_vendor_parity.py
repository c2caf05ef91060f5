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
