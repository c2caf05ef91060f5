"""posbooks workbench: Streamlit entry point."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="posbooks", page_icon=":ledger:", layout="wide")

pg = st.navigation([st.Page("pages/home.py", title="Home", default=True)])
pg.run()
