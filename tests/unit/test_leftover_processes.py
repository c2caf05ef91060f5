"""The suite's own guard: a run that leaves a process in its temporary directories fails.

A copy of tests/conftest.py runs a small suite in a child pytest, as `make test` would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

LEAKS = """
import os, subprocess, sys
from pathlib import Path

def test_starts_a_helper_and_forgets_it():
    marker = str(Path(os.environ["POSBOOKS_HOME"]) / "helper")
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", marker],
                            start_new_session=True)
    Path(os.environ["PID_OUT"]).write_text(str(proc.pid))
"""

CLEANS_UP = """
import os, subprocess, sys
from pathlib import Path

def test_starts_a_helper_and_stops_it():
    marker = str(Path(os.environ["POSBOOKS_HOME"]) / "helper")
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", marker])
    proc.terminate()
    proc.wait()
"""


USES_THE_FALLBACK_HOME = """
from posbooks.state.config import load_config
from posbooks.qbo.local import ensure_local_sandbox

def test_opens_the_workbench_without_its_own_home():
    assert ensure_local_sandbox(load_config()).started
"""


def _run(tmp_path: Path, test_source: str) -> tuple[subprocess.CompletedProcess, Path]:
    (tmp_path / "conftest.py").write_text((TESTS / "conftest.py").read_text())
    (tmp_path / "test_inner.py").write_text(test_source)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "POSBOOKS_"))}
    env.update(POSBOOKS_TESTS_LEFTOVER_GRACE="0.5", PID_OUT=str(tmp_path / "pid"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--rootdir", str(tmp_path), str(tmp_path / "test_inner.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return result, tmp_path / "pid"


def _gone(pid: int, wait: float = 5.0) -> bool:
    deadline = time.monotonic() + wait
    while Path(f"/proc/{pid}/cmdline").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_run_that_leaves_a_process_behind_fails_names_it_and_stops_it(tmp_path):
    result, pid_file = _run(tmp_path, LEAKS)
    pid = int(pid_file.read_text())
    try:
        assert result.returncode == 1, result.stdout + result.stderr
        assert "1 passed" in result.stdout  # the test itself passed: the guard failed the run
        assert "processes left running or started by this test run" in result.stdout
        assert f"pid {pid}: " in result.stdout and "time.sleep(60)" in result.stdout
        assert _gone(pid)
    finally:
        if not _gone(pid, wait=0):
            os.kill(pid, 9)  # the guard did not stop it: do not leave it to the next run


def test_a_run_that_stops_what_it_started_passes(tmp_path):
    result, _ = _run(tmp_path, CLEANS_UP)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "left running" not in result.stdout


def test_a_sandbox_started_for_the_fallback_home_fails_the_run_though_it_was_stopped(tmp_path):
    result, _ = _run(tmp_path, USES_THE_FALLBACK_HOME)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 passed" in result.stdout
    assert "a sandbox was started for the fallback home" in result.stdout
    assert "pid " not in result.stdout  # the run stopped it itself: nothing was left running
