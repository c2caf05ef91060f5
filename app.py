"""posbooks workbench: Streamlit entry point.

Served beyond loopback, it first requires sign-in (``st.login``; ``posbooks.app.signin``)
and refuses to run without it. Opens the workbench once per process (config, store, local sandbox), finishes a
QuickBooks OAuth callback before any page runs (it arrives in a new browser session,
so the ``state`` is checked server-side in the store), then runs the chosen page.
"""

from __future__ import annotations

import importlib.util
import os

import streamlit as st
from posbooks import services
from posbooks.app import signin
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


def _secret(name: str, default=None):
    """A value of .streamlit/secrets.toml, or ``default`` when there is no such file."""
    try:
        value = st.secrets.get(name, default)
    except Exception:  # noqa: BLE001 - no secrets file: nothing configured
        return default
    return value.to_dict() if hasattr(value, "to_dict") else value


def _setting(name: str) -> str:
    return os.environ.get(name) or str(_secret(name, "") or "")


def _only(show) -> None:
    """Run ``show`` as the one page, with no page list (no other page can run), and stop."""
    st.navigation([st.Page(show, title="posbooks", default=True)], position="hidden").run()
    st.stop()


def _require_sign_in() -> None:
    """Beyond loopback: stop here unless an allowed user is signed in (nothing opened yet)."""
    gate = signin.sign_in_gate(
        st.get_option("server.address"),
        require=_setting("POSBOOKS_REQUIRE_SIGN_IN"),
        auth=_secret("auth"),
        authlib_installed=importlib.util.find_spec("authlib") is not None,
    )
    if not gate.required:
        return

    def refused() -> None:
        st.error(md_escape(gate.problem))

    def sign_in() -> None:
        st.title("posbooks")
        st.info("This workbench posts to your QuickBooks company: sign in to use it.")
        st.button("Sign in", type="primary", on_click=st.login, args=(gate.provider,))

    if gate.problem:
        _only(refused)
    if not st.user.get("is_logged_in", False):  # absent, not False, under AppTest
        _only(sign_in)
    user = st.user.to_dict()
    st.sidebar.caption(f"Signed in as {md_escape(signin.user_label(user))}")
    st.sidebar.button("Sign out", on_click=st.logout)
    if not signin.is_allowed(user, signin.allowed_users(_setting("POSBOOKS_ALLOWED_USERS"))):

        def not_allowed() -> None:
            st.error(
                md_escape(
                    f"{signin.user_label(user)} is not allowed to use this workbench "
                    "(POSBOOKS_ALLOWED_USERS). Sign out and sign in as another user."
                )
            )

        _only(not_allowed)


_require_sign_in()

pages = [
    st.Page("pages/connect.py", title="Connect", icon=":material/link:", default=True),
    st.Page("pages/mapping.py", title="Mapping", icon=":material/account_tree:"),
    st.Page("pages/preview_send.py", title="Preview & Send", icon=":material/send:"),
    st.Page("pages/history.py", title="History", icon=":material/history:"),
]
# the navigation's titles from the first paint (after the sign-in gate, which has its own), before the sandbox starts behind a spinner
page = st.navigation(pages)


@st.cache_resource(show_spinner="Starting the local QuickBooks sandbox ...")
def _workbench(fingerprint: tuple) -> services.Workbench:
    return services.open_workbench()


try:
    workbench = _workbench(tuple(os.environ.get(name, "") for name in _CONFIG_ENV))
except services.StartupError as exc:
    st.error(md_escape(exc))
    st.stop()
st.session_state["workbench"] = workbench
for warning in services.home_warnings(workbench):
    st.warning(md_escape(warning))

params = st.query_params.to_dict()
if "state" in params or "error" in params:
    # Codes are single use: clear them whatever happened, so a reload does not replay one.
    st.session_state["connect_result"] = services.finish_connect(workbench, params)
    st.query_params.clear()

page.run()
