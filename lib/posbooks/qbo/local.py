"""Find, or start in the background, the local QuickBooks sandbox posbooks uses by default.

With no Intuit credentials, ``POSBOOKS_SANDBOX_URL`` (default http://127.0.0.1:8765) is
asked for its discovery document; when nothing answers and the URL is loopback, the
sandbox is started detached (``posbooks sandbox --state home/sandbox-state.json``), logging
to ``home/sandbox.log`` with its pid in ``home/sandbox.pid``, so a demo company survives.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from posbooks.state.config import Config

# Paths of the sandbox (qbo_sandbox.oauth_pages.DISCOVERY_PATH, docs/sandbox.md).
DISCOVERY_PATH = "/.well-known/openid-configuration"
DEMO_LOGIN = {"username": "demo@posbooks.local", "password": "posbooks"}
LOG_FILE = "sandbox.log"
PID_FILE = "sandbox.pid"
STATE_FILE = "sandbox-state.json"
INFO_FILE = "sandbox-info.json"
START_LOCK_FILE = "sandbox-start.lock"


class SandboxUnavailable(Exception):
    """The local sandbox neither answers nor can be started; the message says why."""


@dataclass(frozen=True)
class SandboxInfo:
    """Where the local sandbox answers, and how to sign in to its demo company."""

    base_url: str
    discovery_url: str
    api_url: str  # python-quickbooks' api_url_v3
    demo_login: dict = field(repr=False)
    started: bool = False  # True when this call started it


def is_loopback(url: str) -> bool:
    """True when ``url`` points at this machine (127.0.0.0/8, ::1 or localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allow_insecure_transport(url: str) -> bool:
    """Let oauthlib use plain http for ``url`` only when it is loopback; never for Intuit."""
    if urlsplit(url).scheme == "https":
        return False
    if not is_loopback(url):
        return False
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    return True


def _answers(base_url: str, timeout: float = 2.0) -> bool:
    import requests  # here, not at the top: `posbooks status` and a preview never ask

    try:
        reply = requests.get(base_url + DISCOVERY_PATH, timeout=timeout)
        return reply.status_code == 200 and "token_endpoint" in reply.json()
    except (requests.RequestException, ValueError):
        return False


def _info(config: Config, *, started: bool) -> SandboxInfo:
    base = config.sandbox_url.rstrip("/")
    login = dict(DEMO_LOGIN)
    info_file = config.home / INFO_FILE
    if info_file.is_file():  # written from the line the sandbox printed when we started it
        try:
            login = json.loads(info_file.read_text()).get("demo_login") or login
        except ValueError:
            pass
    return SandboxInfo(base, base + DISCOVERY_PATH, base + "/v3", login, started)


def _tail(path: Path, lines: int = 8) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _record_printed_info(log: Path, info_file: Path) -> None:
    """Keep the JSON line the sandbox prints at start (demo login, realm)."""
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith("{") and "discovery_url" in line:
            try:
                data = json.loads(line)
            except ValueError:
                continue
            data.pop("client_secret", None)  # public demo value, but no secret in files
            with _private_write(info_file) as out:
                out.write(json.dumps(data).encode())
            return


def _private_append(path: Path):
    """``path`` opened to append, readable by its owner only (0600, narrowed if it was not)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "ab")


def _private_write(path: Path):
    """``path`` truncated and opened to write, readable by its owner only (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


@contextmanager
def _one_starter_at_a_time(home: Path) -> Iterator[None]:
    """Hold this home's start lock: two processes (app, CLI, a test's children) starting
    the sandbox at once would both spawn one, and the loser's pid in sandbox.pid would
    leave the winner running with nothing able to stop it."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, as before
        yield
        return
    with open(home / START_LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, even on a crash
        yield


def ensure_local_sandbox(config: Config, *, timeout: float = 20.0) -> SandboxInfo:
    """The sandbox at ``config.sandbox_url``, started detached if nothing answers there."""
    base = config.sandbox_url.rstrip("/")
    allow_insecure_transport(base)
    if _answers(base):
        _allow_redirect(config, base)
        return _info(config, started=False)
    if not is_loopback(base):
        raise SandboxUnavailable(
            f"Nothing answers at POSBOOKS_SANDBOX_URL={base}, and posbooks only starts a "
            "sandbox on this machine (127.0.0.1 / localhost)."
        )
    config.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _one_starter_at_a_time(config.home):
        if _answers(base):  # another process started it while we waited for the lock
            return _info(config, started=False)
        return _start_detached(config, base, timeout)


def _allow_redirect(config: Config, base: str) -> None:
    """A sandbox started by someone else (the CLI, another workbench) knows the redirect URIs
    of its start, not this app's on another port: ask it to allow ours (loopback only), so
    Connect does not end on "redirect_uri is not registered"."""
    if not (config.redirect_uri and is_loopback(base) and is_loopback(config.redirect_uri)):
        return
    import requests

    try:
        requests.post(
            base + "/_sandbox/redirect_uris",
            json={"client_id": config.client_id, "redirect_uri": config.redirect_uri},
            timeout=2.0,
        )
    except requests.RequestException:
        pass  # an older sandbox: Connect then says which redirect it refused


def _start_detached(config: Config, base: str, timeout: float) -> SandboxInfo:
    parts = urlsplit(base)
    port = parts.port or 80
    log = config.home / LOG_FILE
    command = [
        sys.executable, "-m", "posbooks.cli", "sandbox",
        "--host", parts.hostname or "127.0.0.1", "--port", str(port),
        "--state", str(config.home / STATE_FILE),
        "--no-secret-in-info",  # sandbox.log keeps no client secret, demo or not
    ]  # fmt: skip
    with _private_append(log) as out:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives this process and its terminal
            close_fds=True,
        )
    (config.home / PID_FILE).write_text(f"{process.pid}\n")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _answers(base, timeout=1.0):
            _record_printed_info(log, config.home / INFO_FILE)
            return _info(config, started=True)
        if process.poll() is not None and not _answers(base):
            raise SandboxUnavailable(
                f"The local QuickBooks sandbox did not start (exit status {process.returncode})."
                f" Last lines of {log}:\n{_tail(log)}"
            )
        time.sleep(0.1)
    raise SandboxUnavailable(
        f"The local QuickBooks sandbox did not answer at {base} within {timeout:.0f} s. "
        f"Last lines of {log}:\n{_tail(log)}"
    )


def _is_our_sandbox(pid: int) -> bool:
    """Whether ``pid`` still runs ``posbooks ... sandbox`` (a pid file can outlive it and the
    number be reused); True where /proc cannot tell."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        return not Path("/proc/self").exists()
    except OSError:
        return True
    return b"sandbox" in command and any(b"posbooks" in part for part in command)


def stop_local_sandbox(config: Config, *, wait: float = 10.0) -> bool:
    """Stop a sandbox this home started (by its pidfile); False when none was running.

    Waits up to ``wait`` seconds for it to save its state and free its port.
    """
    pid_file = config.home / PID_FILE
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return False
    if not _is_our_sandbox(pid):
        pid_file.unlink(missing_ok=True)
        return False
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        pid_file.unlink(missing_ok=True)
        return False
    pid_file.unlink(missing_ok=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # our own child (tests): reap it, or it lingers as a zombie that still "exists"
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True
