"""Connect: the QuickBooks connection, its token health, connect and disconnect."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st
from posbooks import services
from posbooks.app.format import md_escape, relative_time, same_tab_link

if "workbench" not in st.session_state:  # a bookmarked page opened before app.py first ran
    st.switch_page("app.py")
wb: services.Workbench = st.session_state["workbench"]
st.title("Connect to QuickBooks")

result = st.session_state.pop("connect_result", None)
status = services.connection(wb)
now = datetime.now(UTC)
healthy = status.connected and not status.reconnect_needed
if result is not None and not result.ok and healthy:
    # an old or already used sign-in link, opened while connected: nothing is wrong
    st.info(
        "This sign-in link was old or already used, so nothing changed: posbooks is still "
        f"connected to {md_escape(status.company_name or status.realm_id)}."
    )
elif result is not None:
    (st.success if result.ok else st.error)(md_escape(result.message))


def _code(text: str) -> str:
    """Text for a Markdown code span (no autolink, no markup); backticks cannot end it early."""
    return str(text).replace("`", "'")


if wb.config.is_local:
    login = wb.demo_login or {}
    st.info(
        "posbooks is using the **local QuickBooks sandbox**: a practice company on this "
        "machine, no Intuit account or internet needed. Sign in on its page with "
        f"`{_code(login.get('username', ''))}` / `{_code(login.get('password', ''))}`."
    )

if healthy:
    if result is None or not result.ok:  # the callback's own message already said so
        st.success(f"Connected to **{md_escape(status.company_name or status.realm_id)}**.")
    st.page_link("pages/mapping.py", label="Next: Mapping", icon=":material/arrow_forward:")
elif status.reconnect_needed:
    st.error(
        "QuickBooks no longer accepts this connection (the authorization expired or was "
        "revoked). Nothing can be sent until you reconnect: click **Connect to QuickBooks**. "
        + md_escape(status.message)
    )
else:
    st.warning("Not connected. Connect to QuickBooks to send the day's sales.")

rows = [
    ("Company", status.company_name or "-"),
    ("Environment", wb.config.environment_label),
    ("Company ID (realm)", status.realm_id or "-"),
    (
        "Access token",
        f"expires {relative_time(status.access_expires_at, now)}"
        if status.access_expires_at
        else "-",
    ),
    (
        "Refresh token",
        f"obtained {relative_time(status.refresh_obtained_at, now)}, "
        f"expires {relative_time(status.refresh_expires_at, now)}"
        if status.refresh_obtained_at
        else "-",
    ),
    ("Reconnect needed", "yes" if status.reconnect_needed else "no"),
]
st.table(
    {"": [r[0] for r in rows], "Status": [md_escape(r[1]) for r in rows]}
)  # cells are Markdown

if not status.connected or status.reconnect_needed:
    # One authorization URL per visit: each carries a fresh single-use state (10 minutes).
    url, made = st.session_state.get("connect_url", ("", now))
    if not url or (now - made).total_seconds() > 300:
        url = services.connect_url(wb)
        st.session_state["connect_url"] = (url, now)
    st.link_button("Connect to QuickBooks", url, type="primary")
    st.markdown(
        "Or " + same_tab_link(url, "connect in this tab") + " (QuickBooks sends you back here).",
        unsafe_allow_html=True,
    )
    st.caption(
        "Connected in the new tab? This page updates by itself within a few seconds; you "
        "can close the other tab. "
        "If QuickBooks said no: choosing Cancel on its consent page connects nothing; "
        "a link older than 10 minutes or used twice is refused: click Connect again. "
        "A connection QuickBooks revoked needs a fresh Connect."
    )
else:
    with st.expander("Disconnect"):
        st.write(
            "Disconnecting revokes posbooks' access at QuickBooks. Documents already sent "
            "stay in QuickBooks and in History."
        )
        sure = st.checkbox("Yes, disconnect from this company")
        if st.button("Disconnect", disabled=not sure):
            try:
                services.disconnect(wb)
                st.session_state.pop("connect_url", None)
            except services.WorkbenchError as exc:
                st.error(md_escape(exc))
            else:
                st.session_state["connect_result"] = services.ConnectResult(
                    True, "Disconnected. Connect again whenever you are ready."
                )
                st.rerun()


if not healthy:

    @st.fragment(run_every="3s")
    def _wait_for_connection() -> None:
        """Connect opens QuickBooks in a new tab: this tab follows once it connected."""
        if services.connection(wb).connected:
            st.rerun()  # the whole page: Connected, and Next: Mapping

    _wait_for_connection()
