"""POS account types set to None on purpose: left out of what is sent (pure).

As in the POS vendor's own integration, a bookkeeper may set an account type to None
when its amounts do not belong in QuickBooks (e.g. tips paid out in cash). On a day
where such a type has no amount nothing changes. With an amount, the drafts are built
without it, so the day no longer balances by that amount: the over/short line (an
account for journal entries, the ``over_short`` Item for receipts) takes the difference
and a notice names what was left out; with no over/short mapped the day is blocked,
naming the amount and both ways out.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TypeVar

from posbooks.core.mapping_rules import row_label
from posbooks.core.model import DailyTotal, DayTotals, Issue, JournalDraft, Mapping

Draft = TypeVar("Draft")
ZERO = Decimal("0.00")


def without_left_out(day: DayTotals, mapping: Mapping) -> tuple[DayTotals, tuple[DailyTotal, ...]]:
    """The day's totals to send, and those left out (types set to None, with an amount)."""
    if not mapping.not_sent:
        return day, ()
    kept: list[DailyTotal] = []
    gone: list[DailyTotal] = []
    for total in day.totals:
        leave = (total.source, total.key) in mapping.not_sent and total.source != "over_short"
        (gone if leave else kept).append(total)
    gone = [t for t in gone if t.amount != 0]
    if not gone:
        return day, ()
    return replace(day, totals=tuple(kept)), tuple(gone)


def _effect(total: DailyTotal) -> Decimal:
    """How leaving ``total`` out moves the day's balance (non-payments minus payments)."""
    return -total.amount if total.source != "payment" else total.amount


def note_left_out(draft: Draft, gone: tuple[DailyTotal, ...], mapping: Mapping) -> Draft:
    """``draft`` with what was left out named, and blocked when nothing can balance it."""
    if not gone:
        return draft
    names = ", ".join(f"{row_label(t.source, t.key)} {t.amount:,.2f}" for t in gone)
    off = sum((_effect(t) for t in gone), ZERO)
    journal = isinstance(draft, JournalDraft)
    over_short = (
        mapping.accounts.get(("over_short", None)) if journal else mapping.items.get("over_short")
    )
    if off == 0 or over_short is not None:
        how = "" if off == 0 else f"; the day balances through Over/short ({abs(off):,.2f})"
        issue = Issue("not_sent", f"Left out, set to None (not sent): {names}{how}.", False)
        return replace(draft, issues=(*draft.issues, issue))
    where = "an account" if journal else "an Item for sales receipts"
    issue = Issue(
        "not_sent_unbalanced",
        f"Left out, set to None (not sent): {names}, so the day is off by {abs(off):,.2f} "
        f"and cannot be sent. Either map Over/short to {where} (it takes the difference), "
        "or map these account types instead of None.",
    )
    # this says why the day does not balance: the generic over/short message would repeat it
    issues = tuple(i for i in draft.issues if i.code != "unbalanced_day")
    return replace(draft, issues=(*issues, issue))
