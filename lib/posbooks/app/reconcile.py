"""The History page's reconciliation view as the bookkeeper reads it (pure helpers).

Tables of documents and of one document's lines, status badges, the rows behind the
charts (amounts become floats only there) and which actions a document offers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from posbooks.app.format import EMPTY, amount_or_dash, for_people
from posbooks.core.reconcile import GOOD, STATUS_LABELS, STATUSES, DocumentCheck
from posbooks.core.render import document_type

BADGE_COLORS = {
    "matched": "green",
    "adjusted": "green",
    "accepted": "gray",
    "edited": "orange",
    "deleted": "red",
    "pos_changed": "orange",
    "not_sent": "blue",
    "qbo_only": "violet",
    "failed": "red",
    "conflict": "red",
}
# Chart colours: the three sources, and statuses in the badges' colours.
SOURCE_COLORS = {"POS now": "#1f77b4", "Sent": "#9aa5b1", "QuickBooks now": "#2ca02c"}
_HEX = {"green": "#2e9e5b", "gray": "#9aa5b1", "orange": "#f0a030", "red": "#d64545",
        "blue": "#3b82c4", "violet": "#8e5cc7"}  # fmt: skip
STATUS_COLORS = {STATUS_LABELS[s]: _HEX[c] for s, c in BADGE_COLORS.items()}
SEND_AGAIN_LABELS = {
    "not_sent": "Send to QuickBooks",
    "failed": "Send again",
    "conflict": "Send again (once renamed or deleted in QuickBooks)",
    "qbo_only": "Adopt the QuickBooks document",
    "deleted": "Create it again in QuickBooks",
    "pos_changed": "Replace it with the POS now",
    "edited": "Restore what posbooks sent",
}
ACCEPT = "Accept as is"
ADJUST = "Post an adjusting entry"


def badge(status: str, count: int | None = None) -> str:
    """A Streamlit Markdown badge for a status, optionally with a count."""
    label = STATUS_LABELS.get(status, status) + (f": {count}" if count is not None else "")
    return f":{BADGE_COLORS.get(status, 'gray')}-badge[{label}]"  # our own labels: no user text


def count_badges(checks: Iterable[DocumentCheck]) -> str:
    """Every status present, in a fixed order, as badges with their counts."""
    counts = Counter(c.status for c in checks)
    return " ".join(badge(s, counts[s]) for s in STATUSES if counts[s])


def _doc_label(check: DocumentCheck) -> str:
    return document_type(check.doc_type, check.doc_key)


def document_rows(checks: Iterable[DocumentCheck]) -> list[dict]:
    """One row per document: day, outlet, type, number, status, the three totals, message."""
    return [
        {
            "Business date": c.business_date,
            "Outlet": c.outlet,
            "Type": _doc_label(c),
            "DocNumber": c.doc_number,
            "Status": c.label,
            "POS now": amount_or_dash(c.pos_total),
            "Sent": amount_or_dash(c.sent_total),
            "QuickBooks now": amount_or_dash(c.qbo_total),
            "Lines differing": len(c.differences),
            "Message": for_people(c.message)[0],
        }
        for c in checks
    ]


def filter_checks(
    checks: Sequence[DocumentCheck],
    *,
    outlets: Sequence[str] = (),
    statuses: Sequence[str] = (),
) -> list[DocumentCheck]:
    """Documents of the chosen outlets and status labels; an empty filter keeps all."""
    return [
        c
        for c in checks
        if (not outlets or c.outlet in outlets) and (not statuses or c.label in statuses)
    ]


def line_rows(check: DocumentCheck) -> list[dict]:
    """The three sources line by line (debits positive, credits negative), differing lines first."""
    rows = []
    for ln in sorted(check.lines, key=lambda ln: not ln.differs):  # what differs on top
        row = {
            "Account": ln.account,
            "Class": ln.class_ or EMPTY,
            "Location": ln.location or EMPTY,
            "POS now": amount_or_dash(ln.pos),
            "Sent": amount_or_dash(ln.sent),
            "QuickBooks now": amount_or_dash(ln.qbo),
        }
        if check.adjustments:
            row["QuickBooks with adjustments"] = amount_or_dash(ln.adjusted)
        row["Differs"] = ln.differs
        rows.append(row)
    return rows


def daily_chart_rows(checks: Iterable[DocumentCheck]) -> list[dict]:
    """Per day and source (POS now, Sent, QuickBooks now), the total as a float for plotting."""
    sums: dict[tuple[date, str], object] = {}
    for c in checks:
        for source, value in (("POS now", c.pos_total), ("Sent", c.sent_total),
                              ("QuickBooks now", c.qbo_total)):  # fmt: skip
            key = (c.business_date, source)
            sums[key] = sums.get(key, 0) + (value or 0)
    return [
        {"Business date": day, "Source": source, "Total": float(total)}  # type: ignore[arg-type]
        for (day, source), total in sorted(sums.items())
    ]


def status_chart_rows(checks: Iterable[DocumentCheck]) -> list[dict]:
    """Documents per day and status label, for the status-over-time chart."""
    counts = Counter((c.business_date, c.status) for c in checks)
    return [
        {"Business date": day, "Status": STATUS_LABELS[status], "Documents": n}
        for (day, status), n in sorted(counts.items(), key=lambda kv: (kv[0][0], STATUSES.index(kv[0][1])))
    ]  # fmt: skip


def actions_for(check: DocumentCheck) -> list[tuple[str, str]]:
    """(action, button label) offered for a document: ``send``, ``adjust``, ``accept``."""
    if check.status in GOOD - {"accepted"}:
        return []
    actions = []
    if check.pos_total is not None and check.status in SEND_AGAIN_LABELS:
        actions.append(("send", SEND_AGAIN_LABELS[check.status]))
    adjustable = check.status in ("edited", "deleted", "pos_changed", "accepted")
    if check.doc_type == "journal" and check.pos_total is not None and adjustable:
        actions.append(("adjust", ADJUST))
    if check.status != "accepted":
        actions.append(("accept", ACCEPT))
    return actions


def confirmation(label: str, doc_number: str) -> str:
    """The tick that enables an action's button; names like QuickBooks keep their capitals."""
    return f"Yes: {label[:1].lower()}{label[1:]} for {doc_number}"


def choice_label(check: DocumentCheck) -> str:
    """How a document is named in the drill-down selector."""
    return f"{check.business_date} {check.outlet} {_doc_label(check)} {check.doc_number} ({check.label})"
