"""`posbooks connect | status | refresh-settings | disconnect` as a bookkeeper runs them."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from posbooks.cli import main
from posbooks.qbo import auth
from posbooks.state.config import load_config
from posbooks.state.store import open_store
from qbo_sandbox import ClientRegistration, SandboxHandle, start_sandbox
from qbo_sandbox.autoapprove import approve_authorization

PASTED = "https://books.example.com/qbo-callback"  # never fetched: the user pastes it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cli_sandbox():
    """A sandbox whose demo client accepts this test's own loopback callback port."""
    port = _free_port()
    callback = f"http://127.0.0.1:{port}/callback"
    client = ClientRegistration(
        "posbooks-demo", "posbooks-demo-secret", ("http://127.0.0.1:8501/", callback, PASTED)
    )
    handle = start_sandbox(clients=[client])
    yield handle, callback
    handle.stop()


@pytest.fixture
def env(cli_sandbox, tmp_path: Path, monkeypatch) -> tuple[SandboxHandle, str]:
    handle, callback = cli_sandbox
    handle.admin("reset", {})
    for name in ("QBO_CLIENT_ID", "QBO_CLIENT_SECRET", "QBO_REDIRECT_URI", "QBO_ENVIRONMENT",
                 "POSBOOKS_SECRET_KEY"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POSBOOKS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("POSBOOKS_SANDBOX_URL", handle.base_url)
    return handle, callback


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_connect_status_settings_disconnect_journey(env, capsys):
    handle, _ = env
    code, out, _ = _run(capsys, "connect", "--auto-approve")
    assert code == 0 and "Connected to Nasi & Co Restaurant Group (sandbox)" in out
    config = load_config()
    _, tokens = auth.current_tokens(config, open_store(config))

    code, status_text, _ = _run(capsys, "status")
    assert code == 0
    assert "QuickBooks:    connected" in status_text
    assert "Nasi & Co Restaurant Group (sandbox) (realm 9130357000000001)" in status_text
    assert f"local sandbox ({handle.base_url})" in status_text
    assert "Access token:  valid until" in status_text

    code, settings_text, _ = _run(capsys, "refresh-settings")
    assert code == 0 and "24 accounts (1 inactive), 4 classes, 3 locations" in settings_text

    code, status_json, _ = _run(capsys, "status", "--format", "json")
    data = json.loads(status_json)
    assert code == 0 and data["connected"] and data["realm_id"] == "9130357000000001"
    assert data["settings_fetched_at"] is not None

    code, bye, _ = _run(capsys, "disconnect")
    assert code == 0 and "Disconnected from Nasi & Co" in bye and "revoked" in bye
    code, after, _ = _run(capsys, "status")
    assert code == 1 and "QuickBooks:    not connected" in after
    assert f"Home:          {config.home}" in after  # which POSBOOKS_HOME was read
    assert data["home"] == str(config.home)

    printed = "\n".join([out, status_text, settings_text, status_json, bye, after])
    for secret in (tokens.access_token, tokens.refresh_token, config.client_secret):
        assert secret not in printed


def _connect_in_background(capsys, argv: list[str]) -> tuple[threading.Thread, dict, str]:
    result: dict = {}
    thread = threading.Thread(target=lambda: result.setdefault("code", main(argv)), daemon=True)
    thread.start()
    printed = ""
    deadline = time.monotonic() + 15
    while "/connect/oauth2?" not in printed and time.monotonic() < deadline:
        time.sleep(0.05)
        printed += capsys.readouterr().out
    url = next(line for line in printed.splitlines() if "/connect/oauth2?" in line)
    return thread, result, url


def test_connect_waits_for_the_browser_on_the_loopback_listener(env, capsys):
    handle, callback = env
    thread, result, url = _connect_in_background(
        capsys, ["connect", "--redirect-uri", callback, "--timeout", "20"]
    )
    login = handle.demo_login
    redirect = approve_authorization(url, login["username"], login["password"])
    assert redirect.startswith(callback + "?")
    page = requests.get(redirect, timeout=10)  # the browser arriving back
    assert page.status_code == 200 and "You can close this tab" in page.text
    thread.join(20)
    out = capsys.readouterr().out
    assert result["code"] == 0 and "Connected to Nasi & Co" in out


def test_declining_in_the_browser_ends_connect_with_a_message(env, capsys):
    handle, callback = env
    thread, result, url = _connect_in_background(
        capsys, ["connect", "--redirect-uri", callback, "--timeout", "20"]
    )
    login = handle.demo_login
    redirect = approve_authorization(url, login["username"], login["password"], connect=False)
    requests.get(redirect, timeout=10)
    thread.join(20)
    err = capsys.readouterr().err
    assert result["code"] == 1 and "not granted" in err


def test_connect_gives_up_after_its_timeout(env, capsys):
    _, callback = env
    code, _, err = _run(capsys, "connect", "--redirect-uri", callback, "--timeout", "0.5")
    assert code == 1 and "No answer from QuickBooks within" in err


def test_auto_approve_is_refused_for_real_intuit(env, capsys, monkeypatch):
    monkeypatch.setenv("QBO_CLIENT_ID", "ABcdef")
    monkeypatch.setenv("QBO_CLIENT_SECRET", "a-real-looking-secret")
    monkeypatch.setenv("QBO_REDIRECT_URI", "https://books.example.com/callback")
    monkeypatch.setenv("QBO_ENVIRONMENT", "production")
    code, _, err = _run(capsys, "connect", "--auto-approve")
    assert code == 1 and "only works with the local QuickBooks sandbox" in err
    assert "a-real-looking-secret" not in err


def test_status_without_a_connection_starts_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("QBO_CLIENT_ID", "QBO_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("POSBOOKS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("POSBOOKS_SANDBOX_URL", f"http://127.0.0.1:{_free_port()}")
    code, out, _ = _run(capsys, "status")
    assert code == 1 and "not connected" in out and "posbooks connect" in out
    assert not (tmp_path / "home" / "sandbox.pid").exists()


def test_connect_with_a_redirect_elsewhere_takes_the_pasted_address(env, capsys, monkeypatch):
    handle, _ = env

    def user_pastes(prompt: str) -> str:
        printed = capsys.readouterr().out
        url = next(line for line in printed.splitlines() if "/connect/oauth2?" in line)
        login = handle.demo_login
        return approve_authorization(url, login["username"], login["password"])

    monkeypatch.setattr("builtins.input", user_pastes)
    code, out, _ = _run(capsys, "connect", "--redirect-uri", PASTED)
    assert code == 0 and "Connected to Nasi & Co" in out


def test_connect_without_a_terminal_to_paste_into_explains(env, capsys, monkeypatch):
    def no_terminal(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    code, _, err = _run(capsys, "connect", "--redirect-uri", PASTED)
    assert code == 1 and "cannot hear the redirect" in err


def test_an_idle_client_on_the_listener_does_not_outlast_the_timeout(env, capsys):
    _, callback = env
    port = int(callback.rsplit(":", 1)[1].split("/")[0])
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold_a_connection_open() -> None:  # connects, sends nothing, gives up after 12 s
        while not stop.is_set() and not held:
            try:
                held.append(socket.create_connection(("127.0.0.1", port), timeout=1))
            except OSError:
                time.sleep(0.05)
        stop.wait(12)
        for s in held:
            s.close()

    holder = threading.Thread(target=hold_a_connection_open, daemon=True)
    holder.start()
    started = time.monotonic()
    code, _, err = _run(capsys, "connect", "--redirect-uri", callback, "--timeout", "3")
    took = time.monotonic() - started
    stop.set()
    holder.join(5)
    assert held, "the idle client never connected"
    assert code == 1 and "No answer from QuickBooks within 3 s" in err
    assert took < 8  # was 28 s for --timeout 5


def test_a_forged_company_id_in_the_callback_is_refused(env, capsys):
    handle, callback = env
    thread, result, url = _connect_in_background(
        capsys, ["connect", "--redirect-uri", callback, "--timeout", "20"]
    )
    login = handle.demo_login
    redirect = approve_authorization(url, login["username"], login["password"])
    assert f"realmId={handle.realm_id}" in redirect
    forged = redirect.replace(f"realmId={handle.realm_id}", "realmId=9130357999999999")
    requests.get(forged, timeout=10)  # the browser sent back with another company's id
    thread.join(20)
    err = capsys.readouterr().err
    assert result["code"] == 1 and "refused this sign-in for company '9130357999999999'" in err
    code, out, _ = _run(capsys, "status")
    assert code == 1 and "QuickBooks:    not connected" in out
