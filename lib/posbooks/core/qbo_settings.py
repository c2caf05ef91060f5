"""What posbooks knows of a QuickBooks company's lists and preferences (pure data).

Filled by ``posbooks.qbo.settings.refresh_settings`` and stored with the time fetched;
the mapping rules validate against it without touching the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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


@dataclass(frozen=True)
class QboSettings:
    realm_id: str
    company_name: str
    accounts: tuple[Account, ...] = ()
    classes: tuple[ListItem, ...] = ()
    departments: tuple[ListItem, ...] = ()
    items: tuple[Item, ...] = ()
    payment_methods: tuple[ListItem, ...] = ()
    tax_codes: tuple[ListItem, ...] = ()
    preferences: Preferences = field(default_factory=Preferences)
    fetched_at: datetime | None = None

    def account(self, account_id: str) -> Account | None:
        return next((a for a in self.accounts if a.id == account_id), None)
