"""The Preview & Send page's tables and messages as plain rows and text (pure).

Amounts stay Decimal until they become display strings here; the page only renders.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from posbooks.app.format import chart_label, date_label, money
from posbooks.core.mapping_rules import row_label
from posbooks.core.model import Issue, JournalDraft, ReceiptDraft, Ref

ZERO = Decimal("0.00")
# Columns holding amounts or counts: shown right-aligned so the cents line up.
NUMBER_COLUMNS = ("Debit", "Credit", "Amount", "Unit price", "Qty", "POS total", "In entries")
NOT_MAPPED = "(not mapped)"


def _name(ref: Ref | None, missing: str = "") -> str:
    return (ref.name or ref.id) if ref is not None else missing


def problem_rows(problems: Iterable) -> list[dict[str, str]]:
    """The validation report: File, Row, Column, Problem."""
    return [
        {
            "File": p.file,
            "Row": "" if p.row is None else str(p.row),
            "Column": p.column or "",
            "Problem": p.message,
        }
        for p in problems
    ]


def paid_by(entry: ReceiptDraft) -> str:
    """A receipt's payment method, or for the day's one receipt, every method it stands for."""
    if entry.payments:
        return f"{entry.payment_method}: " + ", ".join(
            f"{m or 'no method'} {money(a)}" for m, a in entry.payments
        )
    return entry.payment_method


def entry_title(
    entry: JournalDraft | ReceiptDraft, posted: str | None = None, currency: str = ""
) -> str:
    """``KLCC · Tue 24 Nov 2026 · Journal Entry · 3,210.40`` (+ already-posted mark)."""
    if isinstance(entry, ReceiptDraft):
        what = f"Sales Receipt ({entry.payment_method}) · {with_currency(entry.total, currency)}"
    else:
        what = f"Journal Entry · {with_currency(entry.total_debits, currency)}"
    mark = {
        "unchanged": " · already in QuickBooks (unchanged)",
        "changed": " · already in QuickBooks, CHANGED since posted",
    }.get(posted or "", "")
    blocked = " · BLOCKED" if entry.blocked else ""
    return f"{entry.outlet} · {date_label(entry.business_date)} · {what}{blocked}{mark}"


def entry_rows(entry: JournalDraft | ReceiptDraft) -> list[dict[str, str]]:
    """A draft's lines with account (or item), class, location, debit and credit / amount."""
    if isinstance(entry, ReceiptDraft):
        rows = [
            {
                "POS amount": row_label(ln.source, ln.key),
                "Item": _name(ln.item, NOT_MAPPED),
                "Class": _name(ln.class_),
                "Qty": f"{ln.quantity.normalize():f}",
                "Unit price": money(ln.unit_price),
                "Amount": money(ln.amount),
            }
            for ln in entry.lines
        ]
        rows.append(
            {
                "POS amount": f"Total ({paid_by(entry)})",
                "Item": f"Deposit to: {_name(entry.deposit_account, NOT_MAPPED)}",
                "Class": "",
                "Qty": "",
                "Unit price": "",
                "Amount": money(entry.total),
            }
        )
        return rows
    rows = [
        {
            "Account": _name(ln.account, NOT_MAPPED),
            "Class": _name(ln.class_),
            "Location": _name(ln.location),
            "Description": ln.description + (" (added by posbooks)" if ln.automatic else ""),
            "Debit": money(ln.amount) if ln.posting == "Debit" else "",
            "Credit": money(ln.amount) if ln.posting == "Credit" else "",
        }
        for ln in entry.lines
    ]
    rows.append(
        {
            "Account": "Total",
            "Class": "",
            "Location": "",
            "Description": "",
            "Debit": money(entry.total_debits),
            "Credit": money(entry.total_credits),
        }
    )
    return rows


def entry_check(entry: JournalDraft | ReceiptDraft) -> tuple[bool, str]:
    """The balance check: passed or not, and in words."""
    if isinstance(entry, ReceiptDraft):
        lines = sum((ln.amount for ln in entry.lines), ZERO)
        ok = lines == entry.total
        verdict = "Adds up" if ok else "Does NOT add up"
        return ok, f"{verdict}: lines {money(lines)}, receipt total {money(entry.total)}."
    if entry.balanced:
        return True, f"Balanced: debits = credits = {money(entry.total_debits)}."
    diff = entry.total_debits - entry.total_credits
    return False, f"NOT balanced: debits exceed credits by {money(diff)}."


