"""History page: empty before anything is sent, then the sent document with its link."""

from __future__ import annotations

from workbench_helpers import open_page, texts


def test_history_is_empty_before_anything_was_sent(workbench_env):
    at = open_page("history")
    assert not at.exception
    assert "Nothing was sent yet" in texts(at)


def test_a_sent_day_appears_with_its_docnumber_and_link(connected):
    at = open_page("mapping")
    next(b for b in at.button if b.label == "Refresh QuickBooks Online Settings").click().run()
    next(b for b in at.button if b.label == "Use suggestions").click().run()
    next(b for b in at.button if b.label == "Save Settings").click().run()
    at.switch_page("pages/preview_send.py").run()
    at.multiselect[0].set_value(["KLCC", "Mont Kiara"]).run()
    next(b for b in at.button if b.label.startswith("Send")).click().run()
    sent = texts(at)
    assert len(at.success) == 2, sent

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
