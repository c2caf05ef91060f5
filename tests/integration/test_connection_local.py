"""The local sandbox is found, or started detached, when no Intuit credentials are set."""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import pytest
import requests
from posbooks.qbo import connect as qbo_connect
from posbooks.qbo.local import (
    SandboxUnavailable,
    allow_insecure_transport,
    ensure_local_sandbox,
    stop_local_sandbox,
)
from posbooks.state.config import load_config
from posbooks.state.store import Store


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
        log = (home / "sandbox.log").read_text()
        assert '"realm_id"' in log and "client_secret" not in log  # demo or not (issue 16.7)
        assert "posbooks-demo-secret" not in log
        for name in ("sandbox.log", "sandbox-info.json"):
            assert stat.S_IMODE((home / name).stat().st_mode) == 0o600, name
        assert not ensure_local_sandbox(config).started  # found the second time
        store = Store(home)
        status = qbo_connect.auto_approve(config, store)  # demo login read from what it printed
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


def test_the_background_sandbox_says_how_to_stop_it_and_sandbox_stop_stops_it(
    tmp_path, monkeypatch, capsys
):
    """A bookkeeper is told the sandbox keeps running, and `posbooks sandbox --stop` ends it."""
    from posbooks.cli import main

    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    monkeypatch.chdir(tmp_path)
    for name in ("QBO_CLIENT_ID", "QBO_CLIENT_SECRET", "QBO_REDIRECT_URI", "QBO_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    home, url = tmp_path / "home", f"http://127.0.0.1:{_free_port()}"
    monkeypatch.setenv("POSBOOKS_HOME", str(home))
    monkeypatch.setenv("POSBOOKS_SANDBOX_URL", url)
    config = load_config()
    try:
        assert main(["connect", "--auto-approve"]) == 0
        err = capsys.readouterr().err
        assert "keeps running" in err and "posbooks sandbox --stop" in err
        pid = int((home / "sandbox.pid").read_text())
        assert main(["sandbox", "--stop"]) == 0
        assert "Stopped the local QuickBooks sandbox" in capsys.readouterr().out
        with pytest.raises(requests.ConnectionError):
            requests.get(url + "/", timeout=2)
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
        assert main(["sandbox", "--stop"]) == 1  # nothing left to stop
        assert "No sandbox started by posbooks" in capsys.readouterr().err
    finally:
        stop_local_sandbox(config)


def test_two_starters_at_once_start_one_sandbox_that_stop_then_stops(tmp_path):
    """The app and a CLI command (or two test processes) opening the same home at once:
    one sandbox runs, its pid is the one kept, and stopping it leaves nothing behind."""
    from concurrent.futures import ThreadPoolExecutor

    home = tmp_path / "home"
    env = {"POSBOOKS_HOME": str(home), "POSBOOKS_SANDBOX_URL": f"http://127.0.0.1:{_free_port()}"}
    config = load_config(env, secrets_file=tmp_path / "none.toml")
    try:
        with ThreadPoolExecutor(2) as pool:
            infos = list(pool.map(lambda _: ensure_local_sandbox(config), range(2)))
        assert sorted(i.started for i in infos) == [False, True]  # one of them started it
        pid = int((home / "sandbox.pid").read_text())
        assert "Address already in use" not in (home / "sandbox.log").read_text()
    finally:
        stopped = stop_local_sandbox(config)
    assert stopped
    with pytest.raises(requests.ConnectionError):
        requests.get(config.sandbox_url + "/", timeout=2)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
