"""``posbooks sandbox`` as a real process: JSON line, serving, clean stop, --state."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from qbo_sandbox.clients import auth_client_for, connect
from qbo_sandbox.server import SandboxHandle

CLI = [sys.executable, "-m", "posbooks.cli", "sandbox", "--port", "0"]


def handle_from(info: dict) -> SandboxHandle:
    """A handle on a sandbox running in another process (stop/state unused)."""
    return SandboxHandle(
        base_url=info["base_url"],
        discovery_url=info["discovery_url"],
        api_url=info["api_url"],
        client_id=info["client_id"],
        client_secret=info["client_secret"],
        redirect_uris=tuple(info["redirect_uris"]),
        realm_id=info["realm_id"],
        demo_login=info["demo_login"],
        state=None,
        _stop=None,
    )


@contextmanager
def running(*args: str) -> Iterator[dict]:
    """Run ``posbooks sandbox`` with ``args``; yield its JSON line; SIGTERM at the end."""
    env = {**os.environ, "OAUTHLIB_INSECURE_TRANSPORT": "1"}
    proc = subprocess.Popen(
        [*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        yield json.loads(line)
    finally:
        proc.send_signal(signal.SIGTERM)
        status = proc.wait(timeout=10)
        errors = proc.stderr.read()
        assert status == 0, errors
        assert "Sandbox stopped." in errors


def test_cli_prints_one_json_line_then_serves(tmp_path):
    with running("--redirect-uri", "http://127.0.0.1:9999/cb") as info:
        assert set(info) == {
            "base_url",
            "discovery_url",
            "api_url",
            "client_id",
            "client_secret",
            "redirect_uris",
            "realm_id",
            "demo_login",
        }
        assert info["base_url"].startswith("http://127.0.0.1:")
        assert info["api_url"] == info["base_url"] + "/v3"
        assert "http://127.0.0.1:9999/cb" in info["redirect_uris"]
        assert info["demo_login"] == {"username": "demo@posbooks.local", "password": "posbooks"}
        discovery = requests.get(info["discovery_url"], timeout=5).json()
        assert discovery["token_endpoint"].startswith(info["base_url"])


def test_state_file_keeps_the_connection_across_a_restart(tmp_path):
    state_file = tmp_path / "sandbox.json"
    with running("--state", str(state_file)) as info:
        client = connect(handle_from(info))
        refresh_token = client.refresh_token
    saved = state_file.read_text()
    assert refresh_token not in saved and client.access_token not in saved  # hashes only
    with running("--state", str(state_file)) as info:
        again = auth_client_for(handle_from(info))
        again.refresh(refresh_token)  # the token issued before the restart still works
        assert again.refresh_token != refresh_token
    assert not list(Path(tmp_path).glob("*.tmp"))  # atomic writes leave no debris


def test_cli_refuses_a_non_loopback_host_without_allow_remote():
    proc = subprocess.run([*CLI, "--host", "0.0.0.0"], capture_output=True, text=True, timeout=20)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "--allow-remote" in proc.stderr


def test_state_file_keeps_the_company_and_flags_shape_it(tmp_path, needs_accounting):
    from qbo_sandbox.clients import quickbooks_client
    from quickbooks.objects.preferences import Preferences
    from quickbooks.objects.trackingclass import Class

    state_file = tmp_path / "company.json"
    with running("--state", str(state_file), "--no-class-tracking") as info:
        handle = handle_from(info)
        client = connect(handle)
        tokens = {
            "access_token": client.access_token,
            "refresh_token": client.refresh_token,
            "realm_id": client.realm_id,
        }
        qb = quickbooks_client(handle, tokens)
        assert Preferences.get(qb=qb).AccountingInfoPrefs.ClassTrackingPerTxnLine is False
        catering = Class()
        catering.Name = "Catering"
        catering.save(qb=qb)
    with running("--state", str(state_file)) as info:
        qb = quickbooks_client(handle_from(info), tokens)  # same access token, still valid
        assert [c.Name for c in Class.filter(Name="Catering", qb=qb)] == ["Catering"]


def test_cli_names_an_unreadable_state_file(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    proc = subprocess.run([*CLI, "--state", str(broken)], capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stdout == ""
    assert str(broken) in proc.stderr and "not a sandbox state file" in proc.stderr
    assert broken.read_text(encoding="utf-8") == "{not json"  # left for the user to inspect


def test_cli_starts_the_demo_company_asked_for(tmp_path, monkeypatch):
    with running("--company", "uk") as info:
        state = requests.get(info["base_url"] + "/_sandbox/state", timeout=5).json()
        assert state["demo_company"] == "uk"
        assert "VAT" in next(iter(state["companies"].values()))
    monkeypatch.setenv("POSBOOKS_SANDBOX_COMPANY", "us")  # what a background sandbox inherits
    with running() as info:
        state = requests.get(info["base_url"] + "/_sandbox/state", timeout=5).json()
        assert state["demo_company"] == "us"
    bad = subprocess.run([*CLI, "--company", "fr"], capture_output=True, text=True, timeout=30)
    assert bad.returncode == 2 and "invalid choice: 'fr'" in bad.stderr
