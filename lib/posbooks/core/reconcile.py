"""Three sources side by side: what the POS says now, what posbooks sent, what QuickBooks holds.

Pure: documents arrive as QuickBooks JSON (the payload in the ledger, the object read
back from QuickBooks) or as drafts (the POS export re-computed now), and become signed
lines keyed by (account, class, location): debits positive, credits negative. A sales
receipt's item lines key on the Item (QuickBooks books them to its income account) and
its deposit is one debit line to the deposit account.

Statuses, first match wins:

==================  ===========================================================
conflict            QuickBooks holds our DocNumber on a document not written for it (a
                    colleague's entry, or a copy of another day's posbooks entry)
failed              QuickBooks refused it or never confirmed it, or posbooks did not send
                    it (the ledger says why: its DocNumber was taken, the look-up failed)
qbo_only            QuickBooks holds our DocNumber but this ledger has no posted row
not_sent            the POS has the day, nothing was sent, QuickBooks has nothing
adjusted            QuickBooks now + adjusting entries == POS now ("matched after
                    adjustment": per line, to the cent, every adjustment still there)
deleted             sent, then deleted in QuickBooks
edited              sent, then changed in QuickBooks (SyncToken or lines)
pos_changed         sent, QuickBooks untouched, but the POS export (or the mapping)
                    gives other lines now
matched             all three agree
==================  ===========================================================

A status the bookkeeper accepted as is becomes ``accepted`` while nothing changes
(the acceptance is tied to a fingerprint of the three sources).

With no mapping saved in the home the POS side cannot be put on accounts: its lines are
not compared (none is listed as differing), only the totals, and the message says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from posbooks.core.model import JournalDraft, ReceiptDraft, Ref

ZERO = Decimal("0.00")
STATUSES = (
    "matched", "adjusted", "accepted", "edited", "deleted", "pos_changed", "not_sent",
    "qbo_only", "failed", "conflict",
)  # fmt: skip
STATUS_LABELS = {
    "matched": "Matched",
    "adjusted": "Matched after adjustment",
    "accepted": "Accepted as is",
    "edited": "Edited in QuickBooks",
    "deleted": "Deleted in QuickBooks",
    "pos_changed": "POS changed since sent",
    "not_sent": "Not sent",
    "qbo_only": "In QuickBooks, not in the ledger",
    "failed": "Failed send",
    "conflict": "DocNumber taken in QuickBooks",
}
GOOD = frozenset({"matched", "adjusted", "accepted"})


@dataclass(frozen=True)
class LineKey:
    """Where a line lands: account (or Item on a receipt), class and location, by Id."""

    account: str
    class_: str = ""
    location: str = ""


@dataclass(frozen=True)
class SignedLine:
    """One line: debit positive, credit negative; names for display."""

    key: LineKey
    amount: Decimal
    account_name: str = ""
    class_name: str = ""
    location_name: str = ""


@dataclass(frozen=True)
class LineCheck:
    """One (account, class, location) in the three sources; None where a source lacks it."""

    key: LineKey
    account: str
    class_: str
    location: str
    pos: Decimal | None
    sent: Decimal | None
    qbo: Decimal | None
    adjusted: Decimal | None = None  # QuickBooks now plus the adjusting entries
    compared: bool = True  # False: no mapping saved, so no POS line to set it against

    @property
    def differs(self) -> bool:
        if not self.compared:
            return False
        values = {v or ZERO for v in (self.pos, self.sent, self.qbo)}
        return len(values) > 1


@dataclass(frozen=True)
class DocumentCheck:
    """One (date, outlet, document) reconciled."""

    business_date: date
    outlet: str
    doc_type: str
    doc_key: str
    doc_number: str
    status: str
    message: str
    lines: tuple[LineCheck, ...] = ()
    pos_total: Decimal | None = None
    sent_total: Decimal | None = None
    qbo_total: Decimal | None = None
    qbo_id: str | None = None
    sent_sync_token: str | None = None
    qbo_sync_token: str | None = None
    adjustments: tuple[str, ...] = ()  # DocNumbers of the adjusting entries
    fingerprint: str = ""
    accepted_note: str = ""
    lines_compared: bool = True  # False: no mapping saved, only the totals were compared

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def differences(self) -> tuple[LineCheck, ...]:
        return tuple(ln for ln in self.lines if ln.differs)


def _ref(ref: dict | None) -> tuple[str, str]:
    if not ref:
        return "", ""
    return str(ref.get("value", "")), str(ref.get("name", ""))


def lines_from_qbo(doc: dict) -> tuple[SignedLine, ...]:
    """A JournalEntry, SalesReceipt or RefundReceipt in QuickBooks JSON (sent or read back)
    as signed lines."""
    lines: list[SignedLine] = []
    location = _ref(doc.get("DepartmentRef"))
    for line in doc.get("Line") or ():
        amount = Decimal(str(line.get("Amount", "0")))
        if "JournalEntryLineDetail" in line:
            detail = line["JournalEntryLineDetail"]
            sign = 1 if detail.get("PostingType") == "Debit" else -1
            account, cls = _ref(detail.get("AccountRef")), _ref(detail.get("ClassRef"))
            loc = _ref(detail.get("DepartmentRef"))
        elif "SalesItemLineDetail" in line:
            detail = line["SalesItemLineDetail"]
            sign, loc = -1, location
            account, cls = _ref(detail.get("ItemRef")), _ref(detail.get("ClassRef"))
        else:
            continue  # subtotal and description-only lines carry no money
        lines.append(_signed(account, cls, loc, sign * amount))
    lines.extend(_tax_lines(doc, location))
    # a RefundReceipt pays back from RefundFromAccountRef; its lines are read like a sale's,
    # as lines_from_draft gives a refund draft's (both the POS amounts negated)
    money_account = doc.get("DepositToAccountRef") or doc.get("RefundFromAccountRef")
    if money_account:
        total = sum((-ln.amount for ln in lines), ZERO)
        lines.append(_signed(_ref(money_account), ("", ""), location, total))
    return tuple(lines)


TAX_KEY = ("tax", "Tax")  # QuickBooks-computed tax: one line per document, by side


def _tax_lines(doc: dict, location: tuple[str, str]) -> list[SignedLine]:
    """The tax QuickBooks books from tax codes, so it is compared and a receipt's money
    line equals its TotalAmt: a sales form's ``TxnTaxDetail`` (TaxLine amounts, else
    TotalTax) as a credit; a journal entry's ``TaxAmount`` on each taxed line, on that
    line's side (QuickBooks posts it there). Zero tax adds nothing."""
    journal = [
        ln["JournalEntryLineDetail"]
        for ln in doc.get("Line") or ()
        if "JournalEntryLineDetail" in ln
    ]
    if journal:
        tax = sum(
            (
                Decimal(str(d.get("TaxAmount") or "0"))
                * (1 if d.get("PostingType") == "Debit" else -1)
                for d in journal
                if d.get("TaxCodeRef")
            ),
            ZERO,
        )
        return [_signed(TAX_KEY, ("", ""), ("", ""), tax)] if tax else []
    detail = doc.get("TxnTaxDetail") or {}
    tax_lines = detail.get("TaxLine") or ()
    if tax_lines:
        tax = sum((Decimal(str(t.get("Amount") or "0")) for t in tax_lines), ZERO)
    else:
        tax = Decimal(str(detail.get("TotalTax") or "0"))
    return [_signed(TAX_KEY, ("", ""), location, -tax)] if tax else []


