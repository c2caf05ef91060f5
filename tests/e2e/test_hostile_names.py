"""Names are data, never markup: a POS export whose outlet, category, payment method and file
names carry images, HTML, links and bare URLs makes the page load nothing from elsewhere.

Real `posbooks sandbox` and `streamlit run app.py` processes and Debian's Chromium. Every
request the page makes is recorded; one for another origin than the app's is aborted (it
could not leave loopback anyway) and fails the test. The walk: Preview & Send with the
export uploaded (blocked Send and its tooltip), Mapping (the caption naming the files, the
grids, the one-row control), Preview & Send again, Send (the progress text names each
outlet), the per-document results.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    app_process,
    clean_env,
    free_port,
    go_to,
    sandbox_process,
    settle,
    upload,
)

pytestmark = pytest.mark.e2e

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (run `make chromium`)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

# looked at by a person, not compared: test-artifacts/ is ignored by git
SHOTS = Path(os.environ.get("POSBOOKS_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots"))
EVIL = "evil.example"
OUTLET_A = f"![o](http://{EVIL}/outlet.png) Bangsar"
OUTLET_B = f'<img src="http://{EVIL}/outlet2.png"> KLCC http://{EVIL}/kl www.{EVIL} ![k](http://{EVIL}/klcc.png)'
FOOD = f"[Food](http://{EVIL}/cat) ![c](https://{EVIL}/cat.png)"
DRINKS = f"<img src=http://{EVIL}/cat2.png>Drinks"
CASH = f"Cash ![p](http://{EVIL}/pay.png)"
CARD = f"http://{EVIL}/visa Visa <img src=http://{EVIL}/pay2.png> orders@{EVIL}"
# a file name cannot hold '/', but 'http:host' is a URL to a browser all the same
FILE_NAME = f"till ![f](http:{EVIL}#f.png) <img src=http:{EVIL}> www.{EVIL}.csv"
DAY = "2026-11-20"
PAST_DAY = "Friday, November 20, 2026"


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def hostile_export() -> str:
    header = (
        "business_date,outlet,receipt_no,line_type,category,item,quantity,tax_code,"
        "payment_method,amount,closed_at,voided\n"
    )
    rows = []
    for outlet, method in ((OUTLET_A, CASH), (OUTLET_B, CARD)):
        o, m = _csv_cell(outlet), _csv_cell(method)
        rows += [
            f"{DAY},{o},R1,item,{_csv_cell(FOOD)},Nasi Lemak,1,,,12.00,{DAY} 12:00:00,false",
            f"{DAY},{o},R1,item,{_csv_cell(DRINKS)},Teh Tarik,1,,,4.50,{DAY} 12:00:00,false",
            f"{DAY},{o},R1,payment,,,,,{m},16.50,{DAY} 12:00:00,false",
        ]
    return header + "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[dict]:
    """Sandbox and workbench; connected by the CLI, so the browser never leaves the app."""
    home = tmp_path_factory.mktemp("hostile")
    port = free_port()
    app_url = f"http://127.0.0.1:{port}/"
    with sandbox_process(home, [app_url]) as info:
        env = clean_env(home)
        env.update(POSBOOKS_SANDBOX_URL=info["base_url"], QBO_REDIRECT_URI=app_url)
        subprocess.run(
            [sys.executable, "-m", "posbooks.cli", "connect", "--auto-approve"],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        with app_process(home, env, port) as url:
            yield {"url": url, "home": home}


def test_hostile_names_load_nothing_from_another_origin(app, tmp_path):
    export = tmp_path / FILE_NAME
    export.write_text(hostile_export(), encoding="utf-8")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(app["url"]))
    seen: list[str] = []
    elsewhere: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        seen.append(url)
        if url.startswith(("data:", "blob:")) or url.startswith(origin + "/"):
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(30_000)
        context.route("**/*", guard)
        sockets: list[str] = []
        page = context.new_page()
        page.on("websocket", lambda ws: sockets.append(ws.url))

        def stayed_home() -> None:
            assert not elsewhere, f"the page asked another origin for: {elsewhere}"

        try:
            walk(page, app, export, stayed_home)
        finally:
            page.wait_for_timeout(500)  # images start loading after the last render
            browser.close()

    assert seen, "the route recorded nothing: the guard is not in place"
    assert not elsewhere, f"the page asked another origin for: {elsewhere}"
    assert sockets and all(urlsplit(u).netloc == urlsplit(origin).netloc for u in sockets)


def pick_day(page) -> None:
    page.get_by_role("spinbutton", name="day, From").click()  # opens the calendar
    page.get_by_role("button", name=PAST_DAY).click()
    settle(page)


def walk(page, app: dict, export: Path, stayed_home) -> None:
    page.goto(app["url"])
    settle(page)
    expect(page.get_by_text("Connected to").first).to_be_visible()

    # Preview & Send, before any mapping: the blocked Send explains itself in a tooltip
    go_to(page, "Preview & Send")
    upload(page, export)
    pick_day(page)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("Bangsar")
    send = page.get_by_role("button", name="Send to QuickBooks")
    expect(send).to_be_disabled()
    send.hover(force=True)  # the tooltip names what blocks: a category or method
    page.wait_for_timeout(800)
    stayed_home()

    # Mapping of this upload: the caption names the file; grids and controls list the names
    go_to(page, "Mapping")
    expect(main).to_contain_text("POS amounts found in")
    page.wait_for_timeout(500)
    stayed_home()
    caption = main.get_by_text("POS amounts found in").first.inner_text()
    assert "till ![f](http:" in caption, caption  # shown as typed, not as an image
    page.get_by_role("button", name="Refresh QuickBooks Online Settings").click()
    settle(page)
    page.get_by_role("button", name="Use suggestions").click()
    settle(page)
    # no account is named like this category: set it with the one-row control
    choose(page, "POS amount or receipt deposit", f"Sales - {DRINKS}", "Drinks")
    choose(page, "QuickBooks account", "Sales - Food", "Sales - Food")
    page.get_by_role("button", name="Set", exact=True).click()
    settle(page)
    page.get_by_role("button", name="Save Settings").click()
    settle(page)
    expect(page.get_by_text("Nothing blocks sending journal entries.")).to_be_visible()

    # Preview & Send again, then Send: two outlets, so a progress bar names each
    go_to(page, "Preview & Send")
    if EVIL not in main.inner_text():  # the data source did not survive the navigation
        upload(page, export)
    pick_day(page)
    expect(main).to_contain_text("KLCC http")  # the outlet names, as text
    page.get_by_role("button", name="Send 2 journal entries to QuickBooks").click()
    settle(page)
    stayed_home()
    messages = page.locator("[data-testid='stAlertContentSuccess']")
    expect(messages).to_have_count(1)  # one result line, the documents folded under it
    expect(messages.first).to_contain_text("Sent 2 journal entries")
    page.get_by_text("Each document (2)").click()  # show the names of both documents
    settle(page)
    assert not main.locator(f"img[src*='{EVIL}'], a[href*='{EVIL}']").count()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "hostile_names_sent.png"), full_page=True)

    # History lists them, and reconciles them with the POS
    go_to(page, "History")
    expect(main).to_contain_text("2 of 2 documents shown.")
    page.get_by_role("button", name="Reconcile", exact=True).click()
    settle(page)
    page.wait_for_timeout(500)
    stayed_home()
    assert not main.locator(f"img[src*='{EVIL}'], a[href*='{EVIL}']").count()


def choose(page, label: str, option: str, typed: str) -> None:
    """Pick ``option`` in the select box labelled ``label``, typing ``typed`` to find it."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(typed)
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)
