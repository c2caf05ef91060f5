"""Reconciliation: gather the POS now, the posting ledger and QuickBooks now; act on differences.

``reconcile`` re-computes the period's drafts from the POS exports with the saved
mapping, reads the ledger, and asks QuickBooks once per document type for what it holds
in the period (query by TxnDate, our DocNumbers recognised by their PrivateNote), then
reads by Id whatever the ledger sent that the query did not return (cdc says which of
those were deleted, so they need no read). ``posbooks.core.reconcile`` compares.

The actions on one ``DocumentCheck`` are in ``posbooks.reconcile.actions``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from posbooks.core.bulk import cycle_collection_paused
from posbooks.core.docnumbers import OUR_DOC_NUMBER, DocNumbers
from posbooks.core.reconcile import (
    STATUS_LABELS,
    DocumentCheck,
    Side,
    Sources,
    lines_from_draft,
    lines_from_qbo,
    reconcile_document,
    status_counts,
)
from posbooks.core.untrusted import spreadsheet_cell
from posbooks.posting import ledger
from posbooks.qbo.payloads import ENTITY, money, note_identity, parse_note
from posbooks.state.store import Store, utc_now

if TYPE_CHECKING:
    from posbooks.qbo.gateway import QboGateway
    from posbooks.state.config import Config

ADJUST_KEY = "adjust "  # ledger doc_key prefix of adjusting entries: "adjust 1", "adjust 2"
_ADJUSTMENT = re.compile(r"^(?P<original>PB\d{6}-[A-Z0-9]{2,5}-J)A(?P<n>\d+)$")
CDC_DAYS = 29  # QuickBooks' change data capture looks back 30 days at most


class ReconcileError(Exception):
    """Reconciliation or one of its actions cannot go on; the message says why in plain words."""


@dataclass(frozen=True)
class Reconciliation:
    """Every document of a period, reconciled, with when it was checked."""

    realm_id: str
    date_from: date
    date_to: date
    doc_type: str
    documents: tuple[DocumentCheck, ...]
    checked_at: datetime
    notes: tuple[str, ...] = ()
    # Each day against the POS export's own total (Square Total Collected, ...), as Preview
    # shows it: source_profile.ExportTie rows; empty for posbooks' own export.
    export_ties: tuple = ()

    def counts(self) -> dict[str, int]:
        """Documents per status (only statuses present)."""
        return status_counts(self.documents)

    def find(self, doc_number: str) -> DocumentCheck:
        """The check of one DocNumber; ``ReconcileError`` when it is not in the period."""
        for check in self.documents:
            if check.doc_number == doc_number:
                return check
        raise ReconcileError(f"{doc_number} is not in this reconciliation")

    def rows(self) -> list[dict]:
        """One flat row per document (amounts as Decimal) for tables, CSV and JSON."""
        return [document_row(c) for c in self.documents]

    def daily(self) -> list[dict]:
        """Per business day: POS total, sent total, QuickBooks total now (Decimal)."""
        days: dict[date, dict] = {}
        for c in self.documents:
            day = days.setdefault(
                c.business_date,
                {"business_date": c.business_date, "pos": Decimal("0.00"),
                 "sent": Decimal("0.00"), "qbo": Decimal("0.00")},
            )  # fmt: skip
            for name, value in (("pos", c.pos_total), ("sent", c.sent_total), ("qbo", c.qbo_total)):
                day[name] += value or 0
        return [days[d] for d in sorted(days)]


COLUMNS = (
    "business_date", "outlet", "doc_type", "payment_method", "doc_number", "status",
    "status_label", "pos_total", "sent_total", "qbo_total", "lines_differing", "qbo_id",
    "adjustments", "message",
)  # fmt: skip


def document_row(c: DocumentCheck) -> dict:
    """The bookkeeper's columns for one document."""
    return {
        "business_date": c.business_date,
        "outlet": c.outlet,
        "doc_type": c.doc_type,
        "payment_method": c.doc_key,
        "doc_number": c.doc_number,
        "status": c.status,
        "status_label": STATUS_LABELS.get(c.status, c.status),
        "pos_total": c.pos_total,
        "sent_total": c.sent_total,
        "qbo_total": c.qbo_total,
        "lines_differing": len(c.differences),
        "qbo_id": c.qbo_id or "",
        "adjustments": " ".join(c.adjustments),
        "message": c.message,
    }


