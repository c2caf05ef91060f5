"""Connecting posbooks to QuickBooks (the local sandbox) over real HTTP and OAuth pages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from intuitlib.client import AuthClient
from intuitlib.exceptions import AuthClientError
from posbooks.qbo import auth
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.auth import AuthorizationFailed, ReconnectNeeded
from posbooks.state.config import Config
from posbooks.state.crypto import CryptoError, SecretBox, key_file
from posbooks.state.store import Store
from qbo_sandbox import SandboxHandle
from qbo_sandbox.autoapprove import approve_authorization

COMPANY = "Nasi & Co Restaurant Group (sandbox)"


def local_config(handle: SandboxHandle, home: Path, **overrides) -> Config:
    """posbooks configured for the test's sandbox, with its own home."""
    values = {
        "home": home,
        "environment": "local",
        "client_id": handle.client_id,
        "client_secret": handle.client_secret,
        "redirect_uri": handle.redirect_uris[0],
        "sandbox_url": handle.base_url,
    }
    return Config(**{**values, **overrides})


@pytest.fixture
def home(fresh_sandbox: SandboxHandle, tmp_path: Path) -> tuple[Config, Store]:
    config = local_config(fresh_sandbox, tmp_path / "home")
    return config, Store(config.home)


@pytest.fixture
def connected(home: tuple[Config, Store]) -> tuple[Config, Store]:
    config, store = home
    qbo_connect.auto_approve(config, store)
    return config, store


def _sign_in(handle: SandboxHandle, url: str, *, consent: bool = True) -> dict[str, str]:
    login = handle.demo_login
    final = approve_authorization(url, login["username"], login["password"], connect=consent)
    return auth.redirect_parameters(final)


def test_auto_approve_connects_and_records_the_company(home):
    config, store = home
    status = qbo_connect.auto_approve(config, store)
    assert status.connected and not status.reconnect_needed
    assert status.company_name == COMPANY
    assert status.realm_id == "9130357000000001"
    assert COMPANY in status.message
    assert status.access_expires_at > status.refresh_obtained_at
    assert auth.connection_status(config, store) == status


def test_tokens_are_encrypted_at_rest_with_this_homes_key(connected):
    config, store = connected
    _, tokens = auth.current_tokens(config, store)
    for db_file in config.home.glob("posbooks.db*"):
        content = db_file.read_bytes()
        assert tokens.access_token.encode() not in content
        assert tokens.refresh_token.encode() not in content
    assert (key_file(config).stat().st_mode & 0o777) == 0o600
    raw = sqlite3.connect(config.home / "posbooks.db")
    (blob,) = raw.execute("SELECT tokens FROM qbo_connection").fetchone()
    raw.close()
    with pytest.raises(CryptoError):
        SecretBox(Fernet.generate_key()).open(blob)
    # the same home with another POSBOOKS_SECRET_KEY: a clear "reconnect", no traceback
    other = local_config_with_key(config, Fernet.generate_key().decode())
    status = auth.connection_status(other, store)
    assert status.reconnect_needed and "cannot be decrypted" in status.message


def local_config_with_key(config: Config, key: str) -> Config:
    return Config(**{**vars(config), "secret_key": key})


def test_the_authorization_url_carries_a_fresh_state_each_time(home, fresh_sandbox):
    config, store = home
    first = auth.start_authorization(config, store)
    second = auth.start_authorization(config, store)
    state1 = auth.redirect_parameters(first)["state"]
    assert state1 != auth.redirect_parameters(second)["state"]
    assert len(state1) >= 32
    assert first.startswith(fresh_sandbox.base_url)


def test_an_unknown_state_is_refused(home, fresh_sandbox):
    config, store = home
    params = _sign_in(fresh_sandbox, auth.start_authorization(config, store))
    with pytest.raises(AuthorizationFailed, match="unknown state"):
        qbo_connect.complete_authorization(
            config, store, code=params["code"], state="forged", realm_id=params["realmId"]
        )
    assert not auth.connection_status(config, store).connected


def test_a_state_is_single_use(home, fresh_sandbox):
    config, store = home
    params = _sign_in(fresh_sandbox, auth.start_authorization(config, store))
    args = {"code": params["code"], "state": params["state"], "realm_id": params["realmId"]}
    assert qbo_connect.complete_authorization(config, store, **args).connected
    with pytest.raises(AuthorizationFailed, match="already used"):
        qbo_connect.complete_authorization(config, store, **args)


