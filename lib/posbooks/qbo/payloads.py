"""Drafts as QuickBooks JSON: JournalEntry and SalesReceipt bodies, DocNumbers, content hashes.

DocNumbers come from the home's codes (posbooks.core.docnumbers, docs/posting.md): a
document's number is given to the functions here, never derived from names alone.

The content hash is SHA-256 over the canonical JSON of the body without its volatile
fields (PrivateNote, Id, SyncToken, sparse), first 16 hex digits. It goes in the
PrivateNote with the mapping version, so a document found in QuickBooks by its
DocNumber can be recognised as ours and compared with today's draft.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from posbooks.core.docnumbers import DocNumbers, numbers_document
from posbooks.core.model import JournalDraft, ReceiptDraft, Ref

NOTE_PREFIX = "posbooks"
VOLATILE = ("PrivateNote", "Id", "SyncToken", "sparse", "MetaData", "domain")
ENTITY = {"journal": "JournalEntry", "receipt": "SalesReceipt", "refund": "RefundReceipt"}
_NOTE = re.compile(r"^posbooks (?P<hash>[0-9a-f]{16}) mapping v(?P<version>\d+)\b")


@dataclass(frozen=True)
class Document:
    """One QuickBooks document ready to send: its identity, body and fingerprint."""

    business_date: date
    outlet: str
    doc_type: str  # journal | receipt | refund
    doc_key: str  # "" for a journal; the payment method for a receipt or refund
    doc_number: str
    content_hash: str
    mapping_version: int
    body: dict

    @property
    def entity(self) -> str:
        return ENTITY[self.doc_type]


def money(amount: Decimal) -> str:
    """An amount as QuickBooks takes it: a decimal string with 2 places."""
    return str(amount.quantize(Decimal("0.01")))


def number(value: Decimal) -> str:
    """A quantity or unit price without exponent or trailing zeros ("3", "4.5")."""
    text = format(value.normalize(), "f")
    return text if text not in ("-0",) else "0"


def ref(r: Ref) -> dict:
    return {"value": r.id, "name": r.name}


def content_hash(body: dict) -> str:
    """First 16 hex digits of SHA-256 over the canonical body minus volatile fields."""
    stable = {k: v for k, v in body.items() if k not in VOLATILE}
    canonical = json.dumps(stable, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _what(doc_type: str, doc_key: str) -> str:
    """The document named in a PrivateNote: "journal", "receipt Cash", "refund Cash"."""
    return "journal" if doc_type == "journal" else f"{doc_type} {doc_key}"


def private_note(doc: Document) -> str:
    """``posbooks <hash> mapping v<version> <type> <outlet> <date>`` (< 4000 characters)."""
    what = _what(doc.doc_type, doc.doc_key)
    return (
        f"{NOTE_PREFIX} {doc.content_hash} mapping v{doc.mapping_version} "
        f"{what} {doc.outlet} {doc.business_date.isoformat()}"
    )[:4000]


def parse_note(note: str | None) -> tuple[str, int] | None:
    """(content hash, mapping version) from a PrivateNote posbooks wrote, else None."""
    match = _NOTE.match(note or "")
    return (match["hash"], int(match["version"])) if match else None


@dataclass(frozen=True)
class NotedDocument:
    """The document a posbooks PrivateNote was written for."""

    doc_type: str  # journal | receipt
    business_date: date
    outlet: str
    doc_key: str  # the payment method of a receipt, "" for a journal


def note_identity(note: str | None, number: str, numbers: DocNumbers) -> NotedDocument | None:
    """The document a posbooks ``note`` names when it was written for DocNumber ``number``
    (as ``numbers``, the home's codes, number that document).

    None when the note is not posbooks', or names another document: QuickBooks' "copy"
    keeps the memo, so a copy put under another day's DocNumber is not that day's entry.
    Names may hold spaces; the split that gives back ``number`` is the one.
    """
    if parse_note(note) is None:
        return None
    words = str(note).split(" ")[4:]  # after "posbooks <hash> mapping v<n>"
    try:
        day = date.fromisoformat(words[-1])
    except (ValueError, IndexError):
        return None
    kind, names = words[0], words[1:-1]
    if kind == "journal":
        outlet = " ".join(names)
        if numbers_document(numbers, number, day, outlet, "journal", "") is False:
            return None
        return NotedDocument("journal", day, outlet, "")
    if kind not in ("receipt", "refund"):
        return None
    unsure = []
    for i in range(1, len(names)):
        method, outlet = " ".join(names[:i]), " ".join(names[i:])
        verdict = numbers_document(numbers, number, day, outlet, kind, method)
        if verdict:
            return NotedDocument(kind, day, outlet, method)
        if verdict is None:
            unsure.append(NotedDocument(kind, day, outlet, method))
    return unsure[0] if len(unsure) == 1 else None


def written_for(note: str | None, doc: Document) -> bool:
    """Whether ``note`` is a posbooks PrivateNote naming ``doc`` itself (type, method, outlet, date)."""
    if parse_note(note) is None:
        return False
    what = _what(doc.doc_type, doc.doc_key)
    named = str(note).split(" ", 4)[4:]  # after "posbooks <hash> mapping v<n>"
    return named == [f"{what} {doc.outlet} {doc.business_date.isoformat()}"]


def _finish(
    draft_date: date, outlet: str, doc_type: str, doc_key: str, version: int, body: dict,
    number: str,
) -> Document:  # fmt: skip
    body = {"TxnDate": draft_date.isoformat(), "DocNumber": number, **body}
    doc = Document(draft_date, outlet, doc_type, doc_key, number, content_hash(body), version, body)
    body["PrivateNote"] = private_note(doc)
    return doc


def journal_entry_document(
    draft: JournalDraft, mapping_version: int, *, doc_number: str
) -> Document:
    """The JournalEntry body for a (not blocked) draft: one line per draft line."""
    lines = []
    for line in draft.lines:
        if line.account is None:
            raise ValueError(f"{line.description}: no account; the draft is blocked")
        detail: dict = {"PostingType": line.posting, "AccountRef": ref(line.account)}
        if line.class_ is not None:
            detail["ClassRef"] = ref(line.class_)
        if line.location is not None:
            detail["DepartmentRef"] = ref(line.location)
        if line.tax_code is not None:  # tax by code: QuickBooks posts the tax itself
            detail["TaxCodeRef"] = ref(line.tax_code)
            detail["TaxApplicableOn"] = "Sales"
            detail["TaxAmount"] = money(line.tax_amount)
        lines.append(
            {
                "Description": line.description[:4000],
                "Amount": money(line.amount),
                "DetailType": "JournalEntryLineDetail",
                "JournalEntryLineDetail": detail,
            }
        )
    body: dict = {"Line": lines}
    if any(line.tax_code is not None for line in draft.lines):
        body["GlobalTaxCalculation"] = "TaxExcluded"  # POS exports are tax-exclusive
    return _finish(
        draft.business_date, draft.outlet, "journal", "", mapping_version, body, doc_number,
    )  # fmt: skip


def sales_receipt_document(
    draft: ReceiptDraft,
    mapping_version: int,
    *,
    doc_number: str,
    payment_method: Ref | None = None,
    customer: Ref | None = None,
    tax_rates: dict[str, Ref] | None = None,
    sales_tax_code: Ref | None = None,
) -> Document:
    """The SalesReceipt body: Amount = Qty x UnitPrice exactly on every line.

    ``sales_tax_code`` (US sales tax, ``Mapping.sales_tax_code``): lines carry TAX/NON and
    TxnTaxDetail the rate code and the POS tax as TotalTax, which QuickBooks US keeps.

    A refund draft (``draft.doc_type == "refund"``) becomes a RefundReceipt paid back from
    the method's account (``RefundFromAccountRef``) instead of deposited to it.
    """
    if draft.deposit_account is None:
        raise ValueError(f"{draft.outlet} {draft.business_date}: no deposit account")
    lines = []
    for line in draft.lines:
        if line.item is None:
            raise ValueError(f"{line.description}: no Item; the draft is blocked")
        if line.quantity * line.unit_price != line.amount:
            raise ValueError(f"{line.description}: quantity x unit price != amount")
        detail: dict = {
            "ItemRef": ref(line.item),
            "Qty": number(line.quantity),
            "UnitPrice": number(line.unit_price),
        }
        if line.class_ is not None:
            detail["ClassRef"] = ref(line.class_)
        if line.tax_code is not None:
            detail["TaxCodeRef"] = ref(line.tax_code)
        lines.append(
            {
                "Description": line.description[:4000],
                "Amount": money(line.amount),
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": detail,
            }
        )
    account = "RefundFromAccountRef" if draft.doc_type == "refund" else "DepositToAccountRef"
    body: dict = {account: ref(draft.deposit_account), "Line": lines}
    if payment_method is not None:
        body["PaymentMethodRef"] = ref(payment_method)
    if draft.location is not None:
        body["DepartmentRef"] = ref(draft.location)
    if draft.class_ is not None:  # classes per transaction (core.receipts)
        body["ClassRef"] = ref(draft.class_)
    if customer is not None:
        body["CustomerRef"] = ref(customer)
    if sales_tax_code is not None and any(line.tax_code is not None for line in draft.lines):
        total = sum((amount for _, amount in draft.taxes), Decimal("0"))
        body["TxnTaxDetail"] = {"TxnTaxCodeRef": ref(sales_tax_code), "TotalTax": money(total)}
    elif any(line.tax_code is not None for line in draft.lines):
        body["GlobalTaxCalculation"] = "TaxExcluded"  # POS exports are tax-exclusive
        body["TxnTaxDetail"] = _pos_tax_detail(draft, tax_rates or {})
    return _finish(
        draft.business_date,
        draft.outlet,
        draft.doc_type,
        draft.payment_method,
        mapping_version,
        body,
        doc_number,
    )


def _pos_tax_detail(draft: ReceiptDraft, tax_rates: dict[str, Ref]) -> dict:
    """The POS tax as TxnTaxDetail: one TaxLine per QuickBooks rate, so QuickBooks keeps the
    POS amounts (posbooks.core.taxcodes). ``tax_rates``: POS tax code -> the one sales
    rate of the QuickBooks TaxCode it is mapped to."""
    by_rate: dict[str, tuple[Ref, Decimal]] = {}
    for pos_code, amount in draft.taxes:
        rate = tax_rates.get(pos_code)
        if rate is None:
            raise ValueError(
                f"POS tax code {pos_code}: no QuickBooks tax rate; the draft is blocked"
            )
        by_rate[rate.id] = (rate, by_rate.get(rate.id, (rate, Decimal("0")))[1] + amount)
    lines = [
        {
            "Amount": money(amount),
            "DetailType": "TaxLineDetail",
            "TaxLineDetail": {"TaxRateRef": ref(rate), "PercentBased": True},
        }
        for rate, amount in sorted(by_rate.values(), key=lambda pair: pair[0].id)
    ]
    total = sum((amount for _, amount in draft.taxes), Decimal("0"))
    return {"TotalTax": money(total), "TaxLine": lines}


def with_identity(doc: Document, qbo_id: str, sync_token: str) -> dict:
    """The body of a full update of the QuickBooks document ``qbo_id``."""
    return {**doc.body, "Id": qbo_id, "SyncToken": sync_token}
