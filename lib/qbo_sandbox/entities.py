"""What the sandbox knows about each QuickBooks entity: names, allowed operations,
accepted properties, and how amounts travel in and out of JSON.

Amounts are Decimal inside the sandbox. They arrive as JSON numbers or numeric strings
(python-quickbooks sends Decimal as "10.10") and leave as JSON numbers with 2 places.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

# The demo company is in Kuala Lumpur; QBO stamps times in the company's zone.
COMPANY_TZ = timezone(timedelta(hours=8))

_COMMON = frozenset({"Id", "SyncToken", "sparse", "domain", "MetaData", "status"})
_LIST_COMMON = _COMMON | {"Name", "Active", "FullyQualifiedName", "ParentRef"}


@dataclass(frozen=True)
class EntitySpec:
    """One v3 entity: its JSON name, URL name and what the sandbox lets callers do."""

    name: str
    writable: bool = False
    deletable: bool = False
    name_list: bool = False
    properties: frozenset[str] = frozenset()


_JOURNAL_ENTRY_PROPS = _COMMON | {
    "Adjustment",
    "TxnDate",
    "DocNumber",
    "PrivateNote",
    "TotalAmt",
    "HomeTotalAmt",
    "ExchangeRate",
    "Line",
    "TxnTaxDetail",
    "CurrencyRef",
    "TxnSource",
    "LinkedTxn",
    "TaxRateRef",
    "GlobalTaxCalculation",
    "RecurDataRef",
    "TransactionLocationType",
}

_SALES_RECEIPT_PROPS = _COMMON | {
    "DocNumber",
    "TxnDate",
    "PrivateNote",
    "ShipDate",
    "TrackingNum",
    "TotalAmt",
    "HomeTotalAmt",
    "PrintStatus",
    "EmailStatus",
    "Balance",
    "HomeBalance",
    "PaymentRefNum",
    "ApplyTaxAfterDiscount",
    "ExchangeRate",
    "GlobalTaxCalculation",
    "CustomerMemo",
    "DeliveryInfo",
    "CreditCardPayment",
    "TxnSource",
    "DepartmentRef",
    "CurrencyRef",
    "TxnTaxDetail",
    "DepositToAccountRef",
    "BillAddr",
    "ShipAddr",
    "ShipFromAddr",
    "ShipMethodRef",
    "BillEmail",
    "CustomerRef",
    "ClassRef",
    "PaymentMethodRef",
    "CustomField",
    "Line",
    "LinkedTxn",
    "TransactionLocationType",
    "RecurDataRef",
    "ProjectRef",
    "FreeFormAddress",
}

_REFUND_RECEIPT_PROPS = (_SALES_RECEIPT_PROPS - {"DepositToAccountRef"}) | {
    "RefundFromAccountRef",
    "CheckPayment",
}

SPECS: dict[str, EntitySpec] = {
    spec.name.lower(): spec
    for spec in (
        EntitySpec("JournalEntry", True, True, False, frozenset(_JOURNAL_ENTRY_PROPS)),
        EntitySpec("SalesReceipt", True, True, False, frozenset(_SALES_RECEIPT_PROPS)),
        EntitySpec("RefundReceipt", True, True, False, frozenset(_REFUND_RECEIPT_PROPS)),
        EntitySpec(
            "Account",
            True,
            name_list=True,
            properties=_LIST_COMMON
            | {
                "SubAccount",
                "Classification",
                "AccountType",
                "AccountSubType",
                "Description",
                "AcctNum",
                "CurrentBalance",
                "CurrentBalanceWithSubAccounts",
                "CurrencyRef",
                "TaxCodeRef",
                "TxnLocationType",
            },
        ),
        EntitySpec("Class", True, name_list=True, properties=_LIST_COMMON | {"SubClass"}),
        EntitySpec("Department", True, name_list=True, properties=_LIST_COMMON | {"SubDepartment"}),
        EntitySpec(
            "Item",
            True,
            name_list=True,
            properties=_LIST_COMMON
            | {
                "Description",
                "SubItem",
                "Taxable",
                "SalesTaxIncluded",
                "UnitPrice",
                "Type",
                "Level",
                "PurchaseDesc",
                "PurchaseTaxIncluded",
                "PurchaseCost",
                "TrackQtyOnHand",
                "QtyOnHand",
                "InvStartDate",
                "AssetAccountRef",
                "ExpenseAccountRef",
                "IncomeAccountRef",
                "SalesTaxCodeRef",
                "PurchaseTaxCodeRef",
                "AbatementRate",
                "ReverseChargeRate",
                "ServiceType",
                "ItemCategoryType",
                "Sku",
            },
        ),
        EntitySpec("PaymentMethod", name_list=True),
        EntitySpec("TaxCode", name_list=True),
        EntitySpec("TaxRate", name_list=True),
        EntitySpec("Customer", name_list=True),
        EntitySpec("Vendor", name_list=True),
        EntitySpec("CompanyInfo"),
        EntitySpec("Preferences"),
    )
}

# Fields that hold money: written back with exactly two decimals.
MONEY_FIELDS = frozenset(
    {
        "Amount",
        "TotalAmt",
        "HomeTotalAmt",
        "Balance",
        "HomeBalance",
        "TaxAmount",
        "TotalTax",
        "NetAmountTaxable",
        "TaxInclusiveAmt",
        "CurrentBalance",
        "CurrentBalanceWithSubAccounts",
    }
)
# Numeric fields that are not money (quantities, rates, prices can carry more places).
NUMBER_FIELDS = MONEY_FIELDS | {"UnitPrice", "Qty", "ExchangeRate", "TaxPercent", "RateValue"}


def spec_for(url_name: str) -> EntitySpec | None:
    """The entity named in a URL segment or a query (case-insensitive), or None."""
    return SPECS.get(url_name.lower())


def to_decimal(value: Any) -> Decimal | None:
    """A JSON number or numeric string as Decimal; None when it is neither."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and value.strip():
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def decimals_in(data: Any) -> Any:
    """A copy of parsed JSON with every float turned into an exact Decimal."""
    if isinstance(data, dict):
        return {key: decimals_in(value) for key, value in data.items()}
    if isinstance(data, list):
        return [decimals_in(value) for value in data]
    if isinstance(data, float):
        return Decimal(repr(data))
    return data