def _signed(account, cls, loc, amount: Decimal) -> SignedLine:
    return SignedLine(
        LineKey(account[0], cls[0], loc[0]), amount, account[1], cls[1], loc[1]
    )  # fmt: skip


def _pair(ref: Ref | None, fallback: str = "") -> tuple[str, str]:
    return (ref.id, ref.name) if ref else ("", fallback)


def lines_from_draft(draft: JournalDraft | ReceiptDraft) -> tuple[SignedLine, ...]:
    """A draft re-computed from the POS now as signed lines (unmapped lines keep a label)."""
    if isinstance(draft, JournalDraft):
        signed = [
            _signed(
                _pair(ln.account, f"(unmapped {ln.source} {ln.key or ''})".replace(" )", ")")),
                _pair(ln.class_),
                _pair(ln.location),
                ln.amount if ln.posting == "Debit" else -ln.amount,
            )
            for ln in draft.lines
        ]
        tax = sum(
            (ln.tax_amount if ln.posting == "Debit" else -ln.tax_amount for ln in draft.lines),
            ZERO,
        )
        if tax:  # tax by code: what QuickBooks posts from the lines' TaxAmount
            signed.append(_signed(TAX_KEY, ("", ""), ("", ""), tax))
        return tuple(signed)
    loc = _pair(draft.location)
    lines = [
        _signed(_pair(ln.item, f"(no Item for {ln.source} {ln.key or ''})"), _pair(ln.class_),
                loc, -ln.amount)
        for ln in draft.lines
    ]  # fmt: skip
    tax = sum((amount for _, amount in draft.taxes), ZERO)
    if tax:  # tax by code: the receipt's TxnTaxDetail
        lines.append(_signed(TAX_KEY, ("", ""), loc, -tax))
    lines.append(_signed(_pair(draft.deposit_account, "(no deposit account)"), ("", ""), loc,
                         draft.total))  # fmt: skip
    return tuple(lines)


