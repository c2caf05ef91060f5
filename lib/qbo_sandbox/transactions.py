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
from qbo_sandbox.tax import (
    TaxTally,
    calculation_of,
    code_rates,
    line_tax,
    missing_tax_code,
    resolve_code,
    split_by_rates,
    us_tax,
)
from qbo_sandbox.validation import (
    CENT,
    DEPOSIT_TYPES,
    MAX_DOC_NUMBER,
    MAX_TEXT,
    BookView,
    QboFault,
    business_rule,
    check_class_and_location,
    check_closed,
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
    """Validation's view plus what transactions need: today, lookups, tax setup."""

    def today(self) -> str: ...

    @property
    def tax_model(self) -> str: ...

    @property
    def tax_word(self) -> str: ...

    @property
    def currency_ref(self) -> dict[str, str]: ...

    def tax_rate_account(self, rate_id: str) -> str | None: ...

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
    check_closed(book, out["TxnDate"])
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
    tally = TaxTally()
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
        check_class_and_location(book, detail, where, scope="journal")
        for key, entity in (("ClassRef", "Class"), ("DepartmentRef", "Department")):
            if ref_value(detail.get(key)):
                new_detail[key] = _named_ref(book.find(entity, ref_value(detail[key]) or ""))
        tax = ZERO
        if ref_value(detail.get("TaxCodeRef")):
            new_detail["TaxCodeRef"] = _tax_code_ref(book, detail["TaxCodeRef"], where)
            if book.tax_model == "global":
                tax = _journal_line_tax(book, detail, new_detail, amount, posting, tally, where)
        if posting == "Debit":
            debits += amount + tax
        else:
            credits += amount + tax
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
    if book.tax_model != "lenient":
        out["TxnTaxDetail"] = _journal_tax_detail(tally)
    if book.tax_model == "global":
        out["GlobalTaxCalculation"] = calculation_of(body)
    out["CurrencyRef"] = book.currency_ref
    return out


def _journal_line_tax(
    book: CompanyView,
    detail: dict[str, Any],
    new_detail: dict[str, Any],
    amount: Decimal,
    posting: str,
    tally: TaxTally,
    where: str,
) -> Decimal:
    """A journal line with a TaxCodeRef in a non-US company: TaxApplicableOn and TaxAmount
    are required (Intuit's JournalEntry page); QuickBooks adds the tax posting itself, on
    the line's side, to the tax account of the code's rate. Returns the line's tax."""
    applicable = detail.get("TaxApplicableOn")
    if applicable in (None, ""):
        raise required("TaxApplicableOn", f"{where}: a line with TaxCodeRef")
    if applicable not in ("Sales", "Purchase"):
        raise invalid_property("TaxApplicableOn", f"{where}: TaxApplicableOn {applicable!r}")
    tax = money(detail.get("TaxAmount"), "TaxAmount", required_what=f"{where}: TaxCodeRef")
    if tax < 0:
        raise invalid_property("TaxAmount", f"{where}: TaxAmount {tax} is negative")
    code = resolve_code(book, detail["TaxCodeRef"], f"{where}.TaxCodeRef")
    rates = code_rates(book, code)
    if tax and not rates:
        raise business_rule(
            f"Tax code {code['Name']} has no tax rate; TaxAmount must be 0 ({where}).",
            "TaxAmount",
        )
    sign = Decimal(-1) if posting == "Credit" else Decimal(1)
    for rate, share in split_by_rates(tax, rates):
        tally.add(rate, amount * sign, share * sign)
    new_detail["TaxApplicableOn"] = applicable
    new_detail["TaxAmount"] = tax
    return tax


def _journal_tax_detail(tally: TaxTally) -> dict[str, Any]:
    """A journal entry's TxnTaxDetail: one TaxLine per rate, negative for credits."""
    detail = tally.detail()
    detail["TotalTax"] = abs(tally.total())
    return detail


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
    return prepare_sales_form(book, body, "SalesReceipt")


def prepare_refund_receipt(book: CompanyView, body: dict[str, Any]) -> dict[str, Any]:
    """Validate a RefundReceipt (money paid back from RefundFromAccountRef)."""
    return prepare_sales_form(book, body, "RefundReceipt")


def prepare_sales_form(book: CompanyView, body: dict[str, Any], entity: str) -> dict[str, Any]:
    """A SalesReceipt or RefundReceipt: lines, tax as the company computes it, totals."""
    out = _common_header(book, body)
    check_class_and_location(book, body, entity, scope="txn")
    for key, kind in (
        ("CustomerRef", "Customer"),
        ("PaymentMethodRef", "PaymentMethod"),
        ("ClassRef", "Class"),
        ("DepartmentRef", "Department"),
    ):
        found = resolve(book, kind, body.get(key), key)
        if found is not None:
            out[key] = _named_ref(found)
    if entity == "RefundReceipt":
        out["RefundFromAccountRef"] = _refund_account(book, body.get("RefundFromAccountRef"))
    else:
        out["DepositToAccountRef"] = _deposit_account(book, body.get("DepositToAccountRef"))
    model = book.tax_model
    calculation = calculation_of(body) if model == "global" else ""
    tally = TaxTally()
    subtotal = taxable = ZERO
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
        new_line = _sales_item_line(book, line, detail, where, len(stored))
        new_detail = new_line["SalesItemLineDetail"]
        if model == "global":
            if not ref_value(detail.get("TaxCodeRef")):
                raise missing_tax_code(book)
            code = resolve_code(book, detail["TaxCodeRef"], f"{where}.TaxCodeRef")
            inclusive = detail.get("TaxInclusiveAmt")
            net, gross = line_tax(
                book,
                tally,
                code,
                new_line["Amount"],
                calculation,
                None if inclusive in (None, "") else money(inclusive, "TaxInclusiveAmt"),
            )
            new_line["Amount"] = net
            if gross is not None:
                new_detail["TaxInclusiveAmt"] = gross
        elif model == "us" and ref_value(new_detail.get("TaxCodeRef")) == "TAX":
            taxable += new_line["Amount"]
        stored.append(new_line)
        subtotal += new_line["Amount"]
    if model == "global":
        if calculation != "NotApplicable":
            tally.override(body.get("TxnTaxDetail"), "TxnTaxDetail")
        out["TxnTaxDetail"] = tally.detail()
        out["GlobalTaxCalculation"] = calculation
    elif model == "us":
        out["TxnTaxDetail"], tally = us_tax(book, body, taxable)
    else:
        _tax_detail(book, body.get("TxnTaxDetail"), out)
    tax = out["TxnTaxDetail"]["TotalTax"]
    total = subtotal + tax
    if total < 0:
        what = "refund receipt" if entity == "RefundReceipt" else "sales receipt"
        raise business_rule(f"The total of a {what} cannot be negative.", "TotalAmt")
    stored.append(
        {"Amount": subtotal, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
    )
    out["Line"] = stored
    out["TotalAmt"] = total
    out["Balance"] = ZERO
    # Always on a SalesReceipt reply (salesreceipt/qbo_api_salesreceipt_read_and_full_update.yml)
    out["CurrencyRef"] = book.currency_ref
    out["ApplyTaxAfterDiscount"] = bool(body.get("ApplyTaxAfterDiscount", False))
    out["PrintStatus"] = str(body.get("PrintStatus") or "NotSet")
    out["EmailStatus"] = str(body.get("EmailStatus") or "NotSet")
    return out


def _refund_account(book: CompanyView, ref: Any) -> dict[str, str]:
    """RefundFromAccountRef: required; a Bank, Other Current Asset or Credit Card account
    (assumed from the QuickBooks form's "Refund From" list)."""
    if ref_value(ref) is None:
        raise required("RefundFromAccountRef", "a refund receipt needs the account it is paid from")
    found = resolve(book, "Account", ref, "RefundFromAccountRef")
    assert found is not None
    if found.get("AccountType") not in DEPOSIT_TYPES | {"Credit Card"}:
        raise business_rule(
            f"Refund from account '{found['Name']}' is a {found.get('AccountType')} account; "
            "a refund can only be paid from a Bank, Other Current Asset or Credit Card account.",
            "RefundFromAccountRef",
        )
    return _named_ref(found) or {}


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
    check_class_and_location(book, detail, where, scope="line")
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
    """The lenient demo company keeps the caller's tax as sent (TotalTax 0 when none)."""
    if not isinstance(detail, dict) or detail.get("TotalTax") in (None, "", 0):
        out["TxnTaxDetail"] = {"TotalTax": ZERO}
        return ZERO
    tax = money(detail.get("TotalTax"), "TotalTax")
    kept: dict[str, Any] = {"TotalTax": tax}
    if ref_value(detail.get("TxnTaxCodeRef")):
        kept["TxnTaxCodeRef"] = _tax_code_ref(book, detail["TxnTaxCodeRef"], "TxnTaxDetail")
    out["TxnTaxDetail"] = kept
    return tax


def postings(book: CompanyView, entity: str, txn: dict[str, Any]) -> list[Posting]:
    """What a stored JournalEntry, SalesReceipt or RefundReceipt debits and credits."""
    result: list[Posting] = []
    if entity == "JournalEntry":
        for line in txn.get("Line", []):
            detail = line.get("JournalEntryLineDetail")
            if not detail:
                continue
            debit = line["Amount"] if detail["PostingType"] == "Debit" else ZERO
            credit = line["Amount"] if detail["PostingType"] == "Credit" else ZERO
            name = detail.get("Entity", {}).get("EntityRef", {}).get("name", "")
            klass = ref_value(detail.get("ClassRef"))
            department = ref_value(detail.get("DepartmentRef"))
            desc = line.get("Description", "")
            result.append(
                Posting(detail["AccountRef"]["value"], debit, credit, desc, klass, department, name)
            )
            result.extend(_journal_tax_postings(book, detail, klass, department, name))
        return result
    refund = entity == "RefundReceipt"
    customer = txn.get("CustomerRef", {}).get("name", "")
    department = ref_value(txn.get("DepartmentRef"))
    header_class = ref_value(txn.get("ClassRef"))
    total = txn["TotalAmt"]
    money_account = (txn.get("RefundFromAccountRef") or txn.get("DepositToAccountRef"))["value"]

    def side(amount: Decimal, *, income: bool) -> tuple[Decimal, Decimal]:
        """(debit, credit) of an amount: income credited on a sale, debited on a refund."""
        credit_side = income != refund
        if amount < 0:
            amount, credit_side = -amount, not credit_side
        return (ZERO, amount) if credit_side else (amount, ZERO)

    debit, credit = side(total, income=False)
    result.append(Posting(money_account, debit, credit, "", header_class, department, customer))
    for line in txn.get("Line", []):
        detail = line.get("SalesItemLineDetail")
        if not detail or "ItemAccountRef" not in detail:
            continue
        account = detail["ItemAccountRef"]["value"]
        klass = ref_value(detail.get("ClassRef")) or header_class
        debit, credit = side(line["Amount"], income=True)
        desc = line.get("Description", "")
        result.append(Posting(account, debit, credit, desc, klass, department, customer))
    tax_detail = txn.get("TxnTaxDetail", {})
    tax_lines = tax_detail.get("TaxLine") or []
    if tax_lines:
        for tax_line in tax_lines:
            rate_ref = tax_line["TaxLineDetail"]["TaxRateRef"]
            account = book.tax_rate_account(rate_ref["value"])
            if account is None or not tax_line["Amount"]:
                continue
            debit, credit = side(tax_line["Amount"], income=True)
            desc = f"Tax {rate_ref.get('name', '')}".strip()
            result.append(Posting(account, debit, credit, desc, None, department, customer))
        return result
    tax = tax_detail.get("TotalTax", ZERO)
    if tax:
        code = tax_detail.get("TxnTaxCodeRef", {}).get("name", "")
        found = book.find_by_name("Account", f"SST Payable - {code}") or (
            book.find_account_by_subtype("GlobalTaxPayable")
        )
        if found is not None:
            debit, credit = side(tax, income=True)
            desc = f"Tax {code}".strip()
            result.append(
                Posting(str(found["Id"]), debit, credit, desc, None, department, customer)
            )
    return result


def _journal_tax_postings(
    book: CompanyView, detail: dict[str, Any], klass: str | None, department: str | None, name: str
) -> list[Posting]:
    """The tax postings QuickBooks adds for a journal line with a tax code (non-US)."""
    tax = detail.get("TaxAmount")
    if not tax or book.tax_model != "global" or not ref_value(detail.get("TaxCodeRef")):
        return []
    code = book.find("TaxCode", ref_value(detail["TaxCodeRef"]) or "")
    rates = code_rates(book, code) if code else []
    out = []
    for rate, share in split_by_rates(tax, rates):
        account = book.tax_rate_account(str(rate["Id"]))
        if account is None or not share:
            continue
        debit, credit = (share, ZERO) if detail["PostingType"] == "Debit" else (ZERO, share)
        out.append(Posting(account, debit, credit, f"Tax {rate['Name']}", klass, department, name))
    return out
