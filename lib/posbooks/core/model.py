"""The bookkeeping vocabulary every front end and adapter shares.

Money is ``Decimal`` with two places. Amounts on entry lines are always positive;
the side is carried by ``posting``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

CENT = Decimal("0.01")

# POS line types, as they appear in the canonical export (docs/pos-export-format.md).
LINE_TYPES = ("item", "discount", "service_charge", "tax", "rounding", "tip", "payment")

# Sources of entry lines: the POS line type that feeds them ("item" feeds "sales"),
# plus over_short, the balancing line for a day whose POS lines do not balance.
Source = Literal[
    "sales", "discount", "service_charge", "tax", "rounding", "tip", "payment", "over_short"
]
SOURCES: tuple[str, ...] = (
    "sales",
    "discount",
    "service_charge",
    "tax",
    "rounding",
    "tip",
    "payment",
    "over_short",
)
SOURCE_OF_LINE_TYPE = {
    "item": "sales",
    "discount": "discount",
    "service_charge": "service_charge",
    "tax": "tax",
    "rounding": "rounding",
    "tip": "tip",
    "payment": "payment",
}
# Which side a positive POS amount of each source lands on in a journal entry.
NATURAL_SIDE = {
    "payment": "Debit",
    "discount": "Debit",  # discounts are negative POS amounts: -(-x) on the debit side
    "sales": "Credit",
    "service_charge": "Credit",
    "tax": "Credit",
    "tip": "Credit",
    "rounding": "Credit",
    "over_short": "Credit",
}

Posting = Literal["Debit", "Credit"]
DocType = Literal["journal", "receipt", "refund"]


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a QuickBooks list object (Account, Class, Department, Item, ...)."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Issue:
    """Something the bookkeeper must know. ``blocking`` issues stop a send."""

    code: str
    message: str
    blocking: bool = True
    source: str | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class DailyTotal:
    """The signed POS sum of one (source, key) for one business day and outlet.

    ``amount`` is the sum of the POS amounts exactly as exported (sales positive,
    discounts negative, payments = tender received). ``quantity`` is the summed item
    quantity for sales lines (None where the POS gave none).
    """

    business_date: date
    outlet: str
    source: str
    key: str | None
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DayTotals:
    """Every (source, key) total of one business day at one outlet."""

    business_date: date
    outlet: str
    totals: tuple[DailyTotal, ...]
    receipt_count: int = 0

    def amount(self, source: str, key: str | None = None) -> Decimal:
        return sum(
            (t.amount for t in self.totals if t.source == source and t.key == key),
            Decimal("0.00"),
        )


@dataclass(frozen=True, slots=True)
class Mapping:
    """Where each kind of POS amount goes in QuickBooks.

    ``accounts`` maps (source, key) to an Account; a discount key of None is the
    receipt-level discount and also the fallback for categories without their own.
    ``classes`` maps POS category -> Class, ``locations`` outlet -> Department,
    ``items`` category (or the source name for service_charge/tax/tip/rounding)
    -> Item for sales receipts. ``version`` identifies the saved mapping.
    ``deposits`` maps a payment method -> the account its sales receipts deposit to, when
    that differs from the journal's payment account (QuickBooks deposits receipts only to
    Bank / Other Current Asset, while a voucher may be booked against a liability).
    """

    accounts: dict[tuple[str, str | None], Ref] = field(default_factory=dict)
    classes: dict[str, Ref] = field(default_factory=dict)
    locations: dict[str, Ref] = field(default_factory=dict)
    items: dict[str, Ref] = field(default_factory=dict)
    version: int = 0
    deposits: dict[str, Ref] = field(default_factory=dict)
    # Tax by tax code (a non-US QuickBooks company with tax on; posbooks.core.taxcodes):
    # POS tax code (or "untaxed") -> QuickBooks TaxCode, and line key (a category,
    # "discount", "service_charge") -> the POS tax code that taxes it. Empty: tax is
    # booked to accounts / Items as before.
    tax_codes: dict[str, Ref] = field(default_factory=dict)
    line_taxes: dict[str, str] = field(default_factory=dict)
    # US sales tax: the QuickBooks rate code (e.g. "New York City") sales receipts carry as
    # TxnTaxDetail.TxnTaxCodeRef; lines ``line_taxes`` taxes are TAX, the others NON, and the
    # POS tax is the receipt's TotalTax. None: tax on receipts goes to a tax Item line.
    sales_tax_code: Ref | None = None
    # POS account types set to None on purpose: left out of what is sent (docs/drafts.md)
    not_sent: frozenset[tuple[str, str | None]] = frozenset()
    # Sales receipts: "per_method" (one per payment method) or "per_day" (one per outlet
    # and day, deposited to ``day_deposit``, e.g. Undeposited Funds); see docs/drafts.md
    receipt_grouping: str = "per_method"
    day_deposit: Ref | None = None


EMPTY_MAPPING = Mapping()
# The doc key (in place of a payment method) of the day's one sales receipt (per_day)
DAY_RECEIPT_KEY = "all payments"


@dataclass(frozen=True, slots=True)
class EntryLine:
    """One line of a draft journal entry."""

    source: str
    key: str | None
    posting: Posting
    amount: Decimal  # > 0
    account: Ref | None = None
    class_: Ref | None = None
    location: Ref | None = None
    description: str = ""
    automatic: bool = False  # added by posbooks itself (over/short), not from a POS line
    tax_code: Ref | None = None  # QuickBooks TaxCode (tax by code); QuickBooks adds the tax
    tax_amount: Decimal = Decimal("0.00")  # the POS tax this line carries, on its side
    tax_key: str | None = None  # the POS tax code of ``tax_amount``


@dataclass(frozen=True, slots=True)
class JournalDraft:
    business_date: date
    outlet: str
    lines: tuple[EntryLine, ...]
    issues: tuple[Issue, ...] = ()
    doc_type: DocType = "journal"

    @property
    def total_debits(self) -> Decimal:
        """Debits as QuickBooks counts them: the tax it adds to a taxed line included."""
        return sum(
            (ln.amount + ln.tax_amount for ln in self.lines if ln.posting == "Debit"),
            Decimal("0.00"),
        )

    @property
    def total_credits(self) -> Decimal:
        """Credits as QuickBooks counts them: the tax it adds to a taxed line included."""
        return sum(
            (ln.amount + ln.tax_amount for ln in self.lines if ln.posting == "Credit"),
            Decimal("0.00"),
        )

    @property
    def balanced(self) -> bool:
        return self.total_debits == self.total_credits

    @property
    def blocked(self) -> bool:
        return any(i.blocking for i in self.issues)


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One line of a draft sales receipt: an Item, quantity and unit price."""

    source: str
    key: str | None
    amount: Decimal  # signed: negative for discounts/refunds
    quantity: Decimal
    unit_price: Decimal
    item: Ref | None = None
    class_: Ref | None = None
    description: str = ""
    tax_code: Ref | None = None  # QuickBooks TaxCode (tax by code)


@dataclass(frozen=True, slots=True)
class ReceiptDraft:
    """A Sales Receipt of one payment method's takings, or (``doc_type == "refund"``) a
    Refund Receipt of what a method paid out beyond its takings: its lines and total are
    then the POS amounts negated, so the refund's total is positive."""

    business_date: date
    outlet: str
    payment_method: str
    deposit_account: Ref | None
    lines: tuple[ReceiptLine, ...]
    total: Decimal
    location: Ref | None = None
    issues: tuple[Issue, ...] = ()
    doc_type: DocType = "receipt"
    # tax by code: (POS tax code, amount) this receipt carries; QuickBooks books it from
    # TxnTaxDetail, not from lines (``total`` includes it)
    taxes: tuple[tuple[str, Decimal], ...] = ()
    class_: Ref | None = None  # one class for the whole receipt (classes per transaction)
    # a receipt for the whole day: the payment methods it stands for, with their takings
    payments: tuple[tuple[str, Decimal], ...] = ()

    @property
    def blocked(self) -> bool:
        return any(i.blocking for i in self.issues)
