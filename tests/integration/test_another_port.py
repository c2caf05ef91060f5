"""A workbench on another port connects to a sandbox the CLI (or another workbench) started.

That sandbox knows the redirect URIs of its own start (port 8501, the CLI's 8599): the
app on port 8611 used to end on "redirect_uri ... is not registered" with no way back.
posbooks now asks a running local sandbox to allow its loopback redirect URI.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests
from posbooks.qbo import auth
from posbooks.qbo.local import ensure_local_sandbox
from posbooks.state.store import Store
from qbo_sandbox.autoapprove import approve_authorization
from test_connection import local_config

OTHER_PORT = "http://127.0.0.1:8611/"


def test_an_app_on_another_port_can_sign_in_to_a_running_sandbox(fresh_sandbox, tmp_path):
    assert OTHER_PORT not in fresh_sandbox.redirect_uris
    config = local_config(fresh_sandbox, tmp_path / "home", redirect_uri=OTHER_PORT)
    store = Store(config.home)
    assert not ensure_local_sandbox(config).started  # it was running: found, not started

    url = auth.start_authorization(config, store)
    login = fresh_sandbox.demo_login
    final = approve_authorization(url, login["username"], login["password"])
    assert final.startswith(OTHER_PORT)  # back to this app, not an error page
    assert "code" in parse_qs(urlsplit(final).query)


def test_only_loopback_redirects_can_be_added(fresh_sandbox):
    add = f"{fresh_sandbox.base_url}/_sandbox/redirect_uris"
    client = fresh_sandbox.client_id
    evil = requests.post(add, json={"client_id": client, "redirect_uri": "https://evil.example/cb"},
                         timeout=5)  # fmt: skip
    assert evil.status_code == 400
    unknown = requests.post(
        add, json={"client_id": "nobody", "redirect_uri": OTHER_PORT}, timeout=5
    )
    assert unknown.status_code == 404
    form = requests.post(add, data={"client_id": client, "redirect_uri": OTHER_PORT}, timeout=5)
    assert form.status_code in (400, 403, 415)  # not JSON: refused like every admin call
