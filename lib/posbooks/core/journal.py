"""A business day's sales at one outlet as one balanced journal entry (pure).

One line per (source, key) of the day's POS totals:

==============  ============================  ===============================
source          key                           side of a positive POS amount
==============  ============================  ===============================
payment         payment method                Debit  (money received)
discount        category, None = receipt      Debit  (POS discounts are negative)
sales           category                      Credit
service_charge  None                          Credit
tax             tax code                      Credit
tip             None                          Credit (owed to staff)
rounding        None                          Credit when positive, else Debit
over_short      None (added by posbooks)      whatever balances the entry
==============  ============================  ===============================

A negative net flips the side (a refund-heavy day credits the payment method);
a zero total makes no line. If the POS lines of the day do not balance, posbooks adds
an ``over_short`` line (``automatic=True``) for the difference; without an over/short
account mapped that line has no account and the draft carries a blocking issue.

Accounts come from ``mapping.accounts[(source, key)]`` (a category's discount falls
back to the receipt-level ``("discount", None)``). Without any account mapped the
draft previews by POS type (account None) with one blocking ``no_mapping`` issue;
with a partial mapping each line lacking an account gets a blocking
``unmapped_account`` issue, since QuickBooks refuses a line without an account.
Sales and discount lines of a category carry ``mapping.classes[category]``; every
line carries ``mapping.locations[outlet]``.
"""

from __future__ import annotations

from decimal import Decimal

from posbooks.core.model import (
    EMPTY_MAPPING,
    DailyTotal,
    DayTotals,
    EntryLine,
    Issue,
    JournalDraft,
    Mapping,
    Ref,
)

ZERO = Decimal("0.00")

# Order of lines in an entry: money in first, then what it paid for.
LINE_ORDER = (
    "payment", "discount", "sales", "service_charge", "tax", "tip", "rounding", "over_short",
)  # fmt: skip

LABELS = {
    "payment": "Payment",
    "discount": "Discount",
    "sales": "Sales",
    "service_charge": "Service charge",
    "tax": "Tax",
    "tip": "Tips",
    "rounding": "Cash rounding",
    "over_short": "Over/short",
}


def describe(source: str, key: str | None, outlet: str, business_date: object) -> str:
    """The line description a bookkeeper reads, e.g. ``Sales - Food (Bangsar 2026-11-20)``."""
    return f"{_label(source, key)} ({outlet} {business_date!s})"


def _label(source: str, key: str | None) -> str:
    label = LABELS.get(source, source)
    if key is not None:
        return f"{label} - {key}"
    return f"{label} - whole receipt" if source == "discount" else label


LINE_RANK = {source: rank for rank, source in enumerate(LINE_ORDER)}


def line_order(total: DailyTotal) -> tuple:
    """Sort key: by LINE_ORDER, then key (None first)."""
    rank = LINE_RANK.get(total.source, len(LINE_ORDER))
    return (rank, total.key is not None, total.key or "")


def account_for(mapping: Mapping, source: str, key: str | None) -> Ref | None:
    """The mapped account; a category's discount falls back to the receipt-level one."""
    account = mapping.accounts.get((source, key))
    if account is None and source == "discount":
        account = mapping.accounts.get(("discount", None))
    return account


def class_for(mapping: Mapping, source: str, key: str | None) -> Ref | None:
    """Only category lines (sales, category discounts) carry a class."""
    if source in ("sales", "discount") and key is not None:
        return mapping.classes.get(key)
    return None


def pos_imbalance(totals: DayTotals) -> Decimal:
    """Non-payment lines minus payments: zero when the POS lines of the day balance."""
    return sum((-t.amount if t.source == "payment" else t.amount for t in totals.totals), ZERO)


def _posting(source: str, amount: Decimal) -> tuple[str, Decimal]:
    """(Debit|Credit, positive amount) for a signed POS amount of ``source``."""
    # Payments are the only source whose positive POS amount is a debit; a discount's
    # negative POS amount lands on the debit side by its sign (NATURAL_SIDE).
    credit = -amount if source == "payment" else amount
    return ("Credit", credit) if credit > 0 else ("Debit", -credit)


def journal_entry_for_day(totals: DayTotals, mapping: Mapping = EMPTY_MAPPING) -> JournalDraft:
    """The day's balanced journal entry draft, with the issues that stop it being sent."""
    day, outlet = totals.business_date, totals.outlet
    location = mapping.locations.get(outlet)
    lines: list[EntryLine] = []
    issues: list[Issue] = []
    where = f"({outlet} {day!s})"  # the tail of every description, formatted once per day
    for total in sorted(totals.totals, key=line_order):
        if total.amount == 0:
            continue
        source, key = total.source, total.key
        posting, amount = _posting(source, total.amount)
        lines.append(
            EntryLine(
                source=source,
                key=key,
                posting=posting,
                amount=amount,
                account=account_for(mapping, source, key),
                class_=class_for(mapping, source, key),
                location=location,
                description=f"{_label(source, key)} {where}",
            )
        )
    difference = pos_imbalance(totals)
    if difference != 0:
        # Sales exceed payments (a shortage) -> debit over/short; an overage credits it.
        over_short = mapping.accounts.get(("over_short", None))
        lines.append(
            EntryLine(
                source="over_short",
                key=None,
                posting="Debit" if difference > 0 else "Credit",
                amount=abs(difference),
                account=over_short,
                location=location,
                description=describe("over_short", None, outlet, day)
                + f" - automatic: POS payments differ from sales by {abs(difference)}",
                automatic=True,
            )
        )
        if over_short is None:
            issues.append(
                Issue(
                    code="unbalanced_day",
                    message=(
                        f"{outlet} {day}: POS payments are {'short' if difference > 0 else 'over'}"
                        f" by {abs(difference)}; map an over/short account or fix the export"
                    ),
                    source="over_short",
                )
            )
    issues.extend(_unmapped(lines, mapping, outlet, day))
    return JournalDraft(business_date=day, outlet=outlet, lines=tuple(lines), issues=tuple(issues))


def _unmapped(lines: list[EntryLine], mapping: Mapping, outlet: str, day: object) -> list[Issue]:
    if not mapping.accounts:
        return [
            Issue(
                code="no_mapping",
                message=f"{outlet} {day}: no accounts mapped yet; lines show POS types only",
            )
        ]
    return [
        Issue(
            code="unmapped_account",
            message=f"{line.description}: no QuickBooks account mapped",
            source=line.source,
            key=line.key,
        )
        for line in lines
        if line.account is None and line.source != "over_short"
    ]