def net_by_key(*documents: Iterable[SignedLine]) -> dict[LineKey, Decimal]:
    """Signed amounts summed per key over one or more documents (zero sums dropped)."""
    sums: dict[LineKey, Decimal] = {}
    for lines in documents:
        for ln in lines:
            sums[ln.key] = sums.get(ln.key, ZERO) + ln.amount
    return {k: v for k, v in sums.items() if v != 0}


def document_total(lines: Iterable[SignedLine] | None) -> Decimal | None:
    """The sum of the debits (a journal's total; a receipt's takings)."""
    if lines is None:
        return None
    return sum((ln.amount for ln in lines if ln.amount > 0), ZERO)


@dataclass(frozen=True)
class Side:
    """One source's version of a document: its lines and, for QuickBooks, Id and SyncToken."""

    lines: tuple[SignedLine, ...]
    qbo_id: str | None = None
    sync_token: str | None = None

    @cached_property
    def net(self) -> dict[LineKey, Decimal]:
        """The lines netted per key, worked out once (status, lines and fingerprint read it)."""
        return net_by_key(self.lines)


@dataclass(frozen=True)
class Sources:
    """Everything known about one document, gathered by the service."""

    business_date: date
    outlet: str
    doc_type: str
    doc_key: str
    doc_number: str
    pos: Side | None = None  # None: the POS export has no such document now
    sent: Side | None = None  # the ledger's payload (posted rows only)
    qbo: Side | None = None  # QuickBooks now; None when absent or deleted
    ledger_status: str | None = None  # posted | sending | failed | None (no row)
    ledger_message: str = ""
    handed_over: bool = True  # the ledger row records a send to QuickBooks (attempts or an Id)
    taken_by: str = ""  # what else holds this DocNumber in QuickBooks (not written for it)
    pos_note: str = ""  # why the POS draft cannot be sent (blocking issues)
    adjustments: tuple[tuple[str, Side | None], ...] = ()  # (DocNumber, QuickBooks now)
    accepted: dict[str, str] = field(default_factory=dict)  # fingerprint -> note
    mapping_saved: bool = True  # False: the POS lines are on no account, only totals compare
    shares_qbo_with: str = ""  # other ledger documents recorded as the same QuickBooks document


def _names(sides: Sequence[Side | None]) -> dict[LineKey, tuple[str, str, str]]:
    names: dict[LineKey, tuple[str, str, str]] = {}
    for side in sides:
        for ln in side.lines if side else ():
            if ln.key not in names or not names[ln.key][0]:
                names[ln.key] = (ln.account_name or ln.key.account, ln.class_name, ln.location_name)
    return names


def line_checks(src: Sources) -> tuple[LineCheck, ...]:
    """Per (account, class, location): POS now, sent, QuickBooks now (and adjusted)."""
    adjustment_sides = [s for _, s in src.adjustments if s is not None]
    pos_side = src.pos if src.mapping_saved else None  # unmapped POS lines net to nonsense
    sides = [pos_side, src.sent, src.qbo, *adjustment_sides]
    pos, sent, qbo = (s.net if s else None for s in (pos_side, src.sent, src.qbo))
    adjusted = (
        net_by_key(*(s.lines for s in [src.qbo, *adjustment_sides] if s))
        if src.adjustments
        else None
    )
    checks = []
    for key, (account, cls, loc) in sorted(_names(sides).items(), key=lambda kv: kv[1]):
        values = [None if m is None else m.get(key, ZERO) for m in (pos, sent, qbo, adjusted)]
        if all(v in (None, ZERO) for v in values):
            continue  # a line that nets to zero everywhere tells nobody anything
        checks.append(LineCheck(key, account, cls, loc, *values, compared=src.mapping_saved))
    return tuple(checks)


