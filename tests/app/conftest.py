"""AppTest fixtures: the real workbench script against a real in-process QBO sandbox.

Each test gets its own POSBOOKS_HOME (so its own store, tokens and mapping) and a reset
sandbox company; the configuration reads the environment, set before AppTest runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from qbo_sandbox import SandboxHandle, start_sandbox
from workbench_helpers import ROOT, connect_through_app


@pytest.fixture(scope="session")
def app_sandbox() -> Iterator[SandboxHandle]:
    """One sandbox per test process; tests reset it."""
    handle = start_sandbox(port=0)
    yield handle
    handle.stop()


@pytest.fixture
def workbench_env(app_sandbox: SandboxHandle, tmp_path: Path, monkeypatch) -> SandboxHandle:
    """A fresh home and a fresh sandbox company; no Intuit credentials (local mode)."""
    app_sandbox.admin("reset", {})
    monkeypatch.setenv("POSBOOKS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("POSBOOKS_SANDBOX_URL", app_sandbox.base_url)
    for name in ("QBO_CLIENT_ID", "QBO_CLIENT_SECRET", "QBO_REDIRECT_URI", "QBO_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)  # secrets.toml is looked up relative to the working directory
    return app_sandbox


@pytest.fixture
def connected(workbench_env: SandboxHandle) -> SandboxHandle:
    """The workbench connected to the sandbox company through its own Connect flow."""
    at = connect_through_app(workbench_env)
    assert not at.exception, at.exception
    assert any("Connected to" in s.value for s in at.success), [s.value for s in at.success]
    return workbench_env


os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")  # plain http to the loopback sandbox
