"""Served beyond loopback, the workbench asks for sign-in first, or refuses to start.

Streamlit's ``server.address`` is set as ``streamlit run --server.address 0.0.0.0`` would
set it; nothing is bound (AppTest runs the script in-process). The sign-in round trip with
a real OpenID provider is tests/e2e/test_sign_in.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit import config
from workbench_helpers import new_session, texts

AUTH = {
    "redirect_uri": "https://books.example.com/oauth2callback",
    "cookie_secret": "x" * 40,
    "client_id": "posbooks-workbench",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://login.example.com/.well-known/openid-configuration",
}


@pytest.fixture
def beyond_loopback(workbench_env, tmp_path, monkeypatch) -> Iterator[None]:
    monkeypatch.delenv("POSBOOKS_REQUIRE_SIGN_IN", raising=False)
    saved = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", saved)


def _nothing_opened(at, tmp_path) -> None:
    assert "workbench" not in at.session_state
    assert not (tmp_path / "home").exists()  # no store, no key, no sandbox started
    assert "Connect to QuickBooks" not in [t.value for t in at.title]


def test_without_sign_in_configured_it_refuses_to_start_and_says_why(beyond_loopback, tmp_path):
    at = new_session().run()
    assert not at.exception
    shown = texts(at)
    assert "posbooks will not start" in shown
    assert "served on 0.0.0.0, beyond this computer, so it needs sign-in" in shown
    assert "no [auth] section is configured in .streamlit/secrets.toml" in shown
    _nothing_opened(at, tmp_path)


@pytest.mark.parametrize(
    ("drop", "named"),
    [("cookie_secret", "cookie_secret"), ("server_metadata_url", "auth.server_metadata_url")],
)
def test_an_incomplete_auth_section_is_named(beyond_loopback, tmp_path, drop, named):
    at = new_session()
    at.secrets["auth"] = {k: v for k, v in AUTH.items() if k != drop}
    at.run()
    assert f"lacks {named}" in texts(at)
    _nothing_opened(at, tmp_path)


def test_with_sign_in_configured_only_the_sign_in_page_shows(beyond_loopback, tmp_path):
    at = new_session()
    at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception
    assert "sign in to use it" in texts(at)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.error
    _nothing_opened(at, tmp_path)


def test_on_loopback_it_opens_as_before(workbench_env):
    at = new_session().run()
    assert not at.exception
    assert "Connect to QuickBooks" in [t.value for t in at.title]
