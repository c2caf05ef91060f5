"""Preview & Send: a period's journal entries or sales receipts, checked, then sent."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from posbooks import services
from posbooks.app import columns as uc
from posbooks.app import mapping as um
from posbooks.app import preview as up
from posbooks.app import state as keep_state
from posbooks.app.format import date_label, md_escape, money

if "workbench" not in st.session_state:  # a bookmarked page opened before app.py first ran
    st.switch_page("app.py")
wb: services.Workbench = st.session_state["workbench"]
st.title("Preview & Send")

# --- data source ------------------------------------------------------------------------
ss = st.session_state
pending_send = ss.pop("pv_send", None)  # what was on screen when Send was pressed
SAMPLE, UPLOADED = "Sample data", "Uploaded POS exports"
uploads = services.list_uploads(wb)
upload_ids = [u.id for u in uploads]


def _save_new_upload() -> None:
    files = ss.get("pv_files") or []
    if files:  # the new files become the upload shown; the list keeps the earlier ones
        saved = services.save_uploads(wb, [(f.name, f.getvalue()) for f in files])
        ss["pv_upload"] = saved.upload_id


def _delete_upload() -> None:
    services.delete_upload(wb, ss.get("pv_upload", ""))
    keep_state.forget(ss, "pv_upload")


keep_state.restore(ss, "pv_kind", SAMPLE, lambda v: v if v in (SAMPLE, UPLOADED) else None)
kind = st.radio("Data source", [SAMPLE, UPLOADED], horizontal=True, key="pv_kind")
if kind == SAMPLE:
    source = services.sample_source()
else:
    st.file_uploader(
        "Add POS exports (CSV, Parquet or Excel; several files at once)",
        type=["csv", "parquet", "xlsx"],
        accept_multiple_files=True,
        key="pv_files",
        on_change=_save_new_upload,
    )
    uploads = services.list_uploads(wb)  # with the one just added
    upload_ids = [u.id for u in uploads]
    if not uploads:
        st.info("Upload one or more POS export files to preview them.")
        st.stop()
    names = {u.id: up.upload_label(u) for u in uploads}
    keep_state.restore(ss, "pv_upload", upload_ids[0], lambda v: v if v in names else None)
    # One row: the button as wide as its label (a 1/6 column clipped it at 1280 px).
    row = st.container(horizontal=True, vertical_alignment="bottom")
    chosen = row.selectbox("Upload", upload_ids, format_func=names.get, key="pv_upload")
    row.button("Delete this upload", on_click=_delete_upload, help=up.UPLOAD_RETENTION)
    source = services.upload_source(wb, chosen)
    if source is None:  # deleted in another tab meanwhile
        st.rerun()
ss["data_source"] = source  # the Mapping page lists this source's amounts

with st.spinner("Checking the POS export ..."):
    summary = services.summarize_source(source)
if not summary.ok:
    st.error(
        "The POS export was rejected, so nothing can be previewed or sent. "
        "Fix these problems in the file and upload it again:"
    )
    st.dataframe(
        pd.DataFrame(up.problem_rows(summary.problems)),
        hide_index=True,
        width="stretch",
        column_config={"Problem": st.column_config.TextColumn(width="large")},
    )
    st.button(
        "Send to QuickBooks",
        type="primary",
        disabled=True,
        help="The POS export was rejected: fix the problems above and upload it again.",
    )
    # --- map the columns of a file no POS preset recognises (issue 11) --------------------
    for unmapped in services.unmapped_files(wb, source)[:1]:  # one file at a time
        with st.expander(f"Map this file's columns: {md_escape(unmapped.name)}", expanded=True):
            st.caption(
                "Say which column holds what: a line kind and an amount column (one row per "
                "line), or one amount column per kind (one row per receipt). Saved, the "
                "mapping reads every upload with this header."
            )
            headers, chosen = [uc.NONE, *unmapped.headers], {}
            grid = st.columns(4)
            for i, (role, role_label) in enumerate(services.COLUMN_ROLES.items()):
                at = uc.start_index(headers, unmapped.columns.get(role))
                chosen[role] = grid[i % 4].selectbox(role_label, headers, index=at,
                                                     key=f"colmap_role_{role}")  # fmt: skip
            paid = st.multiselect("Payment amount columns, one per method (named as the column)",
                                  unmapped.headers, uc.payment_columns(unmapped.columns),
                                  key="colmap_payments")  # fmt: skip
            words = {}
            if chosen["line_type"] != uc.NONE:
                st.markdown("**What each word of the line kind column means**")
                kinds, grid = [uc.NONE, *services.line_type_choices()], st.columns(4)
                found = services.column_words(source, unmapped.name, chosen["line_type"])
                for i, word in enumerate(found):
                    at = uc.start_index(kinds, unmapped.words.get(word) or word.lower())
                    words[word] = grid[i % 4].selectbox(f"'{md_escape(word)}' is", kinds,
                                                        index=at, key=f"colmap_word_{word}")  # fmt: skip
            f1, f2, f3 = st.columns(3)
            fixed_outlet = f1.text_input("Outlet (when no outlet column)", unmapped.outlet,
                                         key="colmap_fixed_outlet")  # fmt: skip
            clearing = f2.text_input("Clearing payment method (when no payment column)",
                                     unmapped.clearing_method, key="colmap_clearing_method")  # fmt: skip
            name = f3.text_input("Name of this mapping",
                                 unmapped.mapping_name or unmapped.name.rsplit(".", 1)[0],
                                 key="colmap_mapping_name")  # fmt: skip
            mapped = dict(columns=uc.columns_from_choices(chosen, paid),
                          line_type_values=uc.words_from_choices(words),
                          outlet=fixed_outlet, clearing_method=clearing, name=name)  # fmt: skip
            trial = services.preview_column_mapping(wb, source, [unmapped.name], **mapped)
            for wrong in trial.wrong:
                st.info("To preview: " + md_escape(wrong))
            if not trial.wrong:
                rows, bad = uc.preview_rows(trial.lines, trial.problems)
                marks = ["background-color: #fde2e1; font-weight: 600" if b else "" for b in bad]
                if rows:
                    st.caption(f"The first {len(rows)} converted lines (problems shaded):")
                    st.dataframe(pd.DataFrame(rows).style.apply(lambda _c, m=marks: m),
                                 hide_index=True, width="stretch", height="content",
                                 column_config={"Problem": st.column_config.TextColumn(
                                     width="large")})  # fmt: skip
                if trial.problems:
                    st.error(f"This mapping gives {len(trial.problems)} problem(s):")
                    st.dataframe(pd.DataFrame(up.problem_rows(trial.problems)),
                                 hide_index=True, width="stretch")  # fmt: skip
                elif rows:
                    st.success("These lines convert without a problem.")
            if st.button("Save this column mapping", disabled=bool(trial.wrong)):
                try:
                    saved = services.save_column_mapping(wb, **mapped)
                except ValueError as exc:
                    st.error(md_escape(exc))
                else:
                    st.session_state["colmap_saved"] = (
                        f"Column mapping saved (source profile version {saved.version}): "
                        "uploads with this header are read through it."
                    )
                    st.rerun()
    keep_state.keep(ss, "pv_kind", "pv_upload")
    st.stop()
if saved_note := st.session_state.pop("colmap_saved", None):
    st.success(md_escape(saved_note))

for line in summary.recognised:  # e.g. "Square export: items + transactions, 31 transactions"
    st.caption(md_escape(line))

# --- what to preview ----------------------------------------------------------------------
first, last = summary.first_day, summary.last_day


def _day(value):
    return value if isinstance(value, date) and first <= value <= last else None


keep_state.restore(ss, "pv_type", "Journal Entry")
keep_state.restore(ss, "pv_from", last, _day)
# a To still on or after From is kept when From changes; else it follows From
keep_state.restore(
    ss, "pv_to", ss["pv_from"], lambda v: v if _day(v) and v >= ss["pv_from"] else None
)
# Another source (a new upload, the sample) starts with all its outlets: a few picked for
# the previous one would silently leave the new file's other outlets out of the preview.
if ss.get("pv_outlets_of") != source.paths:
    keep_state.forget(ss, "pv_outlets")
    ss["pv_outlets_of"] = source.paths
keep_state.restore(
    ss,
    "pv_outlets",
    list(summary.outlets),
    lambda v: [o for o in v if o in summary.outlets] or None if isinstance(v, list) else None,
)
c1, c2, c3, c4 = st.columns([1.6, 1.4, 1.4, 3])  # a whole date fits at 1280 px wide
doc_label = c1.radio(
    "Report type", ["Journal Entry", "Sales Receipt"], horizontal=True, key="pv_type"
)
doc_type = "journal" if doc_label == "Journal Entry" else "receipt"
limits = {"min_value": first, "max_value": last, "format": "DD/MM/YYYY"}
date_from = c2.date_input("From", key="pv_from", **limits)
date_to = c3.date_input("To", key="pv_to", **limits)
outlets = c4.multiselect("Outlets", list(summary.outlets), key="pv_outlets")
keep_state.keep(ss, "pv_kind", "pv_upload", "pv_type", "pv_from", "pv_to", "pv_outlets")
if date_to < date_from:
    st.error("The To date is before the From date: pick a To date on or after From.")
    st.stop()
if not outlets:
    st.warning("Pick at least one outlet.")
    st.stop()

request = (source, doc_type, date_from, date_to, tuple(outlets))
with st.spinner("Building the preview ..."):
    pv = services.preview_period(wb, summary, date_from, date_to, outlets, doc_type)
result = pv.result

# --- summary, chart ----------------------------------------------------------------------
days = up.period_figures(result)
m1, m2, m3, m4 = st.columns(4)
m1.metric("Documents", f"{days['documents']:,}")
currency = services.company_currency(wb)  # the company's, on every amount shown
# the currency in the label: with it in the value, the figure is cut off at 1280 px
m2.metric(f"POS sales ({currency})" if currency else "POS sales", money(days["sales"]))
m3.metric("Balanced", "yes" if days["balanced"] else "NO")
m4.metric("Tie-out to POS", "all equal" if days["tied"] else "DIFFERENCES")

# --- send: near the top, under the period's figures (the documents follow) ---------------
last_request, last_sent, stopped = st.session_state.get("last_send", (None, [], None))
if last_request == request:  # only for what is shown now
    if stopped:
        st.error(md_escape(stopped))
    outcomes = [s.outcome for s in last_sent]
    summary_line = md_escape(
        up.send_summary(outcomes, result.entries, doc_type, date_from, date_to,
                        services.company_currency(wb))
    )  # fmt: skip
    if link := services.period_link(wb, doc_type, date_from, date_to):
        summary_line += f" [See them in QuickBooks' {link[0]}]({link[1]})"
    ok_docs = [s for s in last_sent if s.ok]
    (st.success if ok_docs and len(ok_docs) == len(last_sent) else st.warning)(summary_line)
    waited = ss.get("last_send_waits")
    if waited and waited[0] == request:
        st.caption(up.waited_message(waited[1], waited[2]))
    with st.expander(f"Each document ({len(last_sent)})", expanded=False):
        for sent in ok_docs:
            o = sent.outcome
            text = md_escape(up.outcome_message(o, services.doc_label(o.doc_type, o.doc_key)))
            link_text = f" [Open in QuickBooks]({sent.url})" if sent.url else ""
            st.markdown(f":material/check_circle: {text}{link_text}")
    for sent in last_sent:  # what did not go stays in view, each with its reason
        if sent.ok:
            continue
        o = sent.outcome
        text = md_escape(up.outcome_message(o, services.doc_label(o.doc_type, o.doc_key)))
        (st.warning if o.message.startswith("not confirmed") else st.error)(text)
saved_mapping = services.saved_mapping(wb)
if um.unsaved_changes(ss.get("mapping_draft"), saved_mapping, services.current_settings(wb)):
    st.info(
        "The Mapping page has changes that are not saved: this preview and Send use the saved "
        f"mapping, version {saved_mapping.version}. Press Save Settings on Mapping to use them."
    )
for reason in pv.blockers:
    st.warning(md_escape(reason))
for note in pv.notes:
    st.info(md_escape(note))
label = (
    f"Send {up.count_documents(pv.ready, doc_type)} to QuickBooks"
    if pv.ready
    else "Send to QuickBooks"
)
st.button(
    label,
    type="primary",
    disabled=not pv.can_send,
    help=md_escape(pv.blockers[0]) if pv.blockers else None,
    on_click=lambda shown: ss.update(pv_send=shown),
    args=(request,),  # what this button says, to send nothing else
)
if pending_send is not None and pending_send != request:
    st.warning(
        "Nothing was sent: the period, report type or outlets changed as Send was pressed. "
        "The preview above now shows what Send will send; press Send again to send it."
    )
elif pending_send is not None and pv.can_send:
    bar = st.progress(0.0, text="Sending ...") if len(result.entries) > 1 else None

    def _progress(done: int, total: int, outcome: services.PostOutcome) -> None:
        if bar is not None:
            bar.progress(
                done / max(total, 1),
                text=md_escape(
                    f"{done} of {total} done: {outcome.outlet} {date_label(outcome.business_date)}"
                ),
            )

    busy, waits = st.empty(), []

    def _waiting(seconds: float, attempt: int, attempts: int, why: str) -> None:
        waits.append(seconds)  # shown now, and summed under the result
        ss["last_send_waits"] = (request, len(waits), sum(waits))
        busy.warning(up.waiting_message(seconds, attempt, attempts, why))

    ss.pop("last_send_waits", None)
    try:
        with st.spinner("Sending to QuickBooks ..."):
            sent = services.send_period(
                wb, summary, date_from, date_to, outlets, doc_type, progress=_progress,
                waiting=_waiting,
            )  # fmt: skip
            ss["last_send"] = (request, sent, None)
    except services.SendStopped as exc:  # keep what was done before QuickBooks said no
        ss["last_send"] = (request, exc.sent, str(exc))
        st.rerun()
    except services.WorkbenchError as exc:
        st.error(md_escape(exc))
    else:
        st.rerun()  # redraw the preview with the new "already in QuickBooks" marks
    if bar is not None:
        bar.empty()


# The trace's own name, not the category pasted in: a name holding %{y} stays text.
HOVER = "Category=%{fullData.name}<br>Outlet=%{x}<br>Sales=%{y}<extra></extra>"
if pv.sales:  # what px.bar(color="Category", barmode="stack") drew, built in 6 ms, not 45
    fig = go.Figure()
    for category, outlet_names, amounts in up.sales_chart_bars(pv.sales):
        fig.add_trace(go.Bar(
            name=category, x=outlet_names, y=amounts, legendgroup=category,
            hovertemplate=HOVER,
        ))  # fmt: skip
    fig.update_layout(
        barmode="stack",
        title_text=f"Sales by outlet and category, {up.period_title(date_from, date_to)}",
        xaxis_title_text="Outlet",
        yaxis_title_text="Sales",
        legend_title_text="Category",
        legend_tracegroupgap=0,
    )
    st.plotly_chart(fig, width="stretch")

# --- the documents -----------------------------------------------------------------------
RIGHT = {c: st.column_config.TextColumn(alignment="right") for c in up.NUMBER_COLUMNS}
many = len(result.entries) > 6
SHOWN = 62  # a month of two outlets; the figures above always cover the whole period
if len(result.entries) > SHOWN:
    st.caption(
        f"Showing the first {SHOWN} of {len(result.entries):,} documents; pick fewer days or "
        "outlets to see the others."
    )
for entry in result.entries[:SHOWN]:
    mark = pv.posted_mark(entry)
    title = md_escape(up.entry_title(entry, mark, currency))
    with st.expander(title, expanded=not many):
        if mark == "unchanged":
            st.info("Already in QuickBooks, unchanged: Send leaves it as it is.")
        elif mark == "changed":
            st.warning(
                "Already in QuickBooks, but the POS data or the mapping changed since "
                "it was sent. Send will not post it twice; see History."
            )
        if refusal := pv.last_refusal(entry):
            st.warning("Not in QuickBooks: the last send failed. " + md_escape(refusal))
        if (why := pv.skip_reason(entry)) and not entry.blocked:
            st.warning("Send skips it: " + md_escape(why))
        st.dataframe(
            pd.DataFrame(up.entry_rows(entry)),
            hide_index=True,
            width="stretch",
            height="content",
            column_config=RIGHT,
        )
        ok, check = up.entry_check(entry)
        icon = ":material/check_circle:" if ok else ":material/error:"
        st.markdown(f"{icon} {md_escape(check)}")
        if problems := up.grouped_problems(entry.issues):  # one list, not a wall of boxes
            st.error(problems)
        for issue in entry.issues:
            if not issue.blocking:
                st.caption(md_escape(issue.message))

with st.expander("Tie-out to POS totals"):
    st.dataframe(
        pd.DataFrame(up.tieout_rows(result)), hide_index=True, width="stretch", column_config=RIGHT
    )
    if export_rows := up.export_tie_rows(result):
        st.caption("Each day against the POS export's own total:")
        st.dataframe(pd.DataFrame(export_rows), hide_index=True, width="stretch")
for issue in up.period_issues(result):
    (st.error if issue.blocking else st.info)(md_escape(issue.message))

st.caption(
    f"Business days in this data: {date_label(summary.first_day)} to "
    f"{date_label(summary.last_day)}."
)
