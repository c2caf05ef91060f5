"""posbooks workbench: Streamlit entry point.

Opens the workbench once per process (config, store, local sandbox), finishes a
QuickBooks OAuth callback before any page runs (it arrives in a new browser session,
so the ``state`` is checked server-side in the store), then runs the chosen page.
"""

from __future__ import annotations

import os

import streamlit as st
from posbooks import services
from posbooks.app.format import md_escape

st.set_page_config(page_title="posbooks", page_icon=":ledger:", layout="wide")

# Settings the configuration reads: a change (another POSBOOKS_HOME) opens another workbench.
_CONFIG_ENV = (
    "POSBOOKS_HOME",
    "POSBOOKS_SANDBOX_URL",
    "QBO_CLIENT_ID",
    "QBO_ENVIRONMENT",
    "QBO_REDIRECT_URI",
)


@st.cache_resource(show_spinner="Starting the local QuickBooks sandbox ...")
def _workbench(fingerprint: tuple) -> services.Workbench:
    return services.open_workbench()


try:
    workbench = _workbench(tuple(os.environ.get(name, "") for name in _CONFIG_ENV))
except services.StartupError as exc:
    st.error(md_escape(exc))
    st.stop()
st.session_state["workbench"] = workbench

params = st.query_params.to_dict()
if "state" in params or "error" in params:
    # Codes are single use: clear them whatever happened, so a reload does not replay one.
    st.session_state["connect_result"] = services.finish_connect(workbench, params)
    st.query_params.clear()

pages = [
    st.Page("pages/connect.py", title="Connect", icon=":material/link:", default=True),
    st.Page("pages/mapping.py", title="Mapping", icon=":material/account_tree:"),
    st.Page("pages/preview_send.py", title="Preview & Send", icon=":material/send:"),
    st.Page("pages/history.py", title="History", icon=":material/history:"),
]
st.navigation(pages).run()
