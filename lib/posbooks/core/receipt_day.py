"""A business day's sales at one outlet as ONE Sales Receipt, as the POS vendor sends (pure).

The alternative to ``posbooks.core.receipts`` (one receipt per payment method), chosen
with ``Mapping.receipt_grouping = "per_day"``. The receipt carries every POS line of the
day whole (no pro-rating, so each line keeps its POS quantity when it divides exactly)
and deposits the day's takings, all payment methods together, to ``Mapping.day_deposit``:
Undeposited Funds or a clearing account, from which the bookkeeper makes the deposits
per payment method in QuickBooks. Its doc key is ``DAY_RECEIPT_KEY`` (DocNumber
``PB261120-BAN-R``, no method code);
``payments`` lists the methods and amounts it stands for, so the tie-out still checks
each payment method to the cent.

Trade-off (docs/drafts.md): one document a day is what the vendor sends and is easiest
to read, but QuickBooks sees no payment method, so card and e-wallet settlements are
matched from the clearing account rather than from per-method receipts.
"""

from __future__ import annotations

from decimal import Decimal

from posbooks.core.journal import line_order, pos_imbalance
from posbooks.core.model import DAY_RECEIPT_KEY, DailyTotal, DayTotals, Issue, Mapping, ReceiptDraft
from posbooks.core.qbo_settings import QboSettings
from posbooks.core.receipts import (
    RECEIPT_ORDER,
    _day_issues,
    _line,
    _row_look,
    one_class_per_transaction,
    receipts_for_company,
    with_tax_codes,
)

PER_DAY = "per_day"
PER_METHOD = "per_method"
ZERO = Decimal("0.00")


def receipts_for_day(
    totals: DayTotals, mapping: Mapping, settings: QboSettings | None = None
) -> list[ReceiptDraft]:
    """The day's sales receipts in the mapping's grouping (one a day, or one per method),
    as the company takes them (one class per receipt where it tracks classes per
    transaction only)."""
    if mapping.receipt_grouping != PER_DAY:
        return receipts_for_company(totals, mapping, settings)
    drafts = day_sales_receipt(totals, mapping)
    prefs = settings.preferences if settings is not None else None
    if prefs is not None and prefs.class_tracking_per_txn and not prefs.class_tracking_per_line:
        drafts = [one_class_per_transaction(d) for d in drafts]
    return drafts


def day_sales_receipt(totals: DayTotals, mapping: Mapping) -> list[ReceiptDraft]:
    """One Sales Receipt draft for the whole day (none for a day without amounts)."""
    rows = sorted(
        (t for t in totals.totals if t.source != "payment" and t.amount),
        key=lambda t: (RECEIPT_ORDER.index(t.source), line_order(t)),
    )
    difference = pos_imbalance(totals)
    if difference:
        rows.append(
            DailyTotal(totals.business_date, totals.outlet, "over_short", None, -difference)
        )
    payments = sorted(
        ((t.key or "", t.amount) for t in totals.totals if t.source == "payment" and t.amount),
    )
    if not rows and not payments:
        return []
    lines = [_line(row, _row_look(row, totals, mapping), row.amount, True) for row in rows]
    total = sum((amount for _, amount in payments), ZERO)
    where = f"{totals.outlet} {totals.business_date}"
    issues = list(_day_issues(totals, mapping, difference))
    if total < 0:
        issues.append(
            Issue(
                "refund",
                f"{where}: refunds exceed takings ({total}); a Sales Receipt cannot be "
                "negative, book it as a Refund Receipt or send the day as a journal entry",
            )
        )
    lines, taxes, tax_issues = with_tax_codes(where, lines, mapping)  # as per method
    issues.extend(tax_issues)
    if not mapping.accounts and not mapping.items:
        issues.append(Issue("no_mapping", f"{where}: nothing mapped yet; lines show POS types"))
    else:
        if mapping.day_deposit is None:
            issues.append(
                Issue(
                    "unmapped_deposit_account",
                    f"{where}: the day's sales receipt has no deposit account (choose "
                    "Undeposited Funds or a clearing account on the Mapping page)",
                    source="payment",
                )
            )
        issues.extend(
            Issue(
                "unmapped_item", f"{ln.description}: no Item mapped", source=ln.source, key=ln.key
            )
            for ln in lines
            if ln.item is None and ln.source != "over_short"
        )
    return [
        ReceiptDraft(
            business_date=totals.business_date,
            outlet=totals.outlet,
            payment_method=DAY_RECEIPT_KEY,  # its doc key: "Sales Receipt (all payments)"
            deposit_account=mapping.day_deposit,
            lines=tuple(lines),
            total=total,
            location=mapping.locations.get(totals.outlet),
            issues=tuple(issues),
            payments=tuple(payments),
            taxes=tuple(taxes),
        )
    ]
