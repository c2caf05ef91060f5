"""Preview & Send: totals equal the preview service's, Send blocked with a reason or sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from posbooks import services
from posbooks.app.format import money
from posbooks.drafts.mapping import save_mapping, suggest_mapping
from posbooks.drafts.preview import preview
from posbooks.qbo.gateway import open_gateway
from posbooks.qbo.settings import refresh_settings
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from workbench_helpers import open_page, texts

SAMPLE = services.sample_source()
LAST_DAY = date(2026, 11, 24)  # the sample data's last business day


def _send_button(at):
    return next(b for b in at.button if b.label.startswith("Send"))


def _map_with_suggestions(*, receipt_deposits: bool = True):
    """What a bookkeeper does on the Mapping page, done through the same services.

    ``receipt_deposits=False`` drops the suggested receipt deposit accounts, so vouchers
    would deposit to their journal account, a liability QuickBooks refuses on a receipt.
    """
    config = load_config()
    store = open_store(config)
    settings = refresh_settings(config, store)
    summary = services.summarize_source(SAMPLE)
    mapping = suggest_mapping(summary.keys, settings, outlets=summary.outlets)
    if not receipt_deposits:
        mapping = replace(mapping, deposits={})
    save_mapping(store, mapping)


def test_disconnected_preview_shows_the_latest_day_and_send_is_blocked(workbench_env):
    at = open_page("preview_send")
    assert not at.exception
    assert at.date_input[0].value == LAST_DAY
    expected = preview(list(SAMPLE.paths), LAST_DAY, LAST_DAY)
    assert len(at.expander) >= len(expected.entries)
    send = _send_button(at)
    assert send.disabled
    assert "QuickBooks is not connected: go to Connect first." in texts(at)


def test_totals_match_the_preview_service_for_a_past_day(workbench_env):
    day = date(2026, 11, 20)
    at = open_page("preview_send")
    at.date_input[0].set_value(day).run()
    at.date_input[1].set_value(day).run()
    assert not at.exception
    expected = preview(list(SAMPLE.paths), day, day)
    sales = sum(t.pos_total for t in expected.tie_out if t.source == "sales")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == str(len(expected.entries))
    assert metrics["POS sales"] == money(sales)
    assert metrics["Balanced"] == "yes"
    assert metrics["Tie-out to POS"] == "all equal"
    # every journal entry's Total row shows the service's debits and credits
    totals = [
        (row["Debit"], row["Credit"])
        for frame in (d.value for d in at.dataframe)
        if "Account" in frame.columns
        for _, row in frame[frame["Account"] == "Total"].iterrows()
    ]
    assert totals == [(money(e.total_debits), money(e.total_credits)) for e in expected.entries]


def test_unmapped_blocks_send_with_the_reason(connected):
    at = open_page("preview_send")
    send = _send_button(at)
    assert send.disabled
    assert "The mapping is not complete" in texts(at)
    assert "has no QuickBooks account" in send.help


def test_send_puts_the_entry_in_quickbooks_and_marks_it_posted(connected):
    _map_with_suggestions()
    at = open_page("preview_send")
    at.multiselect[0].set_value(["Bangsar"]).run()
    send = _send_button(at)
    assert not send.disabled, texts(at)
    send.click().run()
    assert not at.exception
    success = [s.value.replace("\\", "") for s in at.success]
    assert len(success) == 1, texts(at)  # one clear result, the documents folded under it
    assert success[0].startswith("Sent 1 journal entry for Tue 24 Nov 2026, MYR "), success
    assert f"/app/{connected.realm_id}/journal?start_date=2026-11-24" in success[0]
    assert "See them in QuickBooks' Journal report" in success[0]
    (fold,) = [e for e in at.expander if e.label.startswith("Each document")]
    documents = [m.value.replace("\\", "") for m in fold.markdown]
    assert len(documents) == 1 and "sent to QuickBooks as Journal Entry" in documents[0]
    assert f"/app/{connected.realm_id}/journalentry/" in documents[0]
    assert _send_button(at).disabled  # the redrawn preview has nothing left to send

    config = load_config()
    store = open_store(config)
    row = services.history(services.Workbench(config, store))[0]
    assert row.doc_number in documents[0]
    found = open_gateway(config, store).query("JournalEntry", f"DocNumber = '{row.doc_number}'")
    assert len(found) == 1
    entry = found[0]
    debits = sum(
        Decimal(str(ln["Amount"]))
        for ln in entry["Line"]
        if ln["JournalEntryLineDetail"]["PostingType"] == "Debit"
    )
    expected = preview(list(SAMPLE.paths), LAST_DAY, LAST_DAY, outlets=["Bangsar"])
    assert debits == expected.entries[0].total_debits

    again = open_page("preview_send")  # a new visit: the day is marked as already sent
    again.multiselect[0].set_value(["Bangsar"]).run()
    assert any(
        "already in QuickBooks (unchanged)" in e.label.replace("\\", "") for e in again.expander
    )
    assert _send_button(again).disabled
    assert "already in QuickBooks" in texts(again)


def test_a_range_sends_each_day_with_its_own_message(connected):
    _map_with_suggestions()
    at = open_page("preview_send")
    at.date_input[0].set_value(date(2026, 11, 22)).run()
    at.date_input[1].set_value(LAST_DAY).run()
    at.multiselect[0].set_value(["KLCC"]).run()
    _send_button(at).click().run()
    assert not at.exception
    (summary,) = [s.value.replace("\\", "") for s in at.success]
    assert summary.startswith("Sent 3 journal entries for Sun 22 Nov 2026 to Tue 24 Nov 2026")
    (fold,) = [e for e in at.expander if e.label.startswith("Each document")]
    success = [m.value.replace("\\", "") for m in fold.markdown]
    assert [("Sun 22 Nov" in s, "Mon 23 Nov" in s, "Tue 24 Nov" in s) for s in success] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]


def test_a_rejected_upload_shows_file_row_and_column(workbench_env):
    at = open_page("preview_send")
    at.radio[0].set_value("Uploaded POS exports").run()
    header = "business_date,outlet,receipt_no,line_type,category,item,quantity,tax_code,payment_method,amount,closed_at,voided\n"
    bad = (
        header
        + "2026-11-20,Bangsar,R1,item,Food,Nasi Lemak,1,SST6,,12.345,2026-11-20 12:00:00,false\n"
    )
    at.file_uploader[0].set_value(("till-export.csv", bad.encode(), "text/csv")).run()
    assert not at.exception
    assert "The POS export was rejected" in texts(at)
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["File", "Row", "Column", "Problem"]
    assert "till-export.csv" in set(frame["File"])
    hit = frame[frame["Column"] == "amount"].iloc[0]
    assert hit["Row"] == "2"
    assert "2 decimals" in hit["Problem"]
    send = _send_button(at)
    assert send.disabled and "rejected" in send.help  # nothing to send


def test_sales_receipts_preview_one_per_payment_method_and_say_what_blocks(connected):
    _map_with_suggestions(receipt_deposits=False)
    at = open_page("preview_send")
    at.radio[1].set_value("Sales Receipt").run()
    at.multiselect[0].set_value(["Bangsar"]).run()
    assert not at.exception
    expected = preview(list(SAMPLE.paths), LAST_DAY, LAST_DAY, ["Bangsar"], doc_type="receipt")
    labels = [e.label.replace("\\", "") for e in at.expander if "Sales Receipt" in e.label]
    methods = sorted(r.payment_method for r in expected.entries)
    assert sorted(lbl.split("Sales Receipt (")[1].split(")")[0] for lbl in labels) == methods
    # without a receipt deposit account, vouchers would deposit to a liability: refused
    send = _send_button(at)
    assert send.disabled
    assert "deposit account" in send.help


def test_sales_receipts_with_the_suggested_mapping_can_be_sent(connected):
    _map_with_suggestions()
    at = open_page("preview_send")
    at.radio[1].set_value("Sales Receipt").run()
    at.multiselect[0].set_value(["Bangsar"]).run()
    assert not at.exception
    assert not _send_button(at).disabled


def test_quickbooks_refusing_a_day_is_said_in_plain_words(connected, monkeypatch):
    _map_with_suggestions()
    monkeypatch.setenv("POSBOOKS_RETRY_ATTEMPTS", "2")  # give up quickly
    monkeypatch.setenv("POSBOOKS_RETRY_BASE_MS", "1")
    connected.admin("faults", {"kind": "http_503", "count": 50, "path": "journalentry|batch"})
    at = open_page("preview_send")
    at.multiselect[0].set_value(["KLCC"]).run()
    _send_button(at).click().run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1, texts(at)
    assert errors[0].startswith("KLCC Tue 24 Nov 2026: failed: QuickBooks did not confirm")
    assert "send again" in errors[0]
    assert not at.success


def klcc_day_csv(tmp_path):
    """KLCC's 20 Nov 2026 from the sample, as the CSV a bookkeeper would upload."""
    import duckdb

    day_file = tmp_path / "klcc-2026-11-20.csv"
    duckdb.sql(
        f"COPY (SELECT * FROM read_parquet('{SAMPLE.paths[0]}') "
        "WHERE business_date = DATE '2026-11-20' AND outlet = 'KLCC') "
        f"TO '{day_file}' (HEADER)"
    )
    return day_file


