"""A business day's sales at one outlet as Sales Receipts, one per payment method (pure).

QuickBooks allows one deposit account and one payment method per Sales Receipt, so
a day becomes one receipt per payment method, depositing to that method's account
(``mapping.deposits[method]``, else ``mapping.accounts[("payment", method)]``). Each receipt carries the day's sales per
category, discounts, service charge, tax per code, tips and rounding, pro-rated to
that method's share of the day's takings by the largest-remainder method
(``allocate_table``): summed over the receipts every (source, key) equals its POS
total to the cent, and each receipt's total equals what the method took.

Items (``mapping.items``): sales use the category name; a category discount uses
``"discount:<category>"`` falling back to ``"discount"``; tax uses ``"tax:<code>"``
falling back to ``"tax"``; the others use their source name: ``"service_charge"``,
``"tip"``, ``"rounding"``, ``"over_short"``. Lines without an Item, or a receipt
without a deposit account, carry blocking issues (none mapped at all: one
``no_mapping`` issue per receipt).

Quantities: 1 at a unit price equal to the amount, so amount == unit price x
quantity exactly (QuickBooks error 6070); a category taken whole on one receipt uses
the POS quantity when the amount divides by it exactly to the cent. Discounts are
lines with a negative amount.

Refunds: a method that paid out more than it took (a negative total, e.g. a refund by
card on a day the card took less) becomes a Refund Receipt draft (``doc_type
"refund"``): the same pro-rated lines and total negated, so QuickBooks pays the excess
back from the method's account and reverses the sales, discounts and tax it names. A
day whose payments net to zero cannot be pro-rated at all: one blocking draft with the
unsplit lines is returned instead.
If the POS lines do not balance, an automatic ``over_short`` row makes up the
difference before pro-rating, as in the journal entry.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from posbooks.core.allocate import allocate_table
from posbooks.core.journal import class_for, describe, line_order, pos_imbalance
from posbooks.core.mapping_rules import deposit_account_for, receipt_item_for
from posbooks.core.model import (
    EMPTY_MAPPING,
    DailyTotal,
    DayTotals,
    Issue,
    Mapping,
    ReceiptDraft,
    ReceiptLine,
    Ref,
)
from posbooks.core.qbo_settings import QboSettings
from posbooks.core.taxcodes import (
    UNTAXED,
    by_code,
    pos_tax_code_for,
    qbo_tax_code_for,
    us_line_code,
)

ONE = Decimal("1")
# What was sold first, then what reduced or added to it.
RECEIPT_ORDER = ("sales", "discount", "service_charge", "tax", "tip", "rounding", "over_short")
CENT = Decimal("0.01")


def _quantity_and_price(amount: Decimal, pos_quantity: Decimal | None) -> tuple[Decimal, Decimal]:
    if pos_quantity and pos_quantity > 0 and pos_quantity == pos_quantity.to_integral_value():
        price = amount / pos_quantity
        if price == price.quantize(CENT):
            return pos_quantity.quantize(ONE), price.quantize(CENT)
    return ONE, amount


def sales_receipts_for_day(
    totals: DayTotals, mapping: Mapping = EMPTY_MAPPING
) -> list[ReceiptDraft]:
    """One Sales Receipt draft per payment method of the day, tying to the POS."""
    rows = sorted(
        (t for t in totals.totals if t.source != "payment" and t.amount),
        key=lambda t: (RECEIPT_ORDER.index(t.source), line_order(t)),
    )
    difference = pos_imbalance(totals)
    if difference:
        rows.append(
            DailyTotal(totals.business_date, totals.outlet, "over_short", None, -difference)
        )
    methods = sorted(
        (t for t in totals.totals if t.source == "payment" and t.amount),
        key=lambda t: t.key or "",
    )
    day_issues = _day_issues(totals, mapping, difference)
    if not methods or sum(m.amount for m in methods) == 0:
        if not rows and not methods:
            return []
        return [_unsplit_draft(totals, rows, mapping, day_issues)]
    table = allocate_table([r.amount for r in rows], [m.amount for m in methods])
    looks = [_row_look(row, totals, mapping) for row in rows]  # same on every receipt
    drafts = []
    for j, method in enumerate(methods):
        lines = [
            _line(row, looks[i], table[i][j], row.amount == table[i][j])
            for i, row in enumerate(rows)
            if table[i][j]
        ]
        drafts.append(_draft(totals, method.key or "", method.amount, lines, mapping, day_issues))
    return drafts


def _row_look(
    row: DailyTotal, totals: DayTotals, mapping: Mapping
) -> tuple[Ref | None, Ref | None, str]:
    """A row's Item, Class and description."""
    description = describe(row.source, row.key, totals.outlet, totals.business_date)
    if row.source == "over_short":
        description += " - automatic: POS payments differ from sales"
    return (
        receipt_item_for(mapping, row.source, row.key),
        class_for(mapping, row.source, row.key),
        description,
    )


