"""Journal entries and sales receipts: validate what a caller sends, return what QBO stores.

`prepare_journal_entry` and `prepare_sales_receipt` raise QboFault on the first problem
and otherwise return the stored form (refs carry names, amounts are Decimal, TotalAmt
is computed). `postings` says what a stored transaction does to each account.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from qbo_sandbox.entities import ref_value
from qbo_sandbox.validation import (
    CENT,
    DEPOSIT_TYPES,
    MAX_DOC_NUMBER,
    MAX_TEXT,
    BookView,
    QboFault,
    business_rule,
    check_class_and_location,
    check_text,
    check_txn_date,
    invalid_property,
    money,
    number,
    required,
    resolve,
)

ZERO = Decimal("0")
# Properties QBO defines on a line and on each line detail (python-quickbooks sends these).
LINE_PROPS = frozenset(
    {"Id", "LineNum", "Description", "Amount", "DetailType", "LinkedTxn", "CustomField"}
    | {"JournalEntryLineDetail", "SalesItemLineDetail", "DescriptionLineDetail"}
    | {"SubTotalLineDetail", "SubtotalLineDetail", "ProjectRef"}
)
DETAIL_PROPS = {
    "JournalEntryLineDetail": frozenset(
        {"PostingType", "Entity", "AccountRef", "ClassRef", "DepartmentRef", "TaxCodeRef"}
        | {"TaxApplicableOn", "TaxAmount", "BillableStatus", "JournalCodeRef"}
        | {"TaxInclusiveAmt"}
    ),
    "SalesItemLineDetail": frozenset(
        {"ItemRef", "ItemAccountRef", "ClassRef", "TaxCodeRef", "PriceLevelRef", "MarkupInfo"}
        | {"UnitPrice", "Qty", "ServiceDate", "TaxInclusiveAmt", "DiscountRate", "DiscountAmt"}
        | {"TaxClassificationRef"}
    ),
}


def _check_keys(data: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    """Unknown properties inside a line are refused too (QBO's 2010)."""
    for key in data:
        if key not in allowed:
            raise invalid_property(
                key,
                f'Property Name:Unrecognized field "{key}" ({where}), '
                "not marked as ignorable specified is unsupported or invalid",
            )


class CompanyView(BookView, Protocol):
    """Validation's view plus what transactions need: today and lookups by subtype."""

    def today(self) -> str: ...

    def find_account_by_subtype(self, subtype: str) -> dict[str, Any] | None: ...

    def find_by_name(self, entity: str, name: str) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Posting:
    """One debit or credit a transaction puts on an account (for reports and balances)."""

    account_id: str
    debit: Decimal
    credit: Decimal
    description: str = ""
    class_id: str | None = None
    department_id: str | None = None
    name: str = ""


def _named_ref(found: dict[str, Any] | None) -> dict[str, str] | None:
    if found is None:
        return None
    return {
        "value": str(found["Id"]),
        "name": str(
            found.get("FullyQualifiedName") or found.get("Name") or found.get("DisplayName")
        ),
    }


def _common_header(book: CompanyView, body: dict[str, Any]) -> dict[str, Any]:
    check_txn_date(body)
    check_text(body, "DocNumber", MAX_DOC_NUMBER)
    check_text(body, "PrivateNote", MAX_TEXT)
    out: dict[str, Any] = {"TxnDate": body.get("TxnDate") or book.today()}
    for key in ("DocNumber", "PrivateNote"):
        if body.get(key):
            out[key] = body[key]
    return out


def _lines(body: dict[str, Any]) -> list[dict[str, Any]]:
    lines = body.get("Line")
    if not isinstance(lines, list) or not lines:
        raise required("Line", "a transaction needs at least one line")
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            raise invalid_property("Line", f"Line {index + 1} is not an object")
        _check_keys(line, LINE_PROPS, f"Line {index + 1}")
        for name, allowed in DETAIL_PROPS.items():
            if isinstance(line.get(name), dict):
                _check_keys(line[name], allowed, f"Line {index + 1}.{name}")
        check_text(line, "Description", MAX_TEXT)
    return lines


def prepare_journal_entry(book: CompanyView, body: dict[str, Any]) -> dict[str, Any]:
    """Validate a JournalEntry like QBO and return its stored form."""
    out = _common_header(book, body)
    out["Adjustment"] = bool(body.get("Adjustment", False))
    debits = credits = ZERO
    stored: list[dict[str, Any]] = []
    for index, line in enumerate(_lines(body)):
        where = f"Line {index + 1}"
        if line.get("DetailType") == "DescriptionOnly":
            stored.append(_description_line(line, len(stored)))
            continue
        if line.get("DetailType") not in (None, "", "JournalEntryLineDetail"):
            raise invalid_property("DetailType", f"{where}: DetailType {line['DetailType']}")
        detail = line.get("JournalEntryLineDetail")
        if not isinstance(detail, dict):
            raise required("JournalEntryLineDetail", where)
        amount = money(line.get("Amount"), "Amount", required_what=where)
        posting = detail.get("PostingType")
        if not posting:
            raise required("PostingType", where)
        if posting not in ("Debit", "Credit"):
            raise invalid_property("PostingType", f"{where}: PostingType {posting!r}")
        if ref_value(detail.get("AccountRef")) is None:
            raise required("AccountRef", where)
        account = resolve(book, "Account", detail["AccountRef"], f"{where}.AccountRef")
        assert account is not None
        new_detail: dict[str, Any] = {"PostingType": posting, "AccountRef": _named_ref(account)}
        new_detail.update(_entity(book, detail, account, where))
        check_class_and_location(book, detail, where, per_line=True)
        for key, entity in (("ClassRef", "Class"), ("DepartmentRef", "Department")):
            if ref_value(detail.get(key)):
                new_detail[key] = _named_ref(book.find(entity, ref_value(detail[key]) or ""))
        if ref_value(detail.get("TaxCodeRef")):
            new_detail["TaxCodeRef"] = _tax_code_ref(book, detail["TaxCodeRef"], where)
        if posting == "Debit":
            debits += amount
        else:
            credits += amount
        new_line = {"Id": str(len(stored)), "Amount": amount}
        if line.get("Description"):
            new_line["Description"] = line["Description"]
        new_line["DetailType"] = "JournalEntryLineDetail"
        new_line["JournalEntryLineDetail"] = new_detail
        stored.append(new_line)
    if debits != credits:
        raise business_rule(
            "Transaction is not balanced: the debits total "
            f"{debits.quantize(CENT)} and the credits total {credits.quantize(CENT)}. "
            "Make sure debits equal credits.",
            "Line",
        )
    out["Line"] = stored
    out["TotalAmt"] = debits
    return out


def _entity(
    book: CompanyView, detail: dict[str, Any], account: dict[str, Any], where: str
) -> dict[str, Any]:
    """The line's Name (Entity); A/R needs a Customer and A/P a Vendor, as in QBO."""
    entity = detail.get("Entity")
    kind = entity.get("Type") if isinstance(entity, dict) else None
    target = entity.get("EntityRef") if isinstance(entity, dict) else None
    account_type = account.get("AccountType")
    if account_type == "Accounts Receivable" and (kind != "Customer" or not ref_value(target)):
        raise business_rule(
            "When you use Accounts Receivable, you must choose a customer in the Name field.",
            "Entity",
        )
    if account_type == "Accounts Payable" and (kind != "Vendor" or not ref_value(target)):
        raise business_rule(
            "When you use Accounts Payable, you must select a vendor in the Name field.",
            "Entity",
        )
    if not ref_value(target):
        return {}
    if kind not in ("Customer", "Vendor", "Employee"):
        raise invalid_property("Entity", f"{where}: Entity.Type {kind!r}")
    if kind == "Employee":
        raise invalid_property("Entity", f"{where}: the sandbox has no employees")
    found = resolve(book, kind, target, f"{where}.Entity")
    assert found is not None
    ref = {"value": str(found["Id"]), "name": str(found.get("DisplayName") or found["Name"])}
    return {"Entity": {"Type": kind, "EntityRef": ref}}


def _tax_code_ref(book: CompanyView, ref: Any, where: str) -> dict[str, str]:
    value = ref_value(ref) or ""
    if value in ("TAX", "NON"):
        return {"value": value}
    return _named_ref(resolve(book, "TaxCode", ref, f"{where}.TaxCodeRef")) or {"value": value}


def _description_line(line: dict[str, Any], index: int) -> dict[str, Any]:
    """A description-only line: QBO keeps the text and ignores any amount."""
    out: dict[str, Any] = {"Id": str(index + 1), "LineNum": index + 1}
    if line.get("Description"):
        out["Description"] = line["Description"]
    out["Amount"] = ZERO
    out["DetailType"] = "DescriptionOnly"
    out["DescriptionLineDetail"] = {}
    return out


def prepare_sales_receipt(book: CompanyView, body: dict[str, Any]) -> dict[str, Any]:
    """Validate a SalesReceipt like QBO and return its stored form (TotalAmt computed)."""
    out = _common_header(book, body)
    check_class_and_location(book, body, "SalesReceipt", per_line=False)
    for key, entity in (
        ("CustomerRef", "Customer"),
        ("PaymentMethodRef", "PaymentMethod"),
        ("ClassRef", "Class"),
        ("DepartmentRef", "Department"),
    ):
        found = resolve(book, entity, body.get(key), key)
        if found is not None:
            out[key] = _named_ref(found)
    out["DepositToAccountRef"] = _deposit_account(book, body.get("DepositToAccountRef"))
    subtotal = ZERO
    stored: list[dict[str, Any]] = []
    for index, line in enumerate(_lines(body)):
        where = f"Line {index + 1}"
        kind = line.get("DetailType")
        if kind in ("SubTotalLineDetail", "SubtotalLineDetail"):
            continue  # QBO computes the subtotal line itself
        detail = line.get("SalesItemLineDetail")
        has_item = isinstance(detail, dict) and ref_value(detail.get("ItemRef"))
        if kind == "DescriptionOnly" or (kind == "SalesItemLineDetail" and not has_item):
            stored.append(_description_line(line, len(stored)))
            continue
        if kind != "SalesItemLineDetail":
            raise invalid_property("DetailType", f"{where}: DetailType {kind!r}")
        assert isinstance(detail, dict)
        stored.append(_sales_item_line(book, line, detail, where, len(stored)))
        subtotal += stored[-1]["Amount"]
    tax = _tax_detail(book, body.get("TxnTaxDetail"), out)
    total = subtotal + tax
    if total < 0:
        raise business_rule("The total of a sales receipt cannot be negative.", "TotalAmt")
    stored.append(
        {"Amount": subtotal, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
    )
    out["Line"] = stored
    out["TotalAmt"] = total
    out["Balance"] = ZERO
    return out


def _deposit_account(book: CompanyView, ref: Any) -> dict[str, str]:
    if ref_value(ref) is None:
        found = book.find_account_by_subtype("UndepositedFunds")
    else:
        found = resolve(book, "Account", ref, "DepositToAccountRef")
    if found is None:
        raise required("DepositToAccountRef", "the company has no Undeposited Funds account")
    if found.get("AccountType") not in DEPOSIT_TYPES:
        raise business_rule(
            f"Deposit to account '{found['Name']}' is a {found.get('AccountType')} account; "
            "a sales receipt can only be deposited to a Bank or Other Current Asset account.",
            "DepositToAccountRef",
        )
    return _named_ref(found) or {}


def _sales_item_line(
    book: CompanyView, line: dict[str, Any], detail: dict[str, Any], where: str, index: int
) -> dict[str, Any]:
    amount = money(line.get("Amount"), "Amount", required_what=where)
    item = resolve(book, "Item", detail["ItemRef"], f"{where}.ItemRef")
    assert item is not None
    qty = number(detail.get("Qty"), "Qty")
    price = number(detail.get("UnitPrice"), "UnitPrice")
    if qty is not None and price is not None and (qty * price).quantize(CENT) != amount:
        raise QboFault(
            "6070",
            "Amount calculation incorrect in the request",
            f"Amount is not equal to UnitPrice * Qty. Supplied value:{amount} ({where}: "
            f"UnitPrice {price} x Qty {qty} = {(qty * price).quantize(CENT)})",
            element="Amount",
        )
    check_class_and_location(book, detail, where, per_line=True)
    new_detail: dict[str, Any] = {"ItemRef": _named_ref(item)}
    income = book.find("Account", ref_value(item.get("IncomeAccountRef")) or "")
    if income is not None:
        new_detail["ItemAccountRef"] = _named_ref(income)
    if ref_value(detail.get("ClassRef")):
        new_detail["ClassRef"] = _named_ref(book.find("Class", ref_value(detail["ClassRef"]) or ""))
    if qty is not None:
        new_detail["Qty"] = qty
    if price is not None:
        new_detail["UnitPrice"] = price
    if ref_value(detail.get("TaxCodeRef")):
        new_detail["TaxCodeRef"] = _tax_code_ref(book, detail["TaxCodeRef"], where)
    if detail.get("ServiceDate"):
        new_detail["ServiceDate"] = detail["ServiceDate"]
    out: dict[str, Any] = {"Id": str(index + 1), "LineNum": index + 1}
    if line.get("Description"):
        out["Description"] = line["Description"]
    out.update(
        {"Amount": amount, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": new_detail}
    )
    return out


def _tax_detail(book: CompanyView, detail: Any, out: dict[str, Any]) -> Decimal:
    """Keep the caller's tax as sent (QBO would recalculate it from its tax codes)."""
    if not isinstance(detail, dict) or detail.get("TotalTax") in (None, "", 0):
        return ZERO
    tax = money(detail.get("TotalTax"), "TotalTax")
    kept: dict[str, Any] = {"TotalTax": tax}
    if ref_value(detail.get("TxnTaxCodeRef")):
        kept["TxnTaxCodeRef"] = _tax_code_ref(book, detail["TxnTaxCodeRef"], "TxnTaxDetail")
    out["TxnTaxDetail"] = kept
    return tax


def postings(book: CompanyView, entity: str, txn: dict[str, Any]) -> list[Posting]:
    """What a stored JournalEntry or SalesReceipt debits and credits, line by line."""
    result: list[Posting] = []
    if entity == "JournalEntry":
        for line in txn.get("Line", []):
            detail = line.get("JournalEntryLineDetail")
            if not detail:
                continue
            debit = line["Amount"] if detail["PostingType"] == "Debit" else ZERO
            credit = line["Amount"] if detail["PostingType"] == "Credit" else ZERO
            name = detail.get("Entity", {}).get("EntityRef", {}).get("name", "")
            result.append(
                Posting(
                    detail["AccountRef"]["value"],
                    debit,
                    credit,
                    line.get("Description", ""),
                    ref_value(detail.get("ClassRef")),
                    ref_value(detail.get("DepartmentRef")),
                    name,
                )
            )
        return result
    customer = txn.get("CustomerRef", {}).get("name", "")
    department = ref_value(txn.get("DepartmentRef"))
    header_class = ref_value(txn.get("ClassRef"))
    total = txn["TotalAmt"]
    deposit = txn["DepositToAccountRef"]["value"]
    result.append(Posting(deposit, max(total, ZERO), ZERO, "", header_class, department, customer))
    for line in txn.get("Line", []):
        detail = line.get("SalesItemLineDetail")
        if not detail or "ItemAccountRef" not in detail:
            continue
        amount = line["Amount"]
        account = detail["ItemAccountRef"]["value"]
        klass = ref_value(detail.get("ClassRef")) or header_class
        debit, credit = (ZERO, amount) if amount >= 0 else (-amount, ZERO)
        desc = line.get("Description", "")
        result.append(Posting(account, debit, credit, desc, klass, department, customer))
    tax = txn.get("TxnTaxDetail", {}).get("TotalTax", ZERO)
    if tax:
        code = txn["TxnTaxDetail"].get("TxnTaxCodeRef", {}).get("name", "")
        account = book.find_by_name("Account", f"SST Payable - {code}") or (
            book.find_account_by_subtype("GlobalTaxPayable")
        )
        if account is not None:
            result.append(
                Posting(
                    str(account["Id"]), ZERO, tax, f"Tax {code}".strip(), None, department, customer
                )
            )
    return result