def klcc_day_uploaded(tmp_path):
    """Preview & Send with KLCC's day uploaded as CSV: the page and the file."""
    day_file = klcc_day_csv(tmp_path)
    at = open_page("preview_send")
    at.radio[0].set_value("Uploaded POS exports").run()
    at.file_uploader[0].set_value((day_file.name, day_file.read_bytes(), "text/csv")).run()
    assert not at.exception, texts(at)
    return at, day_file


def test_an_uploaded_export_is_previewed_and_kept_under_the_home(workbench_env, tmp_path):
    at, day_file = klcc_day_uploaded(tmp_path)
    assert at.date_input[0].value == date(2026, 11, 20)  # the upload's latest day
    assert at.multiselect[0].value == ["KLCC"]
    expected = preview(list(SAMPLE.paths), date(2026, 11, 20), outlets=["KLCC"])
    assert {m.label: m.value for m in at.metric}["POS sales"] == money(
        sum(t.pos_total for t in expected.tie_out if t.source == "sales")
    )
    kept = list((load_config().home / "uploads").glob("*/klcc-2026-11-20.csv"))
    assert len(kept) == 1 and kept[0].read_bytes() == day_file.read_bytes()


def test_a_connection_revoked_mid_range_keeps_each_days_result(connected):
    _map_with_suggestions()
    at = open_page("preview_send")
    at.date_input[0].set_value(date(2026, 11, 9)).run()
    at.date_input[1].set_value(LAST_DAY).run()  # 16 days x every outlet: two batches
    # the user disconnects the app in QuickBooks once the first batch of 30 is in: the
    # sandbox revokes the connection on the second batch request, whatever the machine's speed
    connected.admin("faults", {"kind": "revoke", "path": "^batch$", "after": 1})
    revoked_before = connected.admin("state")["faults_served"].get("revoke", 0)  # a reset keeps it
    _send_button(at).click().run()
    assert not at.exception
    shown = texts(at)
    assert "QuickBooks no longer accepts this connection" in shown
    (fold,) = [e for e in at.expander if e.label.startswith("Each document")]
    success = [m.value.replace("\\", "") for m in fold.markdown]
    cut_off = [w.value.replace("\\", "") for w in at.warning if "not confirmed" in w.value]
    total = len(preview(list(SAMPLE.paths), date(2026, 11, 9), LAST_DAY).entries)
    assert total > 30  # more than one batch
    assert len(success) == 30 and len(cut_off) == total - 30, shown
    assert all(f"/app/{connected.realm_id}/journalentry/" in s for s in success)
    assert all("Open in QuickBooks" not in w for w in cut_off)
    assert "Tue 24 Nov 2026: not confirmed: QuickBooks refused the connection" in cut_off[-1]
    state = connected.admin("state")
    assert state["entities"][connected.realm_id]["JournalEntry"] == 30  # shown == created
    assert state["faults_served"]["revoke"] == revoked_before + 1 and not state["faults_pending"]
    assert "QuickBooks needs you to reconnect: go to Connect." in shown