def test_an_expired_state_is_refused(home, fresh_sandbox):
    config, store = home
    params = _sign_in(fresh_sandbox, auth.start_authorization(config, store))
    with store.transaction() as conn:  # eleven minutes later
        conn.execute("UPDATE oauth_state SET expires_at='2000-01-01T00:00:00+00:00'")
    with pytest.raises(AuthorizationFailed, match="expired"):
        qbo_connect.complete_authorization(
            config, store, code=params["code"], state=params["state"], realm_id=params["realmId"]
        )


def test_declined_consent_says_access_was_not_granted(home, fresh_sandbox):
    config, store = home
    params = _sign_in(fresh_sandbox, auth.start_authorization(config, store), consent=False)
    assert params.get("error") == "access_denied"
    with pytest.raises(AuthorizationFailed, match="not granted"):
        qbo_connect.complete_authorization(
            config,
            store,
            code="",
            state=params["state"],
            realm_id="",
            error=params["error"],
        )


def test_a_bad_code_is_refused_with_a_clear_message(home, fresh_sandbox):
    config, store = home
    params = _sign_in(fresh_sandbox, auth.start_authorization(config, store))
    with pytest.raises(AuthorizationFailed, match="refused the authorization code") as err:
        qbo_connect.complete_authorization(
            config, store, code="AB-not-a-code", state=params["state"], realm_id=params["realmId"]
        )
    assert "AB-not-a-code" not in str(err.value)


def test_disconnect_revokes_at_quickbooks_and_deletes_the_tokens(connected, fresh_sandbox):
    config, store = connected
    _, tokens = auth.current_tokens(config, store)
    status = auth.disconnect(config, store)
    assert not status.connected and "revoked" in status.message
    assert auth.connection_status(config, store).message.startswith("Not connected")
    client = AuthClient(
        config.client_id, config.client_secret, config.redirect_uri, fresh_sandbox.discovery_url
    )
    with pytest.raises(AuthClientError) as err:
        client.refresh(refresh_token=tokens.refresh_token)
    assert b"invalid_grant" in err.value.content
    with pytest.raises(ReconnectNeeded):
        auth.current_tokens(config, store)


def test_a_connection_revoked_in_quickbooks_needs_reconnecting(connected, fresh_sandbox):
    config, store = connected
    _, tokens = auth.current_tokens(config, store)
    AuthClient(
        config.client_id, config.client_secret, config.redirect_uri, fresh_sandbox.discovery_url
    ).revoke(token=tokens.refresh_token)
    with pytest.raises(ReconnectNeeded, match="posbooks connect"):
        auth.refresh_tokens(config, store, failed_access_token=tokens.access_token)
    status = auth.connection_status(config, store)
    assert status.reconnect_needed and not status.connected
    assert "no longer accepts" in status.message and COMPANY in status.message


def test_another_sandbox_address_is_not_this_connection(connected, fresh_sandbox):
    config, store = connected
    moved = Config(**{**vars(config), "sandbox_url": "http://127.0.0.1:1"})
    status = auth.connection_status(moved, store)
    assert status.reconnect_needed and "posbooks connect" in status.message


def test_auto_approve_is_refused_for_real_intuit(tmp_path):
    config = Config(
        home=tmp_path,
        environment="production",
        client_id="ABC",
        client_secret="real-secret-value",
        redirect_uri="https://books.example.com/",
    )
    with pytest.raises(AuthorizationFailed, match="only works with the local"):
        qbo_connect.auto_approve(config, Store(tmp_path))


def test_intuit_oauth_calls_time_out_instead_of_hanging(tmp_path, monkeypatch):
    """A token server that accepts the connection but never answers: a timeout, not a hang."""
    import socket
    import time

    import requests

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/.well-known/openid-configuration"
    monkeypatch.setattr(auth._AuthClient, "request_timeout", 0.3)
    config = Config(
        home=tmp_path,
        environment=url,  # a discovery URL: intuit-oauth fetches it in its constructor
        client_id="c",
        client_secret="s",
        redirect_uri="http://127.0.0.1:8501/",
    )
    started = time.monotonic()
    try:
        with pytest.raises(requests.Timeout):
            auth.auth_client(config)
    finally:
        silent.close()
    assert time.monotonic() - started < 3