def _line(
    row: DailyTotal, look: tuple[Ref | None, Ref | None, str], amount: Decimal, whole: bool
) -> ReceiptLine:
    quantity, price = _quantity_and_price(amount, row.quantity if whole else None)
    item, class_, description = look
    return ReceiptLine(
        source=row.source,
        key=row.key,
        amount=amount,
        quantity=quantity,
        unit_price=price,
        item=item,
        class_=class_,
        description=description,
    )


def _day_issues(totals: DayTotals, mapping: Mapping, difference: Decimal) -> list[Issue]:
    if not difference or mapping.items.get("over_short") is not None:
        return []
    side = "short" if difference > 0 else "over"
    return [
        Issue(
            code="unbalanced_day",
            message=(
                f"{totals.outlet} {totals.business_date}: POS payments are {side} by "
                f"{abs(difference)}; map an over/short item or fix the export"
            ),
            source="over_short",
        )
    ]


def _draft(
    totals: DayTotals,
    method: str,
    total: Decimal,
    lines: list[ReceiptLine],
    mapping: Mapping,
    day_issues: list[Issue],
) -> ReceiptDraft:
    where = f"{totals.outlet} {totals.business_date} {method or 'no payment'}"
    deposit = deposit_account_for(mapping, method) if method else None
    issues = list(day_issues)
    doc_type = "receipt"
    if total < 0 and method:  # paid out more than taken: a Refund Receipt of the excess
        doc_type, total = "refund", -total
        lines = [replace(ln, amount=-ln.amount, unit_price=-ln.unit_price) for ln in lines]
    lines, taxes, tax_issues = with_tax_codes(where, lines, mapping)
    issues.extend(tax_issues)
    if not mapping.accounts and not mapping.items:
        issues.append(Issue("no_mapping", f"{where}: nothing mapped yet; lines show POS types"))
    else:
        if method and deposit is None:
            message = f"{where}: no deposit account mapped"
            issues.append(Issue("unmapped_deposit_account", message, source="payment", key=method))
        issues.extend(
            Issue(
                "unmapped_item", f"{ln.description}: no Item mapped", source=ln.source, key=ln.key
            )
            for ln in lines
            if ln.item is None and ln.source != "over_short"
        )
    return ReceiptDraft(
        business_date=totals.business_date,
        outlet=totals.outlet,
        payment_method=method,
        deposit_account=deposit,
        lines=tuple(lines),
        total=total,
        location=mapping.locations.get(totals.outlet),
        issues=tuple(issues),
        doc_type=doc_type,
        taxes=tuple(taxes),
    )


