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


@dataclass(frozen=True)
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

    def add(source: str, key: str | None, amount: Decimal) -> None:
        nets[(source, key)] = nets.get((source, key), ZERO) + amount

    for draft in drafts:
        if isinstance(draft, ReceiptDraft):
            for rline in draft.lines:
                add(rline.source, rline.key, rline.amount)
            if draft.payment_method:
                add("payment", draft.payment_method, draft.total)
            continue
        for line in draft.lines:
            credit_minus_debit = line.amount if line.posting == "Credit" else -line.amount
            add(
                line.source,
                line.key,
                -credit_minus_debit if line.source == "payment" else credit_minus_debit,
            )
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
        pos[(t.source, t.key)] = pos.get((t.source, t.key), ZERO) + t.amount
    keys = list(pos) + [k for k in nets if k not in pos and k[0] != "over_short"]
    return [
        TieOut(
            business_date=totals.business_date,
            outlet=totals.outlet,
            doc_type=doc_type,
            source=source,
            key=key,
            pos_total=pos.get((source, key), ZERO),
            entry_total=nets.get((source, key), ZERO),
        )
        for source, key in keys
    ]
