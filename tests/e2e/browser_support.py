"""Real `posbooks sandbox` and `streamlit run app.py` processes and Debian's Chromium, for
browser tests beside the journey (tests/e2e/test_journey.py has its own copy of these)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",  # small /dev/shm in containers
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Until Streamlit answers ``ok`` on its health check (or fail with its log)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url + "_stcore/health", timeout=2).text == "ok":
                return
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, log.read_text()
        assert proc.poll() is None, log.read_text()
        time.sleep(0.3)


@contextmanager
def sandbox_process(home: Path, redirect_uris: list[str]) -> Iterator[dict]:
    """``posbooks sandbox`` on a free loopback port; yields its info line (base_url, ...)."""
    env = clean_env(home)
    args = [sys.executable, "-m", "posbooks.cli", "sandbox", "--port", "0",
            "--state", str(home / "sandbox.json")]  # fmt: skip
    for uri in redirect_uris:
        args += ["--redirect-uri", uri]
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=open(home / "sandbox.log", "wb"), text=True,
    )  # fmt: skip
    try:
        yield json.loads(proc.stdout.readline())
    finally:
        stop(proc)


def clean_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "POSBOOKS_HOME": str(home / "home")}
    for name in ("QBO_CLIENT_ID", "QBO_CLIENT_SECRET", "QBO_ENVIRONMENT"):
        env.pop(name, None)
    return env


@contextmanager
def app_process(
    home: Path, env: dict[str, str], port: int, *, secrets: Path | None = None
) -> Iterator[str]:
    """``streamlit run app.py`` on 127.0.0.1 (with ``secrets`` as its secrets.toml)."""
    log = home / f"app-{port}.log"
    extra = ["--secrets.files", str(secrets)] if secrets else []
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "app.py",
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *extra],
        cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_healthy(url, proc, log)
        yield url
    finally:
        stop(proc)


def settle(page) -> None:
    """Wait until the script finished its run, and fail on any exception shown."""
    page.wait_for_timeout(300)  # let a click's rerun start before waiting for its end
    page.wait_for_selector(IDLE)
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, errors.first.inner_text()


def go_to(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    settle(page)


def upload(page, export: Path) -> None:
    """Choose "Uploaded POS exports" and add ``export`` through the user's own file dialog."""
    page.get_by_text("Uploaded POS exports", exact=True).click()
    settle(page)
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone'] button").first.click()
    chooser.value.set_files(str(export))
    settle(page)
