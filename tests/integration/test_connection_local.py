"""The local sandbox is found, or started detached, when no Intuit credentials are set."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
import requests
from posbooks.config import load_config
from posbooks.qbo import auth
from posbooks.qbo.local import (
    SandboxUnavailable,
    allow_insecure_transport,
    ensure_local_sandbox,
    stop_local_sandbox,
)
from posbooks.store import Store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_plain_http_is_allowed_for_loopback_only(monkeypatch):
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    assert not allow_insecure_transport("https://quickbooks.api.intuit.com/v3")
    assert not allow_insecure_transport("http://sandbox.example.com:8765")
    assert "OAUTHLIB_INSECURE_TRANSPORT" not in os.environ
    assert allow_insecure_transport("http://localhost:8765")
    assert os.environ["OAUTHLIB_INSECURE_TRANSPORT"] == "1"


def test_nothing_answering_starts_a_detached_sandbox_that_keeps_its_state(tmp_path, monkeypatch):
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    home = tmp_path / "home"
    env = {"POSBOOKS_HOME": str(home), "POSBOOKS_SANDBOX_URL": f"http://127.0.0.1:{_free_port()}"}
    config = load_config(env, secrets_file=tmp_path / "none.toml")
    try:
        info = ensure_local_sandbox(config)
        assert info.started and info.discovery_url.startswith(config.sandbox_url)
        assert os.environ["OAUTHLIB_INSECURE_TRANSPORT"] == "1"
        pid = int((home / "sandbox.pid").read_text())
        assert pid > 0 and (home / "sandbox.log").is_file()
        printed = json.loads((home / "sandbox-info.json").read_text())
        assert printed["realm_id"] == "9130357000000001"
        assert "client_secret" not in printed
        assert not ensure_local_sandbox(config).started  # found the second time
        store = Store(home)
        status = auth.auto_approve(config, store)  # demo login read from what it printed
        assert status.connected and status.company_name.startswith("Nasi & Co")
        state = requests.get(config.sandbox_url + "/_sandbox/state", timeout=5).json()
        assert state["oauth"]["connections"] == 1
    finally:
        assert stop_local_sandbox(config)
    assert (home / "sandbox-state.json").is_file()  # --state: the company survives restarts


def test_a_sandbox_that_cannot_start_says_why(tmp_path):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))  # bound, not listening: nothing answers, and the port is taken
    port = busy.getsockname()[1]
    try:
        config = load_config(
            {"POSBOOKS_HOME": str(tmp_path), "POSBOOKS_SANDBOX_URL": f"http://127.0.0.1:{port}"},
            secrets_file=tmp_path / "none.toml",
        )
        with pytest.raises(SandboxUnavailable, match="did not start") as err:
            ensure_local_sandbox(config, timeout=20)
        assert "sandbox.log" in str(err.value)
    finally:
        busy.close()
        (Path(tmp_path) / "sandbox.pid").unlink(missing_ok=True)
