"""Every test runs away from the developer's own posbooks state.

A test that forgets to name its POSBOOKS_HOME, or a Streamlit script thread that outlives
its test's monkeypatched environment, would otherwise write into ./.posbooks of the
checkout and start (or talk to) the sandbox a developer runs on the default port 8765.
Seen once: a detached sandbox with its state in the repo's .posbooks after a full run.
Here the defaults point at a throw-away home and an unused loopback port instead, and a
sandbox started there is stopped when the run ends. Tests that need their own values still
set them (monkeypatch.setenv or an explicit env), which wins as before.
"""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path


def _unused_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_FALLBACK_HOME = tempfile.mkdtemp(prefix="posbooks-tests-home-")
os.environ["POSBOOKS_HOME"] = _FALLBACK_HOME
os.environ["POSBOOKS_SANDBOX_URL"] = f"http://127.0.0.1:{_unused_loopback_port()}"
for _name in ("QBO_CLIENT_ID", "QBO_CLIENT_SECRET", "QBO_REDIRECT_URI", "QBO_ENVIRONMENT"):
    os.environ.pop(_name, None)  # tests never reach a real Intuit company


def pytest_unconfigure(config) -> None:
    """Stop a sandbox something started for the fallback home (none, normally)."""
    from posbooks.config import load_config
    from posbooks.qbo.local import stop_local_sandbox

    try:
        stop_local_sandbox(load_config(secrets_file=Path(os.devnull)))
    except Exception:  # noqa: BLE001 - a clean-up must not turn a green run red
        pass
