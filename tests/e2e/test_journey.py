"""The whole journey of a new user, in real headless Chromium against real processes.

`posbooks sandbox` and `streamlit run app.py` run as subprocesses; Playwright drives
Debian's Chromium through Connect (sign-in and consent on the sandbox's pages), Mapping,
Preview & Send and History, checks the entry in the sandbox's Journal report, and saves a
screenshot of each page to docs/screenshots/.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from browser_support import upload

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# Screenshots land in test-artifacts/ (ignored); `make screenshots` refreshes docs/screenshots/.
SHOTS = Path(os.environ.get("POSBOOKS_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots"))
# every page at both window sizes: always under test-artifacts (too many for the README)
SIZES = ROOT / "test-artifacts" / "screenshots" / "sizes"
CHROMIUM = "/usr/bin/chromium"
PAST_DAY = "Friday, November 20, 2026"  # backdated: the sample data ends on 24 Nov
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"

if not Path(CHROMIUM).exists():  # `make test` installs it; a bare checkout may lack it
    if os.environ.get("CI"):  # in CI a missing browser is a broken set-up, not a skip
        pytest.fail("Debian's chromium is not installed: `make test` should have installed it")
    pytest.skip("Debian's chromium is not installed (run `make chromium`)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[dict]:
    """A real sandbox and a real workbench, sharing nothing but HTTP."""
    home = tmp_path_factory.mktemp("e2e")
    app_port = _free_port()
    app_url = f"http://127.0.0.1:{app_port}/"
    env = {**os.environ, "POSBOOKS_HOME": str(home / "home")}
    for name in ("QBO_CLIENT_ID", "QBO_CLIENT_SECRET", "QBO_ENVIRONMENT"):
        env.pop(name, None)
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "posbooks.cli", "sandbox", "--port", "0",
         "--state", str(home / "sandbox.json"), "--redirect-uri", app_url],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=open(home / "sandbox.log", "wb"),
        text=True,
    )  # fmt: skip
    info = json.loads(sandbox.stdout.readline())
    env.update(POSBOOKS_SANDBOX_URL=info["base_url"], QBO_REDIRECT_URI=app_url)
    app = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "app.py",
         "--server.headless", "true", "--server.port", str(app_port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=open(home / "app.log", "wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(app_url + "_stcore/health", timeout=2).text == "ok":
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, (home / "app.log").read_text()
            assert app.poll() is None, (home / "app.log").read_text()
            time.sleep(0.3)
        yield {"app": app_url, "sandbox": info, "home": home}
    finally:
        _stop(app)
        _stop(sandbox)


@pytest.fixture(scope="module")
def page(servers) -> Iterator:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-dev-shm-usage",  # small /dev/shm in containers
            ],
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(30_000)
        yield context.new_page()
        browser.close()


def settle(page) -> None:
    """Wait until the script finished its run, and fail on any exception shown."""
    page.wait_for_timeout(300)  # let a click's rerun start before waiting for its end
    page.wait_for_selector(IDLE)
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, errors.first.inner_text()


def shot(page, name: str, *, whole: bool = True, folder: Path | None = None) -> None:
    """Save the page; ``whole``: Streamlit scrolls inside its main block, so grow the viewport."""
    folder = folder or SHOTS
    folder.mkdir(parents=True, exist_ok=True)
    if not whole:
        page.screenshot(path=str(folder / name))
        return
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, 800), 6000)})
    page.wait_for_timeout(400)  # let the grids redraw at the new size
    page.screenshot(path=str(folder / name), full_page=True)
    page.set_viewport_size(size)


def go_to(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    settle(page)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label`` with the keyboard."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def test_new_user_connects_maps_previews_sends_and_finds_the_entry(servers, page):
    sandbox = servers["sandbox"]
    page.goto(servers["app"])
    settle(page)
    expect(page.get_by_text("Not connected")).to_be_visible()

    # Connect: the same-tab link goes to the sandbox's sign-in and consent pages
    page.get_by_role("link", name="connect in this tab").click()
    page.wait_for_url(f"{sandbox['base_url']}/**")
    page.fill("input[name=username]", sandbox["demo_login"]["username"])
    page.fill("input[name=password]", sandbox["demo_login"]["password"])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Connect").click()
    page.wait_for_url(servers["app"] + "**")
    settle(page)
    expect(
        page.get_by_text("Connected to Nasi & Co Restaurant Group (sandbox).").first
    ).to_be_visible()
    assert "code=" not in page.url  # the single-use code left the address bar
    shot(page, "connect.png")

    # Mapping: refresh settings, map one row with the accessible control, then suggestions
    go_to(page, "Mapping")
    page.get_by_role("button", name="Refresh QuickBooks Online Settings").click()
    settle(page)
    expect(page.get_by_text("last refreshed").first).to_be_visible()
    choose(page, "POS amount or receipt deposit", "Payment - Cash")
    choose(page, "QuickBooks account", "Undeposited Funds")
    page.get_by_role("button", name="Set", exact=True).click()
    settle(page)
    page.get_by_role("button", name="Use suggestions").click()
    settle(page)
    page.get_by_role("button", name="Save Settings").click()
    settle(page)
    expect(page.get_by_text("Nothing blocks sending journal entries.")).to_be_visible()
    shot(page, "mapping.png")

    # Preview a past day for every outlet
    go_to(page, "Preview & Send")
    page.get_by_role("spinbutton", name="day, From").click()  # opens the calendar
    page.get_by_role("button", name=PAST_DAY).click()
    settle(page)  # To (24 Nov) is still valid, so it is kept: one day needs To too
    page.get_by_role("spinbutton", name="day, To").click()
    page.get_by_role("button", name=PAST_DAY).click()
    settle(page)
    expect(page.get_by_text("Bangsar · Fri 20 Nov 2026 · Journal Entry")).to_be_visible()
    expect(page.get_by_text("Balanced: debits = credits").first).to_be_visible()
    shot(page, "preview.png", whole=False)  # controls, totals, chart and the first entry

    page.get_by_role("button", name="Send 3 journal entries to QuickBooks").click()
    settle(page)
    result = page.locator("[data-testid='stAlertContentSuccess']")
    expect(result).to_have_count(1)  # one clear result, the documents folded under it
    summary = result.first.inner_text()
    assert summary.startswith("Sent 3 journal entries for Fri 20 Nov 2026, MYR "), summary
    report = result.first.get_by_role("link", name="See them in QuickBooks' Journal report")
    assert "/journal?start_date=2026-11-20&end_date=2026-11-20" in report.get_attribute("href")
    fold = page.locator("[data-testid='stExpander']").filter(has_text="Each document (3)")
    fold.get_by_text("Each document (3)").click()
    documents = fold.locator(
        "[data-testid='stExpanderDetails'] [data-testid='stMarkdownContainer'] p"
    )
    expect(documents).to_have_count(3)
    texts = [m.inner_text() for m in documents.all()]
    assert all("sent to QuickBooks as Journal Entry" in t for t in texts), texts
    numbers = [t.split("Journal Entry ")[1].split(".")[0] for t in texts]
    doc_number = numbers[0]
    link = documents.first.get_by_role("link", name="Open in QuickBooks").get_attribute("href")
    result.first.scroll_into_view_if_needed()
    shot(page, "sent.png", whole=False)

    # The entry in QuickBooks' own views: its page, then the Journal report of the day
    page.goto(link)
    assert doc_number in page.inner_text("body")
    base, realm = sandbox["base_url"], sandbox["realm_id"]
    page.goto(f"{base}/app/{realm}/journal?start_date=2026-11-20&end_date=2026-11-20")
    assert doc_number in page.inner_text("body")
    shot(page, "sandbox_journal.png")

    # History lists what was sent
    page.goto(servers["app"])
    settle(page)
    go_to(page, "History")
    expect(page.get_by_text("3 of 3 documents shown.")).to_be_visible()
    main = page.inner_text("[data-testid='stMain']")
    assert any(f"Most recent: Journal Entry {n}" in main for n in numbers), main
    shot(page, "history.png")


BAD_CSV = (
    "business_date,outlet,receipt_no,line_type,category,item,quantity,tax_code,"
    "payment_method,amount,closed_at,voided\n"
    "2026-11-20,Bangsar,R1,item,Food,Nasi Lemak,1,SST6,,12.345,2026-11-20 12:00:00,false\n"
)


GOOD_CSV = BAD_CSV.replace("12.345", "12.35")


def test_an_uploaded_export_with_a_bad_row_is_reported_and_cannot_be_sent(servers, page, tmp_path):
    bad = tmp_path / "till-export.csv"
    bad.write_text(BAD_CSV)
    page.goto(servers["app"])
    settle(page)
    go_to(page, "Preview & Send")
    upload(page, bad)
    expect(page.get_by_text("The POS export was rejected")).to_be_visible()
    report = page.locator("[data-testid='stDataFrame']")
    expect(report).to_be_visible()
    # the grid draws on a canvas; its cells are also in an ARIA table, filled once drawn
    for expected in ("File", "Row", "Column", "till-export.csv", "amount", "2 decimals"):
        expect(report).to_contain_text(expected)
    expect(page.get_by_role("button", name="Send to QuickBooks")).to_be_disabled()
    shot(page, "upload_rejected.png", whole=False)


# Visible text a bookkeeper reads in full: labels, date fields, buttons, chips, tabs.
CLIPPABLE = ", ".join(
    [
        "[data-testid='stWidgetLabel'] p",
        "[data-testid='stDateInput'] *",  # the day/month/year fields and their box
        "[data-testid='stBaseButton-primary']",
        "[data-testid='stBaseButton-secondary']",
        "[data-testid^='stBaseButton'] [data-testid='stMarkdownContainer']",  # its label
        "[data-testid='stMultiSelect'] [data-baseweb='tag'] span",
        "[data-testid='stMetricValue'] div",
        "[data-testid='stMetricLabel'] p",
        "[data-testid='stSidebarNav'] span",
        "[data-testid='stExpander'] summary p",
    ]
)
CLIPPED_JS = """(selector) => [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null && e.clientWidth > 0)
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => `${e.tagName.toLowerCase()} "${(e.value || e.innerText || '').slice(0, 60)}"`
              + ` ${e.scrollWidth}>${e.clientWidth}`)"""
PAGES = ("Connect", "Mapping", "Preview & Send", "History")


@pytest.mark.parametrize("width,height", [(1280, 800), (1400, 1000)])
def test_nothing_is_clipped_and_every_page_is_saved_at_both_window_sizes(
    servers, page, width, height, tmp_path
):
    """Runs after the journey (a mapping saved, a day sent), at a laptop's and a desktop's size."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(servers["app"])
    settle(page)
    # the check itself finds a clipped text (a test that cannot fail proves nothing)
    probe = page.evaluate("""() => { const p = document.createElement('p');
        p.id = 'clip-probe'; p.textContent = 'Receipt deposit - TNG eWallet';
        p.style = 'width:40px;overflow:hidden;white-space:nowrap';
        document.body.appendChild(p); return p.id; }""")
    assert len(page.evaluate(CLIPPED_JS, f"#{probe}")) == 1
    clipped = {}
    for title in PAGES:
        go_to(page, title)
        page.wait_for_timeout(500)  # let grids and charts lay out at this size
        found = page.evaluate(CLIPPED_JS, CLIPPABLE)
        if found:
            clipped[title] = found
        slug = title.lower().replace(" & ", "_").replace(" ", "_")
        shot(page, f"{slug}-{width}x{height}.png", folder=SIZES)
    # Preview & Send with an upload: its own row (the upload chosen, a button to delete it)
    # clipped "Delete this upload" at 1280 px until it was laid out by content.
    export = tmp_path / f"pos-export-{width}.csv"
    export.write_text(GOOD_CSV)
    go_to(page, "Preview & Send")
    upload(page, export)
    expect(page.get_by_role("button", name="Delete this upload")).to_be_visible()
    page.wait_for_timeout(500)
    found = page.evaluate(CLIPPED_JS, CLIPPABLE)
    if found:
        clipped["Preview & Send, an upload chosen"] = found
    shot(page, f"preview_send_upload-{width}x{height}.png", folder=SIZES)
    assert not clipped, clipped
