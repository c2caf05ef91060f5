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