def to_csv(result: Reconciliation) -> str:
    """The document rows as CSV text (amounts with two places, blank where absent).

    Text cells that a spreadsheet would run as a formula start with ``'``; amounts stay
    numbers (``spreadsheet_cell``).
    """
    out = io.StringIO()
    rows = result.rows()
    fields = list(rows[0]) if rows else list(COLUMNS)
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else spreadsheet_cell(v) for k, v in row.items()})
    return out.getvalue()


def to_json(result: Reconciliation) -> dict:
    """The reconciliation as JSON-ready data: counts, documents with their lines."""

    def amount(value: Decimal | None) -> str | None:
        return None if value is None else money(value)

    docs = []
    for c in result.documents:
        row = {k: (amount(v) if isinstance(v, Decimal) else v) for k, v in document_row(c).items()}
        row["business_date"] = c.business_date.isoformat()
        row["lines_compared"] = c.lines_compared
        row["lines"] = [
            {"account": ln.account, "class": ln.class_, "location": ln.location,
             "pos": amount(ln.pos), "sent": amount(ln.sent), "qbo": amount(ln.qbo),
             "differs": ln.differs}
            for ln in c.lines
        ]  # fmt: skip
        docs.append(row)
    return {
        "realm_id": result.realm_id,
        "date_from": result.date_from.isoformat(),
        "date_to": result.date_to.isoformat(),
        "doc_type": result.doc_type,
        "checked_at": result.checked_at.isoformat(),
        "counts": result.counts(),
        "documents": docs,
        "notes": list(result.notes),
    }


# --- gathering ------------------------------------------------------------------------


def connected_realm(config: Config, store: Store) -> str:
    """The realm of the connected company; ``ReconcileError`` when none is connected."""
    from posbooks.qbo.auth import connection_status

    status = connection_status(config, store)
    if not status.realm_id or not status.connected:
        raise ReconcileError("QuickBooks is not connected: connect first (posbooks connect).")
    return status.realm_id