def _tieouts(result) -> list:
    return list(getattr(result, "tieouts", None) or getattr(result, "tie_out", None) or [])


def tieout_rows(result) -> list[dict[str, str]]:
    """POS total vs entry total per (day, outlet, POS amount)."""
    return [
        {
            "Day": date_label(t.business_date),  # one human date format on every page
            "Outlet": t.outlet,
            "POS amount": row_label(t.source, t.key),
            "POS total": money(t.pos_total),
            "In entries": money(t.entry_total),
            "Ties": "yes" if t.ties else f"NO, off by {money(t.difference)}",
        }
        for t in _tieouts(result)
    ]


def export_tie_rows(result) -> list[dict[str, str]]:
    """Each day booked against the POS export's own total (Square Total Collected, ...)."""
    return [
        {
            "Day": t.business_date.isoformat(),
            "Outlet": t.outlet,
            "Export says": f"{t.label} {money(t.export_total)}",
            "Booked": f"{t.booked_as} {money(t.booked)}",
            "Ties": "yes" if t.ties else f"NO, off by {money(t.booked - t.export_total)}",
        }
        for t in getattr(result, "export_ties", ())
    ]


def period_figures(result) -> dict:
    """Documents, POS sales, all balanced, all tied: the four numbers above the preview."""
    entries = list(result.entries)
    sales = ZERO
    for t in _tieouts(result):
        if t.source == "sales":
            sales += t.pos_total
    balanced = all(
        e.balanced
        if isinstance(e, JournalDraft)
        else sum((ln.amount for ln in e.lines), ZERO) == e.total
        for e in entries
    )
    return {
        "documents": len(entries),
        "sales": sales,
        "balanced": balanced,
        "tied": all(t.ties for t in _tieouts(result))
        and all(t.ties for t in getattr(result, "export_ties", ())),
    }


def period_issues(result) -> list[Issue]:
    """Issues of the period not already shown under one document (deduplicated)."""
    seen: set[str] = set()
    own = {i.message for e in result.entries for i in e.issues}
    issues = []
    for issue in getattr(result, "issues", ()):
        if issue.message not in seen and issue.message not in own:
            seen.add(issue.message)
            issues.append(issue)
    return issues


_OUTCOME_WORDS = {
    "created": "sent to QuickBooks as",
    "updated": "updated in QuickBooks:",
    "unchanged": "already in QuickBooks, unchanged:",
    "changed": "NOT re-sent: the POS data or mapping changed since it was sent as",
    "blocked": "not sent:",
    "failed": "failed:",
}


def outcome_message(outcome, doc_label: str) -> str:
    """``Bangsar Tue 24 Nov 2026: sent to QuickBooks as Journal Entry PB2611244J.``"""
    where = f"{outcome.outlet} {date_label(outcome.business_date)}"
    words = _OUTCOME_WORDS.get(outcome.status, outcome.status + ":")
    if outcome.status == "failed" and outcome.message.startswith("not confirmed"):
        return f"{where}: {outcome.message}"  # cut off: it may or may not have reached QuickBooks
    if outcome.status in ("blocked", "failed"):
        return f"{where}: {words} {outcome.message}".strip()
    number = f"{doc_label} {outcome.doc_number}" if outcome.doc_number else doc_label
    extra = f" {outcome.message}" if outcome.status == "changed" and outcome.message else ""
    return f"{where}: {words} {number}.{extra}"


_DOC_NOUNS = {
    "journal": ("journal entry", "journal entries"),
    "receipt": ("sales receipt", "sales receipts"),
}


def count_documents(count: int, doc_type: str) -> str:
    """``1 journal entry``, ``3 sales receipts``."""
    one, many = _DOC_NOUNS.get(doc_type, (doc_type, doc_type + "s"))
    return f"{count} {one if count == 1 else many}"


def period_title(date_from, date_to) -> str:
    """``on Fri 20 Nov 2026`` for one day, ``Sun 22 Nov 2026 to Tue 24 Nov 2026`` for a range."""
    if date_from == date_to:
        return f"on {date_label(date_from)}"
    return f"{date_label(date_from)} to {date_label(date_to)}"


