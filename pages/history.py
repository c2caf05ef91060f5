"""History: every document posbooks sent to QuickBooks (the posting ledger)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st
from posbooks import services
from posbooks.app import history as uh
from posbooks.app import preview as up
from posbooks.app import reconcile as ur
from posbooks.app.format import for_people, md_escape

if "workbench" not in st.session_state:  # a bookmarked page opened before app.py first ran
    st.switch_page("app.py")
wb: services.Workbench = st.session_state["workbench"]
st.title("History")
st.caption("Every document posbooks sent, from its own ledger. Newest first.")

rows = uh.history_rows(
    services.history(wb), services.document_link_maker(wb), services.company_currency(wb)
)


def show_ledger() -> None:
    """The ledger table with its filters and the most recent document."""
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1.6])  # a whole date range fits at 1280 px
    outlets = c1.multiselect("Outlet", sorted({r["Outlet"] for r in rows}))
    types = c2.multiselect("Type", sorted({r["Type"] for r in rows}))
    statuses = c3.multiselect("Status", sorted({r["Status"] for r in rows}))
    days = sorted({r["Business date"] for r in rows})
    period = c4.date_input(
        "Business dates", value=(days[0], days[-1]), min_value=days[0], max_value=days[-1]
    )
    shown = uh.filter_rows(rows, outlets=outlets, types=types, statuses=statuses, period=period)

    latest = (shown or rows)[0]  # the most recent of what the filters show
    st.markdown(
        f"Most recent: **{md_escape(latest['Type'])} {md_escape(latest['DocNumber'])}** for "
        f"{md_escape(latest['Outlet'])} on {latest['Business date']:%a %d %b %Y} "
        f"— {md_escape(latest['Status'])}."
    )
    st.dataframe(
        pd.DataFrame(shown),
        hide_index=True,
        width="stretch",
        column_config={
            "Type": st.column_config.TextColumn(width=190),  # "Sales Receipt (Visa/Master)"
            "DocNumber": st.column_config.TextColumn(width=150),  # 20 characters, whole
            "Status": st.column_config.TextColumn(width=200),  # the longest status, whole
            "Open": st.column_config.LinkColumn("Open", display_text="Open in QuickBooks"),
        },
    )
    st.caption(f"{len(shown)} of {len(rows)} documents shown.")
    if why := uh.why_not_in_quickbooks(shown):  # the Message column starts off-screen
        st.warning(why)


if rows:
    show_ledger()
else:
    st.info(uh.NOTHING_SENT)

# --- reconciliation: POS now vs sent vs QuickBooks now ----------------------------------
st.header("Reconcile with QuickBooks and the POS")
st.caption(
    "Per day, outlet and document: what the POS export says now, what posbooks sent, and "
    "what QuickBooks holds now, line by line."
)
connection = services.connection(wb)
if not connection.connected:  # QuickBooks cannot be asked: say why and what to do
    st.info(
        uh.reconcile_unavailable(
            anything_sent=bool(rows), reconnect_needed=connection.reconnect_needed
        )
    )
    st.stop()
source = st.session_state.get("data_source") or services.sample_source()
summary = services.summarize_source(source)
if not summary.ok:
    st.error(
        f"{md_escape(source.label)}: the POS export was rejected; fix it on Preview & Send first."
    )
    st.stop()
for line in summary.recognised:  # what POS export this is, as Preview says it
    st.caption(md_escape(line))
sent_days = sorted({r["Business date"] for r in rows}) or [summary.last_day]
first_type = "journal"  # the document type the reconcile controls open on


def look_in_quickbooks(scan_key: tuple) -> None:
    """Before the first send: documents QuickBooks holds that look like posbooks' own."""
    found = services.found_in_quickbooks(wb, summary.first_day, summary.last_day)
    st.session_state["found_in_quickbooks"] = (scan_key, found)


if not rows:
    scan_key = (source, connection.realm_id, summary.first_day, summary.last_day)
    scanned = st.session_state.get("found_in_quickbooks")
    if not scanned or scanned[0] != scan_key:
        try:
            with st.spinner("Looking in QuickBooks for documents posbooks recognises ..."):
                look_in_quickbooks(scan_key)
        except services.WorkbenchError as exc:
            st.error(md_escape(exc))
            st.stop()
    found = st.session_state["found_in_quickbooks"][1]
    (st.warning if found else st.info)(uh.found_message(found, summary.first_day, summary.last_day))
    if found:
        st.dataframe(
            pd.DataFrame(uh.found_rows(found)),
            hide_index=True,
            width="stretch",
            column_config={"QuickBooks now": st.column_config.TextColumn(alignment="right")},
        )
        sent_days = sorted({c.business_date for c in found})
        first_type = found[0].doc_type
    st.button(
        "Look in QuickBooks again",
        on_click=lambda: st.session_state.pop("found_in_quickbooks", None),
        help="posbooks looked once for this session; look again after a change in QuickBooks.",
    )