@dataclass
class _Pos:
    sides: dict[str, Side] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    identity: dict[str, tuple[date, str, str]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # DocNumber -> receipt | refund | ...
    version: int = 0
    numbers: DocNumbers = field(default_factory=lambda: DocNumbers({}, {}))
    export_ties: tuple = ()

    @property
    def mapping_saved(self) -> bool:
        """Whether a mapping puts the POS lines on accounts (version 0: none saved)."""
        return self.version > 0


def _pos_now(
    store: Store, sources, names, date_from, date_to, outlets, doc_type
) -> _Pos:  # fmt: skip
    from posbooks.drafts.mapping import current_mapping
    from posbooks.drafts.preview import drafts_for_day
    from posbooks.drafts.source_profile import export_ties, open_sources
    from posbooks.pos.totals import daily_totals
    from posbooks.posting.plan import blocking_messages
    from posbooks.qbo.settings import current_settings

    exports = open_sources([Path(s) for s in sources], names=names, store=store)
    exports.raise_if_rejected()
    days = daily_totals(exports, date_from, date_to, outlets=list(outlets) if outlets else None)
    from posbooks.core.mapping_rules import mapping_to_send
    from posbooks.posting.plan import period_numbers

    settings = current_settings(store)
    mapping = mapping_to_send(current_mapping(store), settings)  # as the sender sends it
    pos = _Pos(version=mapping.version, numbers=period_numbers(store, days),
               export_ties=tuple(export_ties(exports, days)))  # fmt: skip
    # one draft per document, checked as the sender would; no payload is built to compare
    for day in days:
        for draft in drafts_for_day(day, doc_type, mapping, settings):
            if not draft.lines:
                continue
            key = getattr(draft, "payment_method", "") or ""
            kind = draft.doc_type  # a receipt day may hold refund receipts
            number = pos.numbers.number(day.business_date, day.outlet, kind, key)
            pos.sides[number] = Side(lines_from_draft(draft))
            pos.identity[number] = (day.business_date, day.outlet, key)
            pos.kinds[number] = kind
            # no mapping: every line would be listed; the document's message says why instead
            blocked = blocking_messages(day, draft, mapping, settings) if pos.mapping_saved else []
            if blocked:
                pos.notes[number] = "; ".join(blocked)
    return pos


FAMILY = {"journal": ("journal",), "receipt": ("receipt", "refund"), "refund": ("refund",)}


def _sent_as_other_type(rows, doc_type: str) -> dict[tuple[date, str], str]:
    """(day, outlet) -> why its documents of ``doc_type`` must not be sent: the day went as
    the other type (the engine refuses it too: both would book the day's sales twice)."""
    other = "receipt" if doc_type == "journal" else "journal"
    others = ("receipt", "refund") if doc_type == "journal" else ("journal",)
    numbers: dict[tuple[date, str], list[str]] = {}
    for r in rows:
        if r.doc_type in others and r.status in ("posted", "sending") and not _is_adjustment(r):
            numbers.setdefault((r.business_date, r.outlet), []).append(r.doc_number)
    what = {"journal": "a journal entry", "receipt": "sales receipts"}
    return {
        (day, outlet): f"{outlet} {day} was already sent as {what[other]} "
        f"({', '.join(sorted(found))}); sending {what[doc_type]} too would book its sales twice."
        for (day, outlet), found in numbers.items()
    }


def _qbo_now(gateway: QboGateway, entity: str, date_from: date, date_to: date) -> list[dict]:
    """The period's documents under our DocNumbers, whoever wrote them (a foreign one blocks)."""
    where = f"TxnDate >= '{date_from.isoformat()}' AND TxnDate <= '{date_to.isoformat()}'"
    return [
        o for o in gateway.query(entity, where) if OUR_DOC_NUMBER.match(str(o.get("DocNumber")))
    ]


def _deleted_ids(gateway: QboGateway, entities: list[str], since: datetime) -> set[str] | None:
    """Ids QuickBooks reports deleted since ``since`` (None when cdc cannot tell)."""
    from posbooks.qbo.errors import QboError

    # QuickBooks stamps changes to the second (in its own zone): look a little further back
    since = max(since - timedelta(minutes=5), utc_now() - timedelta(days=CDC_DAYS))
    try:
        reply = gateway.cdc(entities, since)
    except QboError:
        return None  # a plain read per document tells the same, only slower
    deleted = set()
    for block in reply.get("CDCResponse", []):
        for response in block.get("QueryResponse", []):
            for entity in entities:
                for obj in response.get(entity, []):
                    if obj.get("status") == "Deleted":
                        deleted.add(f"{entity}:{obj.get('Id')}")
    return deleted


def _side(obj: dict) -> Side:
    return Side(lines_from_qbo(obj), str(obj.get("Id")), str(obj.get("SyncToken")))


def taken_by(obj: dict) -> str:
    """What holds one of our DocNumbers in QuickBooks without having been written for it."""
    note = str(obj.get("PrivateNote") or "")
    if parse_note(note):
        return (f"a copy of a posbooks document for something else (Id {obj.get('Id')}, its "
                f"note names {note.split(' ', 4)[-1]})")  # fmt: skip
    return f"a document posbooks did not write (Id {obj.get('Id')})"


def _number_day(number: str) -> date | None:
    """The business date a DocNumber of ours stands for (``PB261102-...``: 2 Nov 2026)."""
    try:
        return date(2000 + int(number[2:4]), int(number[4:6]), int(number[6:8]))
    except ValueError:
        return None  # looks like ours but no date: not a day posbooks could send


def reconcile(
    config: Config,
    store: Store,
    *,
    sources: Sequence[Path | str],
    date_from: date,
    date_to: date | None = None,
    outlets: Sequence[str] | None = None,
    doc_type: str = "journal",
    names: Sequence[str] | None = None,
    gateway: QboGateway | None = None,
) -> Reconciliation:
    """Reconcile every (date, outlet, document) of the period across POS, ledger and QuickBooks.

    Raises ``ExportRejected`` for bad POS files, ``ReconcileError`` when not connected,
    ``ReconnectNeeded`` / ``QboError`` when QuickBooks cannot be asked.
    """
    date_to = date_to or date_from
    if doc_type not in ENTITY:
        raise ValueError(f"doc_type must be journal or receipt, not {doc_type!r}")
    realm = connected_realm(config, store)
    # a year builds ~half a million small acyclic records: no cycle hunting meanwhile
    with cycle_collection_paused():
        return _reconcile(config, store, realm, sources, date_from, date_to, outlets, doc_type,
                          names, gateway)  # fmt: skip


def _reconcile(config, store, realm, sources, date_from, date_to, outlets, doc_type, names,
               gateway) -> Reconciliation:  # fmt: skip
    pos = _pos_now(store, sources, names, date_from, date_to, outlets, doc_type)
    rows = ledger.ledger_rows(
        store, realm_id=realm, date_from=date_from, date_to=date_to, outlets=outlets
    )
    kinds = FAMILY[doc_type]  # receipts: the day's sales and refund receipts together
    sent = {r.doc_number: r for r in rows if r.doc_type in kinds and not _is_adjustment(r)}
    adjust_rows = [r for r in rows if _is_adjustment(r) and r.status == "posted"]
    gateway = gateway or gateway_for(config, store)
    by_id = {}  # adjusting entries are journals too
    for entity in (ENTITY[k] for k in kinds):
        by_id.update(
            {f"{entity}:{o['Id']}": o for o in _qbo_now(gateway, entity, date_from, date_to)}
        )
    wanted = [
        (ENTITY[r.doc_type], r.qbo_id, r)
        for r in sent.values()
        if r.status == "posted" and r.qbo_id
    ]
    wanted += [("JournalEntry", r.qbo_id, r) for r in adjust_rows if r.qbo_id]
    missing = [(e, i) for e, i, _ in wanted if f"{e}:{i}" not in by_id]
    posted_at = [r.posted_at for _, _, r in wanted if r.posted_at]
    deleted = (
        _deleted_ids(gateway, sorted({e for e, _ in missing}), datetime.fromisoformat(min(posted_at)))
        if missing and posted_at else set()
    )  # fmt: skip
    for e, i in missing:
        if deleted is not None and f"{e}:{i}" in deleted:
            continue
        obj = gateway.read(e, i)
        if obj is not None:  # moved out of the period or its TxnDate changed: still there
            by_id[f"{e}:{i}"] = obj
    qbo_by_number: dict[str, dict] = {}
    others: dict[str, dict] = {}  # our DocNumber on something not written for it: a conflict
    for obj in by_id.values():
        number = str(obj.get("DocNumber", ""))
        if not OUR_DOC_NUMBER.match(number):
            continue
        mine = note_identity(obj.get("PrivateNote"), number, pos.numbers) is not None
        (qbo_by_number if mine else others).setdefault(number, obj)
    for r in sent.values():  # the very document the ledger sent, even if another shares its number
        if r.qbo_id and f"{ENTITY[r.doc_type]}:{r.qbo_id}" in by_id:
            qbo_by_number[r.doc_number] = by_id[f"{ENTITY[r.doc_type]}:{r.qbo_id}"]
    adjustments = _adjustments(by_id, adjust_rows)
    accepted = _acceptances(store, realm, date_from, date_to)
    sharing = _sharing_one_document(sent.values())
    as_other = _sent_as_other_type(rows, doc_type)

    numbers = set(pos.sides) | set(sent) | set(qbo_by_number) | set(others)
    checks = []
    for number in numbers:
        row, qbo = sent.get(number), qbo_by_number.get(number)
        kind = pos.kinds.get(number) or (row.doc_type if row is not None else doc_type)
        if number in pos.identity:
            day, outlet, key = pos.identity[number]
        elif row is not None:
            day, outlet, key = row.business_date, row.outlet, row.doc_key
        elif qbo is not None:
            noted = note_identity(qbo.get("PrivateNote"), number, pos.numbers)
            day, outlet, key = noted.business_date, noted.outlet, noted.doc_key  # type: ignore[union-attr]
            kind = noted.doc_type  # type: ignore[union-attr]
        else:  # only a conflicting document: no outlet name behind its DocNumber
            day, outlet, key = _number_day(number), f"(outlet of {number})", ""  # type: ignore[assignment]
            if day is None:
                continue
        if outlets and outlet not in outlets:
            continue
        if not (date_from <= day <= date_to):
            continue
        sent_side = None
        if row is not None and row.status == "posted" and row.payload:
            sent_side = Side(lines_from_qbo(row.payload), row.qbo_id, row.sync_token)
        note = pos.notes.get(number, "")
        if row is None and (day, outlet) in as_other:  # never sent as this type: why not
            note = "; ".join(n for n in (as_other[(day, outlet)], note) if n)
        src = Sources(
            business_date=day, outlet=outlet, doc_type=kind, doc_key=key, doc_number=number,
            pos=pos.sides.get(number), sent=sent_side, qbo=_side(qbo) if qbo else None,
            ledger_status=row.status if row else None, ledger_message=row.message if row else "",
            handed_over=bool(row and (row.attempts or row.qbo_id)),
            taken_by=taken_by(others[number]) if number in others else "",
            pos_note=note, adjustments=adjustments.get(number, ()),
            accepted=accepted.get((day, outlet, kind, key), {}),
            mapping_saved=pos.mapping_saved, shares_qbo_with=sharing.get(number, ""),
        )  # fmt: skip
        checks.append(reconcile_document(src))
    checks.sort(key=lambda c: (c.business_date, c.outlet, c.doc_key))
    return Reconciliation(realm, date_from, date_to, doc_type, tuple(checks), utc_now(),
                          export_ties=pos.export_ties)  # fmt: skip


def _sharing_one_document(rows) -> dict[str, str]:
    """DocNumber -> the other DocNumbers the ledger records as the same QuickBooks document."""
    by_id: dict[tuple[str, str], list[str]] = {}  # Ids are per entity in QuickBooks
    for r in rows:
        if r.status == "posted" and r.qbo_id:
            by_id.setdefault((ENTITY.get(r.doc_type, r.doc_type), r.qbo_id), []).append(
                r.doc_number
            )
    return {
        n: ", ".join(o for o in numbers if o != n)
        for numbers in by_id.values()
        if len(numbers) > 1
        for n in numbers
    }


def _is_adjustment(row: ledger.LedgerRow) -> bool:
    return row.doc_key.startswith(ADJUST_KEY)


def _adjustments(by_id: dict[str, dict], rows: list) -> dict[str, tuple[tuple[str, Side | None], ...]]:  # fmt: skip
    """Adjusting entries per original DocNumber: the ledger's (None when deleted) and any found."""
    out: dict[str, dict[str, Side | None]] = {}
    for row in rows:
        match = _ADJUSTMENT.match(row.doc_number)
        if match:
            obj = by_id.get(f"JournalEntry:{row.qbo_id}")
            out.setdefault(match["original"], {})[row.doc_number] = _side(obj) if obj else None
    for key, obj in by_id.items():
        match = _ADJUSTMENT.match(str(obj.get("DocNumber", "")))
        if key.startswith("JournalEntry:") and match:
            out.setdefault(match["original"], {})[obj["DocNumber"]] = _side(obj)
    return {n: tuple(sorted(a.items())) for n, a in out.items()}


def gateway_for(config: Config, store: Store) -> QboGateway:
    """A gateway on the connected company."""
    from posbooks.qbo.gateway import open_gateway

    return open_gateway(config, store)


# --- acceptances -------------------------------------------------------------------


def _acceptances(store: Store, realm: str, date_from: date, date_to: date) -> dict:
    with store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM reconcile_acceptance WHERE realm_id=? AND business_date BETWEEN ? AND ?",
            (realm, date_from.isoformat(), date_to.isoformat()),
        ).fetchall()
    out: dict[tuple, dict[str, str]] = {}
    for r in rows:
        key = (date.fromisoformat(r["business_date"]), r["outlet"], r["doc_type"], r["doc_key"])
        when = r["accepted_at"][:16].replace("T", " ")
        out.setdefault(key, {})[r["fingerprint"]] = (
            f"by {r['accepted_by']} on {when} UTC: {r['reason']}"
        )
    return out


__all__ = [
    "DocumentCheck",
    "ReconcileError",
    "Reconciliation",
    "reconcile",
    "to_csv",
    "to_json",
]
