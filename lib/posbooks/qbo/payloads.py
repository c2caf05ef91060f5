"""Drafts as QuickBooks JSON: JournalEntry and SalesReceipt bodies, DocNumbers, content hashes.

DocNumber scheme (docs/posting.md), at most 21 characters and the same on every run:

    PB + yymmdd + "-" + outlet code + "-" + J                 e.g. PB261120-BANGK-J
    PB + yymmdd + "-" + outlet code + "-" + R + method code   e.g. PB261120-BANGK-RCAS4

The outlet code is the first 3 letters/digits of the outlet name (upper case, padded
with X) and 2 characters of a SHA-256 of the full name, so two outlets starting
alike still differ; the method code does the same with 2 + 2 characters.

The content hash is SHA-256 over the canonical JSON of the body without its volatile
fields (PrivateNote, Id, SyncToken, sparse), first 16 hex digits. It goes in the
PrivateNote with the mapping version, so a document found in QuickBooks by its
DocNumber can be recognised as ours and compared with today's draft.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from posbooks.core.model import JournalDraft, ReceiptDraft, Ref

NOTE_PREFIX = "posbooks"
VOLATILE = ("PrivateNote", "Id", "SyncToken", "sparse", "MetaData", "domain")
ENTITY = {"journal": "JournalEntry", "receipt": "SalesReceipt"}
_NOTE = re.compile(r"^posbooks (?P<hash>[0-9a-f]{16}) mapping v(?P<version>\d+)\b")


@dataclass(frozen=True)
class Document:
    """One QuickBooks document ready to send: its identity, body and fingerprint."""

    business_date: date
    outlet: str
    doc_type: str  # journal | receipt
    doc_key: str  # "" for a journal; the payment method for a receipt
    doc_number: str
    content_hash: str
    mapping_version: int
    body: dict

    @property
    def entity(self) -> str:
        return ENTITY[self.doc_type]


def _code(text: str, letters: int, hashed: int) -> str:
    alnum = re.sub(r"[^A-Z0-9]", "", text.upper())[:letters].ljust(letters, "X")
    digest = base64.b32encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return alnum + digest[:hashed]


# Our DocNumbers (adjusting entries, ``...-JA1``, are not among them)
OUR_DOC_NUMBER = re.compile(r"^PB\d{6}-[A-Z0-9]{5}-(J|R[A-Z0-9]{4})$")


def doc_number(business_date: date, outlet: str, doc_type: str, doc_key: str = "") -> str:
    """The deterministic DocNumber of one (date, outlet, document); <= 21 characters."""
    base = f"PB{business_date:%y%m%d}-{_code(outlet, 3, 2)}-"
    if doc_type == "journal":
        return base + "J"
    return base + "R" + _code(doc_key, 2, 2)


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


def private_note(doc: Document) -> str:
    """``posbooks <hash> mapping v<version> <type> <outlet> <date>`` (< 4000 characters)."""
    what = "journal" if doc.doc_type == "journal" else f"receipt {doc.doc_key}"
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


def note_identity(note: str | None, number: str) -> NotedDocument | None:
    """The document a posbooks ``note`` names when it was written for DocNumber ``number``.

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
        found = NotedDocument("journal", day, outlet, "")
        return found if doc_number(day, outlet, "journal") == number else None
    if kind != "receipt":
        return None
    for i in range(1, len(names)):
        method, outlet = " ".join(names[:i]), " ".join(names[i:])
        if doc_number(day, outlet, "receipt", method) == number:
            return NotedDocument("receipt", day, outlet, method)
    return None


def written_for(note: str | None, doc: Document) -> bool:
    """Whether ``note`` is a posbooks PrivateNote naming ``doc`` itself (type, method, outlet, date)."""
    own = NotedDocument(doc.doc_type, doc.business_date, doc.outlet, doc.doc_key)
    return note_identity(note, doc.doc_number) == own


def _finish(
    draft_date: date, outlet: str, doc_type: str, doc_key: str, version: int, body: dict
) -> Document:
    body = {"TxnDate": draft_date.isoformat(), "DocNumber": "", **body}
    body["DocNumber"] = doc_number(draft_date, outlet, doc_type, doc_key)
    doc = Document(
        draft_date, outlet, doc_type, doc_key, body["DocNumber"], content_hash(body), version, body
    )
    body["PrivateNote"] = private_note(doc)
    return doc


def journal_entry_document(draft: JournalDraft, mapping_version: int) -> Document:
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
        lines.append(
            {
                "Description": line.description[:4000],
                "Amount": money(line.amount),
                "DetailType": "JournalEntryLineDetail",
                "JournalEntryLineDetail": detail,
            }
        )
    return _finish(
        draft.business_date, draft.outlet, "journal", "", mapping_version, {"Line": lines}
    )


def sales_receipt_document(
    draft: ReceiptDraft,
    mapping_version: int,
    *,
    payment_method: Ref | None = None,
    customer: Ref | None = None,
) -> Document:
    """The SalesReceipt body: Amount = Qty x UnitPrice exactly on every line."""
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
        lines.append(
            {
                "Description": line.description[:4000],
                "Amount": money(line.amount),
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": detail,
            }
        )
    body: dict = {"DepositToAccountRef": ref(draft.deposit_account), "Line": lines}
    if payment_method is not None:
        body["PaymentMethodRef"] = ref(payment_method)
    if draft.location is not None:
        body["DepartmentRef"] = ref(draft.location)
    if customer is not None:
        body["CustomerRef"] = ref(customer)
    return _finish(
        draft.business_date,
        draft.outlet,
        "receipt",
        draft.payment_method,
        mapping_version,
        body,
    )


def with_identity(doc: Document, qbo_id: str, sync_token: str) -> dict:
    """The body of a full update of the QuickBooks document ``qbo_id``."""
    return {**doc.body, "Id": qbo_id, "SyncToken": sync_token}
