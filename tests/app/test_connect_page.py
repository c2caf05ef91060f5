"""Connect page: status, the Connect link, and the OAuth callback handled by app.py."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from workbench_helpers import callback_params, connect_through_app, new_session, texts


def test_disconnected_page_offers_connect_without_any_secret(workbench_env):
    at = new_session().run()
    assert not at.exception
    assert "Not connected" in texts(at)
    assert "local QuickBooks sandbox" in texts(at)
    assert "demo@posbooks.local" in texts(at)  # the demo login is shown in local mode
    url = at.get("link_button")[0].proto.url
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == ["posbooks-demo"]
    assert query["state"] and query["redirect_uri"] and query["scope"]
    assert "secret" not in url.lower()
    assert any('target="_self"' in m.value for m in at.markdown)  # same-tab link offered


def test_good_callback_connects_and_clears_the_query(workbench_env):
    at = connect_through_app(workbench_env)
    assert not at.exception
    assert "Connected to Nasi & Co Restaurant Group (sandbox)." in texts(at)
    assert not dict(at.query_params)  # the single-use code is gone from the address bar
    # the status table shows the company and token health, never a token
    table = at.table[0].value
    shown = " ".join(map(str, table.to_numpy().ravel()))
    assert "Nasi \\& Co" in shown  # st.table cells are Markdown: QuickBooks' names escaped
    shown = shown.replace("\\", "").replace("\u2060", "")
    assert "Nasi & Co Restaurant Group (sandbox)" in shown
    assert "expires in" in shown
    assert workbench_env.realm_id in shown


def test_bad_state_is_refused_and_nothing_is_connected(workbench_env):
    url = new_session().run().get("link_button")[0].proto.url
    params = callback_params(url, workbench_env)
    params["state"] = "forged-state"
    at = new_session()
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert at.error, "a forged state must show an error"
    assert "Not connected" in texts(at)


def test_a_reused_code_is_refused_and_said_calmly_while_connected(workbench_env):
    url = new_session().run().get("link_button")[0].proto.url
    params = callback_params(url, workbench_env)
    first = new_session()
    second = new_session()
    for key, value in params.items():
        first.query_params[key] = value
        second.query_params[key] = value
    first.run()
    assert first.success
    assert "Next: Mapping" in str(first.get("page_link")[0].proto)  # Connect leads on
    second.run()  # the same callback again, e.g. a reload or the browser's history
    assert not second.exception
    # refused (nothing changed), but the bookkeeper is connected: information, not an error
    assert not second.error, texts(second)
    assert "old or already used, so nothing changed" in texts(second)


def test_declined_consent_says_so_in_plain_words(workbench_env):
    url = new_session().run().get("link_button")[0].proto.url
    state = parse_qs(urlsplit(url).query)["state"][0]
    at = new_session()
    at.query_params["error"] = "access_denied"
    at.query_params["state"] = state
    at.run()
    assert "You chose Cancel" in texts(at)
    assert "Not connected" in texts(at)
