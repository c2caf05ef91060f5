"""The History page's table: ledger rows as the bookkeeper reads them, and its filters (pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from posbooks.app.format import md_escape, money
from posbooks.core.reconcile import DocumentCheck
from posbooks.core.render import (  # noqa: F401 - STATUS_WORDS: the page's words, tested
    STATUS_WORDS,
    document_type,
    sent_total,
    status_words,
)

LinkMaker = Callable[[str, str | None], str | None]


def history_rows(ledger: Iterable, link: LinkMaker, currency: str = "") -> list[dict]:
    """One row per document posbooks sent: day, outlet, type, number, total, status, link."""
    total_label = f"Total ({currency})" if currency else "Total"
    rows = []
    for r in ledger:
        rows.append(
            {
                "Business date": r.business_date,
                "Outlet": r.outlet,
                "Type": document_type(r.doc_type, r.doc_key),
                "DocNumber": r.doc_number,
                total_label: sent_total(r),
                "Status": status_words(r),
                "Open": link(r.doc_type, r.qbo_id) if r.status == "posted" else None,
                "QuickBooks Id": r.qbo_id or "",
                "Mapping version": r.mapping_version,
                "Last change (UTC)": (r.updated_at or "")[:19].replace("T", " "),
                "Message": r.message or "",
            }
        )
    return rows


WHY_SHOWN = 10  # reasons listed under the table; the Message column keeps every one


def why_not_in_quickbooks(rows: Sequence[dict], limit: int = WHY_SHOWN) -> str | None:
    """Markdown for under the ledger table: each shown document QuickBooks does not hold,
    with its status and the reason in full (a table cell cuts a sentence off). None if all
    are in QuickBooks."""
    missing = [r for r in rows if r["Status"] != STATUS_WORDS["posted"]]
    if not missing:
        return None
    lines = [
        f"- **{md_escape(r['DocNumber'])}** ({md_escape(r['Outlet'])}, "
        f"{r['Business date']:%a %d %b %Y}): {md_escape(r['Status'])}"
        + (f" — {md_escape(r['Message'])}" if r["Message"] else ".")
        for r in missing[:limit]
    ]
    if len(missing) > limit:
        lines.append(
            f"- and {len(missing) - limit:,} more: filter by Status, or read the Message column."
        )
    head = f"**{len(missing):,} of these documents {'is' if len(missing) == 1 else 'are'} "
    return head + "not in QuickBooks:**\n\n" + "\n".join(lines)


def filter_rows(
    rows: Sequence[dict],
    *,
    outlets: Sequence[str] = (),
    types: Sequence[str] = (),
    statuses: Sequence[str] = (),
    period: Sequence[date] | date | None = None,
) -> list[dict]:
    """Rows matching every filter given; an empty filter keeps everything."""
    if isinstance(period, date):
        period = (period, period)
    start, end = (tuple(period) + (None, None))[:2] if period else (None, None)
    end = end or start  # while only the first day of a range is picked, show that day
    return [
        r
        for r in rows
        if (not outlets or r["Outlet"] in outlets)
        and (not types or r["Type"] in types)
        and (not statuses or r["Status"] in statuses)
        and (start is None or start <= r["Business date"] <= end)
    ]


# --- reconciliation before anything was sent ----------------------------------------------

NOTHING_SENT = "Nothing was sent yet. Preview a day on Preview & Send, then send it."


def reconcile_unavailable(*, anything_sent: bool, reconnect_needed: bool) -> str:
    """What the reconcile section says when QuickBooks cannot be asked, and what to do."""
    connect = (
        "QuickBooks wants you to reconnect: go to Connect and connect again"
        if reconnect_needed
        else "QuickBooks is not connected: go to Connect and connect to your company"
    )
    if anything_sent:
        return f"{connect}, then reconcile here what posbooks sent with what QuickBooks holds now."
    return (
        f"{connect}. Then posbooks looks here for documents in QuickBooks it recognises as "
        "its own. To post, preview a day on Preview & Send and send it; reconcile it here "
        "afterwards."
    )


def found_rows(found: Iterable[DocumentCheck]) -> list[dict]:
    """The table of documents found in QuickBooks only: day, outlet, type, DocNumber, its Id
    and total there (Reconcile compares them with the POS line by line)."""
    rows = []
    for c in found:
        rows.append(
            {
                "Business date": c.business_date,
                "Outlet": c.outlet,
                "Type": document_type(c.doc_type, c.doc_key),
                "DocNumber": c.doc_number,
                "QuickBooks Id": c.qbo_id or "",
                "QuickBooks now": money(c.qbo_total),
            }
        )
    return rows


def found_message(found: Sequence[DocumentCheck], date_from: date, date_to: date) -> str:
    """What looking in QuickBooks before the first send found, in one paragraph (Markdown)."""
    period = f"{date_from:%d %b %Y} to {date_to:%d %b %Y}"
    if not found:
        return (
            f"QuickBooks holds no document posbooks recognises as its own from {period} (the "
            "days of the POS data), so there is nothing to reconcile yet: every day shows as "
            "Not sent. Preview a day on Preview & Send and send it; then reconcile it here."
        )
    days = sorted({c.business_date for c in found})
    return (
        f"Nothing was sent from here yet, but QuickBooks holds **{len(found)} document(s)** "
        f"that look like posbooks' (its DocNumber and note) from {days[0]:%d %b %Y} to "
        f"{days[-1]:%d %b %Y}: sent from another computer or an earlier posbooks home. "
        "Sending those days from here records them in this ledger instead of creating them "
        "twice. To check them line by line against the POS first, reconcile their period "
        "below (it is preselected) and adopt each one."
    )