def test_a_day_sent_as_a_journal_entry_cannot_also_go_as_sales_receipts(connected):
    _map_with_suggestions()
    at = open_page("preview_send")
    at.multiselect[0].set_value(["Bangsar"]).run()
    _send_button(at).click().run()
    assert "sent to QuickBooks as Journal Entry" in texts(at)

    at = open_page("preview_send")
    at.radio[1].set_value("Sales Receipt").run()
    at.multiselect[0].set_value(["Bangsar"]).run()
    assert not at.exception
    send = _send_button(at)
    assert send.disabled
    shown = texts(at)
    assert "Nothing to send: Bangsar 2026-11-24 was already sent as a journal entry" in shown
    assert "book its sales twice" in shown and "posbooks send --allow-both-types" in shown
    assert "already sent as a journal entry" in send.help
    skipped = [w.value for w in at.warning if w.value.startswith("Send skips it")]
    assert len(skipped) == sum("Sales Receipt" in e.label for e in at.expander) > 0

    at.multiselect[0].set_value(["Bangsar", "KLCC"]).run()  # KLCC can still go as receipts
    assert not _send_button(at).disabled
    assert "cannot be sent and will be skipped" in texts(at)


def test_a_long_period_counts_its_documents_with_thousands_separators(workbench_env):
    first_day = date(2026, 7, 28)  # the sample's first day: ~2,000 sales receipts in all
    at = open_page("preview_send")
    at.radio[1].set_value("Sales Receipt").run()
    at.date_input[0].set_value(first_day).run()
    at.date_input[1].set_value(LAST_DAY).run()
    assert not at.exception, texts(at)
    count = len(preview(list(SAMPLE.paths), first_day, LAST_DAY, doc_type="receipt").entries)
    assert count >= 1000
    assert {m.label: m.value for m in at.metric}["Documents"] == f"{count:,}"
    assert any(f"of {count:,} documents" in c.value for c in at.caption), texts(at)