r1, r2, r3, r4 = st.columns([1.6, 1.4, 1.4, 3])  # whole dates at 1280 px
rec_type = r1.radio(
    "Documents", ["Journal Entry", "Sales Receipt"], horizontal=True, key="rec_type",
    index=int(first_type == "receipt"),
)  # fmt: skip
limits = {"min_value": summary.first_day, "max_value": summary.last_day}
rec_from = r2.date_input(
    "From", value=max(sent_days[0], summary.first_day), key="rec_from", **limits
)
rec_to = r3.date_input("To", value=min(sent_days[-1], summary.last_day), key="rec_to", **limits)
rec_outlets = r4.multiselect("Outlets", list(summary.outlets), key="rec_outlets")
request = (source, rec_type, rec_from, rec_to, tuple(rec_outlets))
st.caption(f"POS data: {md_escape(source.label)}")


def run_reconciliation() -> None:
    doc_type = "journal" if rec_type == "Journal Entry" else "receipt"
    with st.spinner("Asking QuickBooks ..."):
        result = services.reconcile_period(wb, source, rec_from, rec_to, rec_outlets, doc_type)
    st.session_state["reconciliation"] = (request, result)


if st.button("Reconcile", type="primary", disabled=rec_to < rec_from):
    try:
        run_reconciliation()
    except services.WorkbenchError as exc:
        st.error(md_escape(exc))
        st.stop()
saved = st.session_state.get("reconciliation")
if not saved or saved[0] != request:
    st.info("Pick a period and press Reconcile.")
    st.stop()
result = saved[1]
if "reconcile_message" in st.session_state:
    st.success(md_escape(st.session_state.pop("reconcile_message")))
if not result.documents:
    st.info("No documents in this period: the POS has no receipts and nothing was sent.")
    st.stop()

st.markdown(ur.count_badges(result.documents))
f1, f2 = st.columns(2)
show_outlets = f1.multiselect("Show outlets", sorted({c.outlet for c in result.documents}))
show_status = f2.multiselect("Show statuses", sorted({c.label for c in result.documents}))
checks = ur.filter_checks(result.documents, outlets=show_outlets, statuses=show_status)
st.dataframe(pd.DataFrame(ur.document_rows(checks)), hide_index=True, width="stretch")
st.download_button(
    "Download CSV",
    services.reconcile_csv(result),
    file_name=f"reconciliation_{result.date_from}_{result.date_to}.csv",
    mime="text/csv",
)
# --- each day against the POS export's own total (issue 11), as Preview shows it ----------
if export_rows := up.export_tie_rows(result):
    with st.expander("Tie-out to the POS export's own totals", expanded=True):
        st.caption("Each day booked against the total the POS export states itself:")
        st.dataframe(pd.DataFrame(export_rows), hide_index=True, width="stretch")

c1, c2 = st.columns(2)
daily = pd.DataFrame(ur.daily_chart_rows(result.documents))  # floats for the chart only
daily_chart = px.bar(
    daily, x="Business date", y="Total", color="Source", barmode="group",
    title="Daily total: POS now vs sent vs QuickBooks now",
    color_discrete_map=ur.SOURCE_COLORS, category_orders={"Source": list(ur.SOURCE_COLORS)},
)  # fmt: skip
c1.plotly_chart(daily_chart, width="stretch")
statuses = pd.DataFrame(ur.status_chart_rows(result.documents))
status_chart = px.bar(
    statuses, x="Business date", y="Documents", color="Status", title="Status over time",
    color_discrete_map=ur.STATUS_COLORS,
)  # fmt: skip
c2.plotly_chart(status_chart, width="stretch")

# --- drill-down and actions ---------------------------------------------------------------
st.subheader("One document, line by line")
order = sorted(checks, key=lambda c: (c.status in ("matched", "adjusted"), c.business_date))
if not order:
    st.stop()
by_number = {c.doc_number: c for c in order}
chosen = st.selectbox(
    "Document", list(by_number), format_func=lambda n: ur.choice_label(by_number[n]),
    key="rec_document",
)  # fmt: skip
check = by_number[chosen]
main, details = for_people(check.message)
st.markdown(f"{ur.badge(check.status)} {md_escape(main)}")
if details:
    with st.expander("Details"):
        st.markdown(md_escape(details))
lines = pd.DataFrame(ur.line_rows(check))
if len(lines):
    st.dataframe(
        lines.style.apply(
            lambda row: ["background-color: #fde2e1" if row["Differs"] else ""] * len(row), axis=1
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption("Debits positive, credits negative. Lines that differ are highlighted.")

actions = ur.actions_for(check)
if not actions:
    st.stop()
labels = dict(actions)
action = st.radio("What to do", list(labels), format_func=labels.get, key="rec_action")
who, why, txn_date = "", "", None
if action == "accept":
    who = st.text_input("Your name", key="rec_who")
    why = st.text_input("Why this difference is accepted", key="rec_why")
elif action == "adjust":
    txn_date = st.date_input(
        "Date of the adjusting entry", value=check.business_date, key="rec_date"
    )
    why = st.text_input("Reason (goes in its private note)", key="rec_reason")
sure = st.checkbox(ur.confirmation(labels[action], check.doc_number), key="rec_confirm")
if st.button(labels[action], disabled=not sure, key="rec_do"):
    try:
        message = services.apply_reconcile_action(
            wb, check, action, source=source, who=who, why=why, txn_date=txn_date
        )
        run_reconciliation()
    except services.WorkbenchError as exc:
        st.error(md_escape(exc))
    else:
        st.session_state["reconcile_message"] = message
        st.session_state.pop("rec_confirm", None)
        st.rerun()
