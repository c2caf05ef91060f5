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

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from operator import itemgetter

from posbooks.core.allocate import allocate
from posbooks.core.bulk import cycle_collection_paused
from posbooks.core.mapping_rules import account_for
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
from posbooks.core.taxcodes import UNTAXED, by_code, pos_tax_code_for, qbo_tax_code_for

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
    return _order(total.source, total.key)


def _order(source: str, key: str | None) -> tuple:
    return (LINE_RANK.get(source, len(LINE_ORDER)), key is not None, key or "")


def class_for(mapping: Mapping, source: str, key: str | None) -> Ref | None:
    """Only category lines (sales, category discounts) carry a class."""
    if source in ("sales", "discount") and key is not None:
        return mapping.classes.get(key)
    return None


def pos_imbalance(totals: DayTotals) -> Decimal:
    """Non-payment lines minus payments: zero when the POS lines of the day balance."""
    return sum((-t.amount if t.source == "payment" else t.amount for t in totals.totals), ZERO)


class _Lines:
    """What every line of one (source, key) shares across days under one mapping.

    Order, account, class and label depend only on (source, key) and the mapping, so a
    period's drafts look them up once per key instead of once per line (a year of 20
    outlets has ~150k lines but a few dozen keys).
    """

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.known: dict[tuple[str, str | None], tuple] = {}

    def __call__(self, source: str, key: str | None) -> tuple:
        """(order, account, class, label) of the key."""
        found = self.known.get((source, key))
        if found is None:
            found = self.known[(source, key)] = (
                _order(source, key),
                account_for(self.mapping, source, key),
                class_for(self.mapping, source, key),
                _label(source, key),
            )
        return found


def journal_entry_for_day(totals: DayTotals, mapping: Mapping = EMPTY_MAPPING) -> JournalDraft:
    """The day's balanced journal entry draft, with the issues that stop it being sent."""
    return _journal_entry(totals, mapping, _Lines(mapping))


def journal_entries(
    days: Iterable[DayTotals], mapping: Mapping = EMPTY_MAPPING
) -> list[JournalDraft]:
    """``journal_entry_for_day`` of every day, sharing the per-key work across them."""
    lines = _Lines(mapping)
    with cycle_collection_paused():  # a chain's year: ~150k immutable lines
        return [_journal_entry(day, mapping, lines) for day in days]


_FIRST = itemgetter(0)


def _journal_entry(totals: DayTotals, mapping: Mapping, per_key: _Lines) -> JournalDraft:
    day, outlet = totals.business_date, totals.outlet
    location = mapping.locations.get(outlet)
    where = f" ({outlet} {day!s})"  # the tail of every description, formatted once per day
    difference = ZERO  # non-payment lines minus payments (pos_imbalance, in the same pass)
    rows: list[tuple] = []
    taxed_by_code = by_code(mapping)
    taxes: dict[str | None, Decimal] = {}
    for total in totals.totals:
        source, key, amount = total.source, total.key, total.amount
        # Payments are the only source whose positive POS amount is a debit; a discount's
        # negative POS amount lands on the debit side by its sign (NATURAL_SIDE).
        if source == "payment":
            difference -= amount
            credit = -amount
        else:
            difference += amount
            credit = amount
        if credit and source == "tax" and taxed_by_code:
            taxes[key] = taxes.get(key, ZERO) + credit  # QuickBooks books it from tax codes
        elif credit:
            order, account, class_, label = per_key(source, key)
            rows.append((order, source, key, credit, account, class_, label))
    rows.sort(key=_FIRST)
    lines = [
        EntryLine(
            source,
            key,
            "Credit" if credit > 0 else "Debit",
            credit if credit > 0 else -credit,
            account,
            class_,
            location,
            label + where,
        )
        for _, source, key, credit, account, class_, label in rows
    ]
    issues: list[Issue] = []
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
    if taxed_by_code:
        lines, tax_issues = _taxed_lines(lines, taxes, mapping, f"{outlet} {day}")
        issues.extend(tax_issues)
    issues.extend(_unmapped(lines, mapping, outlet, day))
    return JournalDraft(business_date=day, outlet=outlet, lines=tuple(lines), issues=tuple(issues))


def _taxed_lines(
    lines: list[EntryLine], taxes: dict[str | None, Decimal], mapping: Mapping, where: str
) -> tuple[list[EntryLine], list[Issue]]:
    """Each line with its QuickBooks TaxCode, and each POS tax code's tax spread over the
    lines it taxes (posbooks.core.taxcodes): the shares add up to the POS tax exactly."""
    issues: list[Issue] = []
    out = [replace(ln, tax_code=qbo_tax_code_for(mapping, ln.source, ln.key)) for ln in lines]
    for code, tax in sorted(taxes.items(), key=lambda kv: kv[0] or ""):
        taxed = [
            i for i, ln in enumerate(out) if pos_tax_code_for(mapping, ln.source, ln.key) == code
        ]
        signed = [out[i].amount if out[i].posting == "Credit" else -out[i].amount for i in taxed]
        if not taxed or sum(signed) == 0:
            issues.append(
                Issue(
                    "tax_without_lines",
                    f"{where}: the POS charged {tax} of {code} tax, but no line of the day is "
                    f"taxed by {code}: say which categories {code} taxes in the mapping",
                    source="tax",
                    key=code,
                )
            )
            continue
        for i, share in zip(taxed, allocate(tax, signed), strict=True):
            amount = share if out[i].posting == "Credit" else -share
            if amount < 0:
                issues.append(
                    Issue(
                        "tax_against_line",
                        f"{out[i].description}: its share of {code} tax ({amount}) runs "
                        "against the line; send this day's tax corrections in QuickBooks",
                        source="tax",
                        key=code,
                    )
                )
                amount = ZERO
            out[i] = replace(out[i], tax_amount=amount, tax_key=code)
    missing = sorted(
        {pos_tax_code_for(mapping, ln.source, ln.key) or UNTAXED for ln in out if not ln.tax_code}
    )
    issues.extend(
        Issue(
            "unmapped_tax_code",
            f"{where}: no QuickBooks tax code is mapped for "
            + ("untaxed lines" if code == UNTAXED else f"POS tax code {code}"),
            source="tax",
            key=code,
        )
        for code in missing
    )
    return out, issues


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
