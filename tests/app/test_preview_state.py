"""Preview & Send keeps the bookkeeper's choices across pages and sends only what it shows."""

from __future__ import annotations

from datetime import date

import duckdb
from posbooks import services
from posbooks.state.config import load_config
from test_preview_send_page import _map_with_suggestions, _send_button
from workbench_helpers import open_page, texts

SAMPLE = services.sample_source()


def _day_file(tmp_path, outlet: str, day: str):
    path = tmp_path / f"{outlet.lower()}-{day}.csv"
    duckdb.sql(
        f"COPY (SELECT * FROM read_parquet('{SAMPLE.paths[0]}') "
        f"WHERE business_date = DATE '{day}' AND outlet = '{outlet}') TO '{path}' (HEADER)"
    )
    return path


def _round_trip(at):
    at.switch_page("pages/mapping.py").run()
    assert not at.exception
    at.switch_page("pages/preview_send.py").run()
    assert not at.exception
    return at


def test_type_dates_and_outlets_survive_a_visit_to_mapping(workbench_env):
    at = open_page("preview_send")
    at.radio[1].set_value("Sales Receipt").run()
    at.date_input[0].set_value(date(2026, 11, 20)).run()
    at.date_input[1].set_value(date(2026, 11, 22)).run()
    at.multiselect[0].set_value(["KLCC"]).run()
    _round_trip(at)
    assert at.radio[1].value == "Sales Receipt"
    assert (at.date_input[0].value, at.date_input[1].value) == (
        date(2026, 11, 20),
        date(2026, 11, 22),
    )
    assert at.multiselect[0].value == ["KLCC"]
    assert all("KLCC" in e.label for e in at.expander if "Sales Receipt" in e.label)


def test_changing_from_keeps_a_to_that_is_still_valid(workbench_env):
    at = open_page("preview_send")
    at.date_input[0].set_value(date(2026, 11, 18)).run()
    assert at.date_input[1].value == date(2026, 11, 24)  # the To shown before is kept
    at.date_input[1].set_value(date(2026, 11, 19)).run()
    at.date_input[0].set_value(date(2026, 11, 21)).run()  # past To: To follows From
    assert at.date_input[1].value == date(2026, 11, 21)
    assert "To date is before" not in texts(at)


def test_an_upload_survives_a_visit_to_mapping_and_earlier_ones_can_be_picked(
    workbench_env, tmp_path
):
    klcc = _day_file(tmp_path, "KLCC", "2026-11-20")
    bangsar = _day_file(tmp_path, "Bangsar", "2026-11-19")
    at = open_page("preview_send")
    at.radio[0].set_value("Uploaded POS exports").run()
    at.file_uploader[0].set_value((klcc.name, klcc.read_bytes(), "text/csv")).run()
    at.file_uploader[0].set_value((bangsar.name, bangsar.read_bytes(), "text/csv")).run()
    assert at.multiselect[0].value == ["Bangsar"]  # the newest upload is shown
    assert at.date_input[0].value == date(2026, 11, 19)

    _round_trip(at)  # the file chooser is empty again, the upload is not lost
    assert at.radio[0].value == "Uploaded POS exports"
    assert at.multiselect[0].value == ["Bangsar"]
    listed = at.selectbox(key="pv_upload")
    assert len(listed.options) == 2 and "bangsar-2026-11-19.csv" in listed.options[0]

    listed.set_value(services.list_uploads(_wb())[1].id).run()  # the earlier, KLCC one
    assert at.multiselect[0].value == ["KLCC"]
    assert at.date_input[0].value == date(2026, 11, 20)

    next(b for b in at.button if b.label == "Delete this upload").click().run()
    assert not at.exception
    left = services.list_uploads(_wb())
    assert [u.names for u in left] == [(bangsar.name,)]
    assert at.multiselect[0].value == ["Bangsar"]


def _wb():
    config = load_config()
    from posbooks.state.store import open_store

    return services.Workbench(config, open_store(config))


