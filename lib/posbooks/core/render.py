"""Money and drafts as plain text a bookkeeper reads (pure; the CLI prints these).

All number formatting of the command line lives here: amounts with two places and
thousands separators, debits and credits in their own right-aligned columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from posbooks.core.model import CENT, Issue, JournalDraft, ReceiptDraft, Ref
from posbooks.core.tieout import TieOut

DOC_LABELS = {"journal": "Journal Entry", "receipt": "Sales Receipt", "refund": "Refund Receipt"}


def document_type(doc_type: str, doc_key: str = "") -> str:
    """``Journal Entry``, or ``Sales Receipt (Visa/Master)`` for one payment method's receipt."""
    label = DOC_LABELS.get(doc_type, doc_type)
    return f"{label} ({doc_key})" if doc_key else label


def money(amount: Decimal | None) -> str:
    """``1,234.50``; ``-12.00``; empty for None."""
    if amount is None:
        return ""
    return f"{amount.quantize(CENT):,.2f}"


def ref_name(ref: Ref | None, missing: str = "") -> str:
    return ref.name or ref.id if ref is not None else missing


def table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> list[str]:
    """Columns padded to their widest cell; ``numeric`` columns right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def fmt(row: Sequence[str]) -> str:
        cells = [
            str(c).rjust(w) if i in numeric else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  " + "  ".join(cells).rstrip()

    return [fmt(header), "  " + "  ".join("-" * w for w in widths), *(fmt(r) for r in rows)]


def issue_lines(issues: Sequence[Issue], indent: str = "  ") -> list[str]:
    return [f"{indent}{'BLOCKING' if i.blocking else 'note'}: {i.message}" for i in issues]


def journal_text(draft: JournalDraft) -> list[str]:
    """A journal entry draft: one row per line, debit and credit columns, totals."""
    state = "balanced" if draft.balanced else "NOT BALANCED"
    head = f"{draft.business_date}  {draft.outlet}  Journal Entry ({state})"
    rows = [
        [
            ref_name(ln.account, "(not mapped)"),
            ref_name(ln.class_),
            ref_name(ln.location),
            ln.description + (" *" if ln.automatic else ""),
            money(ln.amount) if ln.posting == "Debit" else "",
            money(ln.amount) if ln.posting == "Credit" else "",
        ]
        for ln in draft.lines
    ]
    for ln in draft.lines:  # tax by code: what QuickBooks posts from the line's TaxAmount
        if ln.tax_amount:
            debit, credit = (
                (ln.tax_amount, None) if ln.posting == "Debit" else (None, ln.tax_amount)
            )
            rows.append(
                ["(QuickBooks tax)", "", "", f"{ln.tax_key} tax on {ln.description}",
                 money(debit) if debit else "", money(credit) if credit else ""]
            )  # fmt: skip
    rows.append(["Total", "", "", "", money(draft.total_debits), money(draft.total_credits)])
    header = ["Account", "Class", "Location", "Description", "Debit", "Credit"]
    legend = (
        ["  * added automatically by posbooks, not a POS line"]
        if any(ln.automatic for ln in draft.lines)
        else []
    )
    return [head, *table(header, rows, {4, 5}), *legend, *issue_lines(draft.issues)]


def receipt_text(draft: ReceiptDraft) -> list[str]:
    """A sales receipt draft: items, quantities, unit prices, amounts and its total."""
    deposit = ref_name(draft.deposit_account, "(deposit account not mapped)")
    kind, arrow = (
        ("Refund Receipt", "<-") if draft.doc_type == "refund" else ("Sales Receipt", "->")
    )
    head = (
        f"{draft.business_date}  {draft.outlet}  {kind}: {draft.payment_method or '-'}"
        f" {arrow} {deposit}  total {money(draft.total)}"
    )
    rows = [
        [
            ref_name(ln.item, "(not mapped)"),
            ref_name(ln.class_),
            ln.description,
            f"{ln.quantity.normalize():f}",
            money(ln.unit_price),
            money(ln.amount),
        ]
        for ln in draft.lines
    ]
    for code, amount in draft.taxes:  # tax by code: the receipt's TxnTaxDetail
        rows.append(["(QuickBooks tax)", "", f"{code} tax", "", "", money(amount)])
    lines_sum = sum((ln.amount for ln in draft.lines), Decimal("0.00"))
    lines_sum += sum((amount for _, amount in draft.taxes), Decimal("0.00"))
    rows.append(["Total", "", "", "", "", money(lines_sum)])
    header = ["Item", "Class", "Description", "Qty", "Unit price", "Amount"]
    return [head, *table(header, rows, {3, 4, 5}), *issue_lines(draft.issues)]


def tie_out_text(rows: Sequence[TieOut]) -> list[str]:
    """One line saying all POS totals tie, or the ones that do not."""
    off = [r for r in rows if not r.ties]
    if not off:
        return [f"Tie-out: all {len(rows):,} POS totals equal the drafts to the cent."]
    lines = [f"Tie-out: {len(off):,} of {len(rows):,} POS totals DO NOT equal the drafts:"]
    lines += [
        f"  {r.business_date} {r.outlet} {r.source} {r.key or '-'}: POS {money(r.pos_total)},"
        f" drafts {money(r.entry_total)}"
        for r in off
    ]
    return lines


def preview_text(
    entries: Sequence[JournalDraft | ReceiptDraft],
    tie_outs: Sequence[TieOut],
    issues: Sequence[Issue],
) -> str:
    """The whole preview: every draft, then the tie-out, then issues of the run."""
    out: list[str] = []
    for draft in entries:
        out += journal_text(draft) if isinstance(draft, JournalDraft) else receipt_text(draft)
        out.append("")
    if not entries:
        out.append("No drafts: no receipts in the period.")
    if tie_outs:  # nothing to tie when there were no receipts
        out += tie_out_text(tie_outs)
    out += issue_lines(issues, indent="")
    return "\n".join(out) + "\n"


STATUS_WORDS = {
    "posted": "in QuickBooks",
    "sending": "sending (outcome not yet known)",
    "failed": "refused by QuickBooks",
    "not_sent": "not sent: posbooks stopped it",  # why: listed under the table
}


def status_words(row) -> str:
    """A ledger row's status as the bookkeeper reads it: who refused, posbooks or QuickBooks.

    A ``failed`` row that was never handed to QuickBooks (no attempt, no Id) is one posbooks
    refused to send, e.g. its DocNumber was taken there; QuickBooks refused nothing.
    """
    if row.status == "failed" and not row.attempts and not row.qbo_id:
        return STATUS_WORDS["not_sent"]
    return STATUS_WORDS.get(row.status, row.status)


def sent_amount(row) -> Decimal | None:
    """The total of what posbooks sent for a ledger row (a journal's debits, a receipt's
    takings); None when it holds no payload (never handed over)."""
    # here, not at the top: a preview renders drafts and never compares sent documents
    from posbooks.core.reconcile import document_total, lines_from_qbo

    return document_total(lines_from_qbo(row.payload)) if row.payload else None


def sent_total(row) -> str:
    """``sent_amount`` as the bookkeeper reads it, or "—"."""
    total = sent_amount(row)
    return money(total) if total is not None else "—"
