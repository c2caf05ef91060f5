"""The sandbox's read-only "QuickBooks website" pages, fetched over HTTP like a browser."""

from __future__ import annotations

import re

import pytest
import requests
from sandbox_accounting_support import (
    CLASS_FOOD,
    ITEM_FOOD,
    LOCATION_KLCC,
    balanced_entry,
    open_api,
    ref,
)

pytestmark = pytest.mark.usefixtures("needs_accounting")


@pytest.fixture
def api(fresh_sandbox, tokens):
    return open_api(fresh_sandbox, tokens)


def page(sandbox, path: str, **params: str) -> requests.Response:
    url = f"{sandbox.base_url}/app/{sandbox.realm_id}/{path}"
    return requests.get(url, params=params, timeout=10)


def row(html: str, element_id: str) -> str:
    match = re.search(rf"<tr[^>]*id='{element_id}'.*?</tr>", html, re.DOTALL)
    assert match, f"no row {element_id}"
    return match.group(0)


def test_home_links_to_every_page_and_shows_tracking(fresh_sandbox):
    home = page(fresh_sandbox, "")
    assert home.status_code == 200
    assert "Nasi &amp; Co Restaurant Group (sandbox)" in home.text
    for target in ("accounts", "classes", "locations", "salesreceipts", "journal"):
        assert f"/app/{fresh_sandbox.realm_id}/{target}" in home.text
        assert page(fresh_sandbox, target).status_code == 200
    assert "id='track-classes'>On" in home.text
    assert page(fresh_sandbox, "no-such-page").status_code == 404


def test_names_are_escaped_everywhere(api, qb, fresh_sandbox):
    evil = "<script>alert('x')</script> Clearing"
    status, body = api.post("account", {"Name": evil, "AccountType": "Other Current Asset"})
    assert status == 200, body
    entry = balanced_entry(doc="<b>DOC</b>")
    entry.PrivateNote = "<img src=x onerror=alert(1)>"
    saved = entry.save(qb=qb)
    for path in ("accounts", "journal", f"journalentry/{saved.Id}"):
        html = page(fresh_sandbox, path).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>DOC" not in html
    assert (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Clearing"
        in page(fresh_sandbox, "accounts").text
    )
    assert "&lt;b&gt;DOC&lt;/b&gt;" in page(fresh_sandbox, "journal").text


def test_journal_page_shows_entries_in_the_date_range_with_their_lines(qb, fresh_sandbox):
    inside = balanced_entry(
        "118.00", doc="POS-BGR-20261120", ClassRef=ref(CLASS_FOOD), DepartmentRef=ref(LOCATION_KLCC)
    )
    inside.PrivateNote = "Bangsar day close"
    inside = inside.save(qb=qb)
    outside = balanced_entry("5.00", doc="POS-OCT", date="2026-10-01").save(qb=qb)

    html = page(fresh_sandbox, "journal", start_date="2026-11-01", end_date="2026-11-30").text
    header = row(html, f"je-{inside.Id}")
    assert "POS-BGR-20261120" in header and "Bangsar day close" in header
    assert f"je-{outside.Id}'" not in html
    lines = html[html.index(header) + len(header) :]
    assert "Undeposited Funds" in lines and "Sales - Food" in lines
    assert "Food" in lines and "KLCC" in lines and "118.00" in lines
    assert "id='total-debit'>118.00" in html and "id='total-credit'>118.00" in html
    detail = page(fresh_sandbox, f"journalentry/{inside.Id}")
    assert detail.status_code == 200 and "POS-BGR-20261120" in detail.text
    empty = page(fresh_sandbox, "journal", start_date="2020-01-01", end_date="2020-01-31")
    assert "journal-empty" in empty.text


def test_chart_of_accounts_shows_balances_and_hides_inactive(qb, fresh_sandbox):
    balanced_entry("1234.50").save(qb=qb)
    html = page(fresh_sandbox, "accounts").text
    assert "1,234.50" in row(html, "account-3")  # Undeposited Funds, debit balance
    assert "1,234.50" in row(html, "account-11")  # Sales - Food, credit balance
    assert "Old Sales Account" not in html
    assert "Old Sales Account" in page(fresh_sandbox, "accounts", include_inactive="1").text


def test_sales_receipts_list_and_detail(api, fresh_sandbox):
    body = {
        "TxnDate": "2026-11-20",
        "DocNumber": "SR-KLCC-GRAB",
        "PaymentMethodRef": {"value": "5"},
        "Line": [
            {
                "Amount": "64.20",
                "Description": "Nasi lemak x 4",
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {
                    "ItemRef": {"value": ITEM_FOOD},
                    "Qty": 4,
                    "UnitPrice": "16.05",
                },
            }
        ],
    }
    status, reply = api.post("salesreceipt", body)
    assert status == 200, reply
    receipt_id = reply["SalesReceipt"]["Id"]
    listing = page(fresh_sandbox, "salesreceipts").text
    listed = row(listing, f"sr-{receipt_id}")
    assert "SR-KLCC-GRAB" in listed and "GrabPay" in listed and "64.20" in listed
    detail = page(fresh_sandbox, f"salesreceipt/{receipt_id}").text
    assert "Nasi lemak x 4" in detail and "id='sr-total'>64.20" in detail
    assert page(fresh_sandbox, "salesreceipt/999").status_code == 404


def test_classes_page_says_tracking_is_off_until_turned_on(fresh_sandbox):
    fresh_sandbox.admin("preferences", {"class_tracking": False})
    off = page(fresh_sandbox, "classes").text
    assert "classes-off" in off and "Beverages" not in off
    fresh_sandbox.admin("preferences", {"class_tracking": True})
    on = page(fresh_sandbox, "classes").text
    assert "classes-off" not in on and "Beverages" in on