def test_send_sends_nothing_when_the_period_changed_as_it_was_pressed(connected):
    _map_with_suggestions()
    at = open_page("preview_send")
    at.multiselect[0].set_value(["Bangsar"]).run()
    assert "Send 1 journal entry" in _send_button(at).label
    # the To date typed and Send clicked together: Send meant the day it showed
    at.date_input[0].set_value(date(2026, 11, 23))
    _send_button(at).click()
    at.run()
    assert not at.exception
    assert "Nothing was sent: the period" in texts(at)
    assert connected.admin("state")["entities"][connected.realm_id].get("JournalEntry", 0) == 0
    assert "Send 2 journal entries" in _send_button(at).label
    _send_button(at).click().run()
    assert connected.admin("state")["entities"][connected.realm_id]["JournalEntry"] == 2


def test_preview_says_when_mapping_has_unsaved_changes(connected):
    _map_with_suggestions()
    at = open_page("mapping")
    at.session_state["mapping_draft"] = services.Mapping()  # every row cleared, not saved
    at.switch_page("pages/preview_send.py").run()
    assert "changes that are not saved" in texts(at)
    assert "saved mapping, version 1" in texts(at)


def test_a_partly_mapped_preview_lists_each_documents_problems_in_one_box(workbench_env):
    from posbooks.core.model import Ref
    from posbooks.drafts.mapping import save_mapping
    from posbooks.state.store import open_store

    only_food = services.Mapping(accounts={("sales", "Food"): Ref("41", "Sales - Food")})
    save_mapping(open_store(load_config()), only_food)
    at = open_page("preview_send")
    documents = [e for e in at.expander if "Journal Entry" in e.label]
    boxes = [e.value.replace("\\", "") for e in at.error]
    assert len(documents) == 3 and len(boxes) == 3, boxes  # one problem box per document
    assert all(b.startswith("**") and "problems stop this document:**" in b for b in boxes)
    assert all("Payment - Cash" in b for b in boxes)


def test_a_busy_quickbooks_is_waited_for_and_said(connected, monkeypatch):
    monkeypatch.setenv("POSBOOKS_RETRY_BASE_MS", "50")
    _map_with_suggestions()
    # QuickBooks answers 503 twice, then takes the entry
    connected.admin("faults", {"kind": "http_503", "count": 2, "path": "journalentry|batch"})
    at = open_page("preview_send")
    at.multiselect[0].set_value(["KLCC"]).run()
    _send_button(at).click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Sent 1 journal entry"), texts(at)
    waited = [c.value for c in at.caption if c.value.startswith("QuickBooks was busy")]
    assert len(waited) == 1 and "over 2 retries; nothing was sent twice." in waited[0], texts(at)


def test_the_wait_message_names_the_attempt():
    from posbooks.app.preview import waiting_message

    assert waiting_message(4.2, 2, 6, "HTTP 503") == (
        "QuickBooks is busy, retrying in 4 s, attempt 2 of 6 (HTTP 503)."
    )


def test_a_new_upload_starts_with_all_its_outlets(workbench_env, tmp_path):
    """Outlets picked for the sample must not narrow the preview of a file uploaded next."""
    both = tmp_path / "two-outlets.csv"
    duckdb.sql(
        f"COPY (SELECT * FROM read_parquet('{SAMPLE.paths[0]}') WHERE business_date = "
        "DATE '2026-11-20' AND outlet IN ('KLCC', 'Bangsar')) TO '" + str(both) + "' (HEADER)"
    )
    at = open_page("preview_send")
    at.multiselect[0].set_value(["KLCC"]).run()
    at.radio[0].set_value("Uploaded POS exports").run()
    at.file_uploader[0].set_value((both.name, both.read_bytes(), "text/csv")).run()
    assert sorted(at.multiselect[0].value) == ["Bangsar", "KLCC"]
    at.multiselect[0].set_value(["Bangsar"]).run()
    _round_trip(at)  # the same upload: the choice is kept
    assert at.multiselect[0].value == ["Bangsar"]