def fingerprint(src: Sources) -> str:
    """A digest of the three sources' lines and the QuickBooks SyncToken."""
    parts = [src.doc_number, src.ledger_status or "-"]
    for side in (src.pos, src.sent, src.qbo):
        if side is None:
            parts.append("none")
            continue
        # LineKey's repr spelled out (the dataclass repr is slow): acceptances stored keep matching
        parts.append(f"{side.sync_token}:" + ";".join(
            f"LineKey(account={k.account!r}, class_={k.class_!r}, location={k.location!r})={v}"
            for k, v in sorted(side.net.items(), key=lambda kv: (kv[0].account, kv[0].class_,
                                                                 kv[0].location))))  # fmt: skip
    for number, side in src.adjustments:
        parts.append(f"{number}:{side.sync_token if side else 'gone'}")
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def _status(src: Sources, lines: tuple[LineCheck, ...]) -> tuple[str, str]:
    pos = src.pos.net if src.pos else {}
    if src.taken_by and src.qbo is None and src.ledger_status != "posted":
        return "conflict", (
            f"QuickBooks holds {src.doc_number} as {src.taken_by}. posbooks will not send, adopt "
            "or replace it: rename or delete it in QuickBooks, then send again."
        )
    if src.ledger_status in ("failed", "sending") and src.qbo is None:
        return "failed", _failed_message(src)
    if src.shares_qbo_with and src.ledger_status == "posted":
        qbo_id = src.sent.qbo_id if src.sent else "?"
        return "conflict", (
            f"The ledger records {src.doc_number} and {src.shares_qbo_with} as one QuickBooks "
            f"document (Id {qbo_id}): it can hold only one of them, so this one is not matched. "
            "Check that document in QuickBooks, then send the day that is missing again."
        )
    if src.ledger_status != "posted":
        if src.qbo is not None and src.ledger_status is not None:
            return "qbo_only", (
                f"QuickBooks holds {src.doc_number} (Id {src.qbo.qbo_id}) but its reply never "
                "reached the ledger (a lost reply or an interrupted run). Send again to record it."
            )
        if src.qbo is not None:
            return "qbo_only", (
                f"QuickBooks holds {src.doc_number} (Id {src.qbo.qbo_id}) but this posbooks "
                "ledger has no record of sending it: posted by another posbooks home or an "
                "older install. Send to adopt it."
            )
        if src.pos is None:
            return "not_sent", "Neither the POS nor QuickBooks has this document."
        note = f" It cannot be sent yet: {src.pos_note}" if src.pos_note else ""
        return "not_sent", f"The POS has this document but it was never sent.{note}"
    if src.adjustments and src.pos is not None and src.mapping_saved:
        present = all(side is not None for _, side in src.adjustments)
        now = net_by_key(*(s.lines for s in [src.qbo] if s),
                         *(s.lines for _, s in src.adjustments if s))  # fmt: skip
        if present and now == pos:
            numbers = ", ".join(n for n, _ in src.adjustments)
            return "adjusted", f"QuickBooks agrees with the POS after adjusting entry {numbers}."
    if src.qbo is None:
        return "deleted", f"{src.doc_number} (Id {src.sent.qbo_id if src.sent else '?'}) was " \
            "deleted in QuickBooks after posbooks sent it."  # fmt: skip
    sent = src.sent.net if src.sent else {}
    qbo = src.qbo.net
    if qbo != sent or (src.sent and src.qbo.sync_token != src.sent.sync_token):
        moved = [ln for ln in lines if (ln.qbo or ZERO) != (ln.sent or ZERO)]
        token = f"SyncToken {src.sent.sync_token if src.sent else '?'} -> {src.qbo.sync_token}"
        if not moved:
            return "edited", f"Edited in QuickBooks ({token}); the amounts are unchanged."
        what = "; ".join(
            f"{ln.account}{' / ' + ln.class_ if ln.class_ else ''}: sent {ln.sent or ZERO}, "
            f"now {ln.qbo or ZERO} ({(ln.qbo or ZERO) - (ln.sent or ZERO):+})"
            for ln in moved
        )
        return "edited", f"Edited in QuickBooks ({token}): {what}"
    if src.pos is None:
        return "pos_changed", "The POS export no longer has this day and outlet."
    if not src.mapping_saved:  # only the totals can tell whether the POS moved
        pos_total, sent_total = (
            document_total(src.pos.lines),
            document_total(src.sent.lines if src.sent else ()),
        )
        if pos_total != sent_total:
            return "pos_changed", f"The POS total is {pos_total:,.2f} now, {sent_total:,.2f} sent."
        return "matched", "POS, ledger and QuickBooks agree on the total."
    if src.adjustments:
        numbers = ", ".join(n for n, _ in src.adjustments)
        return "pos_changed", (
            f"QuickBooks with adjusting entry {numbers} no longer agrees with the POS now "
            f"({sum(1 for ln in lines if (ln.adjusted or ZERO) != (ln.pos or ZERO))} line(s))."
        )
    if pos != sent:
        moved = [ln for ln in lines if (ln.pos or ZERO) != (ln.sent or ZERO)]
        return "pos_changed", (
            f"The POS (or the mapping) gives other lines now: {len(moved)} line(s) differ, "
            f"POS total {document_total(src.pos.lines)} vs sent {document_total(src.sent.lines)}."
            if src.sent else "The POS gives other lines now."
        )  # fmt: skip
    return "matched", "POS, ledger and QuickBooks agree."


