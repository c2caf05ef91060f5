"""The History page's table: ledger rows as the bookkeeper reads them, and its filters (pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from posbooks.ui_format import DOC_LABELS

STATUS_WORDS = {
    "posted": "in QuickBooks",
    "sending": "sending (outcome not yet known)",
    "failed": "refused by QuickBooks",
}

LinkMaker = Callable[[str, str | None], str | None]


def history_rows(ledger: Iterable, link: LinkMaker) -> list[dict]:
    """One row per document posbooks sent: day, outlet, type, number, status, link."""
    rows = []
    for r in ledger:
        label = DOC_LABELS.get(r.doc_type, r.doc_type)
        rows.append(
            {
                "Business date": r.business_date,
                "Outlet": r.outlet,
                "Type": f"{label} ({r.doc_key})" if r.doc_key else label,
                "DocNumber": r.doc_number,
                "Status": STATUS_WORDS.get(r.status, r.status),
                "Open": link(r.doc_type, r.qbo_id) if r.status == "posted" else None,
                "QuickBooks Id": r.qbo_id or "",
                "Mapping version": r.mapping_version,
                "Last change (UTC)": (r.updated_at or "")[:19].replace("T", " "),
                "Message": r.message or "",
            }
        )
    return rows


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
