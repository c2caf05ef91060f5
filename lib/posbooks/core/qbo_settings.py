"""What posbooks knows of a QuickBooks company's lists and preferences (pure data).

Filled by ``posbooks.qbo.settings.refresh_settings`` and stored with the time fetched;
the mapping rules validate against it without touching the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Account:
    id: str
    name: str  # FullyQualifiedName where QuickBooks gives one
    account_type: str  # e.g. "Bank", "Other Current Asset", "Income"
    account_subtype: str | None = None  # e.g. "UndepositedFunds"
    active: bool = True


@dataclass(frozen=True)
class ListItem:
    """A Class, Department (location), PaymentMethod or TaxCode."""

    id: str
    name: str
    active: bool = True


@dataclass(frozen=True)
class TaxCode(ListItem):
    """A TaxCode: taxable or not, and the Ids of its sales tax rates (SalesTaxRateList)."""

    taxable: bool = True
    sales_rate_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaxRate:
    """A TaxRate: its percent as text ("6", "8.875"), kept exact."""

    id: str
    name: str
    rate: str = "0"
    active: bool = True


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    item_type: str  # "Service", "NonInventory", ...
    income_account_id: str | None = None
    active: bool = True


@dataclass(frozen=True)
class Preferences:
    class_tracking: bool = False  # AccountingInfoPrefs.ClassTrackingPerTxn or ...PerTxnLine
    class_tracking_per_line: bool = False  # AccountingInfoPrefs.ClassTrackingPerTxnLine
    location_tracking: bool = False  # AccountingInfoPrefs.TrackDepartments
    home_currency: str | None = None
    class_tracking_per_txn: bool = False  # AccountingInfoPrefs.ClassTrackingPerTxn
    using_sales_tax: bool = False  # TaxPrefs.UsingSalesTax
    partner_tax_enabled: bool = False  # TaxPrefs.PartnerTaxEnabled (automated sales tax)
    book_close_date: str | None = None  # AccountingInfoPrefs.BookCloseDate, YYYY-MM-DD
    warn_duplicate_journal_number: bool = False  # OtherPrefs WarnDuplicateJournalNumber


@dataclass(frozen=True)
class QboSettings:
    realm_id: str
    company_name: str
    accounts: tuple[Account, ...] = ()
    classes: tuple[ListItem, ...] = ()
    departments: tuple[ListItem, ...] = ()
    items: tuple[Item, ...] = ()
    payment_methods: tuple[ListItem, ...] = ()
    tax_codes: tuple[TaxCode, ...] = ()
    preferences: Preferences = field(default_factory=Preferences)
    fetched_at: datetime | None = None
    country: str | None = None  # CompanyInfo.Country, e.g. "MY", "GB", "US"
    tax_rates: tuple[TaxRate, ...] = ()

    def account(self, account_id: str) -> Account | None:
        return next((a for a in self.accounts if a.id == account_id), None)

    @property
    def taxes_by_code(self) -> bool:
        """A non-US company with tax on: every sales line needs a QuickBooks TaxCode and
        QuickBooks computes the tax (a tax line or a tax-account posting is refused there)."""
        return bool(self.country) and self.country != "US" and self.preferences.using_sales_tax

    def closed_through(self, day: date) -> bool:
        """Whether ``day`` is on or before the company's closing date (books closed)."""
        close = self.preferences.book_close_date
        return bool(close) and day.isoformat() <= str(close)


def books_closed_message(day: date | str, close: str | None) -> str:
    """Why nothing dated ``day`` can be sent: QuickBooks' books are closed through ``close``.

    The same words for posbooks' own check (before sending) and QuickBooks' 6210 reply.
    """
    through = f" through {close}" if close else ""
    return (
        f"QuickBooks' books are closed{through} (the closing date in Account and Settings > "
        f"Advanced), so nothing dated {day} can be sent, replaced or adjusted; nothing was "
        "sent. Post the correction on a date after the closing date, or ask the company's "
        "admin to move the closing date, then send again."
    )