def no_mapping_note(src: Sources) -> str:
    """Why this document's lines were not compared, with the totals that were."""
    totals = [
        (name, document_total(side.lines))
        for name, side in (("POS now", src.pos), ("sent", src.sent), ("QuickBooks now", src.qbo))
        if side is not None
    ]
    agree = len({t for _, t in totals}) == 1
    listed = ", ".join(f"{name} {t:,.2f}" for name, t in totals)
    verdict = "" if len(totals) < 2 else " (they agree)" if agree else " (they differ)"
    return (
        "No mapping is saved in this home, so the POS lines cannot be put on accounts and are "
        f"not compared line by line; totals: {listed}{verdict}. Save a mapping (the Mapping "
        "page, or posbooks mapping suggest --save) to compare lines."
    )


def _failed_message(src: Sources) -> str:
    """What happened to a document QuickBooks does not hold, as the ledger row tells it."""
    why = src.ledger_message
    if src.ledger_status == "sending":
        return (f"Sent, but QuickBooks never confirmed it and holds nothing under "
                f"{src.doc_number}: {why}").rstrip(": ")  # fmt: skip
    if not src.handed_over:
        return f"posbooks did not send it, so QuickBooks holds nothing from it: {why}".rstrip(": ")
    # the engine's message repeats who refused what: keep only QuickBooks' words
    why = why.removeprefix(f"QuickBooks refused {src.doc_number}: ")
    return f"Sent, and QuickBooks refused it (it holds nothing): {why}".rstrip(": ")


def reconcile_document(src: Sources) -> DocumentCheck:
    """The status and line differences of one document from its three sources."""
    lines = line_checks(src)
    status, message = _status(src, lines)
    if not src.mapping_saved:
        message = f"{message} {no_mapping_note(src)}"
    print_ = fingerprint(src)
    accepted_note = src.accepted.get(print_, "")
    if accepted_note and status not in GOOD:
        message = f"Accepted as is ({accepted_note}). Was: {STATUS_LABELS[status]}: {message}"
        status = "accepted"
    return DocumentCheck(
        business_date=src.business_date,
        outlet=src.outlet,
        doc_type=src.doc_type,
        doc_key=src.doc_key,
        doc_number=src.doc_number,
        status=status,
        message=message,
        lines=lines,
        pos_total=document_total(src.pos.lines) if src.pos else None,
        sent_total=document_total(src.sent.lines) if src.sent else None,
        qbo_total=document_total(src.qbo.lines) if src.qbo else None,
        qbo_id=(src.qbo.qbo_id if src.qbo else None) or (src.sent.qbo_id if src.sent else None),
        sent_sync_token=src.sent.sync_token if src.sent else None,
        qbo_sync_token=src.qbo.sync_token if src.qbo else None,
        adjustments=tuple(n for n, _ in src.adjustments),
        fingerprint=print_,
        accepted_note=accepted_note,
        lines_compared=src.mapping_saved,
    )


def adjustment_lines(check: DocumentCheck) -> tuple[LineCheck, ...]:
    """What an adjusting entry must post so QuickBooks equals the POS: (POS - now) per line.

    ``LineCheck.pos`` of each returned line holds the signed amount to post.
    """
    out = []
    for ln in check.lines:
        now = ln.adjusted if check.adjustments else ln.qbo
        diff = (ln.pos or ZERO) - (now or ZERO)
        if diff:
            out.append(LineCheck(ln.key, ln.account, ln.class_, ln.location, diff, None, None))
    return tuple(out)


def status_counts(checks: Iterable[DocumentCheck]) -> dict[str, int]:
    """How many documents have each status (only statuses present), in STATUSES order."""
    counts = {s: 0 for s in STATUSES}
    for check in checks:
        counts[check.status] = counts.get(check.status, 0) + 1
    return {s: n for s, n in counts.items() if n}
