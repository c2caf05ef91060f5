"""A month of 20 outlets uploaded as CSV in the browser: time to the first preview.

Starts the local sandbox and the workbench (as `make run` does, on free loopback ports),
opens Preview & Send in Debian's Chromium with Playwright, uploads the CSV of the year's
busiest month (about 850k lines) through the file chooser and times until the preview's
metrics show. Each run uploads a fresh copy (a new name and content, so nothing is cached),
alternately with DuckDB reading the same file in a fresh interpreter. Writes the "browser"
section of bench/RESULTS.md.

    python bench/bench_browser.py             # 3 runs
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_fresh import FLOOR  # noqa: E402
from harness import RESULTS, ROOT, machine_block, seconds, table, write_section  # noqa: E402
from make_large import large_export  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def month_csv(month: str, work: Path, run: int) -> Path:
    """The year's lines of ``month`` (YYYY-MM) as CSV, one receipt renamed per run."""
    year = large_export()
    path = work / f"pos-{month}-run{run}.csv"
    duckdb.sql(
        f"COPY (SELECT * REPLACE (CASE WHEN receipt_no = (SELECT min(receipt_no) FROM "
        f"read_parquet('{year}')) THEN receipt_no || '-{run}' ELSE receipt_no END AS receipt_no) "
        f"FROM read_parquet('{year}') WHERE strftime(business_date, '%Y-%m') = '{month}') "
        f"TO '{path}' (HEADER)"
    )
    return path


def start_servers(work: Path) -> tuple[list[subprocess.Popen], str]:
    env = {**os.environ, "POSBOOKS_HOME": str(work / "home")}
    for name in ("QBO_CLIENT_ID", "QBO_CLIENT_SECRET", "QBO_ENVIRONMENT"):
        env.pop(name, None)
    url = f"http://127.0.0.1:{_port()}/"
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "posbooks.cli", "sandbox", "--port", "0",
         "--state", str(work / "sandbox.json"), "--redirect-uri", url],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    info = json.loads(sandbox.stdout.readline())
    env.update(POSBOOKS_SANDBOX_URL=info["base_url"], QBO_REDIRECT_URI=url)
    app = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "app.py",
         "--server.headless", "true", "--server.port", url.rsplit(":", 1)[1].strip("/"),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--server.maxUploadSize", "1000"],
        cwd=ROOT, env=env, stdout=open(work / "app.log", "wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(url + "_stcore/health", timeout=2).text == "ok":
                return [app, sandbox], url
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline or app.poll() is not None:
            raise RuntimeError((work / "app.log").read_text()[-3000:])
        time.sleep(0.3)


def upload_and_wait(page, url: str, path: Path) -> tuple[float, bool]:
    """Seconds from choosing the file to the preview's metrics; whether a spinner showed."""
    page.goto(url)
    page.wait_for_selector(IDLE)
    page.locator("[data-testid='stSidebarNav']").get_by_text("Preview & Send", exact=True).click()
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE)
    page.get_by_text("Uploaded POS exports", exact=True).click()
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE)
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone'] button").first.click()
    # The page watches itself: for the spinner (waiting for it here timed the wait: one shown
    # and gone between two polls was once taken as none, after 60 s), and for the run the
    # upload starts (an earlier upload's preview, still on the page, must not end the clock).
    page.evaluate("""() => {
        window.__spinnerSeen = false;
        window.__ran = false;
        new MutationObserver(() => {
            if (document.querySelector("[data-testid='stSpinner']")) window.__spinnerSeen = true;
            const app = document.querySelector("[data-testid='stApp']");
            if (app && app.getAttribute("data-test-script-state") === "running") window.__ran = true;
        }).observe(document.body, {childList: true, subtree: true, attributes: true});
    }""")
    start = time.perf_counter()
    chooser.value.set_files(str(path))
    page.wait_for_function(
        f"() => window.__ran && document.querySelector({json.dumps(IDLE)})", timeout=600_000
    )
    page.get_by_text("Documents", exact=True).first.wait_for(state="visible", timeout=600_000)
    wall = time.perf_counter() - start
    return wall, bool(page.evaluate("() => window.__spinnerSeen"))


def main(argv: list[str] | None = None) -> int:
    from playwright import sync_api

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--month", default="2026-04")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="posbooks-bench-browser-"))
    files = [month_csv(args.month, work, i) for i in range(args.runs)]
    lines = duckdb.sql(f"SELECT count(*) FROM read_csv('{files[0]}')").fetchall()[0][0]
    mib = files[0].stat().st_size / 2**20  # measured now: the copies are deleted at the end
    day = f"{args.month}-15"
    procs, url = start_servers(work)
    ours, floors, spinners = [], [], []
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-dev-shm-usage",
            ])  # fmt: skip
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            for i, path in enumerate(files):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", FLOOR, str(path), day], check=True,
                               capture_output=True)  # fmt: skip
                floors.append(time.perf_counter() - start)
                wall, showed = upload_and_wait(page, url, path)
                ours.append(wall)
                spinners.append(showed)
                print(f"run {i + 1}: browser {wall:.2f} s, DuckDB {floors[-1]:.2f} s", flush=True)
            browser.close()
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)  # three copies of the month's CSV
    t, f = statistics.median(ours), statistics.median(floors)
    rows = [
        ["upload to first preview, Chromium", seconds(t), f"{lines:,} lines, "
         f"{mib:,.0f} MiB", f"DuckDB read_csv {seconds(f)}: "
         f"{t / f:.1f}x", "<= 2x", "yes" if t <= 2 * f else "NO"],
        ["a progress indicator while it reads", "yes" if all(spinners) else "NO", "", "", "shown",
         "yes" if all(spinners) else "NO"],
    ]  # fmt: skip
    body = "\n".join([
        f"## Browser: a month of 20 outlets ({args.month}) uploaded as CSV",
        "",
        "Playwright in Debian's Chromium against the workbench and the local sandbox; from "
        "choosing the file to the preview's metrics (upload, save, validation, the first "
        f"preview); medians of {args.runs}, alternating with DuckDB's read_csv of the same "
        "file (the one-day aggregate, fresh interpreter).",
        "",
        table(["Figure", "Measured", "Size", "Compared with", "Target", "Met"], rows),
        "",
        "Machine:",
        machine_block(),
    ])  # fmt: skip
    print(body)
    write_section("browser", body, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
