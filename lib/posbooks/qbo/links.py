"""Where a bookkeeper sees posbooks' documents in QuickBooks' own pages (or the sandbox's)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode


def qbo_document_url(
    *,
    environment: str,
    sandbox_base_url: str,
    realm_id: str,
    doc_type: str,
    qbo_id: str,
) -> str:
    """Where the bookkeeper sees a posted document in QuickBooks' own views.

    The local sandbox serves its read-only pages under ``/app/{realm}/...``; Intuit's
    sandbox companies live at app.sandbox.qbo.intuit.com and real ones at app.qbo.intuit.com.
    """
    if environment == "local":
        base = sandbox_base_url.rstrip("/")
        kind = {"journal": "journalentry", "refund": "refundreceipt"}.get(doc_type, "salesreceipt")
        return f"{base}/app/{realm_id}/{kind}/{qbo_id}"
    host = "app.sandbox.qbo.intuit.com" if environment == "sandbox" else "app.qbo.intuit.com"
    kind = {"journal": "journal", "refund": "refundreceipt"}.get(doc_type, "salesreceipt")
    return f"https://{host}/app/{kind}?{urlencode({'txnId': qbo_id})}"


def journal_report_url(sandbox_base_url: str, realm_id: str, start: date, end: date) -> str:
    """The local sandbox's Journal report for a period."""
    query = urlencode({"start_date": start.isoformat(), "end_date": end.isoformat()})
    return f"{sandbox_base_url.rstrip('/')}/app/{realm_id}/journal?{query}"


def period_report_url(
    *,
    environment: str,
    sandbox_base_url: str,
    realm_id: str,
    doc_type: str,
    start: date,
    end: date,
) -> tuple[str, str]:
    """(what it is, where): the Journal report or the Sales list that shows a period's
    documents, as the POS vendor's help tells the bookkeeper to look.

    Locally the sandbox's own pages; for Intuit's companies QuickBooks' Journal report
    (Reports > For my accountant > Journal) or Sales (Sales > All sales), whose dates the
    bookkeeper then sets, since QuickBooks documents no date parameters for these pages.
    """
    if environment == "local":
        if doc_type == "journal":
            return "Journal report", journal_report_url(sandbox_base_url, realm_id, start, end)
        return "Sales Receipts list", f"{sandbox_base_url.rstrip('/')}/app/{realm_id}/salesreceipts"
    host = "app.sandbox.qbo.intuit.com" if environment == "sandbox" else "app.qbo.intuit.com"
    if doc_type == "journal":
        return "Journal report", f"https://{host}/app/reportv2?token=JOURNAL"
    return "Sales list", f"https://{host}/app/sales"
