"""Name lists a company can set up through the API: Account, Class, Department, Item.

`prepare_list_object` validates a create or (full/sparse, already merged) update and
returns the stored form; QBO's derived fields (FullyQualifiedName, Classification) are
filled in here.
"""

from __future__ import annotations

from typing import Any

from qbo_sandbox.entities import ref_value
from qbo_sandbox.transactions import CompanyView
from qbo_sandbox.validation import (
    QboFault,
    check_text,
    invalid_property,
    number,
    required,
    resolve,
)

MAX_NAME = 100

# QBO's account types and the classification each belongs to.
ACCOUNT_CLASSIFICATION = {
    "Bank": "Asset",
    "Accounts Receivable": "Asset",
    "Other Current Asset": "Asset",
    "Fixed Asset": "Asset",
    "Other Asset": "Asset",
    "Accounts Payable": "Liability",
    "Credit Card": "Liability",
    "Other Current Liability": "Liability",
    "Long Term Liability": "Liability",
    "Equity": "Equity",
    "Income": "Revenue",
    "Other Income": "Revenue",
    "Cost of Goods Sold": "Expense",
    "Expense": "Expense",
    "Other Expense": "Expense",
}
# A few detail types and their account type, so AccountSubType alone is enough (QBO allows it).
SUBTYPE_ACCOUNT_TYPE = {
    "Checking": "Bank",
    "Savings": "Bank",
    "CashOnHand": "Bank",
    "UndepositedFunds": "Other Current Asset",
    "OtherCurrentAssets": "Other Current Asset",
    "AccountsReceivable": "Accounts Receivable",
    "AccountsPayable": "Accounts Payable",
    "OtherCurrentLiabilities": "Other Current Liability",
    "SalesTaxPayable": "Other Current Liability",
    "GlobalTaxPayable": "Other Current Liability",
    "SalesOfProductIncome": "Income",
    "ServiceFeeIncome": "Income",
    "DiscountsRefundsGiven": "Income",
    "OtherPrimaryIncome": "Income",
    "OtherMiscellaneousIncome": "Other Income",
    "OtherMiscellaneousServiceCost": "Expense",
    "SuppliesMaterialsCogs": "Cost of Goods Sold",
    "OwnersEquity": "Equity",
}
ITEM_TYPES = frozenset({"Service", "NonInventory", "Inventory", "Category", "Group"})


def duplicate_name(entity: str, name: str, existing_id: str) -> QboFault:
    """6240: QBO refuses a second list object with the same name."""
    return QboFault(
        "6240",
        "Duplicate Name Exists Error",
        f"The name supplied already exists. : Another {entity.lower()} is already using "
        f"this name: {name} (Id={existing_id}). Please use a different name.",
        element="Name",
    )


def prepare_list_object(
    book: CompanyView, entity: str, body: dict[str, Any], *, object_id: str | None
) -> dict[str, Any]:
    """Validate an Account, Class, Department or Item and return its stored form."""
    name = body.get("Name")
    if not isinstance(name, str) or not name.strip():
        raise required("Name", f"{entity} needs a Name")
    check_text(body, "Name", MAX_NAME)
    if ":" in name or '"' in name:
        raise invalid_property("Name", f"{entity} Name '{name}' may not contain : or \"")
    existing = book.find_by_name(entity, name.strip())
    if existing is not None and str(existing["Id"]) != object_id:
        raise duplicate_name(entity, name.strip(), str(existing["Id"]))
    out = {key: value for key, value in body.items() if key not in ("sparse", "domain")}
    out["Name"] = name.strip()
    out["FullyQualifiedName"] = out["Name"]
    out["Active"] = body.get("Active") is not False
    for key in ("Id", "SyncToken", "MetaData", "ParentRef"):
        out.pop(key, None)
    if entity == "Account":
        _account(out)
    elif entity == "Item":
        _item(book, out)
    elif entity == "Class":
        out["SubClass"] = False
    elif entity == "Department":
        out["SubDepartment"] = False
    return out


def _account(out: dict[str, Any]) -> None:
    kind = out.get("AccountType") or SUBTYPE_ACCOUNT_TYPE.get(out.get("AccountSubType") or "")
    if not kind:
        raise QboFault(
            "6010",
            "Invalid Account.AccountType && Account.SubType",
            "Either an Account.AccountType or an Account.AccountSubType must be specified",
            element="AccountType",
        )
    if kind not in ACCOUNT_CLASSIFICATION:
        raise invalid_property("AccountType", f"AccountType {kind!r} is not a QBO account type")
    out["AccountType"] = kind
    out["Classification"] = ACCOUNT_CLASSIFICATION[kind]
    out["SubAccount"] = False
    for key in ("CurrentBalance", "CurrentBalanceWithSubAccounts"):
        out.pop(key, None)  # computed from postings when read
    out.setdefault("CurrencyRef", {"value": "MYR", "name": "Malaysian Ringgit"})
    if not out.get("AccountSubType"):
        out.pop("AccountSubType", None)
    for key in ("Description", "AcctNum"):
        if out.get(key) == "":
            out.pop(key)


def _item(book: CompanyView, out: dict[str, Any]) -> None:
    kind = out.get("Type") or "Service"
    if kind not in ITEM_TYPES:
        raise invalid_property("Type", f"Item Type {kind!r} is not a QBO item type")
    out["Type"] = kind
    if kind in ("Service", "NonInventory", "Inventory"):
        if ref_value(out.get("IncomeAccountRef")) is None:
            raise required("IncomeAccountRef", f"a {kind} item needs an income account")
        account = resolve(book, "Account", out["IncomeAccountRef"], "IncomeAccountRef")
        assert account is not None
        out["IncomeAccountRef"] = {"value": str(account["Id"]), "name": account["Name"]}
    price = number(out.get("UnitPrice"), "UnitPrice")
    out["UnitPrice"] = price if price is not None else 0
    for key in ("Level", "QtyOnHand", "InvStartDate", "Sku"):
        if out.get(key) in (None, ""):
            out.pop(key, None)
    out["SubItem"] = False
