"""Tie-out: does each draft carry exactly the POS totals it was built from? (pure)

For every (source, key) of a day's POS totals, the entry's net is compared with the
POS sum. Journal entries: payments are debits minus credits, every other source
credits minus debits. Sales receipts: the line amounts summed over the day's
receipts, and for a payment method the total of its receipt. Over/short lines are
posbooks' own balancing lines, not POS totals, so they are not tied here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from posbooks.core.model import DayTotals, JournalDraft, ReceiptDraft

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class TieOut:
    """One POS total next to what the drafts carry for it."""

    business_date: date
    outlet: str
    doc_type: str
    source: str
    key: str | None
    pos_total: Decimal
    entry_total: Decimal

    @property
    def ties(self) -> bool:
        return self.pos_total == self.entry_total

    @property
    def difference(self) -> Decimal:
        return self.entry_total - self.pos_total


def _entry_nets(drafts: Sequence[JournalDraft | ReceiptDraft]) -> dict:
    nets: dict[tuple[str, str | None], Decimal] = {}
    get = nets.get
    for draft in drafts:
        if isinstance(draft, ReceiptDraft):
            sign = -1 if draft.doc_type == "refund" else 1  # a refund is the POS negated
            for rline in draft.lines:
                key = (rline.source, rline.key)
                nets[key] = get(key, ZERO) + sign * rline.amount
            for code, amount in draft.taxes:  # tax by code: carried in TxnTaxDetail
                nets[("tax", code)] = get(("tax", code), ZERO) + sign * amount
            if draft.payments:  # one receipt for the day: every method it was paid by
                for method, amount in draft.payments:
                    key = ("payment", method or None)
                    nets[key] = get(key, ZERO) + amount
            elif draft.payment_method:
                key = ("payment", draft.payment_method)
                nets[key] = get(key, ZERO) + sign * draft.total
            continue
        for line in draft.lines:
            # credits minus debits, except payments: debits minus credits
            source = line.source
            plus = (line.posting == "Credit") != (source == "payment")
            key = (source, line.key)
            nets[key] = get(key, ZERO) + (line.amount if plus else -line.amount)
            if line.tax_amount:  # tax by code: QuickBooks posts it on the line's side
                tax = ("tax", line.tax_key)
                taxed = line.tax_amount if line.posting == "Credit" else -line.tax_amount
                nets[tax] = get(tax, ZERO) + taxed
    return nets


def tie_out(
    totals: DayTotals,
    drafts: Sequence[JournalDraft | ReceiptDraft],
    doc_type: str | None = None,
) -> list[TieOut]:
    """One row per POS (source, key) of the day: its POS total and the drafts' net."""
    doc_type = doc_type or (drafts[0].doc_type if drafts else "journal")
    nets = _entry_nets(drafts)
    pos: dict[tuple[str, str | None], Decimal] = {}
    for t in totals.totals:
        key = (t.source, t.key)
        pos[key] = pos.get(key, ZERO) + t.amount
    keys = list(pos) + [k for k in nets if k not in pos and k[0] != "over_short"]
    day, outlet = totals.business_date, totals.outlet
    return [
        TieOut(day, outlet, doc_type, key[0], key[1], pos.get(key, ZERO), nets.get(key, ZERO))
        for key in keys
    ]
