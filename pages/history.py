"""History: every document posbooks sent to QuickBooks (the posting ledger)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from posbooks import services
from posbooks import ui_history as uh
from posbooks.ui_format import md_escape

if "workbench" not in st.session_state:  # a bookmarked page opened before app.py first ran
    st.switch_page("app.py")
wb: services.Workbench = st.session_state["workbench"]
st.title("History")
st.caption("Every document posbooks sent, from its own ledger. Newest first.")

rows = uh.history_rows(services.history(wb), services.document_link_maker(wb))
if not rows:
    st.info("Nothing was sent yet. Preview a day on Preview & Send, then send it.")
    st.stop()

c1, c2, c3, c4 = st.columns(4)
outlets = c1.multiselect("Outlet", sorted({r["Outlet"] for r in rows}))
types = c2.multiselect("Type", sorted({r["Type"] for r in rows}))
statuses = c3.multiselect("Status", sorted({r["Status"] for r in rows}))
days = sorted({r["Business date"] for r in rows})
period = c4.date_input(
    "Business dates", value=(days[0], days[-1]), min_value=days[0], max_value=days[-1]
)
shown = uh.filter_rows(rows, outlets=outlets, types=types, statuses=statuses, period=period)

latest = rows[0]
st.markdown(
    f"Most recent: **{md_escape(latest['Type'])} {md_escape(latest['DocNumber'])}** for "
    f"{md_escape(latest['Outlet'])} on {latest['Business date']:%a %d %b %Y} "
    f"({md_escape(latest['Status'])})."
)
st.dataframe(
    pd.DataFrame(shown),
    hide_index=True,
    width="stretch",
    column_config={"Open": st.column_config.LinkColumn("Open", display_text="Open in QuickBooks")},
)
st.caption(f"{len(shown)} of {len(rows)} documents shown.")
