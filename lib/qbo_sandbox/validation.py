"""QuickBooks-like validation of incoming entities, answered with Intuit's fault codes.

Each check raises QboFault; nothing is stored when one fails. The codes and whether
they are verified against Intuit's documentation are listed in docs/sandbox-accounting.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from qbo_sandbox.entities import EntitySpec, ref_value, to_decimal

MAX_DOC_NUMBER = 21
MAX_TEXT = 4000
MAX_DIGITS = 15
CENT = Decimal("0.01")

# Account types a sales receipt may deposit to (QBO: Bank or Other Current Asset).
DEPOSIT_TYPES = frozenset({"Bank", "Other Current Asset"})


class QboFault(Exception):
    """A fault QBO would answer with: HTTP status plus one Error in a Fault body."""

    def __init__(
        self,
        code: str,
        message: str,
        detail: str,
        *,
        element: str = "",
        status: int = 400,
        fault_type: str = "ValidationFault",
    ) -> None:
        super().__init__(f"{code} {message}: {detail}")
        self.code = code
        self.message = message
        self.detail = detail
        self.element = element
        self.status = status
        self.fault_type = fault_type

    def fault_body(self) -> dict[str, Any]:
        """The inner {"Error": [...], "type": ...} object of Intuit's Fault JSON."""
        error = {
            "Message": self.message,
            "Detail": self.detail,
            "code": self.code,
            "element": self.element,
        }
        return {"Error": [error], "type": self.fault_type}


def required(element: str, what: str) -> QboFault:
    """2020: a required property is missing."""
    return QboFault(
        "2020",
        "Required param missing, need to supply the required value for the API",
        f"Required parameter {element} is missing in the request ({what})",
        element=element,
    )


def invalid_property(element: str, detail: str) -> QboFault:
    """2010: a property QBO does not know or cannot read."""
    return QboFault("2010", "Request has invalid or unsupported property", detail, element=element)


def too_long(element: str, limit: int, length: int) -> QboFault:
    """2050: a string longer than QBO accepts."""
    return QboFault(
        "2050",
        "String length is either shorter or longer than supported by specification",
        f"{element}: maximum length is {limit} characters, supplied {length}",
        element=element,
    )


def invalid_reference(element: str, entity: str, ref: str) -> QboFault:
    """2500: a reference to an object that does not exist."""
    return QboFault(
        "2500",
        "Invalid Reference Id",
        f"Invalid Reference Id : {entity} assigned to {element} with Id {ref} does not exist",
        element=element,
    )


def inactive_reference(element: str, entity: str, name: str) -> QboFault:
    """610: Intuit's answer when a transaction refers to an inactive list object."""
    return QboFault(
        "610",
        "Object Not Found",
        "Object Not Found : Something you're trying to use has been made inactive. "
        f"Check the fields with accounts, customers, items, vendors or employees. "
        f"({entity} '{name}' in {element})",
        element=element,
    )


def business_rule(detail: str, element: str = "") -> QboFault:
    """6000: a business validation error."""
    return QboFault(
        "6000",
        "A business validation error has occurred while processing your request",
        f"Business Validation Error: {detail}",
        element=element,
    )


class BookView(Protocol):
    """What validation needs to see of a company."""

    def find(self, entity: str, object_id: str) -> dict[str, Any] | None: ...

    @property
    def class_tracking_per_txn(self) -> bool: ...

    @property
    def class_tracking_per_line(self) -> bool: ...

    @property
    def location_tracking(self) -> bool: ...

    @property
    def book_close_date(self) -> str: ...


def check_closed(book: BookView, txn_date: str, where: str = "TxnDate") -> None:
    """6210 when a transaction dated on or before the company's closing date is written.

    Wording from Intuit's "Top QuickBooks Online API Errors" (tax/real_world_error_quotes.md).
    """
    closed = book.book_close_date
    if closed and txn_date and txn_date <= closed:
        raise QboFault(
            "6210",
            "Account Period Closed",
            "Account Period Closed: The accounting period has closed and the account books "
            "cannot be updated through the QBO services API. Please use the QBO website to "
            f"make these changes. (Closing date {closed}; {where} {txn_date})",
            element="TxnDate",
        )


def duplicate_doc_number(doc_number: str, txn_type: str, txn_id: str) -> QboFault:
    """6140 with the wording integrators quote (tax/real_world_error_quotes.md)."""
    return QboFault(
        "6140",
        "Duplicate Document Number Error",
        "Duplicate Document Number Error : You must specify a different number. This number "
        f"has already been used. DocNumber={doc_number} is assigned to TxnType={txn_type} "
        f"with TxnId={txn_id}",
        element="DocNumber",
    )