def test_an_upload_is_listed_shown_and_saved_once(workbench_env, tmp_path):
    """The upload is listed and shown, and the next runs of the page save nothing again."""
    at, day_file = klcc_day_uploaded(tmp_path)
    listed = at.selectbox(key="pv_upload")
    assert len(listed.options) == 1 and day_file.name in listed.format_func(listed.value)
    assert at.multiselect[0].value == ["KLCC"]

    at.radio[1].set_value("Sales Receipt").run()  # another run of the page
    assert not at.exception, texts(at)
    assert at.multiselect[0].value == ["KLCC"]
    batches = list((load_config().home / "uploads" / "batches").glob("*.json"))
    assert len(batches) == 1  # saved once
    at.file_uploader[0].set_value((day_file.name, day_file.read_bytes(), "text/csv")).run()
    assert len(at.selectbox(key="pv_upload").options) == 1  # the same file again: one upload


def _numbers(values) -> list[float]:
    """A Plotly array as numbers: a plain list, or typed bytes ({"dtype", "bdata"})."""
    if isinstance(values, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"]).tolist()
    return list(values)


def test_the_chart_stacks_each_categorys_sales_per_outlet(workbench_env):
    import json

    at = open_page("preview_send")
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    assert spec["layout"]["barmode"] == "stack"
    assert "Sales by outlet and category" in spec["layout"]["title"]["text"]
    shown = {
        (outlet, bar["name"]): round(amount, 2)
        for bar in spec["data"]
        for outlet, amount in zip(bar["x"], _numbers(bar["y"]), strict=True)
    }
    expected = services.sales_by_outlet_category(preview(list(SAMPLE.paths), LAST_DAY).day_totals)
    assert shown == {(o, c): float(a) for o, c, a in expected}