def with_tax_codes(
    where: str, lines: list[ReceiptLine], mapping: Mapping
) -> tuple[list[ReceiptLine], list[tuple[str, Decimal]], list[Issue]]:
    """A receipt's lines as a company taxing by code takes them: no tax lines, a tax code
    on every line, and the POS tax per POS code (sent as TxnTaxDetail, so QuickBooks keeps
    the POS amounts). US sales tax: TAX/NON line codes, the POS tax as TotalTax. Otherwise
    the lines as they are (tax on its own Item line). Shared by both receipt groupings."""
    if by_code(mapping):  # QuickBooks books the tax from TxnTaxDetail and the lines' codes
        code_for, check = qbo_tax_code_for, _tax_code_issues
    elif mapping.sales_tax_code is not None:
        code_for, check = us_line_code, _untaxed_tax_issues
    else:
        return lines, [], []
    taxes = [(ln.key or "", ln.amount) for ln in lines if ln.source == "tax"]
    coded = [
        replace(ln, tax_code=code_for(mapping, ln.source, ln.key))
        for ln in lines
        if ln.source != "tax"
    ]
    return coded, taxes, check(where, coded, taxes, mapping)


def _tax_code_issues(
    where: str, lines: list[ReceiptLine], taxes: list[tuple[str, Decimal]], mapping: Mapping
) -> list[Issue]:
    """What stops a tax-by-code receipt: a line or a POS tax code without a QuickBooks
    TaxCode, or POS tax no line of the receipt is taxed by."""
    issues = []
    missing = sorted(
        {pos_tax_code_for(mapping, ln.source, ln.key) or UNTAXED for ln in lines if not ln.tax_code}
        | {code for code, _ in taxes if code not in mapping.tax_codes}
    )
    for code in missing:
        what = "untaxed lines" if code == UNTAXED else f"POS tax code {code}"
        issues.append(
            Issue("unmapped_tax_code", f"{where}: no QuickBooks tax code is mapped for {what}",
                  source="tax", key=code)
        )  # fmt: skip
    return issues + _untaxed_tax_issues(where, lines, taxes, mapping)


def _untaxed_tax_issues(
    where: str, lines: list[ReceiptLine], taxes: list[tuple[str, Decimal]], mapping: Mapping
) -> list[Issue]:
    """POS tax that no line of the receipt is taxed by: QuickBooks would have no line to
    carry it on."""
    issues = []
    taxed = {pos_tax_code_for(mapping, ln.source, ln.key) for ln in lines}
    for code, amount in taxes:
        if code not in taxed:
            issues.append(
                Issue(
                    "tax_without_lines",
                    f"{where}: {amount} of {code} tax, but no line is taxed by {code}: say "
                    f"which categories {code} taxes in the mapping",
                    source="tax",
                    key=code,
                )
            )
    return issues


def _unsplit_draft(
    totals: DayTotals, rows: list[DailyTotal], mapping: Mapping, day_issues: list[Issue]
) -> ReceiptDraft:
    lines = [_line(row, _row_look(row, totals, mapping), row.amount, True) for row in rows]
    total = sum((ln.amount for ln in lines), Decimal("0.00"))
    issue = Issue(
        code="cannot_split",
        message=(
            f"{totals.outlet} {totals.business_date}: payments net to zero, so the day cannot "
            "be split by payment method; send it as a journal entry"
        ),
    )
    return _draft(totals, "", total, lines, mapping, [*day_issues, issue])


def one_class_per_transaction(draft: ReceiptDraft) -> ReceiptDraft:
    """The receipt for a company that tracks classes per transaction, not per line
    (ClassTrackingPerTxn without ClassTrackingPerTxnLine): no line carries a class; the
    receipt carries the class its lines share, or none when they have several (a day's
    receipt usually holds every category: per-category classes stay in journal entries)."""
    classes = {ln.class_ for ln in draft.lines}
    shared = classes.pop() if len(classes) == 1 else None
    lines = tuple(replace(ln, class_=None) for ln in draft.lines)
    return replace(draft, lines=lines, class_=shared)


def receipts_for_company(
    totals: DayTotals, mapping: Mapping, settings: QboSettings | None
) -> list[ReceiptDraft]:
    """``sales_receipts_for_day`` as the company takes them: one class per receipt where
    QuickBooks tracks classes per transaction only."""
    drafts = sales_receipts_for_day(totals, mapping)
    prefs = settings.preferences if settings is not None else None
    if prefs is not None and prefs.class_tracking_per_txn and not prefs.class_tracking_per_line:
        drafts = [one_class_per_transaction(d) for d in drafts]
    return drafts
