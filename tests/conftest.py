"""Every test runs away from the developer's own posbooks state, and leaves no sandbox behind.

A test that forgets to name its POSBOOKS_HOME would otherwise write into ./.posbooks of the
checkout and start (or talk to) the sandbox a developer runs on the default port 8765.
Here the defaults point at a throw-away home (inside one directory per run, shared by the
xdist workers) and an unused loopback port instead. Tests that need their own values still
set them (monkeypatch.setenv or an explicit env), which wins as before.

Seen after full runs: a detached sandbox for the fallback home still running. Cause:
Streamlit's script runner installs app.py as ``sys.modules["__main__"]`` and AppTest never
puts it back, so a later ``multiprocessing`` "spawn" child in that worker re-ran app.py as
its main module, which opened the workbench and started a sandbox. ``__main__`` is restored
around every test. At the end of the run, any process whose command line points into this
run's temporary directories is reported, stopped, and fails the run; so does a sandbox
started for a fallback home at all (some code ran without its test's environment).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

import pytest

# the sandbox fixtures (sandbox, fresh_sandbox, tokens, qb), shared by tests/qbo_sandbox and
# posbooks' integration tests
pytest_plugins = ["qbo_sandbox.testing"]

_RUN_DIR_VAR = "POSBOOKS_TESTS_RUN_DIR"
_IS_WORKER = bool(os.environ.get("PYTEST_XDIST_WORKER"))


def _unused_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if not (_IS_WORKER and os.environ.get(_RUN_DIR_VAR)):  # workers inherit the controller's
    os.environ[_RUN_DIR_VAR] = tempfile.mkdtemp(prefix="posbooks-tests-run-")
_RUN_DIR = Path(os.environ[_RUN_DIR_VAR])
_FALLBACK_HOME = tempfile.mkdtemp(prefix="home-", dir=_RUN_DIR)
os.environ["POSBOOKS_HOME"] = _FALLBACK_HOME
os.environ["POSBOOKS_SANDBOX_URL"] = f"http://127.0.0.1:{_unused_loopback_port()}"
for _name in ("QBO_CLIENT_ID", "QBO_CLIENT_SECRET", "QBO_REDIRECT_URI", "QBO_ENVIRONMENT"):
    os.environ.pop(_name, None)  # tests never reach a real Intuit company

_MAIN_MODULE = sys.modules["__main__"]
_LEFTOVERS: list[str] = []


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """A module-scoped AppTest fixture may have replaced __main__ before this test's body."""
    sys.modules["__main__"] = _MAIN_MODULE


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """Put back the __main__ an AppTest replaced, before a later test spawns a process."""
    yield
    sys.modules["__main__"] = _MAIN_MODULE


def _stop_fallback_sandbox() -> None:
    from posbooks.qbo.local import stop_local_sandbox
    from posbooks.state.config import load_config

    try:
        stop_local_sandbox(load_config(secrets_file=Path(os.devnull)))
    except Exception:  # noqa: BLE001 - the leftover check below reports what is still running
        pass


def _ancestors() -> set[int]:
    pids, pid = set(), os.getpid()
    while pid > 1:
        pids.add(pid)
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return pids


def _processes_pointing_into(roots: list[Path]) -> dict[int, str]:
    """Live processes (not pytest itself) whose command line names a path under ``roots``."""
    prefixes = [str(root).rstrip(os.sep) + os.sep for root in roots]
    mine, found = _ancestors(), {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            args = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        pid = int(entry.name)
        named = [a + os.sep for a in args if a]  # "root/" also matches the root itself
        if pid not in mine and any(p in a for a in named for p in prefixes):
            found[pid] = " ".join(a for a in args if a)
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie; our own exited children are reaped on the way."""
    try:
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            return False
    except ChildProcessError:
        pass
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _stop(pids: list[int], wait: float = 5.0) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and any(_running(pid) for pid in pids):
        time.sleep(0.1)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.hookimpl(trylast=True)  # after session fixtures are torn down
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop this process's fallback sandbox; the controller then fails on any leftover."""
    _stop_fallback_sandbox()
    if _IS_WORKER or not Path("/proc/self").exists():
        return
    roots = [_RUN_DIR]
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is not None:
        roots.append(factory.getbasetemp())
    grace = float(os.environ.get("POSBOOKS_TESTS_LEFTOVER_GRACE", "10"))
    deadline = time.monotonic() + grace  # workers stop theirs as they exit
    leftovers = _processes_pointing_into(roots)
    while leftovers and time.monotonic() < deadline:
        time.sleep(0.2)
        leftovers = _processes_pointing_into(roots)
    if leftovers:
        _LEFTOVERS.extend(f"pid {pid}: {command}" for pid, command in leftovers.items())
        _stop(list(leftovers))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    for log in sorted(_RUN_DIR.glob("home-*/sandbox.log")):  # tests name their own homes
        _LEFTOVERS.append(f"a sandbox was started for the fallback home {log.parent}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    shutil.rmtree(_RUN_DIR, ignore_errors=True)


def pytest_terminal_summary(terminalreporter) -> None:
    """Name what the run left behind or started in the fallback home, and why that fails it."""
    if _LEFTOVERS:
        terminalreporter.section("processes left running or started by this test run", red=True)
        for line in _LEFTOVERS:
            terminalreporter.line(line)
        terminalreporter.line(
            "They were stopped now. Something started them (ensure_local_sandbox, a spawned "
            "child, a subprocess) without its test's own POSBOOKS_HOME, or did not stop them."
        )