def dumps_qbo(data: Any, _field: str = "") -> str:
    """JSON text where money is a number with two places and other Decimals exact."""
    if isinstance(data, dict):
        parts = (f"{json.dumps(str(k))}:{dumps_qbo(v, str(k))}" for k, v in data.items())
        return "{" + ",".join(parts) + "}"
    if isinstance(data, list | tuple):
        return "[" + ",".join(dumps_qbo(v, _field) for v in data) + "]"
    if isinstance(data, Decimal):
        if _field in MONEY_FIELDS:
            return format(data.quantize(Decimal("0.01")), "f")
        text = format(data.normalize(), "f")
        return text if text != "-0" else "0"
    return json.dumps(data, ensure_ascii=False)


def plain_json(data: Any) -> Any:
    """The same data with only JSON-native types (money becomes a float with 2 places)."""
    return json.loads(dumps_qbo(data))


def qbo_time(moment: datetime) -> str:
    """A timestamp the way QBO writes it: company time zone, seconds, offset."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(COMPANY_TZ).replace(microsecond=0).isoformat()


def parse_time(text: str) -> datetime | None:
    """An ISO date or date-time; naive values are taken in the company's time zone."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=COMPANY_TZ)


def ref_value(ref: Any) -> str | None:
    """The Id inside a {"value": ...} reference, or None when absent or empty."""
    if isinstance(ref, Mapping):
        value = ref.get("value")
        if value is not None and str(value).strip():
            return str(value).strip()
    return None