UPLOAD_RETENTION = (
    "posbooks keeps the 20 most recent uploads in this home (POSBOOKS_HOME/uploads); a newer "
    "one deletes the oldest. Deleting an upload does not touch what was sent to QuickBooks."
)


def _size(size: int) -> str:
    """In the file chooser's own units (1 MB = 1,000,000 bytes), so one file shows one size."""
    return f"{size / 1_000_000:,.1f} MB" if size >= 1_000_000 else f"{max(size // 1000, 1):,} kB"


def upload_label(upload) -> str:
    """``klcc.csv, bangsar.csv · saved Fri 20 Nov 2026 14:02 UTC · 812 kB``."""
    names = ", ".join(upload.names)
    when = f"{date_label(upload.saved_at)} {upload.saved_at:%H:%M} UTC"
    return f"{names} · saved {when} · {_size(upload.size)}"


def _draft_key(entry) -> tuple:
    key = entry.payment_method if isinstance(entry, ReceiptDraft) else ""
    return (entry.business_date, entry.outlet, key)


def _draft_total(entry) -> Decimal:
    return entry.total if isinstance(entry, ReceiptDraft) else entry.total_debits


def send_summary(outcomes, entries, doc_type: str, date_from, date_to, currency: str) -> str:
    """One line for a send: ``Sent 3 journal entries for Fri 20 Nov 2026, MYR 15,932.00``
    (plus what was already in QuickBooks and what did not go)."""
    totals = {_draft_key(e): _draft_total(e) for e in entries}
    sent = [o for o in outcomes if o.status in ("created", "updated")]
    amount = sum((totals.get((o.business_date, o.outlet, o.doc_key), ZERO) for o in sent), ZERO)
    when = period_title(date_from, date_to).removeprefix("on ")
    parts = []
    if sent:
        parts.append(
            f"Sent {count_documents(len(sent), doc_type)} for {when}, "
            f"{with_currency(amount, currency)}"
        )
    if already := sum(o.status == "unchanged" for o in outcomes):
        parts.append(f"{count_documents(already, doc_type)} already in QuickBooks, unchanged")
    if not_sent := sum(o.status not in ("created", "updated", "unchanged") for o in outcomes):
        parts.append(f"{count_documents(not_sent, doc_type)} not sent (listed below)")
    return ("; ".join(parts) or f"Nothing was sent for {when}") + "."


def with_currency(amount: Decimal, currency: str) -> str:
    """``MYR 15,932.00`` (just the amount when the currency is not known yet)."""
    return f"{currency} {money(amount)}".strip()


def grouped_problems(issues: Iterable[Issue]) -> str:
    """A document's blocking issues as one Markdown message (names escaped), "" when none."""
    from posbooks.app.format import md_escape

    blocking = [i.message for i in issues if i.blocking]
    if len(blocking) <= 1:
        return md_escape(blocking[0]) if blocking else ""
    return f"**{len(blocking)} problems stop this document:**\n\n" + "\n".join(
        f"- {md_escape(m)}" for m in blocking
    )


def waiting_message(seconds: float, attempt: int, attempts: int, why: str = "") -> str:
    """``QuickBooks is busy, retrying in 4 s, attempt 2 of 6 (HTTP 503).``"""
    from posbooks.app.format import md_escape

    when = f"{seconds:.0f} s" if seconds >= 1 else f"{seconds:.1f} s"
    reason = f" ({md_escape(why)})" if why else ""
    return f"QuickBooks is busy, retrying in {when}, attempt {attempt} of {attempts}{reason}."


def waited_message(retries: int, seconds: float) -> str:
    """What the waits of a send came to, under its result."""
    tries = "1 retry" if retries == 1 else f"{retries} retries"
    return (
        f"QuickBooks was busy: posbooks waited {seconds:.1f} s in all over {tries}; "
        "nothing was sent twice."
    )


def sales_chart_bars(sales: Iterable[tuple[str, str, Decimal]]) -> list[tuple[str, list, list]]:
    """The stacked chart's bars: per category, in the order first met, the outlets and their
    sales (float, for the chart only), named safely for Plotly."""
    bars: dict[str, tuple[list, list]] = {}
    for outlet, category, amount in sales:
        xs, ys = bars.setdefault(chart_label(category), ([], []))
        xs.append(chart_label(outlet))
        ys.append(float(amount))
    return [(category, xs, ys) for category, (xs, ys) in bars.items()]
