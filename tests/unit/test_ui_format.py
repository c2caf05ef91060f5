"""The workbench's formatting, escaping and links, as the bookkeeper sees them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from posbooks.app.format import (
    WORD_JOINER,
    chart_label,
    date_label,
    is_loopback_url,
    md_escape,
    money,
    relative_time,
    same_tab_link,
)
from posbooks.qbo.links import journal_report_url, qbo_document_url


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("1234.5"), "1,234.50"),
        (Decimal("-12"), "-12.00"),
        (Decimal("0.005"), "0.01"),  # never more than two places on screen
        (Decimal("1000000.00"), "1,000,000.00"),
        (None, ""),
        (0, "0.00"),
    ],
)
def test_money_reads_like_a_ledger(amount, shown):
    assert money(amount) == shown


def test_money_can_leave_zero_blank_for_debit_credit_columns():
    assert money(Decimal("0.00"), blank_zero=True) == ""
    assert money(Decimal("3.10"), blank_zero=True) == "3.10"


def test_markdown_escape_neutralises_markup_in_names():
    hostile = "**Bold** [click](http://evil) <script>alert(1)</script> $x$ :red[hot]"
    escaped = md_escape(hostile)
    # every markup character is preceded by a backslash, so nothing renders as markup
    for ch in "*[]()<>$:":
        assert ch not in escaped.replace("\\" + ch, "")
    assert md_escape("Visa/Master") == "Visa/Master"
    assert md_escape(None) == ""
    assert "\n" not in md_escape("two\nlines")


def test_same_tab_link_escapes_url_and_label():
    html = same_tab_link('http://127.0.0.1:1/a?x=1&y="2"', "<Connect>")
    assert 'target="_self"' in html
    assert "&amp;y=&quot;2&quot;" in html
    assert "&lt;Connect&gt;" in html
    assert "<Connect>" not in html


def test_local_sandbox_document_links_point_at_its_views():
    common = {
        "environment": "local",
        "sandbox_base_url": "http://127.0.0.1:8765/",
        "realm_id": "9130",
    }
    assert (
        qbo_document_url(**common, doc_type="journal", qbo_id="17")
        == "http://127.0.0.1:8765/app/9130/journalentry/17"
    )
    assert (
        qbo_document_url(**common, doc_type="receipt", qbo_id="4")
        == "http://127.0.0.1:8765/app/9130/salesreceipt/4"
    )


def test_intuit_document_links_use_quickbooks_own_urls():
    args = {"sandbox_base_url": "http://127.0.0.1:8765", "realm_id": "123"}
    assert (
        qbo_document_url(environment="production", doc_type="journal", qbo_id="9", **args)
        == "https://app.qbo.intuit.com/app/journal?txnId=9"
    )
    assert (
        qbo_document_url(environment="sandbox", doc_type="receipt", qbo_id="9", **args)
        == "https://app.sandbox.qbo.intuit.com/app/salesreceipt?txnId=9"
    )


def test_journal_report_link_carries_the_period():
    url = journal_report_url(
        "http://127.0.0.1:8765", "9130", date(2026, 11, 20), date(2026, 11, 21)
    )
    assert url == "http://127.0.0.1:8765/app/9130/journal?start_date=2026-11-20&end_date=2026-11-21"


def test_relative_time_in_words():
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert relative_time(now + timedelta(minutes=52, seconds=5), now) == "in 52 minutes"
    assert relative_time(now - timedelta(days=3, hours=2), now) == "3 days ago"
    assert relative_time(now - timedelta(hours=1), now) == "1 hour ago"
    assert relative_time(None, now) == "never"


def test_date_label_names_the_weekday():
    assert date_label(date(2026, 11, 24)) == "Tue 24 Nov 2026"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8765", True),
        ("http://localhost:8765/x", True),
        ("https://appcenter.intuit.com/connect/oauth2", False),
    ],
)
def test_loopback_detection(url, local):
    assert is_loopback_url(url) is local


# The two patterns Streamlit's Markdown (remark-gfm) links in text *after* reading escapes,
# as in its bundle (the e-mail one without its look-behind, so it finds more, not less).
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
HOSTILE_NAMES = [
    "![x](http://evil.example/x.png)",
    '<img src="https://evil.example/y.png">',
    "Bangsar http://evil.example/z",
    "[click](https://evil.example/l) KLCC",
    "WWW.evil.example",
    "orders@evil.example",
    "HTTP://EVIL.EXAMPLE",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_escaped_names_leave_no_bare_url_for_markdown_to_link(name):
    escaped = md_escape(name)
    read = re.sub(r"\\(.)", r"\1", escaped)  # the text node after Markdown read the escapes
    assert not GFM_URL.search(read), read
    assert not GFM_EMAIL.search(read), read
    assert read.replace(WORD_JOINER, "") == name  # the reader sees the name as it is


def test_chart_labels_show_markup_as_text():
    assert chart_label('<a href="http://evil.example">x</a> & <b>') == (
        '&lt;a href="http://evil.example"&gt;x&lt;/a&gt; &amp; &lt;b&gt;'
    )
    assert chart_label(None) == ""


def test_technical_words_go_into_the_details_fold_not_the_main_text():
    from posbooks.app.format import for_people

    main, details = for_people(
        "Edited in QuickBooks (SyncToken 0 -> 1): Sales - Food: sent 100.00, now 110.00 (+10.00)"
    )
    assert main == "Edited in QuickBooks: Sales - Food: sent 100.00, now 110.00 (+10.00)"
    assert details == "(SyncToken 0 -> 1)"
    main, details = for_people(
        "Bangsar 2026-11-02 was already sent as a journal entry (PB261102-BAN-J); sending "
        "sales receipts too would book its sales twice. Delete it in QuickBooks first, then "
        "send with `posbooks send --allow-both-types`."
    )
    assert "`" not in main and main.endswith("would book its sales twice.")
    assert details.startswith("Delete it in QuickBooks first")
    assert for_people("POS, ledger and QuickBooks agree.") == (
        "POS, ledger and QuickBooks agree.",
        "",
    )