def check_properties(spec: EntitySpec, body: dict[str, Any]) -> None:
    """Reject top-level properties QBO does not define for this entity (2010)."""
    for key in body:
        if key not in spec.properties:
            raise invalid_property(
                key,
                f'Property Name:Unrecognized field "{key}" (class {spec.name}), '
                "not marked as ignorable specified is unsupported or invalid",
            )


def check_text(body: dict[str, Any], element: str, limit: int) -> None:
    """A string property within its maximum length (2050)."""
    value = body.get(element)
    if value is None:
        return
    if not isinstance(value, str):
        raise invalid_property(element, f"{element} must be a string")
    if len(value) > limit:
        raise too_long(element, limit, len(value))


def check_txn_date(body: dict[str, Any]) -> None:
    """TxnDate, when given, is YYYY-MM-DD (empty means today, as python-quickbooks sends)."""
    value = body.get("TxnDate")
    if value in (None, ""):
        return
    text = str(value)
    try:
        valid = len(text) == 10 and date.fromisoformat(text).isoformat() == text
    except ValueError:
        valid = False
    if not valid:
        raise invalid_property("TxnDate", f"TxnDate '{text}' is not a date (YYYY-MM-DD)")


def money(value: Any, element: str, *, required_what: str | None = None) -> Decimal:
    """An amount as Decimal: a number of at most 15 digits and 2 decimals."""
    if value is None or value == "":
        raise required(element, required_what or element)
    amount = to_decimal(value)
    if amount is None:
        raise invalid_property(element, f"{element} '{value}' is not a number")
    if amount != amount.quantize(CENT):
        raise invalid_property(element, f"{element} {amount} has more than 2 decimal places")
    digits = len(format(abs(amount).normalize(), "f").replace(".", "").lstrip("0"))
    if digits > MAX_DIGITS:
        raise invalid_property(element, f"{element} {amount} has more than {MAX_DIGITS} digits")
    return amount


def number(value: Any, element: str) -> Decimal | None:
    """An optional quantity or price as Decimal (None when absent)."""
    if value is None or value == "":
        return None
    result = to_decimal(value)
    if result is None:
        raise invalid_property(element, f"{element} '{value}' is not a number")
    return result


def resolve(
    book: BookView, entity: str, ref: Any, element: str, *, allow_inactive: bool = False
) -> dict[str, Any] | None:
    """The list object a reference points to; 2500 when unknown, 610 when inactive."""
    object_id = ref_value(ref)
    if object_id is None:
        return None
    found = book.find(entity, object_id)
    if found is None:
        raise invalid_reference(element, entity, object_id)
    if not allow_inactive and found.get("Active") is False:
        raise inactive_reference(element, entity, str(found.get("Name", object_id)))
    return found


def check_class_and_location(
    book: BookView, detail: dict[str, Any], where: str, *, scope: str
) -> None:
    """ClassRef needs class tracking, DepartmentRef location tracking; both must exist.

    ``scope``: "txn" (a sales form's header ClassRef: ClassTrackingPerTxn), "line" (a sales
    line's ClassRef: ClassTrackingPerTxnLine, as Intuit's SalesReceipt page says) or
    "journal" (a journal line: either setting, assumed; Intuit's JournalEntry page names
    ClassTrackingPerTxn).
    """
    if detail.get("ClassRef") is not None and ref_value(detail.get("ClassRef")):
        allowed = {
            "txn": book.class_tracking_per_txn,
            "line": book.class_tracking_per_line,
            "journal": book.class_tracking_per_txn or book.class_tracking_per_line,
        }[scope]
        if not allowed:
            setting = {
                "txn": "Class tracking per transaction (ClassTrackingPerTxn)",
                "line": "Class tracking per line (ClassTrackingPerTxnLine)",
                "journal": "Class tracking",
            }[scope]
            raise business_rule(
                f"{setting} is turned off for this company ({where}). "
                "Turn on Track classes in Account and Settings.",
                "ClassRef",
            )
        resolve(book, "Class", detail["ClassRef"], f"{where}.ClassRef")
    if detail.get("DepartmentRef") is not None and ref_value(detail.get("DepartmentRef")):
        if not book.location_tracking:
            raise business_rule(
                f"Location tracking is turned off for this company ({where}). "
                "Turn on Track locations in Account and Settings.",
                "DepartmentRef",
            )
        resolve(book, "Department", detail["DepartmentRef"], f"{where}.DepartmentRef")
